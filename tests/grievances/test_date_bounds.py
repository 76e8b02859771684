"""Dates a person types are bounded: far-future or ancient dates are refused with a clear message
on pages and in the API, never stored and never a 500 later when a deadline is computed."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from grievances import services, workflow
from grievances.models import Mediation, MediationSession
from tests.factories import GrievanceFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

RATES_API = "/api/v1/grievances/rates/"


@pytest.fixture
def unit():
    return OrganisationFactory(name="区总工会")


@pytest.fixture
def dispute(park, office_user, unit):
    grievance = GrievanceFactory(park=park, category="labour_dispute")
    workflow.grievance_assign(grievance=grievance, actor=office_user, unit=unit)
    return grievance


@pytest.fixture
def mediation(dispute, office_user):
    return services.mediation_open(
        grievance=dispute,
        actor=office_user,
        applied_on=timezone.localdate() - timedelta(days=3),
        parties="甲\n乙",
        mediator=office_user,
    )


def _open(api_as, user, grievance, **fields):
    payload = {
        "applied_on": timezone.localdate().isoformat(),
        "parties": "甲\n乙",
        "mediator": user.pk,
    } | fields
    return api_as(user).post(f"/api/v1/grievances/{grievance.pk}/mediation/", payload)


@pytest.mark.parametrize("applied_on", ["9999-12-31", "0001-01-01", "tomorrow"])
def test_the_api_refuses_an_application_date_out_of_range(
    client, api_as, office_user, dispute, applied_on
):
    if applied_on == "tomorrow":
        applied_on = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = _open(api_as, office_user, dispute, applied_on=applied_on)
    assert response.status_code == 400, response.content
    assert "applied_on" in response.json()
    assert not Mediation.objects.exists()
    # The page that shows the mediation clock still renders.
    client.force_login(office_user)
    assert client.get(dispute.get_absolute_url()).status_code == 200


def test_the_api_refuses_a_mediator_from_outside_the_case(api_as, office_user, dispute, other_park):
    stranger = UserFactory(role="park_manager", park=other_park)
    response = _open(api_as, office_user, dispute, mediator=stranger.pk)
    assert response.status_code == 400, response.content
    assert "mediator" in response.json()
    assert not Mediation.objects.exists()


def test_the_unit_and_the_park_may_mediate(api_as, office_user, dispute, park_manager):
    response = _open(api_as, office_user, dispute, mediator=park_manager.pk)
    assert response.status_code == 201, response.content
    assert response.json()["mediator"] == park_manager.pk


@pytest.mark.parametrize("years", [2, -30])
def test_a_session_far_from_the_application_is_refused(api_as, office_user, mediation, years):
    held_at = timezone.now() + timedelta(days=365 * years)
    response = api_as(office_user).post(
        f"/api/v1/grievances/{mediation.grievance_id}/mediation/sessions/",
        {"held_at": held_at.isoformat(), "place": "调解室"},
    )
    assert response.status_code == 400, response.content
    assert "held_at" in response.json()
    assert not MediationSession.objects.exists()


def test_a_session_can_be_planned_for_next_week(api_as, office_user, mediation):
    held_at = timezone.now() + timedelta(days=7)
    response = api_as(office_user).post(
        f"/api/v1/grievances/{mediation.grievance_id}/mediation/sessions/",
        {"held_at": held_at.isoformat(), "place": "调解室"},
    )
    assert response.status_code == 201, response.content


def test_the_session_form_shows_the_error(client, office_user, mediation):
    client.force_login(office_user)
    response = client.post(
        reverse("grievances:mediation_session_add", args=[mediation.grievance_id]),
        {"held_at": "9999-12-31 09:00", "place": "调解室"},
    )
    assert response.status_code in (200, 400)
    assert "held_at" in response.content.decode() or "held-at" in response.content.decode()
    assert not MediationSession.objects.exists()


def test_the_conclusion_date_cannot_be_in_the_future(api_as, office_user, mediation):
    response = api_as(office_user).post(
        f"/api/v1/grievances/{mediation.grievance_id}/mediation/conclude/",
        {"outcome": "agreement", "concluded_on": "9999-12-31"},
    )
    assert response.status_code == 400, response.content
    assert "concluded_on" in response.json()
    mediation.refresh_from_db()
    assert mediation.outcome == ""


@pytest.mark.parametrize(
    "params",
    [{"to": "9999-12-31"}, {"from": "9999-12-31"}, {"from": "0001-01-01"}],
)
def test_rates_api_refuses_periods_out_of_range(api_as, office_user, params):
    response = api_as(office_user).get(RATES_API, params)
    assert response.status_code == 400, response.content
    assert set(response.json()) & {"from", "to"}


@pytest.mark.parametrize("params", [{"date_to": "9999-12-31"}, {"date_from": "0001-01-01"}])
def test_the_rates_page_refuses_periods_out_of_range(client, office_user, params):
    client.force_login(office_user)
    response = client.get(reverse("grievances:rates"), params)
    assert response.status_code == 200
    html = response.content.decode()
    assert "is-invalid" in html


def test_the_rates_page_accepts_an_ordinary_period(client, office_user):
    client.force_login(office_user)
    period = {"date_from": "2026-01-01", "date_to": timezone.localdate().isoformat()}
    response = client.get(reverse("grievances:rates"), period)
    assert response.status_code == 200
    assert "is-invalid" not in response.content.decode()


def test_a_naive_session_time_in_year_one_is_a_400(api_as, office_user, mediation):
    response = api_as(office_user).post(
        f"/api/v1/grievances/{mediation.grievance_id}/mediation/sessions/",
        {"held_at": "0001-01-01T00:00:00", "place": "调解室"},
    )
    assert response.status_code == 400, response.content
    assert "held_at" in response.json()
