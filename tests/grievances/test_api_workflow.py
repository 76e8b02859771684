"""REST API v1 for grievances: workflow steps, extensions and mediation."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from grievances.models import ExtensionRequest, GrievanceEvent, PersonalDataView
from parks.structure.choices import Role
from tests.factories import GrievanceFactory, OrganisationFactory, UserFactory
from tests.grievances import api_helpers as shared
from tests.grievances.api_helpers import url

# The shared fixtures, bound here so pytest finds them by name.
assigned = shared.assigned
unit = shared.unit


pytestmark = pytest.mark.django_db


RECEIVED = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


# --- Workflow steps ---------------------------------------------------------------------------


def test_the_whole_loop_over_the_api(api_as, office_user, member_unit_user, unit, park):
    grievance = GrievanceFactory(park=park)
    office, staff = api_as(office_user), None

    def step(client, name, payload=None, expected=200):
        response = client.post(url(grievance, name), payload or {})
        assert response.status_code == expected, response.json()
        return response.json()

    body = step(office, "assign", {"unit": unit.pk, "handler": member_unit_user.pk})
    assert (body["status"], body["handling_unit_name"]) == ("assigned", "区总工会")
    staff = api_as(member_unit_user)
    assert step(staff, "accept")["status"] == "accepted"
    assert step(staff, "start", {"note": "已联系用人单位"})["status"] == "in_progress"
    assert step(staff, "reply", {"note": "已补发工资"})["reply"] == "已补发工资"
    office = api_as(office_user)
    body = step(office, "follow-up", {"satisfaction": "satisfied", "rectified": True})
    assert (body["status"], body["satisfaction"], body["rectified"]) == (
        "followed_up",
        "satisfied",
        True,
    )
    body = step(office, "close")
    assert body["status"] == "closed" and body["deadline_flag"] in ("done", "breached")

    events = office.get(url(grievance, "events")).json()
    assert [(e["action"], e["to_status"]) for e in events] == [
        ("assign", "assigned"),
        ("accept", "accepted"),
        ("start", "in_progress"),
        ("reply", "replied"),
        ("follow_up", "followed_up"),
        ("close", "closed"),
    ]
    assert events[1]["actor_name"] == str(member_unit_user)
    assert events[0]["action_display"] and events[0]["action_display"] != "assign"


def test_return_reopen_and_withdraw(api_as, office_user, member_unit_user, unit, park):
    returned = GrievanceFactory(park=park, status="accepted", handling_unit=unit)
    unsatisfied = GrievanceFactory(
        park=park,
        status="followed_up",
        handling_unit=unit,
        responded_at=RECEIVED,
        resolved_at=RECEIVED + timedelta(days=1),
        satisfaction="unsatisfied",
    )
    withdrawn = GrievanceFactory(park=park)

    staff = api_as(member_unit_user)
    assert staff.post(url(returned, "return"), {"note": "不属本单位职责"}).json()["status"] == (
        "returned"
    )
    office = api_as(office_user)
    body = office.post(url(unsatisfied, "reopen"), {"note": "职工仍不满意"}).json()
    # Reopening clears the satisfaction: it reads null, not a blank outside its enum.
    assert (body["status"], body["satisfaction"]) == ("in_progress", None)
    assert office.post(url(withdrawn, "withdraw"), {"note": "职工撤回"}).json()["status"] == (
        "withdrawn"
    )


def test_an_illegal_move_is_a_409_with_a_message(api_as, office_user, park):
    grievance = GrievanceFactory(park=park, status="withdrawn")

    response = api_as(office_user).post(url(grievance, "accept"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "A grievance that is “Withdrawn” cannot be given the step “Accept”."
    }
    assert not GrievanceEvent.objects.exists()


def test_closing_an_unsatisfied_grievance_is_a_409(api_as, office_user, unit, park):
    grievance = GrievanceFactory(
        park=park,
        status="followed_up",
        handling_unit=unit,
        responded_at=RECEIVED,
        resolved_at=RECEIVED + timedelta(days=1),
        satisfaction="unsatisfied",
    )
    assert api_as(office_user).post(url(grievance, "close")).status_code == 409


@pytest.mark.parametrize(
    ("status", "step"),
    [("accepted", "return"), ("in_progress", "reply"), ("received", "withdraw")],
)
def test_a_step_that_must_say_why_without_a_note_is_a_400(
    api_as, office_user, unit, park, status, step
):
    grievance = GrievanceFactory(
        park=park,
        status=status,
        handling_unit=unit if status != "received" else None,
        responded_at=RECEIVED if status != "received" else None,
    )
    client = api_as(office_user)
    for payload in ({}, {"note": "  "}):
        response = client.post(url(grievance, step), payload)
        assert response.status_code == 400 and "note" in response.json()
    grievance.refresh_from_db()
    assert grievance.status == status


def test_field_errors_of_a_step_are_400s(api_as, office_user, unit, park):
    received = GrievanceFactory(park=park)
    replied = GrievanceFactory(
        park=park,
        status="replied",
        handling_unit=unit,
        responded_at=RECEIVED,
        resolved_at=RECEIVED + timedelta(days=1),
    )
    client = api_as(office_user)
    stranger = UserFactory(role=Role.MEMBER_UNIT, organisation=OrganisationFactory())
    assert client.post(url(received, "assign"), {}).status_code == 400
    wrong_handler = client.post(url(received, "assign"), {"unit": unit.pk, "handler": stranger.pk})
    assert wrong_handler.status_code == 400 and "handler" in wrong_handler.json()
    bad = client.post(url(replied, "follow-up"), {"satisfaction": "delighted"})
    assert bad.status_code == 400 and "satisfaction" in bad.json()


def test_office_steps_are_refused_to_units_and_unit_steps_to_other_units(
    api_as, member_unit_user, assigned, park
):
    received = GrievanceFactory(park=park)
    outsider = UserFactory(role=Role.MEMBER_UNIT, organisation=OrganisationFactory())
    unit_client = api_as(member_unit_user)
    assert unit_client.post(url(received, "assign"), {"unit": 1}).status_code in (400, 403)
    assert unit_client.post(url(assigned, "withdraw"), {"note": "x"}).status_code == 403
    assert api_as(outsider).post(url(assigned, "accept")).status_code == 403
    assigned.refresh_from_db()
    assert assigned.status == "assigned"


def test_a_step_answer_is_masked_unless_unmasked(api_as, member_unit_user, assigned):
    client = api_as(member_unit_user)
    body = client.post(url(assigned, "accept")).json()
    assert body["complainant_name"] == "张**"
    body = client.post(f"{url(assigned, 'start')}?unmask=true", {}).json()
    assert body["complainant_name"] == "张三丰"
    assert PersonalDataView.objects.count() == 1


# --- Extensions -------------------------------------------------------------------------------


def test_extensions_are_requested_and_approved(api_as, office_user, member_unit_user, unit, park):
    grievance = GrievanceFactory(
        park=park, status="in_progress", handling_unit=unit, responded_at=RECEIVED
    )
    staff = api_as(member_unit_user)

    asked = staff.post(url(grievance, "extensions"), {"days": 7, "reason": "等待仲裁"})
    assert asked.status_code == 201 and asked.json()["state"] == "pending"
    again = staff.post(url(grievance, "extensions"), {"days": 3, "reason": "再等等"})
    assert again.status_code == 409
    assert staff.post(url(grievance, "extensions"), {"days": 99, "reason": "x"}).status_code == 400
    assert [e["days"] for e in staff.get(url(grievance, "extensions")).json()] == [7]

    extension_url = f"/api/v1/extensions/{asked.json()['id']}/"
    assert staff.post(extension_url + "approve/").status_code == 403
    office = api_as(office_user)
    assert [
        e["id"] for e in office.get("/api/v1/extensions/", {"state": "pending"}).json()["results"]
    ] == [asked.json()["id"]]
    approved = office.post(extension_url + "approve/", {"note": "同意"})
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    assert office.post(extension_url + "reject/").status_code == 409
    grievance.refresh_from_db()
    assert grievance.resolution_due_at == RECEIVED + timedelta(days=15 + 7)
    assert ExtensionRequest.objects.get().decided_by == office_user


def test_extensions_out_of_scope_are_404(api_as, liaison, other_park, unit):
    grievance = GrievanceFactory(park=other_park, status="in_progress", handling_unit=unit)
    extension = ExtensionRequest.objects.create(
        grievance=grievance, requested_by=UserFactory(), days=3, reason="x"
    )
    client = api_as(liaison)
    assert client.get(f"/api/v1/extensions/{extension.pk}/").status_code == 404
    assert client.get(url(grievance, "extensions")).status_code == 404


# --- Mediation --------------------------------------------------------------------------------


def test_mediation_over_the_api(api_as, member_unit_user, unit, park):
    grievance = GrievanceFactory(
        park=park,
        status="in_progress",
        handling_unit=unit,
        category="labour_dispute",
        responded_at=RECEIVED,
    )
    client = api_as(member_unit_user)
    assert client.get(url(grievance, "mediation")).status_code == 404

    applied_on = timezone.localdate() - timedelta(days=20)
    opened = client.post(
        url(grievance, "mediation"),
        {"applied_on": applied_on.isoformat(), "parties": "职工李某\n某商行", "mediator": 0},
    )
    assert opened.status_code == 400 and "mediator" in opened.json()
    opened = client.post(
        url(grievance, "mediation"),
        {
            "applied_on": applied_on.isoformat(),
            "parties": "职工李某\n某商行",
            "mediator": member_unit_user.pk,
        },
    )
    assert opened.status_code == 201, opened.json()
    body = opened.json()
    # Issue 11: the API opened arbitration on day 15 itself, a day before the page; the day of
    # application is not counted, so it opens the day after the 15 days (grievances.policy).
    assert body["arbitration_available_on"] == (applied_on + timedelta(days=16)).isoformat()
    assert body["may_seek_arbitration"] is True

    session = client.post(
        url(grievance, "mediation/sessions"),
        {"held_at": timezone.now().isoformat(), "place": "调解室"},
    )
    assert session.status_code == 201 and len(session.json()["sessions"]) == 1
    concluded = client.post(
        url(grievance, "mediation/conclude"), {"outcome": "agreement", "amount_agreed": "8000.00"}
    )
    assert concluded.status_code == 200, concluded.json()
    body = concluded.json()
    assert (body["outcome"], body["amount_agreed"], body["may_seek_arbitration"]) == (
        "agreement",
        "8000.00",
        False,
    )
    assert body["concluded_on"] == timezone.localdate().isoformat()
    again = client.post(url(grievance, "mediation/conclude"), {"outcome": "withdrawn"})
    assert again.status_code == 409


def test_a_fresh_mediation_may_not_yet_go_to_arbitration(api_as, office_user, unit, park):
    grievance = GrievanceFactory(
        park=park, status="in_progress", handling_unit=unit, category="injury_subsidy"
    )
    body = (
        api_as(office_user)
        .post(
            url(grievance, "mediation"),
            {
                "applied_on": timezone.localdate().isoformat(),
                "parties": "甲\n乙",
                "mediator": office_user.pk,
            },
        )
        .json()
    )
    assert body["may_seek_arbitration"] is False


def test_only_disputes_go_to_mediation_409(api_as, office_user, unit, park):
    grievance = GrievanceFactory(park=park, status="in_progress", handling_unit=unit)
    response = api_as(office_user).post(
        url(grievance, "mediation"),
        {"applied_on": "2026-06-01", "parties": "甲\n乙", "mediator": office_user.pk},
    )
    assert response.status_code == 409
