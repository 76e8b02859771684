"""The inbox sorts by the deadline it shows (the next one: respond, then resolve), and its
headers sort."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from tests.factories import GrievanceFactory
from tests.grievances import pages_helpers as shared
from tests.grievances.pages_helpers import NOW, _html, _in, _inbox_codes

frozen_now = shared.frozen_now
in_english = shared.in_english
union = shared.union

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(park, union):
    """Due to respond in 2 hours; accepted with 1 day left to resolve; replied (none left)."""
    respond_soon = _in(
        "assigned",
        GrievanceFactory(
            park=park,
            title="两小时内须响应",
            received_at=NOW - timedelta(hours=22),
            response_due_at=NOW + timedelta(hours=2),
            resolution_due_at=NOW + timedelta(days=14),
        ),
        union,
    )
    resolve_tomorrow = _in(
        "accepted",
        GrievanceFactory(
            park=park,
            title="明天须办结",
            received_at=NOW - timedelta(days=14),
            response_due_at=NOW - timedelta(days=13),
            resolution_due_at=NOW + timedelta(days=1),
        ),
        union,
    )
    replied = _in(
        "replied",
        GrievanceFactory(
            park=park,
            title="已答复",
            received_at=NOW - timedelta(days=3),
            response_due_at=NOW - timedelta(days=2),
            resolution_due_at=NOW + timedelta(hours=1),
        ),
        union,
    )
    return respond_soon, resolve_tomorrow, replied


def _codes(rows):
    return [row.tracking_code for row in rows]


def test_the_inbox_lists_the_nearest_shown_deadline_first(client, office_user, three):
    respond_soon, resolve_tomorrow, replied = three
    client.force_login(office_user)
    # The old order (by resolution limit) put the replied one and tomorrow's first, and the
    # request due in 2 hours last; the shown deadline puts it first and the replied one (no
    # deadline left) last.
    assert _inbox_codes(client) == _codes([respond_soon, resolve_tomorrow, replied])
    html = _html(client.get(reverse("grievances:inbox")))
    assert "Respond: 2 hours left" in html


def test_the_deadline_header_sorts_both_ways_and_keeps_the_filters(
    client, office_user, park, three
):
    respond_soon, resolve_tomorrow, replied = three
    client.force_login(office_user)
    html = _html(client.get(reverse("grievances:inbox"), {"park": park.pk}))
    header = re.search(r'<th scope="col"[^>]*aria-sort="ascending"[^>]*>.*?</th>', html, re.S)
    assert header and 'data-sort="deadline"' in header.group(0)
    link = re.search(r'href="([^"]+)" data-sort="deadline"', html).group(1).replace("&amp;", "&")
    assert f"park={park.pk}" in link and "ordering=-deadline" in link
    # Latest deadline first; the one with none stays last.
    assert _inbox_codes(client, ordering="-deadline", park=park.pk) == _codes(
        [resolve_tomorrow, respond_soon, replied]
    )


def test_the_other_headers_sort_too(client, office_user, three):
    respond_soon, resolve_tomorrow, replied = three
    client.force_login(office_user)
    assert _inbox_codes(client, ordering="received") == _codes(
        [resolve_tomorrow, replied, respond_soon]
    )
    assert _inbox_codes(client, ordering="-received") == _codes(
        [respond_soon, replied, resolve_tomorrow]
    )
    # accepted < assigned < replied, alphabetically by the stored value
    assert _inbox_codes(client, ordering="status") == _codes(
        [resolve_tomorrow, respond_soon, replied]
    )
    html = _html(client.get(reverse("grievances:inbox")))
    for key in ("received", "status", "unit", "deadline"):
        assert f'data-sort="{key}"' in html


def test_an_unknown_order_keeps_the_default(client, office_user, three):
    client.force_login(office_user)
    assert _inbox_codes(client, ordering="complainant_phone") == _codes(three)
    assert _inbox_codes(client, ordering="-") == _codes(three)


def test_a_filter_keeps_the_chosen_order(client, office_user, three):
    client.force_login(office_user)
    html = _html(client.get(reverse("grievances:inbox"), {"ordering": "-received"}))
    assert '<input type="hidden" name="ordering" value="-received">' in html
