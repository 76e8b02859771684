"""The liaison's phone pages: logging a visit with photos, refusing bad input, and resends."""

import io
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from parks.gridlog.models import Activity, ActivityPhoto
from parks.structure.choices import Role
from tests.factories import ActivityFactory, UserFactory
from tests.parks import liaison_pages_helpers as shared
from tests.parks.liaison_pages_helpers import _html, create_url, entry, jpeg

# The shared fixtures, bound here so pytest finds them by name.
frozen_now = shared.frozen_now
in_english = shared.in_english
neighbour = shared.neighbour
neighbour_zone = shared.neighbour_zone


pytestmark = pytest.mark.django_db


@pytest.fixture
def other_liaison(other_park, other_grid_zone):
    user = UserFactory(username="other-liaison", role=Role.LIAISON, park=other_park)
    other_grid_zone.liaison = user
    other_grid_zone.save()
    return user


# --- Logging --------------------------------------------------------------------------------


def test_a_liaison_logs_a_visit_with_a_camera_photo(client, liaison, grid_zone):
    client.force_login(liaison)
    data = entry(grid_zone, photos=[jpeg()])
    response = client.post(create_url(zone=grid_zone.pk), data)
    activity = Activity.objects.get()
    # The page after saving names the entry's client id: the phone forgets the draft that was
    # this entry, and no other (the form's key would name the next entry's draft too).
    assert response.url == f"/grid-log/{activity.pk}/?saved={data['client_id']}"
    assert (activity.park, activity.grid_zone, activity.logged_by) == (
        grid_zone.park,
        grid_zone,
        liaison,
    )
    assert activity.participants == 12 and activity.kind == "visit"
    assert str(activity.client_id) == data["client_id"]
    # An empty title takes the kind's name.
    assert activity.title == "Patrol / visit"
    photo = activity.photos.get()
    # Re-encoded by the server: no larger than the limit, and the GPS position is gone.
    assert (photo.width, photo.height) == (1600, 1200)
    stored = Image.open(photo.image.open("rb"))
    assert stored.format == "JPEG" and stored.size == (1600, 1200)
    assert not stored.getexif()
    assert photo.original_name == "现场.jpg"

    detail = client.get(response.url)
    html = _html(detail)
    assert "Activity “Patrol / visit” saved." in html
    assert f'data-saved-client="{data["client_id"]}"' in html
    assert f'data-draft-user="{liaison.pk}"' in html and "js/activity_draft.js" in html
    assert f'href="/grid-log/photos/{photo.pk}/"' in html
    assert f'src="/grid-log/photos/{photo.pk}/?size=thumb"' in html


def test_the_photo_is_streamed_only_to_who_may_see_the_entry(
    client, liaison, office_user, other_liaison, grid_zone
):
    client.force_login(liaison)
    client.post(create_url(zone=grid_zone.pk), entry(grid_zone, photos=[jpeg()]))
    photo = ActivityPhoto.objects.get()
    url = reverse("parks:activity_photo", args=[photo.pk])

    client.force_login(office_user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "private" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    assert body == photo.image.open("rb").read()
    thumb = client.get(url, {"size": "thumb"})
    assert max(Image.open(io.BytesIO(b"".join(thumb.streaming_content))).size) == 360

    client.force_login(other_liaison)
    assert client.get(url).status_code == 404
    assert client.get(reverse("parks:activity_detail", args=[photo.activity_id])).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page


def test_a_renamed_program_as_a_photo_is_refused_and_nothing_is_saved(client, liaison, grid_zone):
    client.force_login(liaison)
    program = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00" + b"\x00" * 500, "image/jpeg")
    data = entry(grid_zone, photos=[jpeg(), program], participants="33")
    html = _html(client.post(create_url(zone=grid_zone.pk), data))
    assert "“photo.jpg” is not a photo the portal can read" in html
    assert re.search(r'invalid-feedback d-block photo-error">[^<]*photo\.jpg', html)
    # What was typed comes back; the photos must be attached again, and the page says so.
    assert 'value="33"' in html and 'id="photos-dropped"' in html
    assert f'value="{data["client_id"]}"' in html
    assert not Activity.objects.exists() and not ActivityPhoto.objects.exists()


def test_a_date_in_the_future_is_refused(client, liaison, grid_zone):
    client.force_login(liaison)
    html = _html(
        client.post(create_url(zone=grid_zone.pk), entry(grid_zone, occurred_at="2026-06-05T10:00"))
    )
    assert "An activity is logged once it has happened, not ahead." in html
    assert not Activity.objects.exists()
    html = _html(
        client.post(create_url(zone=grid_zone.pk), entry(grid_zone, occurred_at="9999-12-31T10:00"))
    )
    assert "Dates run from 2000-01-01 to 2100-12-31." in html
    assert not Activity.objects.exists()


def test_negative_participants_and_no_kind_are_refused(client, liaison, grid_zone):
    client.force_login(liaison)
    html = _html(
        client.post(create_url(zone=grid_zone.pk), entry(grid_zone, participants="-3", kind=""))
    )
    assert "Ensure this value is greater than or equal to 0." in html
    assert "kind-grid is-invalid" in html
    assert not Activity.objects.exists()


def test_sending_the_same_entry_twice_logs_it_once(client, liaison, grid_zone):
    client.force_login(liaison)
    data = entry(grid_zone, photos=[jpeg()])
    first = client.post(create_url(zone=grid_zone.pk), data)
    data["photos"] = [jpeg()]  # the phone sends its photos again with the resend
    second = client.post(create_url(zone=grid_zone.pk), data, follow=True)
    assert Activity.objects.count() == 1 and ActivityPhoto.objects.count() == 1
    assert second.redirect_chain[-1][0] == first.url
    assert "This entry had already been saved" in second.content.decode()


def _resend(client, zone, first, **changes):
    """The same client id sent again, as from a draft restored after the answer was lost."""
    client.post(create_url(zone=zone.pk), first)
    return client.post(create_url(zone=zone.pk), {**first, **changes})


@pytest.mark.parametrize(
    "changes",
    [
        {"kind": "care"},
        {"occurred_at": "2026-06-04T09:31"},
        {"participants": "13"},
        {"title": "回访"},
        {"description": "另一次走访。"},
        {"place": "3号门"},
        {"organisers": "工会"},
    ],
    ids=lambda changes: next(iter(changes)),
)
def test_a_resend_rewritten_into_another_visit_is_not_swallowed(
    client, liaison, grid_zone, changes
):
    client.force_login(liaison)
    first = entry(grid_zone)
    response = _resend(client, grid_zone, first, **changes)
    saved = Activity.objects.get()
    # Nothing new is saved, nor is the new text dropped: the form comes back with it, says the
    # entry was saved before and links to it.
    html = _html(response)
    errors = re.search(r'id="form-errors">(.*?)</div>', html, re.S).group(1)
    assert "This entry was already saved" in errors
    assert f'href="{saved.get_absolute_url()}"' in errors
    assert "save again to log this as a new entry" in errors
    name, value = next(iter(changes.items()))
    shown = rf'<input type="radio" name="kind" value="{value}"[^>]*checked'
    if name != "kind":
        shown = rf'name="{name}"[^>]*value="{value}"|name="{name}"[^>]*>\s*{value}</textarea>'
    assert re.search(shown, html), name
    # A new client id, so that Save logs a new entry; the page says it was sent back by the
    # server, so the phone's draft takes this id rather than its own.
    client_id = re.search(r'name="client_id" value="([0-9a-f-]{36})"', html).group(1)
    assert client_id != first["client_id"]
    assert 'data-bound="1"' in html
    saved_again = client.post(
        create_url(zone=grid_zone.pk), {**first, **changes, "client_id": client_id}
    )
    assert saved_again.status_code == 302
    assert Activity.objects.count() == 2
    new = Activity.objects.get(client_id=client_id)
    assert new.pk != saved.pk
    assert saved_again.url == f"/grid-log/{new.pk}/?saved={client_id}"


def test_a_resend_into_another_zone_is_not_swallowed(
    client, park_manager, park, grid_zone, neighbour_zone
):
    client.force_login(park_manager)
    first = entry(grid_zone)
    client.post(create_url(park=park.pk), first)
    response = client.post(create_url(park=park.pk), {**first, "grid_zone": neighbour_zone.pk})
    assert "This entry was already saved" in _html(response)
    assert Activity.objects.get().grid_zone == grid_zone


def test_a_resend_with_more_photos_than_were_saved_is_not_swallowed(client, liaison, grid_zone):
    client.force_login(liaison)
    first = entry(grid_zone, photos=[jpeg(400, 300)])
    response = _resend(client, grid_zone, first, photos=[jpeg(400, 300), jpeg(400, 300)])
    html = _html(response)
    assert "This entry was already saved" in html and 'id="photos-dropped"' in html
    assert ActivityPhoto.objects.count() == 1


def test_a_resend_of_the_same_visit_shows_the_saved_entry(client, liaison, grid_zone):
    """Same text, newlines as a browser sends them and the title left to the kind: the same
    entry, shown as saved; its photos sent again are not added twice."""
    client.force_login(liaison)
    first = entry(grid_zone, description="走访。\r\n第二行", photos=[jpeg(400, 300)])
    saved_first = client.post(create_url(zone=grid_zone.pk), first)
    saved = Activity.objects.get()
    # Stored by another way in: seconds kept and plain newlines.
    Activity.objects.filter(pk=saved.pk).update(
        occurred_at=saved.occurred_at.replace(second=42), description="走访。\n第二行"
    )
    response = client.post(
        create_url(zone=grid_zone.pk), {**first, "title": "", "photos": [jpeg(400, 300)]}
    )
    assert response.status_code == 302 and response.url == saved_first.url
    assert Activity.objects.count() == 1 and ActivityPhoto.objects.count() == 1


def test_another_persons_client_id_is_refused(client, liaison, grid_zone, park_manager):
    taken = ActivityFactory(grid_zone=grid_zone, logged_by=park_manager, client_id=uuid.uuid4())
    client.force_login(liaison)
    html = _html(
        client.post(create_url(zone=grid_zone.pk), entry(grid_zone, client_id=taken.client_id))
    )
    assert "This client id is already in use." in html
    assert Activity.objects.count() == 1
