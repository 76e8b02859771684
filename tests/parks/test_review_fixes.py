"""Behaviour pinned after review: office-only park facts, hidden people, odd input."""

import pytest
from django.core import exceptions
from django.urls import reverse

from parks.structure import services
from parks.structure.choices import Role
from parks.structure.models import GridZone, User
from tests.factories import ParkFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_park_manager_cannot_change_pilot_facts_through_the_api(api_as, park_manager, park):
    response = api_as(park_manager).patch(
        f"/api/v1/parks/{park.pk}/",
        {"pilot_status": "graduated", "designation_year": 2024, "name": "改名"},
    )
    assert response.status_code == 400
    assert {"pilot_status", "designation_year", "name"} <= set(response.json())
    park.refresh_from_db()
    assert (park.pilot_status, park.designation_year, park.name) == (
        "pilot",
        2021,
        "无锡华夏家居港建材市场",
    )


def test_a_park_manager_still_edits_the_rest_of_their_park(api_as, park_manager, park):
    response = api_as(park_manager).patch(f"/api/v1/parks/{park.pk}/", {"address": "锡沪西路1号"})
    assert response.status_code == 200
    park.refresh_from_db()
    assert park.address == "锡沪西路1号"


def test_a_liaison_of_another_park_is_as_unknown_as_a_missing_user(api_as, liaison, other_park):
    stranger = UserFactory(role=Role.LIAISON, park=other_park)
    api = api_as(liaison)
    hidden = api.get("/api/v1/grids/", {"liaison": stranger.pk})
    missing = api.get("/api/v1/grids/", {"liaison": 999_999})
    assert hidden.status_code == missing.status_code == 400
    assert hidden.json() == missing.json()


def test_a_zone_cannot_name_a_hidden_person_as_liaison(api_as, park_manager, park, other_park):
    stranger = UserFactory(role=Role.LIAISON, park=other_park)
    response = api_as(park_manager).post(
        "/api/v1/grids/", {"park": park.pk, "code": "G07", "name": "七区", "liaison": stranger.pk}
    )
    assert response.status_code == 400 and "liaison" in response.json()
    assert not GridZone.objects.filter(code="G07").exists()


@pytest.mark.parametrize("params", [{"q": "\x00"}, {"role": "\x00"}, {"role": "king"}])
def test_odd_people_searches_show_an_error_not_a_500(client, office_user, params):
    client.force_login(office_user)
    response = client.get(reverse("parks:people_list"), params)
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()


@pytest.mark.parametrize("code", ["G 01", "G/01"])
def test_a_malformed_grid_code_gets_a_message_on_the_code_field(api_as, office_user, park, code):
    response = api_as(office_user).post(
        "/api/v1/grids/", {"park": park.pk, "code": code, "name": "一区"}
    )
    assert response.status_code == 400
    assert "G01" in response.json()["code"][0]


def test_a_liaison_cannot_move_park_while_still_looking_after_zones(
    office_user, grid_zone, other_park
):
    liaison = grid_zone.liaison
    liaison.park = other_park
    with pytest.raises(exceptions.ValidationError, match=grid_zone.code):
        services.user_save(user=liaison, actor=office_user)
    assert User.objects.get(pk=liaison.pk).park_id == grid_zone.park_id


def test_office_staff_cannot_change_a_superuser(client, office_user):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(office_user)
    response = client.post(
        reverse("parks:person_edit", args=[root.pk]),
        {"username": "root", "role": "office", "password": "taken-over-2026", "is_active": "on"},
    )
    assert response.status_code == 403
    root.refresh_from_db()
    assert not root.check_password("taken-over-2026")


def test_rest_clients_get_messages_in_the_language_they_ask_for(api_as, office_user):
    response = api_as(office_user).get(
        "/api/v1/parks/", {"pilot_status": "bogus"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "valid choice" in response.json()["pilot_status"][0]
    chinese = api_as(office_user).get("/api/v1/parks/", {"pilot_status": "bogus"})
    assert "valid choice" not in chinese.json()["pilot_status"][0]


def test_ordering_by_name_follows_pinyin(api_as, office_user):
    for name in ["中山园", "北塘园", "安镇园"]:
        ParkFactory(name=name)
    names = [
        p["name"]
        for p in api_as(office_user).get("/api/v1/parks/", {"ordering": "-name"}).json()["results"]
    ]
    assert names == ["中山园", "北塘园", "安镇园"]
