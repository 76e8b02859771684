"""REST API v1 for reforms: plans and milestones."""

import pytest
from django.utils import timezone

from reforms.tasks.choices import PlanScope
from reforms.tasks.models import Milestone, Plan
from tests.factories import MilestoneFactory, OrganisationFactory, PlanFactory
from tests.reforms import api_helpers as shared
from tests.reforms.api_helpers import _green

# The shared fixtures, bound here so pytest finds them by name.
other_liaison = shared.other_liaison
unit = shared.unit


pytestmark = pytest.mark.django_db


# --- Plans ------------------------------------------------------------------------------------


def test_office_staff_create_and_edit_plans(api_as, office_user, park):
    issuer = OrganisationFactory(kind="district_office")
    client = api_as(office_user)

    created = client.post(
        "/api/v1/plans/",
        {
            "title": "园区产改方案",
            "issuer": issuer.pk,
            "year": 2026,
            "scope": "park",
            "park": park.pk,
        },
    )
    assert created.status_code == 201, created.json()
    assert created.json()["issuer_name"] == issuer.name
    plan_id = created.json()["id"]
    updated = client.patch(f"/api/v1/plans/{plan_id}/", {"title": "园区产改实施方案"})
    assert updated.status_code == 200
    assert Plan.objects.get(pk=plan_id).title == "园区产改实施方案"
    detail = client.get(f"/api/v1/plans/{plan_id}/").json()
    assert detail["scope_display"] == str(PlanScope.PARK.label)


def test_a_plan_whose_scope_does_not_match_its_target_is_a_400(api_as, office_user, park):
    response = api_as(office_user).post(
        "/api/v1/plans/",
        {
            "title": "方案",
            "issuer": OrganisationFactory().pk,
            "year": 2026,
            "scope": "district",
            "park": park.pk,
        },
    )
    assert response.status_code == 400
    assert not Plan.objects.exists()


def test_plans_are_read_in_scope_and_written_by_the_office(
    api_as, liaison, park, other_park, office_user
):
    district = PlanFactory(scope="district")
    mine = PlanFactory(scope="park", park=park)
    PlanFactory(scope="park", park=other_park)
    client = api_as(liaison)

    titles = [p["title"] for p in client.get("/api/v1/plans/").json()["results"]]
    assert sorted(titles) == sorted([district.title, mine.title])
    assert client.patch(f"/api/v1/plans/{mine.pk}/", {"title": "改"}).status_code == 403
    body = {"title": "新方案", "issuer": district.issuer_id, "year": 2026, "scope": "district"}
    assert client.post("/api/v1/plans/", body).status_code == 403
    assert (
        api_as(office_user).get("/api/v1/plans/", {"park": park.pk}).json()["results"][0]["id"]
        == mine.pk
    )


# --- Milestones -------------------------------------------------------------------------------


def test_office_staff_create_and_edit_milestones(api_as, office_user):
    task = _green()
    client = api_as(office_user)

    created = client.post(
        "/api/v1/milestones/",
        {"task": task.pk, "order": 1, "title": "完成选址", "due_date": "2026-06-30"},
    )
    assert created.status_code == 201, created.json()
    assert created.json()["done"] is False
    updated = client.patch(
        f"/api/v1/milestones/{created.json()['id']}/",
        {"title": "完成选址与设计", "done_on": "2026-01-01"},
    )
    assert updated.status_code == 200
    milestone = Milestone.objects.get()
    assert milestone.title == "完成选址与设计" and milestone.done_on is None
    assert client.get("/api/v1/milestones/", {"task": task.pk}).json()["count"] == 1


def test_the_lead_unit_ticks_milestones_off(api_as, member_unit_user, unit):
    milestone = MilestoneFactory(task=_green(lead_unit=unit))
    client = api_as(member_unit_user)

    done = client.post(f"/api/v1/milestones/{milestone.pk}/done/")
    assert done.status_code == 200
    assert done.json()["done_on"] == timezone.localdate().isoformat()
    assert client.get("/api/v1/milestones/", {"done": "true"}).json()["count"] == 1
    assert client.post(f"/api/v1/milestones/{milestone.pk}/undone/").json()["done"] is False
    assert client.patch(f"/api/v1/milestones/{milestone.pk}/", {"title": "改"}).status_code == 403


def test_milestones_of_other_tasks_cannot_be_ticked(api_as, member_unit_user, other_liaison, park):
    milestone = MilestoneFactory(task=_green(park=park))
    url = f"/api/v1/milestones/{milestone.pk}/done/"
    assert api_as(member_unit_user).post(url).status_code == 403  # sees it, does not lead it
    assert api_as(other_liaison).post(url).status_code == 404
    milestone.refresh_from_db()
    assert milestone.done_on is None
