"""Dates and ids a REST client can get wrong: each a 400 naming the field, never a 500."""

from datetime import timedelta

import pytest
from django.utils import timezone

from parks.gridlog.models import Activity
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/activities/"
BULK = "/api/v1/activities/bulk/"
OUT_OF_RANGE = [
    "9999-12-31T23:59:59+08:00",
    "2101-01-01T12:00:00+08:00",
    "0001-01-01T00:00:00",
    "1999-12-31T12:00:00+08:00",
]


def _entry(grid_zone, **fields):
    yesterday = timezone.now() - timedelta(days=1)
    return {
        "grid_zone": grid_zone.pk,
        "kind": "visit",
        "occurred_at": yesterday.isoformat(),
        "title": "走访",
        "participants": 3,
    } | fields


@pytest.mark.parametrize("occurred_at", OUT_OF_RANGE)
def test_a_date_out_of_range_is_a_400_on_create(api_as, liaison, grid_zone, occurred_at):
    response = api_as(liaison).post(LIST, _entry(grid_zone, occurred_at=occurred_at), format="json")
    assert response.status_code == 400, response.content
    assert "occurred_at" in response.json()
    assert not Activity.objects.exists()


@pytest.mark.parametrize("occurred_at", OUT_OF_RANGE)
def test_a_date_out_of_range_is_a_400_on_correction(api_as, liaison, grid_zone, occurred_at):
    entry = ActivityFactory(grid_zone=grid_zone, logged_by=liaison)
    response = api_as(liaison).patch(
        f"{LIST}{entry.pk}/", {"occurred_at": occurred_at}, format="json"
    )
    assert response.status_code == 400, response.content
    assert "occurred_at" in response.json()
    entry.refresh_from_db()
    assert entry.occurred_at.year == 2026


@pytest.mark.parametrize("occurred_at", OUT_OF_RANGE)
def test_a_date_out_of_range_is_a_per_item_error_in_a_batch(
    api_as, liaison, grid_zone, occurred_at
):
    batch = [_entry(grid_zone), _entry(grid_zone, occurred_at=occurred_at)]
    response = api_as(liaison).post(BULK, {"activities": batch}, format="json")
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert [item["index"] for item in errors] == [1]
    assert "occurred_at" in errors[0]["errors"]
    assert not Activity.objects.exists()


def test_the_first_minutes_of_2000_in_wuxi_are_in_range(api_as, liaison, grid_zone):
    response = api_as(liaison).post(
        LIST, _entry(grid_zone, occurred_at="2000-01-01T07:30:00+08:00"), format="json"
    )
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("field", ["grid_zone", "park"])
def test_a_unicode_digit_as_an_id_is_a_400_in_a_batch(api_as, office_user, grid_zone, field):
    batch = [_entry(grid_zone) | {field: "²"}]
    response = api_as(office_user).post(BULK, {"activities": batch}, format="json")
    assert response.status_code == 400, response.content
    assert not Activity.objects.exists()
