"""REST API v1: list, detail, create, update, filters, pagination, errors, tokens."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from parks.structure import services
from parks.structure.models import Facility, GridZone
from tests.factories import FacilityFactory, GridZoneFactory, IndustryFactory, ParkFactory

pytestmark = pytest.mark.django_db


def test_a_token_in_the_header_authenticates(office_user, park):
    _token, key = services.api_token_create(owner=office_user, actor=office_user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get("/api/v1/parks/")
    assert response.status_code == 200
    assert [row["name"] for row in response.json()["results"]] == [park.name]


def test_a_revoked_or_wrong_token_is_refused(office_user):
    token, key = services.api_token_create(owner=office_user, actor=office_user)
    services.api_token_revoke(token=token, actor=office_user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/parks/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION="Token nonsense")
    assert client.get("/api/v1/parks/").status_code == 401


def test_anonymous_clients_are_refused(api_client):
    assert api_client.get("/api/v1/parks/").status_code == 401


def test_park_list_is_paginated_with_a_capped_page_size(api_as, office_user):
    ParkFactory.create_batch(5)
    response = api_as(office_user).get("/api/v1/parks/", {"page_size": 2})
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 5 and len(body["results"]) == 2 and body["next"]
    capped = api_as(office_user).get("/api/v1/parks/", {"page_size": 10_000}).json()
    assert len(capped["results"]) == 5  # under the cap; the cap itself is 200


def test_parks_sort_by_pinyin(api_as, office_user):
    for name in ["中山园", "北塘园", "安镇园"]:
        ParkFactory(name=name)
    names = [p["name"] for p in api_as(office_user).get("/api/v1/parks/").json()["results"]]
    assert names == ["安镇园", "北塘园", "中山园"]


def test_parks_filter_by_subdistrict_status_industry_and_search(
    api_as, office_user, park, other_park
):
    seafood = IndustryFactory(name="水产")
    other_park.industries.add(seafood)
    client = api_as(office_user)

    def names(**params):
        return [p["name"] for p in client.get("/api/v1/parks/", params).json()["results"]]

    assert names(subdistrict=park.subdistrict_id) == [park.name]
    assert names(industry=seafood.pk) == [other_park.name]
    assert names(q="水产") == [other_park.name]
    assert names(q="华夏") == [park.name]
    assert names(pilot_status="candidate") == []


def test_an_unknown_filter_value_is_a_400_naming_the_filter(api_as, office_user):
    response = api_as(office_user).get("/api/v1/parks/", {"pilot_status": "bogus"})
    assert response.status_code == 400
    assert "pilot_status" in response.json()


def test_park_detail_carries_counts(api_as, office_user, park):
    GridZoneFactory.create_batch(3, park=park)
    FacilityFactory(park=park, area_m2="120.5")
    FacilityFactory(park=park, area_m2="80")
    body = api_as(office_user).get(f"/api/v1/parks/{park.pk}/").json()
    assert body["grid_zone_count"] == 3
    assert body["facility_area"] == "200.5"


def test_office_staff_create_a_park_by_api(api_as, office_user, subdistrict):
    IndustryFactory(name="建材")
    response = api_as(office_user).post(
        "/api/v1/parks/",
        {
            "name": "新园区",
            "kind": "market",
            "subdistrict": subdistrict.pk,
            "industries": ["建材"],
            "pilot_status": "newly_cultivated",
            "designation_year": 2024,
        },
    )
    assert response.status_code == 201, response.json()
    assert response.json()["industries"] == ["建材"]
    assert response.json()["grid_zone_count"] == 0


def test_a_pilot_park_without_a_year_is_a_400(api_as, office_user, subdistrict):
    response = api_as(office_user).post(
        "/api/v1/parks/", {"name": "新园区", "subdistrict": subdistrict.pk, "pilot_status": "pilot"}
    )
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_a_park_manager_cannot_create_parks_by_api(api_as, park_manager, subdistrict):
    response = api_as(park_manager).post(
        "/api/v1/parks/", {"name": "新园区", "subdistrict": subdistrict.pk}
    )
    assert response.status_code == 403


def test_grid_zone_create_and_update(api_as, office_user, park, liaison):
    client = api_as(office_user)
    created = client.post(
        "/api/v1/grids/", {"park": park.pk, "code": "g05", "name": "五区", "liaison": liaison.pk}
    )
    assert created.status_code == 201, created.json()
    assert created.json()["code"] == "G05"
    assert created.json()["liaison_detail"]["username"] == liaison.username
    updated = client.patch(f"/api/v1/grids/{created.json()['id']}/", {"boundary": "A栋"})
    assert updated.status_code == 200
    assert GridZone.objects.get(code="G05").boundary == "A栋"


def test_a_duplicate_grid_code_is_a_400_on_the_code_field(api_as, office_user, grid_zone):
    response = api_as(office_user).post(
        "/api/v1/grids/", {"park": grid_zone.park_id, "code": grid_zone.code, "name": "重复"}
    )
    assert response.status_code == 400
    assert "code" in response.json()
    assert GridZone.objects.count() == 1


def test_negative_area_and_over_long_names_are_400s(api_as, office_user, park):
    client = api_as(office_user)
    negative = client.post(
        "/api/v1/facilities/",
        {"park": park.pk, "kind": "nursing_room", "name": "母婴室", "area_m2": "-3"},
    )
    assert negative.status_code == 400 and "area_m2" in negative.json()
    too_long = client.post("/api/v1/grids/", {"park": park.pk, "code": "G1", "name": "长" * 101})
    assert too_long.status_code == 400 and "name" in too_long.json()
    assert not Facility.objects.exists() and not GridZone.objects.exists()


def test_malformed_json_is_a_400_with_a_message(office_user, park):
    client = APIClient()
    client.force_authenticate(office_user)
    response = client.post("/api/v1/grids/", data="{bad", content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


def test_a_liaison_reads_but_cannot_write_grid_zones(api_as, liaison, grid_zone):
    client = api_as(liaison)
    assert client.get(f"/api/v1/grids/{grid_zone.pk}/").status_code == 200
    assert client.patch(f"/api/v1/grids/{grid_zone.pk}/", {"name": "改"}).status_code == 403
    grid_zone.refresh_from_db()
    assert grid_zone.name != "改"


def test_a_park_manager_cannot_move_a_facility_to_another_park(
    api_as, park_manager, park, other_park
):
    facility = FacilityFactory(park=park)
    response = api_as(park_manager).patch(
        f"/api/v1/facilities/{facility.pk}/", {"park": other_park.pk}
    )
    # The other park is out of the manager's scope, so it reads as not existing.
    assert response.status_code == 400 and "park" in response.json()
    facility.refresh_from_db()
    assert facility.park == park


def test_subdistricts_and_organisations_list(api_as, liaison, subdistrict):
    client = api_as(liaison)
    assert client.get("/api/v1/subdistricts/").json()["count"] >= 1
    assert client.get("/api/v1/organisations/").status_code == 200


def test_the_schema_is_valid_openapi_3(admin_client):
    from openapi_spec_validator import validate

    response = admin_client.get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/grids/" in schema["paths"]


def test_the_docs_page_uses_only_local_assets(client, office_user):
    client.force_login(office_user)
    html = client.get(reverse("api-docs")).content.decode()
    assert "swagger-ui" in html
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html


def test_the_command_prints_a_working_token(office_user):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("create_api_token", "office", "--days", "7", stdout=out, stderr=StringIO())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {out.getvalue().strip()}")
    assert client.get("/api/v1/parks/").status_code == 200


def test_the_command_refuses_an_unknown_user():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError):
        call_command("create_api_token", "nobody")


def test_the_schema_generates_without_warnings(tmp_path):
    from django.core.management import call_command

    # --fail-on-warn turns any endpoint drf-spectacular cannot describe into an error.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
    assert "/api/v1/parks/" in (tmp_path / "s.yml").read_text()
