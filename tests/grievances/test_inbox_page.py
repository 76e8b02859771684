"""The grievance inbox: queries, paging, deadline flags, tabs and filters."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import GrievanceFactory
from tests.grievances import pages_helpers as shared
from tests.grievances.pages_helpers import NOW, _html, _in, _inbox_codes

# The shared fixtures, bound here so pytest finds them by name.
frozen_now = shared.frozen_now
grievance = shared.grievance
in_english = shared.in_english
union = shared.union


pytestmark = pytest.mark.django_db


# --- The inbox ----------------------------------------------------------------------------------


def _inbox_queries(client):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("grievances:inbox"))
    assert response.status_code == 200
    return len(captured)


def test_the_inbox_runs_the_same_queries_for_2_and_25_rows(
    client, park, grid_zone, office_user, member_unit_user, union
):
    client.force_login(office_user)

    def add(count):
        for _ in range(count):
            _in(
                "accepted",
                GrievanceFactory(park=park, grid_zone=grid_zone),
                union,
                handler=member_unit_user,
            )

    add(2)
    few = _inbox_queries(client)
    add(23)
    assert len(_inbox_codes(client)) == 25
    assert _inbox_queries(client) == few


def test_the_inbox_pages_by_25(client, park, office_user):
    GrievanceFactory.create_batch(27, park=park)
    client.force_login(office_user)
    assert len(_inbox_codes(client)) == 25
    assert len(_inbox_codes(client, page=2)) == 2


def test_the_inbox_flags_and_sorts_by_deadline(client, park, office_user, union):
    # Received a day ago with 24 hours to respond: not taken up, now breached.
    late = GrievanceFactory(park=park, title="已超时")
    # Received an hour ago with 4 hours to respond: due soon.
    soon = GrievanceFactory(
        park=park,
        title="快到期",
        received_at=NOW - timedelta(hours=1),
        response_due_at=NOW + timedelta(hours=3),
        resolution_due_at=NOW + timedelta(days=10),
    )
    fine = GrievanceFactory(
        park=park,
        title="正常",
        received_at=NOW - timedelta(hours=1),
        response_due_at=NOW + timedelta(hours=23),
        resolution_due_at=NOW + timedelta(days=15),
    )
    client.force_login(office_user)
    html = _html(client.get(reverse("grievances:inbox")))
    flags = dict(re.findall(r'data-grievance="([A-Z0-9]+)" data-flag="([a-z_]+)"', html))
    assert flags == {
        late.tracking_code: "breached",
        soon.tracking_code: "due_soon",
        fine.tracking_code: "ok",
    }
    assert "badge-flag-breached" in html and "badge-flag-due_soon" in html
    assert "Respond: 1 hour overdue" in html
    assert "Respond: 3 hours left" in html
    assert _inbox_codes(client, flag="breached") == [late.tracking_code]
    assert _inbox_codes(client, flag="due_soon") == [soon.tracking_code]


def test_the_inbox_tabs_group_statuses_and_keep_the_filters(
    client, park, other_park, office_user, union
):
    received = GrievanceFactory(park=park)
    handled = _in("in_progress", GrievanceFactory(park=park), union)
    replied = _in("replied", GrievanceFactory(park=park), union)
    closed = _in("closed", GrievanceFactory(park=park), union, closed_at=NOW)
    GrievanceFactory(park=other_park)
    client.force_login(office_user)
    assert set(_inbox_codes(client, park=park.pk)) == {
        received.tracking_code,
        handled.tracking_code,
        replied.tracking_code,
    }
    assert _inbox_codes(client, park=park.pk, group="to_assign") == [received.tracking_code]
    assert _inbox_codes(client, park=park.pk, group="waiting_reply") == [handled.tracking_code]
    assert _inbox_codes(client, park=park.pk, group="follow_up") == [replied.tracking_code]
    assert _inbox_codes(client, park=park.pk, group="closed") == [closed.tracking_code]
    assert len(_inbox_codes(client, park=park.pk, group="all")) == 4
    html = _html(client.get(reverse("grievances:inbox"), {"park": park.pk}))
    tabs = dict(re.findall(r'data-group="([a-z_]+)"[^>]*>[^<]*<span[^>]*>(\d+)<', html))
    assert tabs == {
        "open": "3",
        "to_assign": "1",
        "waiting_reply": "1",
        "follow_up": "1",
        "closed": "1",
        "all": "4",
    }
    assert f"park={park.pk}&amp;group=closed" in html


def test_a_filter_naming_a_hidden_park_matches_nothing(client, grievance, other_park, liaison):
    client.force_login(liaison)
    assert _inbox_codes(client, park=other_park.pk) == []
