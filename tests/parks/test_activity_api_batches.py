"""REST API for the grid log: the bulk endpoint, whole or nothing, with errors by index and bounded
size."""

import json
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from parks.gridlog.models import Activity
from parks.structure.choices import Role
from tests.factories import GridZoneFactory, UserFactory
from tests.parks import activity_api_helpers as shared
from tests.parks.activity_api_helpers import LIST, _entry

# The shared fixtures, bound here so pytest finds them by name.
neighbour_zone = shared.neighbour_zone


pytestmark = pytest.mark.django_db


BULK = "/api/v1/activities/bulk/"


# --- Bulk -------------------------------------------------------------------------------------


def test_a_valid_batch_is_logged_whole(api_as, park_manager, grid_zone, neighbour_zone, park):
    items = [
        _entry(grid_zone=grid_zone.pk, title="一"),
        _entry(grid_zone=neighbour_zone.pk, title="二", kind="care"),
        _entry(park=park.pk, title="三", client_id=str(uuid.uuid4())),
    ]
    response = api_as(park_manager).post(BULK, {"activities": items})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["created"] == 3 and body["existing"] == 0
    assert [row["index"] for row in body["results"]] == [0, 1, 2]
    saved = {a.pk: a.title for a in Activity.objects.all()}
    assert [saved[row["id"]] for row in body["results"]] == ["一", "二", "三"]
    assert all(a.logged_by == park_manager for a in Activity.objects.all())


def test_one_bad_item_refuses_the_whole_batch_and_is_named_by_index(api_as, liaison, grid_zone):
    items = [
        _entry(grid_zone=grid_zone.pk),
        _entry(grid_zone=grid_zone.pk),
        _entry(grid_zone=grid_zone.pk, participants=-1),
    ]
    response = api_as(liaison).post(BULK, {"activities": items})
    assert response.status_code == 400
    body = response.json()
    assert body["detail"]
    assert [e["index"] for e in body["errors"]] == [2]
    assert list(body["errors"][0]["errors"]) == ["participants"]
    assert not Activity.objects.exists()


def test_rule_errors_in_a_batch_are_reported_by_index_and_nothing_is_saved(
    api_as, liaison, grid_zone, neighbour_zone
):
    tomorrow = (timezone.now() + timedelta(days=2)).isoformat()
    items = [
        _entry(grid_zone=grid_zone.pk),
        _entry(grid_zone=grid_zone.pk, occurred_at=tomorrow),
        _entry(grid_zone=grid_zone.pk),
        _entry(grid_zone=neighbour_zone.pk),
    ]
    response = api_as(liaison).post(BULK, {"activities": items})
    assert response.status_code == 400
    errors = {e["index"]: e["errors"] for e in response.json()["errors"]}
    assert list(errors) == [1, 3]
    assert list(errors[1]) == ["occurred_at"]
    assert list(errors[3]) == ["grid_zone"]
    assert not Activity.objects.exists()


def test_an_item_in_another_park_is_a_per_item_error(
    api_as, liaison, grid_zone, other_grid_zone, other_park
):
    items = [
        _entry(grid_zone=grid_zone.pk),
        _entry(grid_zone=other_grid_zone.pk),
        _entry(park=other_park.pk),
        _entry(grid_zone="G01"),
    ]
    response = api_as(liaison).post(BULK, {"activities": items})
    assert response.status_code == 400
    errors = {e["index"]: e["errors"] for e in response.json()["errors"]}
    assert list(errors) == [1, 2, 3]
    assert list(errors[1]) == ["grid_zone"]
    assert list(errors[2]) == ["park"]
    assert list(errors[3]) == ["grid_zone"]
    assert not Activity.objects.exists()


def test_a_batch_can_be_resent_after_a_failure_without_duplicates(api_as, liaison, grid_zone):
    items = [_entry(grid_zone=grid_zone.pk, client_id=str(uuid.uuid4())) for _n in range(3)]
    client = api_as(liaison)
    first = client.post(BULK, {"activities": items[:2]})
    assert first.status_code == 201
    again = client.post(BULK, {"activities": items})
    assert again.status_code == 201
    assert again.json()["created"] == 1 and again.json()["existing"] == 2
    assert [row["id"] for row in again.json()["results"][:2]] == [
        row["id"] for row in first.json()["results"]
    ]
    assert Activity.objects.count() == 3


def test_the_same_client_id_twice_in_a_batch_is_refused(api_as, liaison, grid_zone):
    client_id = str(uuid.uuid4())
    items = [_entry(grid_zone=grid_zone.pk, client_id=client_id) for _n in range(2)]
    response = api_as(liaison).post(BULK, {"activities": items})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [e["index"] for e in errors] == [1]
    assert list(errors[0]["errors"]) == ["client_id"]
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    "body",
    [{}, {"activities": []}, {"activities": "all"}, [1, 2]],
    ids=["no-list", "empty", "not-a-list", "bare-list"],
)
def test_a_malformed_batch_is_a_clear_400(api_as, liaison, body):
    response = api_as(liaison).post(BULK, body)
    assert response.status_code == 400
    assert response.json()["detail"] and response.json()["errors"] == []


def test_items_that_are_not_objects_are_errors_of_their_index(api_as, liaison, grid_zone):
    response = api_as(liaison).post(BULK, {"activities": [_entry(grid_zone=grid_zone.pk), "x"]})
    assert response.status_code == 400
    assert [e["index"] for e in response.json()["errors"]] == [1]


def test_a_batch_of_501_is_refused_before_any_item_is_checked(api_as, liaison, grid_zone):
    items = [_entry(grid_zone=grid_zone.pk)] * 500 + [{"nonsense": True}]
    with CaptureQueriesContext(connection) as queries:
        response = api_as(liaison).post(BULK, {"activities": items})
    assert response.status_code == 400
    body = response.json()
    assert "500" in body["detail"] and "501" in body["detail"]
    assert body["errors"] == []
    assert len(queries) == 0
    assert not Activity.objects.exists()


def test_a_batch_of_10000_small_items_is_a_clear_json_400(api_as, liaison, grid_zone):
    items = [{"grid_zone": grid_zone.pk, "kind": "visit", "title": "走访"}] * 10_000
    body = json.dumps({"activities": items})
    assert len(body) < settings.DATA_UPLOAD_MAX_MEMORY_SIZE  # read, then refused by its length
    response = api_as(liaison).post(BULK, body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "10000" in response.json()["detail"]
    assert not Activity.objects.exists()


def test_a_batch_of_10000_full_items_is_refused_by_its_size_as_json(api_as, liaison, grid_zone):
    items = [_entry(grid_zone=grid_zone.pk, description="店主反映" * 20)] * 10_000
    body = json.dumps({"activities": items})
    assert len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = api_as(liaison).post(BULK, body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "500" in response.json()["detail"]
    assert not Activity.objects.exists()


def test_a_full_batch_of_500_is_logged(api_as, park_manager, park):
    zones = [
        GridZoneFactory(
            park=park, code=f"Z{n:02d}", liaison=UserFactory(role=Role.LIAISON, park=park)
        )
        for n in range(10)
    ]
    items = [_entry(grid_zone=zones[n % 10].pk, title=f"走访{n}") for n in range(500)]
    response = api_as(park_manager).post(BULK, {"activities": items})
    assert response.status_code == 201, response.json()
    assert response.json()["created"] == 500
    assert Activity.objects.count() == 500


def test_a_batch_costs_the_same_queries_for_3_and_300_items(api_as, park_manager, park):
    zones = [
        GridZoneFactory(
            park=park, code=f"Z{n:02d}", liaison=UserFactory(role=Role.LIAISON, park=park)
        )
        for n in range(3)
    ]
    client = api_as(park_manager)

    def count_queries(n):
        items = [_entry(grid_zone=zones[i % 3].pk, client_id=str(uuid.uuid4())) for i in range(n)]
        items[0] = _entry(park=park.pk)
        with CaptureQueriesContext(connection) as queries:
            assert client.post(BULK, {"activities": items}).status_code == 201
        return len(queries)

    assert count_queries(3) == count_queries(300)


def test_the_bulk_endpoint_takes_json_only(api_as, liaison, grid_zone):
    response = api_as(liaison).post(
        BULK, {"activities": json.dumps([_entry(grid_zone=grid_zone.pk)])}, format="multipart"
    )
    assert response.status_code == 415
    assert not Activity.objects.exists()


def test_an_oversized_form_is_refused_as_json_not_as_an_html_page(api_as, liaison, grid_zone):
    # Django stops reading form fields past DATA_UPLOAD_MAX_MEMORY_SIZE (files do not count).
    description = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = api_as(liaison).post(
        LIST, _entry(grid_zone=grid_zone.pk, description=description), format="multipart"
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]
    assert not Activity.objects.exists()
