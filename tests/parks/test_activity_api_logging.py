"""REST API for the grid log: logging an entry, who may log where, and resending."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from parks.gridlog.models import Activity
from tests.factories import ActivityFactory
from tests.parks import activity_api_helpers as shared
from tests.parks.activity_api_helpers import LIST, _entry

# The shared fixtures, bound here so pytest finds them by name.
neighbour_zone = shared.neighbour_zone
observer = shared.observer


pytestmark = pytest.mark.django_db


# --- Logging ----------------------------------------------------------------------------------


def test_a_liaison_logs_in_their_own_zone_and_the_zone_decides_the_park(
    api_as, liaison, grid_zone, park
):
    response = api_as(liaison).post(LIST, _entry(grid_zone=grid_zone.pk))
    assert response.status_code == 201, response.json()
    activity = Activity.objects.get()
    assert activity.park == park and activity.grid_zone == grid_zone
    assert activity.logged_by == liaison
    assert response.json()["id"] == activity.pk


def test_a_liaison_may_not_log_in_a_neighbours_zone_or_park_wide(
    api_as, liaison, neighbour_zone, park
):
    client = api_as(liaison)
    assert client.post(LIST, _entry(grid_zone=neighbour_zone.pk)).status_code == 403
    assert client.post(LIST, _entry(park=park.pk)).status_code == 403
    assert not Activity.objects.exists()


def test_a_zone_of_a_park_the_user_cannot_see_reads_as_nonexistent(
    api_as, liaison, other_grid_zone
):
    client = api_as(liaison)
    hidden = client.post(LIST, _entry(grid_zone=other_grid_zone.pk))
    missing = client.post(LIST, _entry(grid_zone=999_999))
    assert hidden.status_code == missing.status_code == 400
    assert list(hidden.json()) == ["grid_zone"]
    # The same answer for a hidden zone as for one that does not exist, but for its id.
    assert hidden.json()["grid_zone"][0].replace(str(other_grid_zone.pk), "?") == missing.json()[
        "grid_zone"
    ][0].replace("999999", "?")
    assert not Activity.objects.exists()


def test_a_park_manager_logs_in_any_zone_of_their_park_and_park_wide(
    api_as, park_manager, neighbour_zone, park, other_park
):
    client = api_as(park_manager)
    assert client.post(LIST, _entry(grid_zone=neighbour_zone.pk)).status_code == 201
    park_wide = client.post(LIST, _entry(park=park.pk, kind="lecture"))
    assert park_wide.status_code == 201
    assert park_wide.json()["grid_zone"] is None and park_wide.json()["grid_zone_label"] is None
    # Another park is not in their scope at all.
    assert client.post(LIST, _entry(park=other_park.pk)).status_code == 400
    assert Activity.objects.count() == 2


def test_office_staff_log_anywhere(api_as, office_user, other_grid_zone, park):
    client = api_as(office_user)
    assert client.post(LIST, _entry(grid_zone=other_grid_zone.pk)).status_code == 201
    assert client.post(LIST, _entry(park=park.pk)).status_code == 201


@pytest.mark.parametrize("who", ["observer", "member_unit_user", "subdistrict_user"])
def test_readers_may_not_log(request, api_as, grid_zone, park, who):
    client = api_as(request.getfixturevalue(who))
    assert client.post(LIST, _entry(grid_zone=grid_zone.pk)).status_code == 403
    assert client.post(LIST, _entry(park=park.pk)).status_code == 403
    assert not Activity.objects.exists()


def test_a_zone_and_a_park_that_do_not_match_are_refused(
    api_as, office_user, grid_zone, other_park
):
    response = api_as(office_user).post(LIST, _entry(grid_zone=grid_zone.pk, park=other_park.pk))
    assert response.status_code == 400
    assert "grid_zone" in response.json()


def test_an_entry_needs_a_park_or_a_zone(api_as, office_user):
    response = api_as(office_user).post(LIST, _entry())
    assert response.status_code == 400
    assert "park" in response.json()


def test_a_future_date_is_refused(api_as, liaison, grid_zone):
    tomorrow = (timezone.now() + timedelta(days=1)).isoformat()
    response = api_as(liaison).post(LIST, _entry(grid_zone=grid_zone.pk, occurred_at=tomorrow))
    assert response.status_code == 400
    assert list(response.json()) == ["occurred_at"]
    assert not Activity.objects.exists()


def test_negative_participants_are_refused(api_as, liaison, grid_zone):
    response = api_as(liaison).post(LIST, _entry(grid_zone=grid_zone.pk, participants=-3))
    assert response.status_code == 400
    assert list(response.json()) == ["participants"]
    assert not Activity.objects.exists()


def test_resending_an_entry_with_its_client_id_returns_the_first_one(api_as, liaison, grid_zone):
    client = api_as(liaison)
    payload = _entry(grid_zone=grid_zone.pk, client_id=str(uuid.uuid4()))
    first = client.post(LIST, payload)
    again = client.post(LIST, {**payload, "title": "重发"})
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["title"] == "走访瓷砖区商户"
    assert Activity.objects.count() == 1


def test_a_client_id_logged_by_someone_else_is_refused(api_as, liaison, park_manager, grid_zone):
    client_id = str(uuid.uuid4())
    ActivityFactory(grid_zone=grid_zone, logged_by=park_manager, client_id=client_id)
    response = api_as(liaison).post(LIST, _entry(grid_zone=grid_zone.pk, client_id=client_id))
    assert response.status_code == 400
    assert "client_id" in response.json()
    assert Activity.objects.count() == 1
