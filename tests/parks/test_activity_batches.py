"""The grid log's writes: batches from a phone saved whole or not at all."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parks.gridlog import services
from parks.gridlog.models import Activity
from tests.parks import activity_services_helpers as shared
from tests.parks.activity_services_helpers import NOW, logged, new

# The shared fixtures, bound here so pytest finds them by name.
frozen_now = shared.frozen_now
neighbour = shared.neighbour
neighbour_zone = shared.neighbour_zone


pytestmark = pytest.mark.django_db


# --- A batch from another system ----------------------------------------------------------------


def batch(zone, n, **fields):
    return [
        new(grid_zone=zone, title=f"走访{i}", client_id=uuid.uuid4(), **fields) for i in range(n)
    ]


def test_a_valid_batch_is_saved_whole_in_order(liaison, grid_zone):
    activities = batch(grid_zone, 5)

    results = services.activities_bulk_create(activities=activities, actor=liaison)

    assert [(a.title, created) for a, created in results] == [(f"走访{i}", True) for i in range(5)]
    assert all(a.pk for a, _created in results)
    saved = Activity.objects.filter(logged_by=liaison)
    assert saved.count() == 5 and {a.park_id for a in saved} == {grid_zone.park_id}


def test_a_batch_with_bad_items_saves_nothing_and_names_exactly_those(
    liaison, grid_zone, neighbour_zone
):
    activities = batch(grid_zone, 9)
    activities[1].occurred_at = NOW + timedelta(days=2)
    activities[3].grid_zone = neighbour_zone
    activities[4].participants = -3
    activities[5].participants = 100_001
    activities[6].occurred_at = datetime(1999, 12, 31, tzinfo=UTC)
    activities[7].description = "长" * 5001

    with pytest.raises(services.BulkValidationError) as error:
        services.activities_bulk_create(activities=activities, actor=liaison)

    errors = error.value.item_errors
    assert list(errors) == [1, 3, 4, 5, 6, 7]
    assert {index: list(fields) for index, fields in errors.items()} == {
        1: ["occurred_at"],
        3: ["grid_zone"],
        4: ["participants"],
        5: ["participants"],
        6: ["occurred_at"],
        7: ["description"],
    }
    assert errors[5]["participants"] == ["Participants must be between 0 and 100,000."]
    assert "6 items" in error.value.messages[0]
    assert not Activity.objects.exists()


def test_a_client_id_twice_in_one_batch_is_named_by_index(liaison, grid_zone):
    activities = batch(grid_zone, 4)
    activities[2].client_id = activities[0].client_id

    with pytest.raises(services.BulkValidationError) as error:
        services.activities_bulk_create(activities=activities, actor=liaison)

    assert list(error.value.item_errors) == [2]
    assert list(error.value.item_errors[2]) == ["client_id"]
    assert not Activity.objects.exists()


def test_a_batch_sent_again_is_found_not_logged_again(liaison, grid_zone):
    activities = batch(grid_zone, 3)
    first = services.activities_bulk_create(activities=activities, actor=liaison)
    resent = [
        new(grid_zone=grid_zone, title=a.title, client_id=a.client_id) for a in activities
    ] + batch(grid_zone, 1)

    again = services.activities_bulk_create(activities=resent, actor=liaison)

    assert [created for _a, created in again] == [False, False, False, True]
    assert [a.pk for a, _c in again[:3]] == [a.pk for a, _c in first]
    assert Activity.objects.count() == 4


def test_a_batch_reusing_another_persons_client_id_is_refused(liaison, grid_zone, office_user):
    theirs = logged(office_user, grid_zone=grid_zone, client_id=uuid.uuid4())
    activities = batch(grid_zone, 2)
    activities[1].client_id = theirs.client_id

    with pytest.raises(services.BulkValidationError) as error:
        services.activities_bulk_create(activities=activities, actor=liaison)

    assert list(error.value.item_errors) == [1]
    assert "client_id" in error.value.item_errors[1]
    assert Activity.objects.count() == 1


def test_a_batch_over_the_limit_is_refused_before_any_item_is_checked(liaison, grid_zone):
    activities = [new(grid_zone=grid_zone) for _ in range(10_000)]

    with CaptureQueriesContext(connection) as queries, pytest.raises(ValidationError) as error:
        services.activities_bulk_create(activities=activities, actor=liaison)

    assert "At most 500 activities" in error.value.messages[0]
    assert len(queries) == 0
    assert not Activity.objects.exists()


def test_the_batch_limit_is_the_settings(liaison, grid_zone, settings):
    settings.ACTIVITY_BULK_MAX = 3

    with pytest.raises(ValidationError):
        services.activities_bulk_create(activities=batch(grid_zone, 4), actor=liaison)
    assert len(services.activities_bulk_create(activities=batch(grid_zone, 3), actor=liaison)) == 3


def test_a_park_wide_item_where_the_actor_may_not_log_is_named_on_the_park(
    liaison, grid_zone, park
):
    activities = batch(grid_zone, 1) + [new(park=park, client_id=uuid.uuid4())]

    with pytest.raises(services.BulkValidationError) as error:
        services.activities_bulk_create(activities=activities, actor=liaison)

    assert error.value.item_errors == {
        1: {"park": ["You may not log activities in this park or grid zone."]}
    }


def test_a_batch_mixing_zones_and_park_wide_entries_of_two_parks(
    office_user, park, other_park, grid_zone, other_grid_zone
):
    activities = [
        new(grid_zone=grid_zone),
        new(park=park),
        new(grid_zone=other_grid_zone),
        new(park=other_park),
    ]

    results = services.activities_bulk_create(activities=activities, actor=office_user)

    assert [(a.park, a.grid_zone) for a, _created in results] == [
        (park, grid_zone),
        (park, None),
        (other_park, other_grid_zone),
        (other_park, None),
    ]
    assert Activity.objects.count() == 4


def test_a_big_batch_is_checked_in_a_bounded_number_of_queries(
    park_manager, park, grid_zone, neighbour_zone
):
    def queries_for(n):
        zones = [grid_zone, neighbour_zone] * n
        activities = [
            new(grid_zone=zones[i], title=f"走访{i}", client_id=uuid.uuid4()) for i in range(n)
        ]
        with CaptureQueriesContext(connection) as queries:
            services.activities_bulk_create(activities=activities, actor=park_manager)
        return len(queries)

    assert queries_for(50) == queries_for(4)
