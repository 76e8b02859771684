"""REST API v1 for grievances: intake, workflow steps, masking, scope, rates, surveys and more."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from grievances.models import (
    Attachment,
    ExtensionRequest,
    Grievance,
    GrievanceEvent,
    PersonalDataView,
    SurveyCampaign,
    TimeLimitPolicy,
)
from parks.choices import Role
from tests.factories import (
    GridZoneFactory,
    GrievanceFactory,
    OrganisationFactory,
    ParkFactory,
    SurveyCampaignFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
RECEIVED = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
LIST = "/api/v1/grievances/"


def url(grievance, step=""):
    return f"{LIST}{grievance.pk}/{step + '/' if step else ''}"


@pytest.fixture
def unit(member_unit_user):
    return member_unit_user.organisation


@pytest.fixture
def assigned(park, unit):
    return GrievanceFactory(park=park, status="assigned", handling_unit=unit)


def _payload(park, **fields):
    return {
        "park": park.pk,
        "channel": "gm_mailbox",
        "category": "wages",
        "title": "拖欠工资",
        "description": "两个月没发工资。",
        "complainant_name": "王小明",
        "complainant_phone": "13912345678",
        "complainant_employer": "某某建材商行",
        **fields,
    }


# --- Reading ----------------------------------------------------------------------------------


def test_anonymous_clients_are_refused(api_client):
    assert api_client.get(LIST).status_code == 401


def test_the_list_shows_flags_and_masks_personal_data(api_as, office_user, park, grid_zone):
    GrievanceFactory(park=park, grid_zone=grid_zone, complainant_employer="某某商行")

    body = api_as(office_user).get(LIST, HTTP_ACCEPT_LANGUAGE="en").json()

    [row] = body["results"]
    assert (row["park"], row["park_name"], row["grid_zone_code"]) == (park.pk, park.name, "G01")
    assert (row["complainant_name"], row["complainant_phone"]) == ("张**", "138****5678")
    assert row["complainant_employer"] == "***" and row["personal_data_masked"] is True
    assert (row["status"], row["status_display"]) == ("received", "Received")
    # Received in June 2026 and never accepted: the response limit has long passed.
    assert row["deadline_flag"] == "breached" and row["response_breached"] is True
    assert row["resolution_breached"] is True and row["due_soon"] is False
    assert not PersonalDataView.objects.exists()


def test_a_liaison_sees_only_their_parks_grievances(api_as, liaison, park, other_park):
    mine = GrievanceFactory(park=park)
    theirs = GrievanceFactory(park=other_park)
    client = api_as(liaison)

    assert [row["id"] for row in client.get(LIST).json()["results"]] == [mine.pk]
    assert client.get(url(theirs)).status_code == 404
    assert client.get(url(theirs, "events")).status_code == 404
    assert client.post(url(theirs, "withdraw"), {"note": "x"}).status_code == 404
    assert client.get(url(mine)).status_code == 200


def test_the_search_never_looks_at_the_complainant(api_as, office_user, park):
    grievance = GrievanceFactory(park=park, title="食堂卫生问题")
    client = api_as(office_user)

    def found(q):
        return [row["id"] for row in client.get(LIST, {"q": q}).json()["results"]]

    assert found("张三丰") == [] and found("13812345678") == []
    assert found("食堂") == [grievance.pk]
    assert found(grievance.tracking_code.lower()) == [grievance.pk]


def test_filters_by_status_flag_date_and_park(api_as, office_user, park, other_park, unit):
    received = GrievanceFactory(park=park)
    handled = GrievanceFactory(
        park=other_park,
        status="in_progress",
        handling_unit=unit,
        responded_at=timezone.now(),
        received_at=timezone.now() - timedelta(hours=1),
        response_due_at=timezone.now() + timedelta(hours=23),
        resolution_due_at=timezone.now() + timedelta(days=10),
    )
    client = api_as(office_user)

    def ids(**params):
        response = client.get(LIST, params)
        assert response.status_code == 200, response.json()
        return sorted(row["id"] for row in response.json()["results"])

    assert ids(status=["received", "in_progress"]) == sorted([received.pk, handled.pk])
    assert ids(status="in_progress") == [handled.pk]
    assert ids(flag="breached") == [received.pk]
    assert ids(flag="ok") == [handled.pk]
    assert ids(park=park.pk) == [received.pk]
    assert ids(handling_unit=unit.pk) == [handled.pk]
    assert ids(received_after=timezone.localdate().isoformat()) == [handled.pk]
    assert ids(received_before="2026-06-01") == [received.pk]
    assert client.get(LIST, {"flag": "purple"}).status_code == 400


def test_a_park_the_user_cannot_see_is_not_a_filter_value(api_as, liaison, other_park):
    response = api_as(liaison).get(LIST, {"park": other_park.pk})
    assert response.status_code == 400 and "park" in response.json()


def test_the_list_runs_the_same_queries_for_2_and_50_rows(api_as, office_user, unit):
    def count_queries(n):
        Grievance.objects.all().delete()
        for grievance in GrievanceFactory.create_batch(
            n, status="assigned", handling_unit=unit, handler=UserFactory()
        ):
            Attachment.objects.create(
                grievance=grievance,
                file=SimpleUploadedFile("a.jpg", JPG),
                original_name="a.jpg",
                size=len(JPG),
            )
        client = api_as(office_user)
        with CaptureQueriesContext(connection) as plain:
            assert len(client.get(LIST).json()["results"]) == n
        with CaptureQueriesContext(connection) as unmasked:
            assert len(client.get(LIST, {"unmask": "true"}).json()["results"]) == n
        return len(plain), len(unmasked)

    assert count_queries(2) == count_queries(50)


def test_a_script_in_the_description_comes_back_verbatim_as_json(api_as, office_user, park):
    script = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    response = api_as(office_user).post(LIST, _payload(park, description=script, title=script))
    assert response.status_code == 201
    assert response["Content-Type"] == "application/json"
    body = api_as(office_user).get(url(Grievance.objects.get())).json()
    assert body["description"] == script and body["title"] == script


# --- Masking and the personal-data log --------------------------------------------------------


def test_the_office_may_unmask_and_each_view_is_logged(api_as, office_user, park):
    first, second = GrievanceFactory.create_batch(2, park=park, complainant_employer="某商行")
    GrievanceFactory(park=park, complainant_name="", complainant_phone="")  # nothing to see

    rows = api_as(office_user).get(LIST, {"unmask": "true"}).json()["results"]

    shown = {row["id"]: row for row in rows}
    assert shown[first.pk]["complainant_name"] == "张三丰"
    assert shown[first.pk]["complainant_phone"] == "13812345678"
    assert shown[first.pk]["complainant_employer"] == "某商行"
    assert shown[first.pk]["personal_data_masked"] is False
    logged = PersonalDataView.objects.filter(viewer=office_user, via="api")
    assert sorted(logged.values_list("grievance_id", flat=True)) == sorted([first.pk, second.pk])


def test_a_liaison_asking_to_unmask_still_gets_masked_data_and_no_log(api_as, liaison, park):
    grievance = GrievanceFactory(park=park)

    listed = api_as(liaison).get(LIST, {"unmask": "true"}).json()["results"][0]
    detail = api_as(liaison).get(url(grievance), {"unmask": "true"}).json()

    for row in (listed, detail):
        assert (row["complainant_name"], row["complainant_phone"]) == ("张**", "138****5678")
        assert row["personal_data_masked"] is True
    assert not PersonalDataView.objects.exists()


def test_the_handling_unit_may_unmask_its_own_grievances_only(
    api_as, member_unit_user, assigned, park
):
    other = GrievanceFactory(park=park)  # visible to the unit (district-wide role), not its case

    rows = api_as(member_unit_user).get(LIST, {"unmask": "true"}).json()["results"]

    names = {row["id"]: row["complainant_name"] for row in rows}
    assert names == {assigned.pk: "张三丰", other.pk: "张**"}
    assert list(PersonalDataView.objects.values_list("grievance_id", "via")) == [
        (assigned.pk, "api")
    ]


def test_unmasking_without_asking_is_not_done(api_as, office_user, park):
    grievance = GrievanceFactory(park=park)
    body = api_as(office_user).get(url(grievance), {"unmask": "no"}).json()
    assert body["complainant_name"] == "张**" and not PersonalDataView.objects.exists()


# --- Logging a grievance ----------------------------------------------------------------------


def test_the_office_logs_a_grievance_and_status_cannot_be_set(api_as, office_user, park):
    TimeLimitPolicy.objects.create(category="wages", respond_within_hours=8, resolve_within_days=5)

    response = api_as(office_user).post(
        LIST, _payload(park, status="closed", satisfaction="satisfied", handling_unit=1)
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    grievance = Grievance.objects.get()
    assert (grievance.status, grievance.satisfaction, grievance.handling_unit) == (
        "received",
        "",
        None,
    )
    assert body["status"] == "received" and body["complainant_name"] == "王**"
    assert grievance.response_due_at == grievance.received_at + timedelta(hours=8)
    assert grievance.logged_by == office_user
    assert GrievanceEvent.objects.get().action == "receive"


def test_grievances_cannot_be_edited_through_crud(api_as, office_user, park):
    grievance = GrievanceFactory(park=park)
    client = api_as(office_user)
    assert client.patch(url(grievance), {"status": "closed"}).status_code == 405
    assert client.put(url(grievance), _payload(park)).status_code == 405
    assert client.delete(url(grievance)).status_code == 405
    grievance.refresh_from_db()
    assert grievance.status == "received"


def test_liaisons_and_park_managers_log_in_their_own_park_only(
    api_as, liaison, park_manager, park, other_park, grid_zone
):
    assert api_as(liaison).post(LIST, _payload(park, grid_zone=grid_zone.pk)).status_code == 201
    assert api_as(park_manager).post(LIST, _payload(park)).status_code == 201
    refused = api_as(liaison).post(LIST, _payload(other_park))
    assert refused.status_code == 400 and "park" in refused.json()
    assert Grievance.objects.count() == 2


def test_roles_that_do_not_log_grievances_are_refused(
    api_as, subdistrict_user, member_unit_user, park
):
    assert api_as(subdistrict_user).post(LIST, _payload(park)).status_code == 403
    assert api_as(member_unit_user).post(LIST, _payload(park)).status_code == 403
    assert not Grievance.objects.exists()


def test_a_grid_zone_of_another_park_is_a_400(api_as, office_user, park, other_grid_zone):
    response = api_as(office_user).post(LIST, _payload(park, grid_zone=other_grid_zone.pk))
    assert response.status_code == 400 and "grid_zone" in response.json()


def test_an_opinion_from_a_survey(api_as, liaison, park):
    survey = SurveyCampaignFactory(park=park)
    client = api_as(liaison)
    wrong = client.post(LIST, _payload(park, survey=survey.pk, category="opinion"))
    assert wrong.status_code == 400
    right = client.post(
        LIST, _payload(park, channel="survey", survey=survey.pk, category="opinion")
    )
    assert right.status_code == 201 and right.json()["survey"] == survey.pk


def test_attachments_come_as_multipart_files(api_as, office_user, park):
    payload = _payload(park)
    payload["attachments"] = [
        SimpleUploadedFile("工资条.jpg", JPG, content_type="image/jpeg"),
        SimpleUploadedFile("second.jpg", JPG, content_type="image/jpeg"),
    ]

    response = api_as(office_user).post(LIST, payload, format="multipart")

    assert response.status_code == 201, response.json()
    names = sorted(a["original_name"] for a in response.json()["attachments"])
    assert names == ["second.jpg", "工资条.jpg"]
    assert all(
        a["download_url"].startswith("http://testserver/api/v1/grievance-attachments/")
        for a in response.json()["attachments"]
    )


def test_a_fake_image_refuses_the_whole_grievance(api_as, office_user, park):
    payload = _payload(park)
    payload["attachments"] = [
        SimpleUploadedFile("ok.jpg", JPG),
        SimpleUploadedFile("x.jpg", b"MZ\x90\x00" * 16),
    ]
    response = api_as(office_user).post(LIST, payload, format="multipart")
    assert response.status_code == 400 and "attachments" in response.json()
    assert not Grievance.objects.exists() and not Attachment.objects.exists()


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


# --- Attachments ------------------------------------------------------------------------------


def test_attachments_download_only_within_scope(api_as, office_user, liaison, park, other_park):
    def attach(grievance):
        return Attachment.objects.create(
            grievance=grievance,
            file=SimpleUploadedFile("工资条.jpg", JPG),
            original_name="工资条.jpg",
            size=len(JPG),
        )

    mine, theirs = attach(GrievanceFactory(park=park)), attach(GrievanceFactory(park=other_park))

    response = api_as(liaison).get(f"/api/v1/grievance-attachments/{mine.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == JPG
    assert "attachment" in response["Content-Disposition"]
    hidden = f"/api/v1/grievance-attachments/{theirs.pk}/download/"
    assert api_as(liaison).get(hidden).status_code == 404
    assert api_as(office_user).get(hidden).status_code == 200


# --- Surveys ----------------------------------------------------------------------------------


def test_surveys_with_their_opinion_counts(api_as, liaison, park, other_park):
    survey = SurveyCampaignFactory(park=park, handed_out=900, returned=600)
    SurveyCampaignFactory(park=other_park)
    for rectified in (True, True, False):
        GrievanceFactory(park=park, channel="survey", survey=survey, rectified=rectified)

    rows = api_as(liaison).get("/api/v1/surveys/").json()["results"]

    assert [(r["id"], r["opinions"], r["rectified"], r["handed_out"]) for r in rows] == [
        (survey.pk, 3, 2, 900)
    ]


def test_surveys_are_written_by_the_office_or_staff_of_their_park(
    api_as, liaison, subdistrict_user, park, other_park
):
    payload = {
        "park": park.pk,
        "title": "2026年经营户满意度调查",
        "held_on": "2026-05-20",
        "handed_out": 900,
        "returned": 600,
    }
    created = api_as(liaison).post("/api/v1/surveys/", payload)
    assert created.status_code == 201, created.json()
    assert (created.json()["opinions"], created.json()["park_name"]) == (0, park.name)
    assert api_as(subdistrict_user).post("/api/v1/surveys/", payload).status_code == 403
    too_many = api_as(liaison).post("/api/v1/surveys/", {**payload, "returned": 901})
    assert too_many.status_code == 400
    elsewhere = api_as(liaison).post("/api/v1/surveys/", {**payload, "park": other_park.pk})
    assert elsewhere.status_code == 400

    survey_url = f"/api/v1/surveys/{created.json()['id']}/"
    assert api_as(subdistrict_user).patch(survey_url, {"returned": 700}).status_code == 403
    assert api_as(liaison).patch(survey_url, {"returned": 700}).json()["returned"] == 700


def test_a_survey_with_opinions_cannot_be_deleted(api_as, office_user, park):
    used, unused = SurveyCampaignFactory(park=park), SurveyCampaignFactory(park=park)
    GrievanceFactory(park=park, channel="survey", survey=used)
    client = api_as(office_user)
    assert client.delete(f"/api/v1/surveys/{used.pk}/").status_code == 409
    assert client.delete(f"/api/v1/surveys/{unused.pk}/").status_code == 204
    assert list(SurveyCampaign.objects.all()) == [used]


# --- Time-limit policies ----------------------------------------------------------------------


def test_policies_are_read_by_all_and_written_by_the_office(api_as, liaison, office_user):
    payload = {"category": "wages", "respond_within_hours": 8, "resolve_within_days": 5}
    assert api_as(liaison).post("/api/v1/grievance-policies/", payload).status_code == 403
    created = api_as(office_user).post("/api/v1/grievance-policies/", payload)
    assert created.status_code == 201, created.json()
    assert api_as(office_user).post("/api/v1/grievance-policies/", payload).status_code == 400
    policy_url = f"/api/v1/grievance-policies/{created.json()['id']}/"
    changed = api_as(office_user).patch(policy_url, {"resolve_within_days": 10})
    assert changed.json()["resolve_within_days"] == 10
    assert api_as(office_user).patch(policy_url, {"respond_within_hours": 0}).status_code == 400
    rows = api_as(liaison).get("/api/v1/grievance-policies/").json()["results"]
    assert [(r["category"], r["resolve_within_days"]) for r in rows] == [("wages", 10)]
    assert TimeLimitPolicy.objects.get().resolve_within_days == 10


# --- The three rates --------------------------------------------------------------------------

JUNE = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)
JULY = datetime(2026, 7, 10, 9, 0, tzinfo=UTC)


def graded(park, received, status, responded=None, resolved=None, satisfaction="", **fields):
    """A grievance with known handling times: `responded` hours, `resolved` days after receipt."""
    return GrievanceFactory(
        park=park,
        received_at=received,
        status=status,
        handling_unit=fields.pop("unit", None) or OrganisationFactory(),
        responded_at=received + timedelta(hours=responded) if responded is not None else None,
        resolved_at=received + timedelta(days=resolved) if resolved is not None else None,
        satisfaction=satisfaction,
        **fields,
    )


@pytest.fixture
def rated(park, other_park, unit):
    """Park: 5 counted in June (+1 withdrawn), 1 in July. Other park: 2 in June."""
    zone = GridZoneFactory(park=park, code="G07")
    graded(park, JUNE, "closed", 2, 3, "satisfied", grid_zone=zone, unit=unit)
    graded(park, JUNE, "closed", 30, 20, "basically_satisfied", grid_zone=zone)
    graded(park, JUNE, "followed_up", 5, 10, "unsatisfied", unit=unit)
    graded(park, JUNE, "in_progress", 1)
    graded(park, JUNE, "assigned")
    graded(park, JUNE, "withdrawn", 1)
    graded(park, JULY, "replied", 3, 2, channel="survey", rectified=True)
    graded(other_park, JUNE, "closed", 10, 5, "satisfied")
    graded(other_park, JUNE, "replied", 48, 10)
    SurveyCampaignFactory(park=park, held_on=date(2026, 7, 1), handed_out=900, returned=600)
    SurveyCampaignFactory(park=park, held_on=date(2026, 5, 1), handed_out=100, returned=90)
    SurveyCampaignFactory(park=other_park, held_on=date(2026, 7, 1), handed_out=50, returned=5)
    return zone


RATES = "/api/v1/grievances/rates/"


def test_rates_over_the_whole_scope(api_as, office_user, rated):
    body = api_as(office_user).get(RATES).json()

    assert set(body["definitions"]) == {"response_rate", "resolution_rate", "satisfaction_rate"}
    assert body["totals"] == {
        "received": 8,
        "responded_in_time": 5,  # 2 h, 5 h, 1 h, 3 h, 10 h
        "resolved": 6,
        "resolved_in_time": 5,
        "followed_up": 4,
        "satisfied": 3,
        "response_rate": 62.5,  # 5 / 8
        "resolution_rate": 75.0,  # 6 / 8
        "satisfaction_rate": 75.0,  # 3 / 4
    }
    assert body["groups"] == []
    assert body["funnel"] == {"handed_out": 1050, "returned": 695, "opinions": 1, "rectified": 1}


def test_rates_by_park_for_a_period(api_as, office_user, rated, park, other_park):
    body = (
        api_as(office_user)
        .get(RATES, {"group_by": "park", "from": "2026-06-01", "to": "2026-06-30"})
        .json()
    )

    assert body["totals"]["received"] == 7
    groups = {g["label"]: g for g in body["groups"]}
    assert groups[park.name]["key"] == str(park.pk)
    assert (
        groups[park.name]["received"],
        groups[park.name]["response_rate"],  # 3 / 5
        groups[park.name]["resolution_rate"],  # 3 / 5
        groups[park.name]["satisfaction_rate"],  # 2 / 3
    ) == (5, 60.0, 60.0, 66.7)
    assert (
        groups[other_park.name]["received"],
        groups[other_park.name]["response_rate"],
        groups[other_park.name]["resolution_rate"],
    ) == (2, 50.0, 100.0)
    # No survey was held in June.
    assert body["funnel"] == {"handed_out": 0, "returned": 0, "opinions": 0, "rectified": 0}


def test_rates_by_month_zone_and_unit(api_as, office_user, rated, park, unit):
    client = api_as(office_user)

    months = client.get(RATES, {"group_by": "month", "park": park.pk}).json()["groups"]
    assert [(g["key"], g["received"]) for g in months] == [("2026-06", 5), ("2026-07", 1)]
    assert months[1]["satisfaction_rate"] is None

    zones = client.get(RATES, {"group_by": "grid_zone", "grid_zone": rated.pk}).json()
    assert [(g["label"], g["received"], g["satisfaction_rate"]) for g in zones["groups"]] == [
        ("G07", 2, 100.0)
    ]

    units = client.get(RATES, {"unit": unit.pk}).json()["totals"]
    assert (units["received"], units["followed_up"], units["satisfied"]) == (2, 2, 1)


def test_a_liaison_gets_the_rates_of_their_park(api_as, liaison, rated, park):
    body = api_as(liaison).get(RATES, {"group_by": "park"}).json()
    assert body["totals"]["received"] == 6
    assert [g["key"] for g in body["groups"]] == [str(park.pk)]
    assert body["funnel"]["handed_out"] == 1000


def test_rates_by_subdistrict(api_as, office_user, rated, park, subdistrict):
    ParkFactory(subdistrict=subdistrict)
    body = api_as(office_user).get(RATES, {"subdistrict": subdistrict.pk}).json()
    assert body["totals"]["received"] == 6


@pytest.mark.parametrize(
    "params",
    [
        {"group_by": "week"},
        {"from": "June"},
        {"from": "2026-07-01", "to": "2026-06-01"},
        {"park": 999999},
        {"unit": "x"},
    ],
)
def test_bad_rate_parameters_are_400s(api_as, office_user, params):
    response = api_as(office_user).get(RATES, params)
    assert response.status_code == 400
    assert set(response.json()) & {"group_by", "from", "to", "park", "unit"}


def test_a_park_outside_the_scope_is_a_bad_parameter(api_as, liaison, other_park):
    assert api_as(liaison).get(RATES, {"park": other_park.pk}).status_code == 400


def test_the_schema_documents_the_rates(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
    schema = (tmp_path / "s.yml").read_text()
    assert "/api/v1/grievances/rates/" in schema
    assert "/api/v1/grievances/{id}/follow-up/" in schema
    assert "satisfied + basically satisfied ÷ followed up" in schema
