"""REST API for the grid log: correcting and deleting entries."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from parks.gridlog.models import Activity, ActivityPhoto
from parks.structure.choices import Role
from tests.factories import ActivityFactory, UserFactory
from tests.parks import activity_api_helpers as shared
from tests.parks.activity_api_helpers import LIST, _entry, _jpeg, _post_with_photos, detail

# The shared fixtures, bound here so pytest finds them by name.
entry_in_zone = shared.entry_in_zone
neighbour_zone = shared.neighbour_zone
observer = shared.observer


pytestmark = pytest.mark.django_db


# --- Correcting and deleting ------------------------------------------------------------------


def test_a_liaison_corrects_their_own_entry_and_only_the_fields_sent_change(
    api_as, liaison, entry_in_zone
):
    # Someone else changed the description after the liaison read the entry.
    Activity.objects.filter(pk=entry_in_zone.pk).update(description="店主反映停车难")
    response = api_as(liaison).patch(detail(entry_in_zone), {"participants": 9})
    assert response.status_code == 200, response.json()
    entry_in_zone.refresh_from_db()
    assert entry_in_zone.participants == 9
    assert entry_in_zone.description == "店主反映停车难"


def test_a_liaison_cannot_correct_after_the_edit_window(api_as, liaison, entry_in_zone):
    past = timezone.now() - timedelta(hours=settings.ACTIVITY_EDIT_HOURS + 1)
    Activity.objects.filter(pk=entry_in_zone.pk).update(created_at=past)
    client = api_as(liaison)
    assert client.patch(detail(entry_in_zone), {"title": "改"}).status_code == 403
    assert client.delete(detail(entry_in_zone)).status_code == 403
    assert Activity.objects.get(pk=entry_in_zone.pk).title == "瓷砖区走访"


def test_a_liaison_cannot_correct_someone_elses_entry(api_as, liaison, grid_zone):
    entry = ActivityFactory(grid_zone=grid_zone, logged_by=UserFactory(role=Role.OFFICE))
    assert api_as(liaison).patch(detail(entry), {"title": "改"}).status_code == 403


def test_a_liaison_cannot_move_an_entry_to_a_neighbours_zone(
    api_as, liaison, entry_in_zone, neighbour_zone
):
    response = api_as(liaison).patch(detail(entry_in_zone), {"grid_zone": neighbour_zone.pk})
    assert response.status_code == 403
    assert Activity.objects.get(pk=entry_in_zone.pk).grid_zone_id == entry_in_zone.grid_zone_id


def test_a_park_manager_corrects_any_entry_of_their_park_and_makes_it_park_wide(
    api_as, park_manager, entry_in_zone, park
):
    response = api_as(park_manager).patch(
        detail(entry_in_zone), {"grid_zone": None, "park": park.pk}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["grid_zone"] is None
    assert Activity.objects.get(pk=entry_in_zone.pk).park == park


def test_an_entry_moves_to_another_park_only_through_one_of_its_zones(
    api_as, office_user, entry_in_zone, other_park, other_grid_zone
):
    client = api_as(office_user)
    refused = client.patch(detail(entry_in_zone), {"park": other_park.pk})
    assert refused.status_code == 400 and "park" in refused.json()
    moved = client.patch(detail(entry_in_zone), {"grid_zone": other_grid_zone.pk})
    assert moved.status_code == 200
    assert moved.json()["park"] == other_park.pk


@pytest.mark.parametrize("who", ["observer", "member_unit_user", "subdistrict_user"])
def test_readers_may_not_correct_or_delete(request, api_as, entry_in_zone, who):
    client = api_as(request.getfixturevalue(who))
    assert client.patch(detail(entry_in_zone), {"title": "改"}).status_code == 403
    assert client.delete(detail(entry_in_zone)).status_code == 403
    assert Activity.objects.filter(pk=entry_in_zone.pk, title="瓷砖区走访").exists()


def test_photos_are_added_and_removed_by_a_correction(api_as, liaison, grid_zone):
    client = api_as(liaison)
    created = _post_with_photos(client, grid_zone, SimpleUploadedFile("a.jpg", _jpeg()))
    entry_id, old_photo = created.json()["id"], created.json()["photos"][0]["id"]
    response = client.patch(
        f"{LIST}{entry_id}/",
        {"photos": [SimpleUploadedFile("b.jpg", _jpeg((50, 40)))], "remove_photos": [old_photo]},
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    assert [(p["width"], p["height"]) for p in response.json()["photos"]] == [(50, 40)]
    unknown = client.patch(f"{LIST}{entry_id}/", {"remove_photos": [old_photo]})
    assert unknown.status_code == 400 and "remove_photos" in unknown.json()


def test_put_is_not_offered(api_as, office_user, entry_in_zone):
    assert api_as(office_user).put(detail(entry_in_zone), _entry()).status_code == 405


def test_a_liaison_deletes_their_own_entry_with_its_photos(api_as, liaison, grid_zone):
    client = api_as(liaison)
    created = _post_with_photos(client, grid_zone, SimpleUploadedFile("a.jpg", _jpeg()))
    assert client.delete(f"{LIST}{created.json()['id']}/").status_code == 204
    assert not Activity.objects.exists() and not ActivityPhoto.objects.exists()
