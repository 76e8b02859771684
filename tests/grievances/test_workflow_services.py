"""The grievance workflow: allowed steps, who takes them, notes required, and races."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from grievances import workflow as services
from grievances.choices import ACTIONS_NEEDING_NOTE, OFFICE_ACTIONS, UNIT_ACTIONS, Action, Status
from grievances.models import Grievance, GrievanceEvent
from parks.structure.choices import Role
from tests.factories import OrganisationFactory, UserFactory
from tests.grievances import services_helpers as shared
from tests.grievances.services_helpers import grievance_in

# The shared fixtures, bound here so pytest finds them by name.
other_unit_user = shared.other_unit_user
unit = shared.unit
unit_user = shared.unit_user


pytestmark = pytest.mark.django_db


# The workflow of the issue, written out rather than read from ALLOWED_TRANSITIONS:
# (action, from status) -> to status.
ALLOWED = {
    ("assign", "received"): "assigned",
    ("assign", "returned"): "assigned",
    ("accept", "assigned"): "accepted",
    ("return", "assigned"): "returned",
    ("return", "accepted"): "returned",
    ("start", "accepted"): "in_progress",
    ("reply", "accepted"): "replied",
    ("reply", "in_progress"): "replied",
    ("follow_up", "replied"): "followed_up",
    ("close", "followed_up"): "closed",
    ("reopen", "followed_up"): "in_progress",
    **{
        ("withdraw", status): "withdrawn"
        for status in ("received", "assigned", "accepted", "in_progress", "returned", "replied")
    },
}


EVERY_STEP = [(action, status) for action in Action.values for status in Status.values]


# A status each step may be taken from, for the role and note checks.
SOURCE = {action: status for (action, status) in sorted(ALLOWED, reverse=True)}


def step_arguments(action, unit):
    arguments = {"note": "电话沟通后处理"}
    if action == Action.ASSIGN:
        arguments["unit"] = unit
    if action == Action.FOLLOW_UP:
        arguments["satisfaction"] = "satisfied"
    return arguments


def _row(grievance):
    return Grievance.objects.values().get(pk=grievance.pk)


# --- The transition matrix --------------------------------------------------------------------


@pytest.mark.parametrize(("action", "from_status"), sorted(ALLOWED))
def test_an_allowed_step_moves_the_grievance_and_writes_an_event(
    office_user, unit, action, from_status
):
    grievance = grievance_in(from_status, unit)

    moved = services.STEP_SERVICES[action](
        grievance=grievance, actor=office_user, **step_arguments(action, unit)
    )

    grievance.refresh_from_db()
    assert moved.status == grievance.status == ALLOWED[action, from_status]
    event = GrievanceEvent.objects.get(grievance=grievance)
    assert (event.actor, event.action, event.from_status, event.to_status) == (
        office_user,
        action,
        from_status,
        ALLOWED[action, from_status],
    )


@pytest.mark.parametrize(
    ("action", "from_status"), [step for step in EVERY_STEP if step not in ALLOWED]
)
def test_a_forbidden_step_is_refused_and_changes_nothing(office_user, unit, action, from_status):
    grievance = grievance_in(from_status, unit)
    before = _row(grievance)

    with pytest.raises(ValidationError) as refused:
        services.STEP_SERVICES[action](
            grievance=grievance, actor=office_user, **step_arguments(action, unit)
        )

    assert not hasattr(refused.value, "error_dict"), "a state refusal names no field"
    assert _row(grievance) == before
    assert not GrievanceEvent.objects.exists()


def test_the_matrix_covers_every_action_and_status():
    assert len(EVERY_STEP) == len(Action) * len(Status) == 90
    assert {action for action, _status in ALLOWED} == set(Action.values)


def test_each_step_records_its_times_and_people(office_user, unit, unit_user):
    grievance = grievance_in(Status.RECEIVED, unit)
    handler = UserFactory(role=Role.MEMBER_UNIT, organisation=unit)

    services.grievance_assign(grievance=grievance, actor=office_user, unit=unit, handler=handler)
    services.grievance_accept(grievance=grievance, actor=unit_user)
    grievance.refresh_from_db()
    assert grievance.handler == handler and grievance.responded_at is not None
    services.grievance_reply(grievance=grievance, actor=unit_user, note="已补发")
    grievance.refresh_from_db()
    assert grievance.reply == "已补发" and grievance.resolved_at is not None
    services.grievance_follow_up(
        grievance=grievance,
        actor=office_user,
        satisfaction="basically_satisfied",
        rectified=True,
    )
    services.grievance_close(grievance=grievance, actor=office_user)
    grievance.refresh_from_db()
    assert (grievance.status, grievance.satisfaction, grievance.rectified) == (
        "closed",
        "basically_satisfied",
        True,
    )
    assert grievance.closed_at is not None
    assert list(grievance.events.values_list("action", flat=True)) == [
        "assign",
        "accept",
        "reply",
        "follow_up",
        "close",
    ]


def test_a_returned_grievance_loses_its_handler_and_its_response_time_is_the_final_acceptance(
    office_user, unit, unit_user, time_machine
):
    # This test used to expect the first response time to survive a return. That was issue
    # 12's bug: a grievance accepted and returned, or accepted 30 hours late by the next unit,
    # still looked answered on time. The response is now the final unit's acceptance.
    grievance = grievance_in(Status.ACCEPTED, unit, handler=unit_user)  # accepted after 2 h
    time_machine.move_to(grievance.received_at + timedelta(hours=3), tick=False)

    services.grievance_return(grievance=grievance, actor=unit_user, note="非本单位")
    grievance.refresh_from_db()
    assert grievance.responded_at is None and grievance.handler is None

    services.grievance_assign(grievance=grievance, actor=office_user, unit=unit)
    time_machine.move_to(grievance.received_at + timedelta(hours=30), tick=False)
    services.grievance_accept(grievance=grievance, actor=unit_user)

    grievance.refresh_from_db()
    assert grievance.responded_at == grievance.received_at + timedelta(hours=30)
    assert grievance.handler == unit_user


def test_every_follow_up_call_is_kept_when_the_grievance_is_reopened(office_user, unit, unit_user):
    grievance = grievance_in(Status.REPLIED, unit)

    services.grievance_follow_up(grievance=grievance, actor=office_user, satisfaction="unsatisfied")
    services.grievance_reopen(grievance=grievance, actor=office_user, note="职工不满意，重新办理")
    services.grievance_reply(grievance=grievance, actor=unit_user, note="已重新核算并补发")
    services.grievance_follow_up(grievance=grievance, actor=office_user, satisfaction="satisfied")

    grievance.refresh_from_db()
    assert grievance.satisfaction == "satisfied"  # the latest answer, which closing reads
    assert list(grievance.follow_ups.values_list("number", "satisfaction", "actor")) == [
        (1, "unsatisfied", office_user.pk),
        (2, "satisfied", office_user.pk),
    ]


# --- Who takes which step ---------------------------------------------------------------------


@pytest.mark.parametrize("action", sorted(OFFICE_ACTIONS))
def test_office_steps_are_refused_to_the_handling_unit(unit, unit_user, action):
    grievance = grievance_in(SOURCE[action], unit)
    before = _row(grievance)

    with pytest.raises(PermissionDenied):
        services.STEP_SERVICES[action](
            grievance=grievance, actor=unit_user, **step_arguments(action, unit)
        )

    assert _row(grievance) == before


@pytest.mark.parametrize("action", sorted(UNIT_ACTIONS))
def test_unit_steps_are_refused_to_another_units_staff(unit, other_unit_user, action):
    grievance = grievance_in(SOURCE[action], unit)
    before = _row(grievance)

    with pytest.raises(PermissionDenied):
        services.STEP_SERVICES[action](grievance=grievance, actor=other_unit_user, note="越权操作")

    assert _row(grievance) == before
    assert not GrievanceEvent.objects.exists()


@pytest.mark.parametrize("action", sorted(UNIT_ACTIONS))
def test_unit_steps_are_taken_by_the_handling_unit(unit, unit_user, action):
    grievance = grievance_in(SOURCE[action], unit)
    services.STEP_SERVICES[action](grievance=grievance, actor=unit_user, note="已处理")
    assert GrievanceEvent.objects.get().actor == unit_user


def test_a_liaison_of_the_park_cannot_take_the_units_steps(unit, liaison, park):
    grievance = grievance_in(Status.ASSIGNED, unit, park=park)
    with pytest.raises(PermissionDenied):
        services.grievance_accept(grievance=grievance, actor=liaison)


# --- Notes, satisfaction, assignment checks ---------------------------------------------------


@pytest.mark.parametrize("blank", ["", "   \n"])
@pytest.mark.parametrize("action", sorted(ACTIONS_NEEDING_NOTE))
def test_steps_that_must_say_why_refuse_a_blank_note(office_user, unit, action, blank):
    grievance = grievance_in(SOURCE[action], unit)
    before = _row(grievance)

    with pytest.raises(ValidationError) as refused:
        services.STEP_SERVICES[action](grievance=grievance, actor=office_user, note=blank)

    assert "note" in refused.value.message_dict
    assert _row(grievance) == before
    assert not GrievanceEvent.objects.exists()


def test_a_follow_up_must_record_satisfaction(office_user, unit):
    grievance = grievance_in(Status.REPLIED, unit)
    with pytest.raises(ValidationError) as refused:
        # grievance_act took satisfaction as an optional argument; the step's own service
        # requires it, and an empty answer is still refused.
        services.grievance_follow_up(grievance=grievance, actor=office_user, satisfaction="")
    assert "satisfaction" in refused.value.message_dict
    grievance.refresh_from_db()
    assert grievance.status == Status.REPLIED


def test_an_unsatisfied_worker_blocks_closing_and_reopening_clears_the_answer(office_user, unit):
    grievance = grievance_in(Status.FOLLOWED_UP, unit, satisfaction="unsatisfied")

    with pytest.raises(ValidationError):
        services.grievance_close(grievance=grievance, actor=office_user)
    grievance.refresh_from_db()
    assert grievance.status == Status.FOLLOWED_UP and grievance.closed_at is None

    services.grievance_reopen(grievance=grievance, actor=office_user, note="职工不满意，重新办理")
    grievance.refresh_from_db()
    assert (grievance.status, grievance.satisfaction, grievance.resolved_at) == (
        Status.IN_PROGRESS,
        "",
        None,
    )


def test_assigning_needs_an_active_unit_and_a_handler_of_that_unit(office_user, unit):
    grievance = grievance_in(Status.RECEIVED, unit)
    closed_unit = OrganisationFactory(is_active=False)
    stranger = UserFactory(role=Role.MEMBER_UNIT, organisation=OrganisationFactory())

    with pytest.raises(ValidationError) as no_unit:
        services.grievance_assign(grievance=grievance, actor=office_user, unit=None)
    with pytest.raises(ValidationError) as inactive:
        services.grievance_assign(grievance=grievance, actor=office_user, unit=closed_unit)
    with pytest.raises(ValidationError) as wrong_handler:
        services.grievance_assign(
            grievance=grievance, actor=office_user, unit=unit, handler=stranger
        )

    assert "unit" in no_unit.value.message_dict and "unit" in inactive.value.message_dict
    assert "handler" in wrong_handler.value.message_dict
    grievance.refresh_from_db()
    assert grievance.status == Status.RECEIVED and grievance.handling_unit is None


# --- Concurrency ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_people_accepting_at_once_accept_it_once():
    unit = OrganisationFactory()
    first, second = (UserFactory(role=Role.MEMBER_UNIT, organisation=unit) for _ in range(2))
    grievance = grievance_in(Status.ASSIGNED, unit)
    start = threading.Barrier(2)
    outcomes = []

    def accept(actor):
        try:
            start.wait(timeout=10)
            services.grievance_accept(grievance=grievance, actor=actor)
            outcomes.append("accepted")
        except ValidationError:
            outcomes.append("refused")
        except Exception as error:  # reported by the assertion below
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(actor,)) for actor in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["accepted", "refused"]
    assert GrievanceEvent.objects.filter(grievance=grievance, action="accept").count() == 1
    grievance.refresh_from_db()
    assert grievance.status == Status.ACCEPTED and grievance.handler in (first, second)
