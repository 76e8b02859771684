"""Mediation parties are named people: masked for roles that do not handle the case."""

from datetime import date

import pytest

from grievances import services
from grievances.choices import Action
from parks.choices import Role
from tests.factories import GrievanceFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mediated(park, office_user):
    unit = OrganisationFactory(name="区人社局")
    grievance = GrievanceFactory(park=park, category="labour_dispute")
    services.grievance_act(grievance=grievance, action=Action.ASSIGN, actor=office_user, unit=unit)
    services.mediation_open(
        grievance=grievance,
        actor=office_user,
        applied_on=date(2026, 6, 2),
        parties="周建华（职工）\n某建材商行",
        mediator=office_user,
    )
    return grievance


def test_a_liaison_sees_the_parties_masked_on_page_and_api(client, api_as, liaison, mediated):
    client.force_login(liaison)
    page = client.get(mediated.get_absolute_url()).content.decode()
    assert "周建华" not in page
    body = api_as(liaison).get(f"/api/v1/grievances/{mediated.pk}/mediation/").json()
    assert body["parties"] == "***"


def test_office_staff_see_the_parties(client, api_as, office_user, mediated):
    client.force_login(office_user)
    assert "周建华" in client.get(mediated.get_absolute_url()).content.decode()
    body = api_as(office_user).get(f"/api/v1/grievances/{mediated.pk}/mediation/").json()
    assert "周建华" in body["parties"]


def test_subdistrict_staff_see_the_parties_masked(client, subdistrict_user, mediated):
    assert subdistrict_user.role == Role.SUBDISTRICT
    client.force_login(subdistrict_user)
    assert "周建华" not in client.get(mediated.get_absolute_url()).content.decode()
