"""Mediation parties are named people: the same rule as the complainant's name and phone.

Masked for everyone by default; the office and the unit handling the grievance see them only
when they ask (`?unmask=1` on the page, `?unmask=true` on the API), and each such view is a
row in the personal-data log. Roles that do not handle the grievance never see them."""

import re
from datetime import date

import pytest
from django.urls import reverse

from grievances import services, workflow
from grievances.models import PersonalDataView
from parks.structure.choices import Role
from tests.factories import GrievanceFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

PARTIES = "周建华（职工）\n某建材商行"


@pytest.fixture
def unit():
    return OrganisationFactory(name="区人社局")


@pytest.fixture
def unit_staff(unit):
    return UserFactory(username="unit_staff", role=Role.MEMBER_UNIT, organisation=unit)


@pytest.fixture
def mediated(park, office_user, unit):
    grievance = GrievanceFactory(park=park, category="labour_dispute")
    workflow.grievance_assign(grievance=grievance, actor=office_user, unit=unit)
    services.mediation_open(
        grievance=grievance,
        actor=office_user,
        applied_on=date(2026, 6, 2),
        parties=PARTIES,
        mediator=office_user,
    )
    return grievance


@pytest.fixture
def handler(request, office_user, unit_staff):
    """The office, or the staff of the unit handling the grievance."""
    return {"office": office_user, "unit": unit_staff}[request.param]


@pytest.fixture
def outsider(request, liaison, subdistrict_user, member_unit_user, park_manager):
    """Roles that may see the grievance but do not handle it (member_unit_user's unit is not
    the handling unit)."""
    return {
        "liaison": liaison,
        "subdistrict": subdistrict_user,
        "other_unit": member_unit_user,
        "park_manager": park_manager,
    }[request.param]


def _page(client, grievance, **params):
    response = client.get(grievance.get_absolute_url(), params)
    assert response.status_code == 200
    return response.content.decode()


def _parties(html):
    return re.search(r'id="mediation-parties">(.*?)</dd>', html, re.S).group(1).strip()


def _api(api_as, user, grievance, **params):
    response = api_as(user).get(f"/api/v1/grievances/{grievance.pk}/mediation/", params)
    assert response.status_code == 200
    return response.json()


# --- Those who handle it: masked until they ask --------------------------------------------------


@pytest.mark.parametrize("handler", ["office", "unit"], indirect=True)
def test_the_page_masks_the_parties_until_asked_and_logs_nothing(client, handler, mediated):
    client.force_login(handler)

    html = _page(client, mediated)

    assert "周建华" not in html and "某建材商行" not in html
    assert _parties(html).startswith("***")
    assert 'id="show-parties"' in html
    assert not PersonalDataView.objects.exists()


@pytest.mark.parametrize("handler", ["office", "unit"], indirect=True)
def test_asking_on_the_page_shows_the_parties_and_logs_one_view(client, handler, mediated):
    client.force_login(handler)

    response = client.get(mediated.get_absolute_url(), {"unmask": "1"})

    html = response.content.decode()
    assert _parties(html) == "周建华（职工）<br>某建材商行"
    assert "no-store" in response["Cache-Control"]
    view = PersonalDataView.objects.get()
    assert (view.grievance, view.viewer, view.via) == (mediated, handler, "page")


@pytest.mark.parametrize("handler", ["office", "unit"], indirect=True)
def test_the_api_masks_the_parties_until_asked_and_logs_nothing(api_as, handler, mediated):
    body = _api(api_as, handler, mediated)

    assert body["parties"] == "***" and body["personal_data_masked"] is True
    assert not PersonalDataView.objects.exists()


@pytest.mark.parametrize("handler", ["office", "unit"], indirect=True)
def test_asking_on_the_api_shows_the_parties_and_logs_one_view(api_as, handler, mediated):
    body = _api(api_as, handler, mediated, unmask="true")

    assert body["parties"] == PARTIES and body["personal_data_masked"] is False
    view = PersonalDataView.objects.get()
    assert (view.grievance, view.viewer, view.via) == (mediated, handler, "api")


def test_an_anonymous_complainants_mediation_still_offers_and_logs_the_reveal(
    client, park, office_user, unit, unit_staff
):
    grievance = GrievanceFactory(
        park=park, category="labour_dispute", complainant_name="", complainant_phone=""
    )
    workflow.grievance_assign(grievance=grievance, actor=office_user, unit=unit)
    services.mediation_open(
        grievance=grievance,
        actor=office_user,
        applied_on=date(2026, 6, 2),
        parties=PARTIES,
        mediator=office_user,
    )
    client.force_login(unit_staff)

    assert 'id="show-parties"' in _page(client, grievance)
    assert "周建华" in _parties(_page(client, grievance, unmask="1"))
    assert PersonalDataView.objects.get().viewer == unit_staff


def test_the_mediation_steps_answer_masked_unless_asked(api_as, unit_staff, mediated):
    url = f"/api/v1/grievances/{mediated.pk}/mediation/sessions/"
    session = {"held_at": "2026-06-03T10:00:00+08:00", "place": "调解室"}

    masked = api_as(unit_staff).post(url, session)
    shown = api_as(unit_staff).post(f"{url}?unmask=true", session)

    assert masked.status_code == shown.status_code == 201
    assert masked.json()["parties"] == "***"
    assert shown.json()["parties"] == PARTIES
    assert PersonalDataView.objects.get().via == "api"


# --- Those who do not handle it: never ----------------------------------------------------------


@pytest.mark.parametrize(
    "outsider", ["liaison", "subdistrict", "other_unit", "park_manager"], indirect=True
)
def test_other_roles_never_see_the_parties_even_when_they_ask(client, api_as, outsider, mediated):
    client.force_login(outsider)

    for params in ({}, {"unmask": "1"}):
        html = _page(client, mediated, **params)
        assert "周建华" not in html and 'id="show-parties"' not in html
    for params in ({}, {"unmask": "true"}):
        assert _api(api_as, outsider, mediated, **params)["parties"] == "***"
    assert not PersonalDataView.objects.exists()


def test_the_admin_shows_the_parties_masked(client, office_user, mediated):
    office_user.is_staff = office_user.is_superuser = True
    office_user.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(office_user)

    mediation = mediated.mediation
    url = reverse("admin:grievances_mediation_change", args=[mediation.pk])
    html = client.get(url).content.decode()

    assert "周建华" not in html and "***" in html
