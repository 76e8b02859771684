"""Browser pages: lists, details, forms with clear errors, and fixed query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parks.structure.choices import Role
from parks.structure.models import Facility, GridZone, Park, User
from tests.factories import (
    FacilityFactory,
    GridZoneFactory,
    IndustryFactory,
    ParkFactory,
    SubdistrictFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _parks_with_zones(count):
    subdistrict = SubdistrictFactory()
    industry = IndustryFactory(name="水产")
    for _ in range(count):
        park = ParkFactory(subdistrict=subdistrict)
        park.industries.add(industry)
        GridZoneFactory(park=park)
        FacilityFactory(park=park)


def test_the_park_list_runs_the_same_queries_for_2_parks_and_a_full_page(client, office_user):
    client.force_login(office_user)
    url = reverse("parks:park_list")
    _parks_with_zones(2)
    few = _queries(client, url)
    _parks_with_zones(48)  # 50 parks: the page shows its full 25
    many = _queries(client, url)
    assert few == many


def test_the_park_and_grid_apis_run_the_same_queries_for_2_and_50_rows(client, office_user):
    client.force_login(office_user)
    _parks_with_zones(2)
    parks_few = _queries(client, "/api/v1/parks/?page_size=100")
    grids_few = _queries(client, "/api/v1/grids/?page_size=100")
    _parks_with_zones(48)
    for grid_zone in GridZone.objects.all():
        grid_zone.liaison = UserFactory(role=Role.LIAISON, park=grid_zone.park)
        grid_zone.save()
    assert _queries(client, "/api/v1/parks/?page_size=100") == parks_few
    assert _queries(client, "/api/v1/grids/?page_size=100") == grids_few


def test_the_park_page_runs_the_same_queries_for_2_and_50_grid_zones(client, office_user, park):
    client.force_login(office_user)
    url = reverse("parks:park_detail", args=[park.pk])
    for _ in range(2):
        GridZoneFactory(park=park, liaison=UserFactory(role=Role.LIAISON, park=park))
    few = _queries(client, url)
    for _ in range(48):
        GridZoneFactory(park=park, liaison=UserFactory(role=Role.LIAISON, park=park))
    assert _queries(client, url) == few


def test_the_park_list_searches_and_filters(client, office_user, park, other_park):
    client.force_login(office_user)
    html = client.get(reverse("parks:park_list"), {"q": "华夏"}).content.decode()
    assert park.name in html and other_park.name not in html
    html = client.get(
        reverse("parks:park_list"), {"subdistrict": other_park.subdistrict_id}
    ).content.decode()
    assert other_park.name in html and park.name not in html


def test_a_bad_filter_value_shows_an_error_not_a_500(client, office_user, park):
    client.force_login(office_user)
    response = client.get(reverse("parks:park_list"), {"pilot_status": "bogus"})
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()


def test_the_park_page_shows_zones_liaisons_facilities_and_pilot_facts(
    client, office_user, park, grid_zone
):
    FacilityFactory(park=park, name="母婴室", kind="nursing_room", area_m2="25")
    client.force_login(office_user)
    html = client.get(reverse("parks:park_detail", args=[park.pk])).content.decode()
    for text in [grid_zone.code, grid_zone.name, str(grid_zone.liaison), "母婴室", "2021"]:
        assert text in html


def test_office_staff_add_a_grid_zone_in_the_browser(client, office_user, park, liaison):
    client.force_login(office_user)
    response = client.post(
        reverse("parks:grid_zone_create", args=[park.pk]),
        {"code": "g11", "name": "新增网格", "liaison": liaison.pk, "boundary": ""},
    )
    zone = GridZone.objects.get(park=park, code="G11")
    assert response.status_code == 302 and response.url == zone.get_absolute_url()
    assert zone.liaison == liaison


def test_a_duplicate_grid_code_shows_the_error_beside_the_field(client, office_user, grid_zone):
    client.force_login(office_user)
    response = client.post(
        reverse("parks:grid_zone_create", args=[grid_zone.park_id]),
        {"code": "G01", "name": "重复"},
    )
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert GridZone.objects.count() == 1


def test_a_negative_facility_area_is_refused_on_the_form(client, office_user, park):
    client.force_login(office_user)
    response = client.post(
        reverse("parks:facility_create", args=[park.pk]),
        {"kind": "nursing_room", "name": "母婴室", "area_m2": "-1"},
    )
    assert "area_m2" in response.context["form"].errors
    assert not Facility.objects.exists()


def test_an_over_long_park_name_is_refused_on_the_form(client, office_user, subdistrict):
    client.force_login(office_user)
    response = client.post(
        reverse("parks:park_create"),
        {
            "name": "园" * 101,
            "kind": "market",
            "subdistrict": subdistrict.pk,
            "pilot_status": "candidate",
        },
    )
    assert "name" in response.context["form"].errors
    assert not Park.objects.exists() or not Park.objects.filter(name="园" * 101).exists()


def test_a_park_manager_edits_their_park_but_cannot_change_its_pilot_status(
    client, park_manager, park
):
    client.force_login(park_manager)
    response = client.post(
        reverse("parks:park_edit", args=[park.pk]),
        {
            "name": "改名",
            "kind": "market",
            "subdistrict": park.subdistrict_id,
            "pilot_status": "graduated",
            "designation_year": 2030,
            "address": "新地址",
        },
    )
    assert response.status_code == 302
    park.refresh_from_db()
    assert park.address == "新地址"
    assert (park.name, park.pilot_status, park.designation_year) == (
        "无锡华夏家居港建材市场",
        "pilot",
        2021,
    )


def test_a_liaison_cannot_open_the_add_grid_zone_form(client, liaison, park):
    client.force_login(liaison)
    assert client.get(reverse("parks:grid_zone_create", args=[park.pk])).status_code == 403


def test_office_staff_add_a_liaison_in_the_browser(client, office_user, park):
    client.force_login(office_user)
    response = client.post(
        reverse("parks:person_create"),
        {
            "username": "liaison_new",
            "display_name": "李明",
            "role": "liaison",
            "park": park.pk,
            "password": "grid-work-2026",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    person = User.objects.get(username="liaison_new")
    assert person.park == park and person.check_password("grid-work-2026")


def test_a_liaison_without_a_park_is_refused_on_the_people_form(client, office_user):
    client.force_login(office_user)
    response = client.post(
        reverse("parks:person_create"),
        {"username": "x", "role": "liaison", "password": "grid-work-2026"},
    )
    assert response.context["form"].errors
    assert not User.objects.filter(username="x").exists()


def test_only_office_staff_open_the_people_pages(client, park_manager):
    client.force_login(park_manager)
    assert client.get(reverse("parks:people_list")).status_code == 403


def test_staff_make_a_token_in_the_browser_and_see_it_once(client, office_user, liaison):
    client.force_login(office_user)
    response = client.post(reverse("parks:api_tokens"), {"owner": liaison.pk, "days": 30})
    key = response.context["new_key"]
    assert key and key in response.content.decode()
    again = client.get(reverse("parks:api_tokens")).content.decode()
    assert key not in again and key[:8] in again


def test_the_pages_serve_their_css_framework_locally(client, office_user):
    client.force_login(office_user)
    html = client.get(reverse("parks:park_list")).content.decode()
    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in html
    assert "cdn" not in html.lower()


def test_office_staff_see_everyone_with_their_scope(
    client, office_user, liaison, subdistrict_user, member_unit_user
):
    client.force_login(office_user)
    response = client.get(reverse("parks:people_list"))
    assert response.status_code == 200
    html = response.content.decode()
    for scope in [liaison.park.name, subdistrict_user.subdistrict.name, "区总工会"]:
        assert scope in html


def test_the_people_list_runs_the_same_queries_for_2_and_50_people(client, office_user, park):
    client.force_login(office_user)
    UserFactory(role=Role.LIAISON, park=park)
    few = _queries(client, reverse("parks:people_list"))
    UserFactory.create_batch(23, role=Role.LIAISON, park=park)
    assert _queries(client, reverse("parks:people_list")) == few
