"""The liaison's phone pages: the landing, who logs where, recent entries, and drafts kept across
sign-in."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parks import access
from parks.gridlog import services
from parks.gridlog.models import Activity
from tests.factories import ActivityFactory, GridZoneFactory
from tests.parks import liaison_pages_helpers as shared
from tests.parks.liaison_pages_helpers import NOW, _html, create_url, entry, jpeg

# The shared fixtures, bound here so pytest finds them by name.
frozen_now = shared.frozen_now
in_english = shared.in_english
neighbour = shared.neighbour
neighbour_zone = shared.neighbour_zone
observer = shared.observer


pytestmark = pytest.mark.django_db


# --- Landing --------------------------------------------------------------------------------


def test_a_liaison_starts_on_their_grid_zones_and_others_on_the_workbench(
    client, liaison, grid_zone, office_user
):
    client.force_login(liaison)
    assert client.get("/").url == reverse("parks:my_grid_zones")
    client.force_login(office_user)
    landing = client.get("/")
    assert landing.status_code == 200
    assert landing.templates[0].name == "reforms/workbench/home.html"


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


# --- My recent entries ----------------------------------------------------------------------


def test_recent_entries_offer_edit_only_while_the_liaison_may(
    client, liaison, neighbour, grid_zone, neighbour_zone, time_machine
):
    """The list's edit links give the same answers as access.may_edit_activity."""
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
        str(a.pk) for a in (old, fresh, handed_over) if access.may_edit_activity(liaison, a)
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
