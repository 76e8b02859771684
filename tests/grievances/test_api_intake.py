"""REST API v1 for grievances: logging a grievance with attachments, and who may download them."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from grievances.models import Attachment, Grievance, GrievanceEvent, TimeLimitPolicy
from tests.factories import GrievanceFactory, SurveyCampaignFactory
from tests.grievances.api_helpers import JPG, LIST, _payload, url

pytestmark = pytest.mark.django_db


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
