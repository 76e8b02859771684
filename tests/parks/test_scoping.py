"""One selector decides what each role sees; out-of-scope objects are 404 on pages and API."""

import pytest
from django.urls import reverse

from parks.access import parks_visible_to
from parks.structure.choices import Role
from tests.factories import FacilityFactory, ParkFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_office_staff_see_every_park(office_user, park, other_park):
    assert set(parks_visible_to(office_user)) == {park, other_park}


def test_subdistrict_staff_see_the_parks_of_their_subdistrict(subdistrict_user, park, other_park):
    assert list(parks_visible_to(subdistrict_user)) == [park]


@pytest.mark.parametrize("role", [Role.PARK_MANAGER, Role.LIAISON, Role.INSTRUCTOR])
def test_park_roles_see_only_their_park(role, park, other_park):
    assert list(parks_visible_to(UserFactory(role=role, park=park))) == [park]


def test_observers_and_member_units_see_the_district_unless_scoped(
    member_unit_user, park, other_park
):
    assert set(parks_visible_to(member_unit_user)) == {park, other_park}
    assert set(parks_visible_to(UserFactory(role=Role.OBSERVER))) == {park, other_park}
    assert list(parks_visible_to(UserFactory(role=Role.OBSERVER, park=park))) == [park]


def test_inactive_users_see_nothing(park):
    assert not parks_visible_to(UserFactory(role=Role.OFFICE, is_active=False)).exists()


def test_a_liaison_gets_404_for_the_other_parks_grid_zone_page_and_endpoint(
    client, api_as, liaison, grid_zone, other_grid_zone
):
    client.force_login(liaison)
    assert client.get(reverse("parks:grid_zone_detail", args=[grid_zone.pk])).status_code == 200
    page = client.get(reverse("parks:grid_zone_detail", args=[other_grid_zone.pk]))
    assert page.status_code == 404
    assert other_grid_zone.name not in page.content.decode()
    api = api_as(liaison)
    assert api.get(f"/api/v1/grids/{grid_zone.pk}/").status_code == 200
    assert api.get(f"/api/v1/grids/{other_grid_zone.pk}/").status_code == 404


def test_a_liaison_gets_404_for_the_other_park_and_its_facilities(
    client, api_as, liaison, other_park
):
    facility = FacilityFactory(park=other_park)
    client.force_login(liaison)
    assert client.get(reverse("parks:park_detail", args=[other_park.pk])).status_code == 404
    api = api_as(liaison)
    assert api.get(f"/api/v1/parks/{other_park.pk}/").status_code == 404
    assert api.get(f"/api/v1/facilities/{facility.pk}/").status_code == 404
    assert api.get("/api/v1/facilities/").json()["count"] == 0


def test_api_lists_hold_only_the_scope(api_as, liaison, grid_zone, other_grid_zone):
    api = api_as(liaison)
    assert [p["id"] for p in api.get("/api/v1/parks/").json()["results"]] == [liaison.park_id]
    assert [g["id"] for g in api.get("/api/v1/grids/").json()["results"]] == [grid_zone.pk]


def test_filtering_by_a_hidden_park_does_not_confirm_it_exists(api_as, liaison, other_park):
    response = api_as(liaison).get("/api/v1/grids/", {"park": other_park.pk})
    hidden = response.json()
    missing = api_as(liaison).get("/api/v1/grids/", {"park": 999_999}).json()
    assert response.status_code == 400 and hidden == missing


def test_a_park_manager_cannot_edit_the_other_parks_grid_zone(
    client, park_manager, other_grid_zone
):
    client.force_login(park_manager)
    url = reverse("parks:grid_zone_edit", args=[other_grid_zone.pk])
    assert client.post(url, {"code": "X1", "name": "改"}).status_code == 404
    other_grid_zone.refresh_from_db()
    assert other_grid_zone.code == "G01"


def test_organisations_of_other_parks_are_hidden(api_as, liaison, other_park):
    from tests.factories import OrganisationFactory

    OrganisationFactory(name="盛阳市场党委", kind="park_committee", park=other_park)
    OrganisationFactory(name="区总工会", kind="member_unit")
    names = [o["name"] for o in api_as(liaison).get("/api/v1/organisations/").json()["results"]]
    assert names == ["区总工会"]


def test_a_new_park_appears_for_subdistrict_staff_of_its_subdistrict(subdistrict_user, subdistrict):
    new_park = ParkFactory(subdistrict=subdistrict)
    assert new_park in parks_visible_to(subdistrict_user)
