"""The liaison's phone pages: correcting and deleting entries, and the entry page."""

import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse

from parks.gridlog.models import Activity, ActivityPhoto
from tests.factories import ActivityFactory
from tests.parks import liaison_pages_helpers as shared
from tests.parks.liaison_pages_helpers import NOW, _html, create_url, entry, jpeg

# The shared fixtures, bound here so pytest finds them by name.
frozen_now = shared.frozen_now
in_english = shared.in_english
neighbour = shared.neighbour
observer = shared.observer


pytestmark = pytest.mark.django_db


# --- Correcting -----------------------------------------------------------------------------


def _log(client, zone, **extra):
    client.post(create_url(zone=zone.pk), entry(zone, **extra))
    return Activity.objects.latest("pk")


def test_a_liaison_corrects_their_entry_within_the_window_only(
    client, liaison, grid_zone, time_machine
):
    client.force_login(liaison)
    activity = _log(client, grid_zone, photos=[jpeg()])
    edit_url = reverse("parks:activity_edit", args=[activity.pk])
    html = _html(client.get(edit_url))
    assert 'id="current-photos"' in html and "client_id" not in html
    # The version the draft of this correction is made on: a later change makes it stale.
    assert f'data-updated-at="{activity.updated_at.isoformat()}"' in html
    assert 'id="cancel-activity"' in html
    data = entry(grid_zone, participants="40", title="走访", photos=[jpeg(800, 600)])
    data["remove_photos"] = [activity.photos.get().pk]
    response = client.post(edit_url, data)
    assert response.url == f"/grid-log/{activity.pk}/?saved=edit"
    activity.refresh_from_db()
    assert (activity.participants, activity.title) == (40, "走访")
    assert activity.photos.get().width == 800
    # The page after the correction gives the entry's new version: the phone forgets the edit
    # draft made on the version before.
    html = _html(client.get(response.url))
    assert f'data-saved-edit="{activity.pk}"' in html
    assert f'data-updated-at="{activity.updated_at.isoformat()}"' in html

    deadline = NOW + timedelta(hours=settings.ACTIVITY_EDIT_HOURS)
    html = _html(client.get(reverse("parks:activity_detail", args=[activity.pk])))
    assert "You can correct this entry until 2026-06-07 10:00" in html

    time_machine.move_to(deadline + timedelta(minutes=1), tick=False)
    client.force_login(liaison)  # the session itself has run out by now
    response = client.get(edit_url)
    assert response.status_code == 403
    assert 'id="edit-closed"' in response.content.decode()
    assert client.post(edit_url, {**data, "participants": "1"}).status_code == 403
    assert client.post(reverse("parks:activity_delete", args=[activity.pk])).status_code == 403
    activity.refresh_from_db()
    assert activity.participants == 40
    html = _html(client.get(reverse("parks:activity_detail", args=[activity.pk])))
    assert 'id="edit-activity"' not in html


def test_a_park_manager_corrects_a_liaisons_entry_after_the_window(
    client, liaison, park_manager, grid_zone, time_machine
):
    client.force_login(liaison)
    activity = _log(client, grid_zone)
    time_machine.move_to(NOW + timedelta(days=30), tick=False)
    client.force_login(park_manager)
    data = entry(grid_zone, participants="7", title="更正")
    assert client.post(reverse("parks:activity_edit", args=[activity.pk]), data).status_code == 302
    activity.refresh_from_db()
    assert (activity.participants, activity.logged_by) == (7, liaison)


def test_a_neighbour_cannot_correct_or_delete_an_entry(client, liaison, neighbour, grid_zone):
    client.force_login(liaison)
    activity = _log(client, grid_zone)
    client.force_login(neighbour)
    # Same park: they may read it, not change it.
    html = _html(client.get(reverse("parks:activity_detail", args=[activity.pk])))
    assert 'id="edit-activity"' not in html
    assert client.get(reverse("parks:activity_edit", args=[activity.pk])).status_code == 403
    assert client.post(reverse("parks:activity_delete", args=[activity.pk])).status_code == 403
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_a_liaison_deletes_their_entry(client, liaison, grid_zone):
    client.force_login(liaison)
    activity = _log(client, grid_zone, photos=[jpeg()])
    url = reverse("parks:activity_delete", args=[activity.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("parks:my_grid_zones")
    assert not Activity.objects.exists() and not ActivityPhoto.objects.exists()


def test_the_office_deletes_an_entry_and_returns_to_its_feed(client, office_user, grid_zone):
    activity = ActivityFactory(grid_zone=grid_zone)
    client.force_login(office_user)
    response = client.post(reverse("parks:activity_delete", args=[activity.pk]))
    assert response.url == reverse("parks:activity_feed")
    assert not Activity.objects.exists()


# --- The entry's page -----------------------------------------------------------------------


def test_the_entry_page_offers_a_grievance_to_who_may_log_one(
    client, liaison, neighbour, subdistrict_user, observer, grid_zone
):
    client.force_login(liaison)
    activity = _log(client, grid_zone)
    grievance_link = f'href="/grievances/new/?activity={activity.pk}"'
    for user in (liaison, neighbour):
        client.force_login(user)
        assert grievance_link in _html(client.get(activity.get_absolute_url()))
    for user in (subdistrict_user, observer):
        client.force_login(user)
        html = _html(client.get(activity.get_absolute_url()))
        assert grievance_link not in html and 'id="edit-activity"' not in html


def test_a_saved_marker_that_is_not_the_entrys_is_ignored(client, liaison, grid_zone):
    client.force_login(liaison)
    activity = _log(client, grid_zone)
    for marker in ('"><script>x</script>', str(uuid.uuid4()), "new:zone:1"):
        html = _html(client.get(activity.get_absolute_url(), {"saved": marker}))
        assert "data-saved-" not in html and "<script>x" not in html
        assert "js/activity_draft.js" not in html
    html = _html(client.get(activity.get_absolute_url(), {"saved": str(activity.client_id)}))
    assert f'data-saved-client="{activity.client_id}"' in html
