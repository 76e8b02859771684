"""REST API v1 for grievances: satisfaction surveys and time-limit policies."""

import pytest

from grievances.models import SurveyCampaign, TimeLimitPolicy
from tests.factories import GrievanceFactory, SurveyCampaignFactory

pytestmark = pytest.mark.django_db


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
