"""The liaison's phone pages of the grid log: who lands where and may log where, logging with a
real photo, bad photos and dates, resends, the edit window, the photo view and query counts."""

import io
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from parks import selectors, services
from parks.choices import Role
from parks.models import Activity, ActivityPhoto
from tests.factories import ActivityFactory, GridZoneFactory, UserFactory

pytestmark = pytest.mark.django_db

# Thursday 4 June 2026, 10:00 in Shanghai.
NOW = datetime(2026, 6, 4, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_now(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture(autouse=True)
def in_english(client):
    """Pages in English, so the assertions hold whatever the Chinese catalogue says."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def neighbour(park):
    """Another liaison of the same park, with a zone of their own."""
    return UserFactory(username="neighbour", role=Role.LIAISON, park=park)


@pytest.fixture
def neighbour_zone(park, neighbour):
    return GridZoneFactory(park=park, code="G02", name="灯具区", liaison=neighbour)


@pytest.fixture
def other_liaison(other_park, other_grid_zone):
    user = UserFactory(username="other-liaison", role=Role.LIAISON, park=other_park)
    other_grid_zone.liaison = user
    other_grid_zone.save()
    return user


@pytest.fixture
def observer():
    return UserFactory(username="observer", role=Role.OBSERVER)


def jpeg(width=2000, height=1500, *, name="现场.jpg"):
    """A real camera-like JPEG, with EXIF saying where it was taken."""
    picture = Image.new("RGB", (width, height), (200, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (31.0, 34.0, 0.0)}  # GPS
    out = io.BytesIO()
    picture.save(out, "JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def entry(zone, **extra):
    data = {
        "grid_zone": zone.pk,
        "kind": "visit",
        "occurred_at": "2026-06-04T09:30",
        "participants": "12",
        "title": "",
        "description": "走访瓷砖区商户，了解用工情况。",
        "place": "",
        "organisers": "",
        "client_id": str(uuid.uuid4()),
    }
    data.update(extra)
    return data


def create_url(**params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{reverse('parks:activity_create')}?{query}"


def _html(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- Landing --------------------------------------------------------------------------------


def test_a_liaison_starts_on_their_grid_zones_and_others_on_the_parks(
    client, liaison, grid_zone, office_user
):
    client.force_login(liaison)
    assert client.get("/").url == reverse("parks:my_grid_zones")
    client.force_login(office_user)
    assert client.get("/").url == reverse("parks:park_list")


def test_the_landing_shows_only_the_liaisons_own_zones(
    client, liaison, grid_zone, neighbour_zone, other_grid_zone
):
    ActivityFactory(grid_zone=grid_zone, occurred_at=NOW - timedelta(hours=1))
    ActivityFactory(grid_zone=grid_zone, occurred_at=NOW - timedelta(days=10))
    client.force_login(liaison)
    html = _html(client.get(reverse("parks:my_grid_zones")))
    cards = re.findall(r'class="card zone-card h-100" data-zone="(\d+)"', html)
    assert cards == [str(grid_zone.pk)]
    assert "1 this week" in html
    assert "Last entry: 2026-06-04" in html
    assert f'href="/grid-log/new/?zone={grid_zone.pk}"' in html
    assert "log-park-wide" not in html


def test_a_park_manager_sees_every_zone_of_the_park_and_logs_park_wide(
    client, park_manager, park, grid_zone, neighbour_zone, other_grid_zone
):
    client.force_login(park_manager)
    html = _html(client.get(reverse("parks:my_grid_zones")))
    cards = re.findall(r'data-zone="(\d+)"', html)
    assert cards == [str(grid_zone.pk), str(neighbour_zone.pk)]
    assert f'href="/grid-log/new/?park={park.pk}"' in html


def test_the_office_picks_a_park_first(client, office_user, park, other_park, grid_zone):
    client.force_login(office_user)
    html = _html(client.get(reverse("parks:my_grid_zones")))
    assert 'id="park-chooser"' in html and "data-zone=" not in html
    html = _html(client.get(reverse("parks:my_grid_zones"), {"park": park.pk}))
    assert re.findall(r'data-zone="(\d+)"', html) == [str(grid_zone.pk)]
    assert "log-park-wide" in html


def test_someone_who_logs_nowhere_is_told_so(client, observer, grid_zone):
    client.force_login(observer)
    html = _html(client.get(reverse("parks:my_grid_zones")))
    assert 'id="no-zones"' in html


# --- Who may open the form ------------------------------------------------------------------


def test_a_liaison_may_log_only_in_their_own_zones(
    client, liaison, park, grid_zone, neighbour_zone, other_grid_zone
):
    client.force_login(liaison)
    assert client.get(create_url(zone=grid_zone.pk)).status_code == 200
    # Their neighbour's zone is in sight (same park) but not theirs: refused.
    assert client.get(create_url(zone=neighbour_zone.pk)).status_code == 403
    assert client.post(create_url(zone=neighbour_zone.pk), entry(neighbour_zone)).status_code == 403
    # Another park's zone, or a park-wide entry, is out of their reach.
    assert client.get(create_url(zone=other_grid_zone.pk)).status_code == 404
    assert client.get(create_url(park=park.pk)).status_code == 403
    assert client.get(create_url(zone="abc")).status_code == 404
    assert client.get(create_url(zone="99999999")).status_code == 404
    # The zone sent with the form is checked too, not only the one in the address.
    html = _html(client.post(create_url(zone=grid_zone.pk), entry(neighbour_zone)))
    assert "Select a valid choice." in html
    assert not Activity.objects.exists()


def test_a_liaison_with_one_zone_goes_straight_to_it(client, liaison, grid_zone):
    client.force_login(liaison)
    html = _html(client.get(reverse("parks:activity_create")))
    assert f'type="hidden" name="grid_zone" value="{grid_zone.pk}"' in html
    # It happened just now; the number of people is left to type.
    assert 'name="occurred_at" value="2026-06-04T10:00"' in html
    assert re.search(r'<input type="number" name="participants"(?![^>]*value=)[^>]*>', html)


def test_a_park_manager_logs_in_any_zone_of_their_park_or_park_wide(
    client, park_manager, park, grid_zone, neighbour_zone, other_grid_zone
):
    client.force_login(park_manager)
    html = _html(client.get(create_url(zone=neighbour_zone.pk)))
    # Several places to log in: a select, with the whole park as the empty choice.
    assert '<select name="grid_zone"' in html and "Whole park" in html
    assert client.get(create_url(park=park.pk)).status_code == 200
    assert client.get(create_url(zone=other_grid_zone.pk)).status_code == 404
    response = client.post(create_url(park=park.pk), entry(neighbour_zone, grid_zone=""))
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert (activity.park, activity.grid_zone, activity.logged_by) == (park, None, park_manager)


@pytest.mark.parametrize("role_fixture", ["observer", "member_unit_user", "subdistrict_user"])
def test_observers_members_and_subdistricts_cannot_log(request, client, role_fixture, grid_zone):
    user = request.getfixturevalue(role_fixture)
    client.force_login(user)
    assert client.get(create_url(zone=grid_zone.pk)).status_code == 403
    assert client.post(create_url(zone=grid_zone.pk), entry(grid_zone)).status_code == 403
    assert client.get(reverse("parks:activity_create")).status_code == 403
    assert not Activity.objects.exists()


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


# --- My recent entries ----------------------------------------------------------------------


def test_recent_entries_offer_edit_only_while_the_liaison_may(
    client, liaison, neighbour, grid_zone, neighbour_zone, time_machine
):
    """The list's edit links give the same answers as selectors.user_can_edit_activity."""
    time_machine.move_to(NOW - timedelta(days=5), tick=False)
    old = ActivityFactory(grid_zone=grid_zone, logged_by=liaison, title="五天前")
    time_machine.move_to(NOW, tick=False)
    fresh = ActivityFactory(grid_zone=grid_zone, logged_by=liaison, title="刚刚")
    # A zone handed over to the neighbour: the liaison no longer corrects entries there.
    handed_over = ActivityFactory(grid_zone=neighbour_zone, logged_by=liaison, title="已移交")
    ActivityFactory(grid_zone=grid_zone, logged_by=neighbour, title="别人的")
    client.force_login(liaison)
    html = _html(client.get(reverse("parks:my_grid_zones")))
    listed = re.findall(r'recent-entry py-2" data-activity="(\d+)"', html)
    assert listed == [str(handed_over.pk), str(fresh.pk), str(old.pk)]
    editable = set(re.findall(r'href="/grid-log/(\d+)/edit/"', html))
    expected = {
        str(a.pk) for a in (old, fresh, handed_over) if selectors.user_can_edit_activity(liaison, a)
    }
    assert editable == expected == {str(fresh.pk)}
    assert "until 2026-06-07 10:00" in html


def _landing_queries(client):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("parks:my_grid_zones"))
    assert response.status_code == 200
    return len(captured)


def test_the_landing_runs_the_same_queries_for_2_and_20_entries(
    client, liaison, grid_zone, neighbour_zone
):
    second_zone = GridZoneFactory(park=grid_zone.park, liaison=liaison)
    client.force_login(liaison)

    def log(count):
        for n in range(count):
            zone = grid_zone if n % 2 else second_zone
            activity = services.activity_create(
                activity=Activity(
                    grid_zone=zone,
                    kind="care",
                    occurred_at=NOW - timedelta(hours=n),
                    title="送清凉",
                ),
                actor=liaison,
                photos=[jpeg(200, 150)],
            )[0]
            assert activity.photos.count() == 1

    log(2)
    few = _landing_queries(client)
    log(18)
    assert _landing_queries(client) == few


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


# --- Signing out on a shared phone ----------------------------------------------------------


def test_the_page_after_signing_out_forgets_the_drafts_on_the_phone(client, liaison):
    client.force_login(liaison)
    response = client.post(reverse("logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("login")
    assert "js/forget_drafts.js" in _html(response)


def test_a_session_that_ran_out_keeps_the_drafts_for_after_signing_in(client, liaison, grid_zone):
    """Sent to sign in by a page (the session ran out while typing): the draft must survive."""
    response = client.post(create_url(zone=grid_zone.pk), entry(grid_zone), follow=True)
    assert response.redirect_chain[-1][0].startswith(f"{reverse('login')}?next=")
    assert "js/forget_drafts.js" not in _html(response)
