"""REST API for the grid log: reading entries within scope, filters, queries and the schema."""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parks.gridlog.choices import ActivityKind
from parks.gridlog.models import Activity, ActivityPhoto
from parks.structure.choices import Role
from tests.factories import ActivityFactory, GridZoneFactory, UserFactory
from tests.parks import activity_api_helpers as shared
from tests.parks.activity_api_helpers import LIST, _jpeg, detail

# The shared fixtures, bound here so pytest finds them by name.
entry_elsewhere = shared.entry_elsewhere
entry_in_zone = shared.entry_in_zone
neighbour_zone = shared.neighbour_zone
observer = shared.observer
other_liaison = shared.other_liaison


pytestmark = pytest.mark.django_db


def _titles(response):
    assert response.status_code == 200, response.json()
    return sorted(row["title"] for row in response.json()["results"])


# --- Reading ----------------------------------------------------------------------------------


def test_anonymous_clients_are_refused(api_client):
    assert api_client.get(LIST).status_code == 401


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("office_user", ["水产区走访", "瓷砖区走访"]),
        ("member_unit_user", ["水产区走访", "瓷砖区走访"]),
        ("observer", ["水产区走访", "瓷砖区走访"]),
        ("subdistrict_user", ["瓷砖区走访"]),
        ("park_manager", ["瓷砖区走访"]),
        ("liaison", ["瓷砖区走访"]),
        ("other_liaison", ["水产区走访"]),
    ],
)
def test_each_role_lists_the_entries_of_its_scope(
    request, api_as, entry_in_zone, entry_elsewhere, who, sees
):
    assert _titles(api_as(request.getfixturevalue(who)).get(LIST)) == sees


def test_an_entry_shows_its_park_zone_kind_and_author(api_as, office_user, entry_in_zone):
    body = api_as(office_user).get(detail(entry_in_zone)).json()
    assert body["park"] == entry_in_zone.park_id
    assert body["park_name"] == "无锡华夏家居港建材市场"
    assert body["grid_zone_label"] == "G01 瓷砖区"
    assert body["kind"] == "visit" and body["kind_display"]
    assert body["logged_by_name"] == str(entry_in_zone.logged_by)
    assert body["photos"] == []


def test_a_liaison_of_another_park_gets_404_for_every_method(api_as, other_liaison, entry_in_zone):
    client = api_as(other_liaison)
    assert client.get(detail(entry_in_zone)).status_code == 404
    assert client.patch(detail(entry_in_zone), {"title": "x"}).status_code == 404
    assert client.delete(detail(entry_in_zone)).status_code == 404
    assert Activity.objects.get(pk=entry_in_zone.pk).title == "瓷砖区走访"


def test_the_list_filters_by_kind_zone_and_period(api_as, office_user, grid_zone, neighbour_zone):
    ActivityFactory(grid_zone=grid_zone, kind=ActivityKind.CARE, title="送清凉")
    ActivityFactory(grid_zone=neighbour_zone, kind=ActivityKind.CARE, title="中医理疗")
    ActivityFactory(grid_zone=grid_zone, kind=ActivityKind.LECTURE, title="主题宣讲")
    client = api_as(office_user)
    assert _titles(client.get(LIST, {"kind": "care"})) == ["中医理疗", "送清凉"]
    assert _titles(client.get(LIST, {"kind": "care", "grid_zone": grid_zone.pk})) == ["送清凉"]
    assert _titles(client.get(LIST, {"date_from": "2026-06-04"})) == []


def test_a_hidden_park_cannot_be_used_as_a_filter(api_as, liaison, other_park):
    response = api_as(liaison).get(LIST, {"park": other_park.pk})
    assert response.status_code == 400
    assert "park" in response.json()


def test_the_list_runs_the_same_queries_for_2_and_50_entries(api_as, office_user, park):
    zones = [GridZoneFactory(park=park, liaison=UserFactory(role=Role.LIAISON, park=park))]
    client = api_as(office_user)

    def count_queries(n):
        Activity.objects.all().delete()
        for index in range(n):
            zone = zones[0] if index % 2 else None
            activity = ActivityFactory(park=park, grid_zone=zone, logged_by=UserFactory())
            for _photo in range(2):
                ActivityPhoto.objects.create(
                    activity=activity,
                    image=ContentFile(_jpeg((4, 4)), name="a.jpg"),
                    thumbnail=ContentFile(_jpeg((2, 2)), name="t.jpg"),
                    width=4,
                    height=4,
                )
        with CaptureQueriesContext(connection) as queries:
            rows = client.get(LIST).json()["results"]
        assert len(rows) == n and all(len(row["photos"]) == 2 for row in rows)
        return len(queries)

    assert count_queries(2) == count_queries(50)


def test_the_schema_documents_the_activities_api(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
    schema = (tmp_path / "s.yml").read_text()
    assert "/api/v1/activities/bulk/" in schema
    assert "/api/v1/activities/{id}/photos/{photo_id}/" in schema
    assert "All or none" in schema
    assert "Idempotent by `client_id`" in schema
