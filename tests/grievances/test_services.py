"""The grievance workflow, intake, time limits, extensions, mediation and surveys (services)."""

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings

from grievances import services
from grievances.choices import (
    ACTIONS_NEEDING_NOTE,
    OFFICE_ACTIONS,
    UNIT_ACTIONS,
    Action,
    Status,
)
from grievances.models import (
    Attachment,
    ExtensionRequest,
    Grievance,
    GrievanceEvent,
    Mediation,
    PersonalDataView,
    SurveyCampaign,
    TimeLimitPolicy,
)
from parks.choices import Role
from tests.factories import (
    GridZoneFactory,
    GrievanceFactory,
    OrganisationFactory,
    SurveyCampaignFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

RECEIVED_AT = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

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


@pytest.fixture
def unit():
    return OrganisationFactory(name="区人社局")


@pytest.fixture
def unit_user(unit):
    return UserFactory(role=Role.MEMBER_UNIT, organisation=unit)


@pytest.fixture
def other_unit_user():
    return UserFactory(role=Role.MEMBER_UNIT, organisation=OrganisationFactory(name="区总工会"))


def grievance_in(status, unit, **fields):
    """A grievance in `status` carrying what that status implies (unit, times, satisfaction)."""
    values = {"status": status, "received_at": RECEIVED_AT}
    if status != Status.RECEIVED:
        values["handling_unit"] = unit
    if status in (Status.ACCEPTED, Status.IN_PROGRESS, Status.REPLIED, Status.FOLLOWED_UP):
        values["responded_at"] = RECEIVED_AT + timedelta(hours=2)
    if status in (Status.REPLIED, Status.FOLLOWED_UP, Status.CLOSED):
        values.update(
            responded_at=RECEIVED_AT + timedelta(hours=2),
            resolved_at=RECEIVED_AT + timedelta(days=3),
            reply="已补发工资。",
        )
    if status in (Status.FOLLOWED_UP, Status.CLOSED):
        values["satisfaction"] = "satisfied"
    if status == Status.CLOSED:
        values["closed_at"] = RECEIVED_AT + timedelta(days=4)
    values.update(fields)
    return GrievanceFactory(**values)


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
    assert len(EVERY_STEP) == len(Action) * len(Status) == 81
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


def test_a_returned_grievance_loses_its_handler_and_keeps_its_first_response_time(
    office_user, unit, unit_user
):
    grievance = grievance_in(Status.ACCEPTED, unit, handler=unit_user)
    first_response = grievance.responded_at

    services.grievance_return(grievance=grievance, actor=unit_user, note="非本单位")
    services.grievance_assign(grievance=grievance, actor=office_user, unit=unit)
    services.grievance_accept(grievance=grievance, actor=unit_user)

    grievance.refresh_from_db()
    assert grievance.responded_at == first_response
    assert grievance.handler == unit_user


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


# --- Intake and deadlines ---------------------------------------------------------------------


def _new(park, **fields):
    values = {
        "park": park,
        "channel": "gm_mailbox",
        "category": "wages",
        "title": "拖欠工资",
        "description": "两个月没发工资。",
        "received_at": RECEIVED_AT,
    }
    values.update(fields)
    return Grievance(**values)


def test_deadlines_come_from_the_categorys_policy_at_receipt(office_user, park):
    policy = TimeLimitPolicy.objects.create(
        category="wages", respond_within_hours=8, resolve_within_days=5
    )

    grievance = services.grievance_receive(grievance=_new(park), actor=office_user)

    assert grievance.response_due_at == RECEIVED_AT + timedelta(hours=8)
    assert grievance.resolution_due_at == RECEIVED_AT + timedelta(days=5)
    # A later change of the policy applies to grievances received from then on.
    policy.resolve_within_days = 30
    services.policy_save(policy=policy, actor=office_user)
    grievance.refresh_from_db()
    assert grievance.resolution_due_at == RECEIVED_AT + timedelta(days=5)


@override_settings(GRIEVANCE_DEFAULT_RESPOND_HOURS=24, GRIEVANCE_DEFAULT_RESOLVE_DAYS=15)
def test_without_a_policy_the_defaults_apply(office_user, park):
    TimeLimitPolicy.objects.create(category="safety", respond_within_hours=2, resolve_within_days=1)

    grievance = services.grievance_receive(grievance=_new(park), actor=office_user)

    assert grievance.response_due_at == RECEIVED_AT + timedelta(hours=24)
    assert grievance.resolution_due_at == RECEIVED_AT + timedelta(days=15)


def test_receiving_writes_the_first_event_and_who_logged_it(liaison, park):
    grievance = services.grievance_receive(
        grievance=_new(park, channel="liaison_visit"), actor=liaison
    )
    assert (grievance.status, grievance.logged_by, grievance.channel) == (
        "received",
        liaison,
        "liaison_visit",
    )
    event = GrievanceEvent.objects.get(grievance=grievance)
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        "receive",
        "",
        "received",
        liaison,
    )


def test_a_worker_on_the_public_page_always_comes_in_online(park):
    grievance = services.grievance_receive(grievance=_new(park, channel="forum"), actor=None)
    assert grievance.channel == "online" and grievance.logged_by is None
    assert GrievanceEvent.objects.get().actor is None


def test_liaisons_log_only_in_their_own_park(liaison, other_park, subdistrict_user, park):
    with pytest.raises(PermissionDenied):
        services.grievance_receive(grievance=_new(other_park), actor=liaison)
    with pytest.raises(PermissionDenied):
        services.grievance_receive(grievance=_new(park), actor=subdistrict_user)
    assert not Grievance.objects.exists()


def test_a_grid_zone_or_survey_of_another_park_is_refused(office_user, park, other_park):
    zone = GridZoneFactory(park=other_park)
    survey = SurveyCampaignFactory(park=other_park)
    with pytest.raises(ValidationError) as wrong_zone:
        services.grievance_receive(grievance=_new(park, grid_zone=zone), actor=office_user)
    with pytest.raises(ValidationError) as wrong_survey:
        services.grievance_receive(
            grievance=_new(park, channel="survey", survey=survey), actor=office_user
        )
    assert "grid_zone" in wrong_zone.value.message_dict
    assert "survey" in wrong_survey.value.message_dict
    assert not Grievance.objects.exists()


# --- Attachments ------------------------------------------------------------------------------


def test_real_photos_and_pdfs_are_attached(office_user, park):
    grievance = services.grievance_receive(
        grievance=_new(park),
        actor=office_user,
        files=[
            SimpleUploadedFile("工资条.jpg", JPG, content_type="image/jpeg"),
            SimpleUploadedFile("合同.pdf", PDF, content_type="application/pdf"),
        ],
    )
    assert sorted(grievance.attachments.values_list("original_name", "size")) == sorted(
        [("工资条.jpg", len(JPG)), ("合同.pdf", len(PDF))]
    )


@pytest.mark.parametrize(
    "upload",
    [
        pytest.param(lambda: SimpleUploadedFile("x.jpg", b"MZ\x90\x00" * 16), id="fake-image"),
        pytest.param(lambda: SimpleUploadedFile("x.exe", b"MZ\x90\x00" * 16), id="program"),
        pytest.param(
            lambda: SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"\0" * (50 * 1024 * 1024)),
            id="50MB",
        ),
    ],
)
def test_a_bad_file_refuses_the_whole_grievance(office_user, park, upload):
    good = SimpleUploadedFile("ok.pdf", PDF)

    with pytest.raises(ValidationError) as refused:
        services.grievance_receive(grievance=_new(park), actor=office_user, files=[good, upload()])

    assert "attachments" in refused.value.message_dict
    assert not Grievance.objects.exists()
    assert not Attachment.objects.exists()
    assert not GrievanceEvent.objects.exists()


@override_settings(GRIEVANCE_ATTACHMENT_MAX_BYTES=1024)
def test_the_size_limit_comes_from_the_settings(office_user, park):
    with pytest.raises(ValidationError):
        services.grievance_receive(
            grievance=_new(park),
            actor=office_user,
            files=[SimpleUploadedFile("big.pdf", PDF + b"\0" * 2048)],
        )
    assert not Grievance.objects.exists()


def test_more_than_five_files_are_refused(office_user, park):
    files = [SimpleUploadedFile(f"{n}.pdf", PDF) for n in range(6)]
    with pytest.raises(ValidationError):
        services.grievance_receive(grievance=_new(park), actor=office_user, files=files)
    assert not Grievance.objects.exists()


# --- Extensions -------------------------------------------------------------------------------


def test_an_approved_extension_moves_the_resolution_deadline(office_user, unit, unit_user):
    grievance = grievance_in(Status.IN_PROGRESS, unit)
    deadline = grievance.resolution_due_at

    extension = services.extension_request(
        grievance=grievance, actor=unit_user, days=7, reason="需要等待工伤认定结论"
    )
    services.extension_decide(extension=extension, actor=office_user, approve=True)

    grievance.refresh_from_db()
    extension.refresh_from_db()
    assert grievance.resolution_due_at == deadline + timedelta(days=7)
    assert (extension.state, extension.decided_by) == ("approved", office_user)
    assert list(grievance.events.values_list("action", flat=True)) == [
        "extension_requested",
        "extension_approved",
    ]


def test_a_rejected_extension_leaves_the_deadline(office_user, unit, unit_user):
    grievance = grievance_in(Status.ACCEPTED, unit)
    deadline = grievance.resolution_due_at
    extension = services.extension_request(
        grievance=grievance, actor=unit_user, days=3, reason="材料未齐"
    )
    services.extension_decide(extension=extension, actor=office_user, approve=False)
    grievance.refresh_from_db()
    assert grievance.resolution_due_at == deadline
    with pytest.raises(ValidationError):
        services.extension_decide(extension=extension, actor=office_user, approve=True)


def test_only_one_extension_request_waits_at_a_time(office_user, unit, unit_user):
    grievance = grievance_in(Status.IN_PROGRESS, unit)
    first = services.extension_request(grievance=grievance, actor=unit_user, days=3, reason="甲")

    with pytest.raises(ValidationError) as refused:
        services.extension_request(grievance=grievance, actor=unit_user, days=5, reason="乙")

    assert not hasattr(refused.value, "error_dict"), "refused for the state, not a field"
    assert "already waiting" in refused.value.messages[0]
    assert ExtensionRequest.objects.count() == 1
    services.extension_decide(extension=first, actor=office_user, approve=False)
    services.extension_request(grievance=grievance, actor=unit_user, days=5, reason="乙")
    assert ExtensionRequest.objects.count() == 2


def test_extensions_are_asked_by_the_unit_while_handling_and_decided_by_the_office(
    unit, unit_user, other_unit_user
):
    assigned = grievance_in(Status.ASSIGNED, unit)
    handled = grievance_in(Status.IN_PROGRESS, unit)
    with pytest.raises(ValidationError):
        services.extension_request(grievance=assigned, actor=unit_user, days=3, reason="原因")
    with pytest.raises(PermissionDenied):
        services.extension_request(grievance=handled, actor=other_unit_user, days=3, reason="x")
    with pytest.raises(ValidationError):
        services.extension_request(grievance=handled, actor=unit_user, days=3, reason="  ")
    extension = services.extension_request(
        grievance=handled, actor=unit_user, days=3, reason="原因"
    )
    with pytest.raises(PermissionDenied):
        services.extension_decide(extension=extension, actor=unit_user, approve=True)


# --- Mediation, surveys, policies, the personal-data log --------------------------------------


def test_mediation_of_a_dispute_from_opening_to_agreement(unit, unit_user):
    grievance = grievance_in(Status.IN_PROGRESS, unit, category="labour_dispute")
    mediation = services.mediation_open(
        grievance=grievance,
        actor=unit_user,
        applied_on=date(2026, 6, 2),
        parties="职工李某\n某建材商行",
        mediator=unit_user,
    )
    services.mediation_session_add(
        mediation=mediation, actor=unit_user, held_at=RECEIVED_AT + timedelta(days=3)
    )
    services.mediation_conclude(
        mediation=mediation,
        actor=unit_user,
        outcome="agreement",
        concluded_on=date(2026, 6, 10),
        amount_agreed=12000,
    )
    mediation.refresh_from_db()
    assert (mediation.outcome, mediation.amount_agreed, mediation.sessions.count()) == (
        "agreement",
        12000,
        1,
    )
    with pytest.raises(ValidationError):
        services.mediation_session_add(
            mediation=mediation, actor=unit_user, held_at=RECEIVED_AT + timedelta(days=20)
        )
    with pytest.raises(ValidationError):
        services.mediation_conclude(
            mediation=mediation,
            actor=unit_user,
            outcome="withdrawn",
            concluded_on=date(2026, 6, 20),
        )


def test_only_disputes_go_to_mediation(unit, unit_user):
    grievance = grievance_in(Status.IN_PROGRESS, unit, category="opinion")
    with pytest.raises(ValidationError):
        services.mediation_open(
            grievance=grievance,
            actor=unit_user,
            applied_on=date(2026, 6, 2),
            parties="甲\n乙",
            mediator=unit_user,
        )
    assert not Mediation.objects.exists()


def test_surveys_are_recorded_by_the_office_or_staff_of_their_park(
    liaison, park, other_park, office_user
):
    services.survey_save(
        survey=SurveyCampaign(
            park=park, title="满意度调查", held_on=date(2026, 5, 1), handed_out=900, returned=600
        ),
        actor=liaison,
    )
    with pytest.raises(PermissionDenied):
        services.survey_save(
            survey=SurveyCampaign(
                park=other_park, title="调查", held_on=date(2026, 5, 1), handed_out=9, returned=1
            ),
            actor=liaison,
        )
    with pytest.raises(ValidationError):
        services.survey_save(
            survey=SurveyCampaign(
                park=park, title="调查", held_on=date(2026, 5, 1), handed_out=9, returned=10
            ),
            actor=office_user,
        )
    assert SurveyCampaign.objects.count() == 1


def test_only_the_office_sets_time_limits(park_manager, office_user):
    with pytest.raises(PermissionDenied):
        services.policy_save(
            policy=TimeLimitPolicy(category="wages", respond_within_hours=8, resolve_within_days=5),
            actor=park_manager,
        )
    with pytest.raises(ValidationError):
        services.policy_save(
            policy=TimeLimitPolicy(category="wages", respond_within_hours=0, resolve_within_days=5),
            actor=office_user,
        )
    assert not TimeLimitPolicy.objects.exists()


def test_personal_data_views_are_logged_in_one_go(office_user, django_assert_num_queries):
    grievances = GrievanceFactory.create_batch(3)
    with django_assert_num_queries(1):
        services.record_personal_data_views(grievances=grievances, viewer=office_user, via="api")
    assert PersonalDataView.objects.filter(viewer=office_user, via="api").count() == 3
