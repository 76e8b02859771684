"""The office's pages of the grid log: the feed (scope, filters, fixed query count), the month
calendar (local days, Monday first) and the coverage view (idle zones and the heat map's numbers
on a known data set). Bad parameters show a message or a form error, never a 500."""

import json
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parks.gridlog.choices import ActivityKind
from parks.gridlog.models import ActivityPhoto
from parks.structure.choices import Role
from parks.templatetags import memo
from tests.factories import ActivityFactory, GridZoneFactory, ParkFactory, UserFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*args):
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def on_wednesday_the_tenth_of_june(time_machine):
    # This week runs from Monday 8 June 2026; this month from Monday 1 June.
    time_machine.move_to(local(2026, 6, 10, 10, 0))


@pytest.fixture(autouse=True)
def in_english(client):
    """Pages in English, so the assertions hold whatever the Chinese catalogue says."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _html(response):
    assert response.status_code == 200
    return response.content.decode()


def _feed_ids(client, **params):
    html = _html(client.get(reverse("parks:activity_feed"), params))
    return [int(pk) for pk in re.findall(r'data-activity="(\d+)"', html)]


def _queries(client, url, params=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured)


# --- The feed ---------------------------------------------------------------------------------


def test_a_liaison_sees_the_feed_of_their_own_park_only(
    client, liaison, grid_zone, other_grid_zone
):
    mine = ActivityFactory(grid_zone=grid_zone, title="瓷砖区走访", logged_by=liaison)
    theirs = ActivityFactory(grid_zone=other_grid_zone, title="水产区送清凉")
    client.force_login(liaison)
    html = _html(client.get(reverse("parks:activity_feed")))
    assert "瓷砖区走访" in html and "水产区送清凉" not in html
    assert _feed_ids(client) == [mine.pk]
    # Naming the other park's park or zone is refused, not quietly widened or ignored.
    for params in ({"park": theirs.park_id}, {"grid_zone": other_grid_zone.pk}):
        html = _html(client.get(reverse("parks:activity_feed"), params))
        assert "Select a valid choice" in html
        assert "水产区送清凉" not in html and 'data-activity="' not in html


def test_office_staff_see_every_park_newest_first_with_a_summary(
    client, office_user, grid_zone, other_grid_zone
):
    older = ActivityFactory(grid_zone=grid_zone, occurred_at=local(2026, 6, 2, 9), participants=7)
    newer = ActivityFactory(
        grid_zone=other_grid_zone, occurred_at=local(2026, 6, 5, 9), participants=30
    )
    park_wide = ActivityFactory(
        grid_zone=None, park=grid_zone.park, occurred_at=local(2026, 6, 4, 9), participants=5
    )
    client.force_login(office_user)
    assert _feed_ids(client) == [newer.pk, park_wide.pk, older.pk]
    html = _html(client.get(reverse("parks:activity_feed")))
    summary = re.search(r'id="feed-summary"[^>]*>(.*?)</p>', html, re.S).group(1)
    assert "3 entries" in summary and "42 participants" in summary
    assert "park-wide" in html
    assert f'href="{reverse("parks:activity_detail", args=[newer.pk])}"' in html


def test_the_summary_counts_the_filtered_set_not_the_page(client, office_user, grid_zone):
    ActivityFactory.create_batch(30, grid_zone=grid_zone, participants=2)
    client.force_login(office_user)
    html = _html(client.get(reverse("parks:activity_feed")))
    assert len(re.findall(r'data-activity="', html)) == 25
    assert 'data-entries="30"' in html and 'data-participants="60"' in html
    page_two = _html(client.get(reverse("parks:activity_feed"), {"page": 2}))
    assert len(re.findall(r'data-activity="', page_two)) == 5


def test_the_feed_filters_by_kind_period_zone_and_who_logged(
    client, office_user, park, grid_zone, liaison
):
    other_zone = GridZoneFactory(park=park, code="G02", name="卫浴区")
    manager = UserFactory(role=Role.PARK_MANAGER, park=park)
    care = ActivityFactory(
        grid_zone=grid_zone,
        kind=ActivityKind.CARE,
        occurred_at=local(2026, 6, 1, 7, 30),  # 31 May 23:30 UTC: a June entry here
        logged_by=liaison,
    )
    lecture = ActivityFactory(
        grid_zone=other_zone,
        kind=ActivityKind.LECTURE,
        occurred_at=local(2026, 5, 31, 20, 0),
        logged_by=manager,
    )
    visit = ActivityFactory(
        grid_zone=grid_zone,
        kind=ActivityKind.VISIT,
        occurred_at=local(2026, 6, 9, 15, 0),
        logged_by=liaison,
    )
    client.force_login(office_user)
    assert _feed_ids(client, kind=["care", "lecture"]) == [care.pk, lecture.pk]
    assert _feed_ids(client, kind="visit") == [visit.pk]
    # Local days: the 07:30 entry of 1 June is in June although it is 31 May in UTC.
    assert _feed_ids(client, date_from="2026-06-01", date_to="2026-06-01") == [care.pk]
    assert _feed_ids(client, date_to="2026-05-31") == [lecture.pk]
    assert _feed_ids(client, grid_zone=other_zone.pk) == [lecture.pk]
    assert _feed_ids(client, logged_by=liaison.pk) == [visit.pk, care.pk]
    assert _feed_ids(client, logged_by=liaison.pk, kind="care") == [care.pk]
    assert _feed_ids(client, q=lecture.title) == [lecture.pk]


def test_the_kind_filter_survives_paging(client, office_user, grid_zone):
    ActivityFactory.create_batch(26, grid_zone=grid_zone, kind=ActivityKind.CARE)
    ActivityFactory.create_batch(26, grid_zone=grid_zone, kind=ActivityKind.FORUM)
    ActivityFactory(grid_zone=grid_zone, kind=ActivityKind.VISIT)
    client.force_login(office_user)
    html = _html(client.get(reverse("parks:activity_feed") + "?kind=care&kind=forum"))
    assert "?kind=care&amp;kind=forum&amp;page=2" in html


@pytest.mark.parametrize(
    "params",
    [
        {"date_to": "9999-12-31"},
        {"date_from": "1999-12-31"},
        {"date_from": "2026-02-30"},
        {"park": "abc"},
        {"grid_zone": "999999"},
        {"subdistrict": "-1"},
        {"logged_by": "x"},
        {"kind": "bogus"},
        {"page": "abc"},
        {"page": "99999"},
        {"park_wide": "maybe"},
        {"q": "\x00"},
    ],
)
def test_bad_feed_parameters_never_break_the_page(client, office_user, grid_zone, params):
    ActivityFactory(grid_zone=grid_zone)
    client.force_login(office_user)
    response = client.get(reverse("parks:activity_feed"), params)
    assert response.status_code == 200


def test_a_date_out_of_range_shows_the_form_error(client, office_user, grid_zone):
    ActivityFactory(grid_zone=grid_zone)
    client.force_login(office_user)
    html = _html(client.get(reverse("parks:activity_feed"), {"date_to": "9999-12-31"}))
    assert "Dates run from 2000-01-01 to 2100-12-31." in html
    assert 'data-activity="' not in html and 'id="feed-empty"' in html


def _entries(count, parks):
    """Entries spread over parks, zones and loggers, each with two photos."""
    for n in range(count):
        park = parks[n % len(parks)]
        zone = GridZoneFactory(park=park)
        logger = UserFactory(role=Role.LIAISON, park=park)
        activity = ActivityFactory(grid_zone=zone, logged_by=logger)
        for side in ("a", "b"):
            ActivityPhoto.objects.create(
                activity=activity,
                image=f"activity-photos/full/{activity.pk}/{side}.jpg",
                thumbnail=f"activity-photos/thumb/{activity.pk}/{side}.jpg",
                width=800,
                height=600,
            )


def test_the_feed_runs_the_same_queries_for_2_and_30_entries(client, office_user):
    parks = [ParkFactory(), ParkFactory()]
    client.force_login(office_user)
    url = reverse("parks:activity_feed")
    _entries(2, parks)
    few = _queries(client, url)
    _entries(28, parks)
    assert _queries(client, url) == few
    assert _queries(client, url, {"kind": ["visit", "care"], "page": 2}) == few


def test_the_feed_shows_up_to_three_thumbnails_an_entry(client, office_user, grid_zone):
    activity = ActivityFactory(grid_zone=grid_zone)
    photos = [
        ActivityPhoto.objects.create(
            activity=activity, image=f"f{n}.jpg", thumbnail=f"t{n}.jpg", width=1, height=1
        )
        for n in range(5)
    ]
    client.force_login(office_user)
    html = _html(client.get(reverse("parks:activity_feed")))
    thumbs = re.findall(r'class="activity-thumb" src="([^"]+)"', html)
    assert thumbs == [
        reverse("parks:activity_photo", args=[photo.pk]) + "?size=thumb" for photo in photos[:3]
    ]
    assert "+2" in html


# --- The calendar -----------------------------------------------------------------------------


def _calendar(client, **params):
    return _html(client.get(reverse("parks:activity_calendar"), params))


def _day(html, day):
    match = re.search(rf'<td class="calendar-day[^"]*" data-date="{day}" data-total="(\d+)"', html)
    return int(match.group(1)) if match else None


def test_the_calendar_puts_an_early_morning_entry_on_its_local_day(client, office_user, grid_zone):
    # 07:30 on 1 June in Wuxi is 23:30 on 31 May in UTC.
    activity = ActivityFactory(
        grid_zone=grid_zone, occurred_at=local(2026, 6, 1, 7, 30), title="端午前送清凉"
    )
    assert activity.occurred_at.astimezone(UTC).day == 31
    client.force_login(office_user)
    june = _calendar(client, month="2026-06")
    assert _day(june, "2026-06-01") == 1
    assert "端午前送清凉" in june
    assert reverse("parks:activity_detail", args=[activity.pk]) in june
    may = _calendar(client, month="2026-05")
    assert _day(may, "2026-05-31") == 0


def test_the_calendar_starts_weeks_on_monday(client, office_user):
    client.force_login(office_user)
    html = _calendar(client, month="2026-05")  # 1 May 2026 is a Friday
    headers = re.findall(r'<th scope="col" class="text-center">(\w+)</th>', html)
    assert headers == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    first_row = html.split("<tbody>")[1].split("</tr>")[0]
    # Monday 27 April to Thursday 30 April belong to April: shown, not counted.
    assert first_row.count("calendar-outside") == 4
    assert 'data-date="2026-05-01"' in first_row


def test_a_calendar_day_counts_each_kind_and_lists_three_titles(client, office_user, grid_zone):
    for hour, kind in enumerate(["care", "care", "lecture", "visit", "care"], start=8):
        ActivityFactory(
            grid_zone=grid_zone, kind=kind, occurred_at=local(2026, 6, 3, hour), title=f"第{hour}"
        )
    client.force_login(office_user)
    html = _calendar(client, month="2026-06")
    assert _day(html, "2026-06-03") == 5
    cell = html.split('data-date="2026-06-03"')[1].split("</td>")[0]
    assert re.findall(r'data-kind="(\w+)" title="[^"]+: (\d+)"', cell) == [
        ("visit", "1"),
        ("lecture", "1"),
        ("care", "3"),
    ]
    # The day's first three by time, and a link to the rest in the feed.
    assert re.findall(r"</i> (第\d+)</a>", cell) == ["第8", "第9", "第10"]
    assert "2 more" in cell
    assert "date_from=2026-06-03&amp;date_to=2026-06-03" in cell


def test_the_calendar_keeps_the_feed_filters(client, office_user, park, grid_zone, other_park):
    ActivityFactory(grid_zone=grid_zone, kind="care", occurred_at=local(2026, 6, 3, 9))
    ActivityFactory(grid_zone=grid_zone, kind="visit", occurred_at=local(2026, 6, 3, 10))
    ActivityFactory(
        grid_zone=GridZoneFactory(park=other_park), kind="care", occurred_at=local(2026, 6, 3, 11)
    )
    client.force_login(office_user)
    assert _day(_calendar(client, month="2026-06"), "2026-06-03") == 3
    assert _day(_calendar(client, month="2026-06", kind="care"), "2026-06-03") == 2
    html = _calendar(client, month="2026-06", kind="care", park=park.pk)
    assert _day(html, "2026-06-03") == 1
    # Previous and next keep the filters.
    assert f"?kind=care&amp;park={park.pk}&amp;month=2026-05" in html
    assert f"?kind=care&amp;park={park.pk}&amp;month=2026-07" in html


def test_the_calendar_is_scoped(client, liaison, grid_zone, other_grid_zone):
    ActivityFactory(grid_zone=grid_zone, occurred_at=local(2026, 6, 3, 9))
    ActivityFactory(grid_zone=other_grid_zone, occurred_at=local(2026, 6, 3, 9), title="别人的")
    client.force_login(liaison)
    html = _calendar(client, month="2026-06")
    assert _day(html, "2026-06-03") == 1 and "别人的" not in html


@pytest.mark.parametrize(
    "month",
    ["2026-13", "abc", "9999-01", "0000-01", "2026", "2026-06-01", "99999999999999999999-01"],
)
def test_a_bad_month_falls_back_to_this_month_with_a_message(client, office_user, month):
    client.force_login(office_user)
    html = _calendar(client, month=month)
    assert 'data-month="2026-06"' in html
    assert "is not a month (YYYY-MM) the portal knows" in html


def test_the_calendar_runs_the_same_queries_for_2_and_30_entries(client, office_user, park):
    client.force_login(office_user)
    url = reverse("parks:activity_calendar")

    def add(count):
        for n in range(count):
            ActivityFactory(
                grid_zone=GridZoneFactory(park=park), occurred_at=local(2026, 6, 1 + n % 28, 9)
            )

    add(2)
    few = _queries(client, url)
    add(28)
    assert _queries(client, url) == few


# --- Coverage ---------------------------------------------------------------------------------


@pytest.fixture
def known_zones(park, other_park):
    """Three zones of the park with activities in known weeks, and noise that must not count.

    Weeks (Mondays): 18 May, 25 May, 1 June, 8 June (this week).
        G01: 2, 0, 0, 1      G02: 0, 1, 1, 0      G03 (no liaison): 0, 0, 0, 0
    """
    first = UserFactory(role=Role.LIAISON, park=park, display_name="王联络")
    second = UserFactory(role=Role.LIAISON, park=park, display_name="李联络")
    g01 = GridZoneFactory(park=park, code="G01", name="瓷砖区", liaison=first)
    g02 = GridZoneFactory(park=park, code="G02", name="卫浴区", liaison=second)
    g03 = GridZoneFactory(park=park, code="G03", name="五金区", liaison=None)
    ActivityFactory(grid_zone=g01, occurred_at=local(2026, 5, 18, 9))
    ActivityFactory(grid_zone=g01, occurred_at=local(2026, 5, 24, 23, 30))  # Sunday night
    ActivityFactory(grid_zone=g01, occurred_at=local(2026, 6, 8, 0, 30))  # 7 June in UTC
    ActivityFactory(grid_zone=g02, occurred_at=local(2026, 5, 31, 20))
    ActivityFactory(grid_zone=g02, occurred_at=local(2026, 6, 1, 7, 30))  # 31 May in UTC
    # Park-wide entries cover no zone; older weeks and other parks are outside the view.
    ActivityFactory(grid_zone=None, park=park, occurred_at=local(2026, 6, 9, 9))
    ActivityFactory(grid_zone=g03, occurred_at=local(2026, 5, 17, 23, 59))
    ActivityFactory(
        grid_zone=GridZoneFactory(park=other_park, code="G01", name="水产批发区"),
        occurred_at=local(2026, 6, 9, 9),
    )
    return {"G01": g01, "G02": g02, "G03": g03}


def _coverage(client, **params):
    return _html(client.get(reverse("parks:coverage"), params))


def _table(html):
    """{zone id: ([count per week], total)} from the printed table."""
    body = html.split('id="coverage-table"')[1].split("<tbody>")[1].split("</tbody>")[0]
    rows = {}
    for zone_id, row in re.findall(r'<tr data-zone="(\d+)">(.*?)</tr>', body, re.S):
        counts = [int(n) for n in re.findall(r'data-count="(\d+)"', row)]
        total = int(re.search(r'data-col="total">(\d+)<', row).group(1))
        rows[int(zone_id)] = (counts, total)
    return rows


def _idle(html, list_id):
    match = re.search(rf'<ul class="[^"]*idle-list" id="{list_id}">(.*?)</ul>', html, re.S)
    return [int(pk) for pk in re.findall(r'data-zone="(\d+)"', match.group(1))] if match else []


def test_coverage_counts_each_zone_per_week_on_a_known_data_set(
    client, office_user, park, known_zones
):
    g01, g02, g03 = known_zones["G01"], known_zones["G02"], known_zones["G03"]
    client.force_login(office_user)
    html = _coverage(client, park=park.pk, weeks=4)
    weeks = re.findall(r'<th scope="col" class="text-center[^"]*" data-week="([\d-]+)"', html)
    assert weeks == ["2026-05-18", "2026-05-25", "2026-06-01", "2026-06-08"]
    assert _table(html) == {
        g01.pk: ([2, 0, 0, 1], 3),
        g02.pk: ([0, 1, 1, 0], 2),
        g03.pk: ([0, 0, 0, 0], 0),
    }
    assert _idle(html, "idle-week") == [g02.pk, g03.pk]
    assert _idle(html, "idle-month") == [g03.pk]
    assert 'id="idle-week-card" data-idle="2"' in html
    assert 'id="idle-month-card" data-idle="1"' in html
    assert 'id="no-liaison-card" data-count="1"' in html
    # The liaison beside each idle zone; the zone without one is flagged.
    week_list = re.search(r'id="idle-week">(.*?)</ul>', html, re.S).group(1)
    assert "李联络" in week_list and "No liaison" in week_list and "王联络" not in week_list


def test_the_heat_map_gets_the_same_numbers_as_the_table(client, office_user, park, known_zones):
    client.force_login(office_user)
    html = _coverage(client, park=park.pk, weeks=4)
    found = re.search(r'<script id="coverage-data" type="application/json">(.*?)</script>', html)
    data = json.loads(found.group(1))
    assert data["weeks"] == ["2026-05-18", "2026-05-25", "2026-06-01", "2026-06-08"]
    assert [zone["label"] for zone in data["zones"]] == [
        f"{park.name} · G01 瓷砖区",
        f"{park.name} · G02 卫浴区",
        f"{park.name} · G03 五金区",
    ]
    assert sorted(map(tuple, data["cells"])) == sorted(
        [(0, 0, 2), (1, 0, 0), (2, 0, 0), (3, 0, 1)]
        + [(0, 1, 0), (1, 1, 1), (2, 1, 1), (3, 1, 0)]
        + [(0, 2, 0), (1, 2, 0), (2, 2, 0), (3, 2, 0)]
    )
    assert data["feed_url"] == reverse("parks:activity_feed")


def test_a_heat_map_cell_opens_the_feed_of_that_zone_and_week(
    client, office_user, park, known_zones
):
    client.force_login(office_user)
    html = _coverage(client, park=park.pk, weeks=4)
    g01 = known_zones["G01"]
    link = f"/activities/?grid_zone={g01.pk}&amp;date_from=2026-05-18&amp;date_to=2026-05-24"
    assert f'href="{link}"' in html
    # That link's feed shows exactly the two entries the cell counts.
    ids = _feed_ids(client, grid_zone=g01.pk, date_from="2026-05-18", date_to="2026-05-24")
    assert len(ids) == 2


def test_a_liaison_sees_the_coverage_of_their_park_only(client, liaison, park, known_zones):
    client.force_login(liaison)
    html = _coverage(client, weeks=4)
    assert set(_table(html)) == {zone.pk for zone in known_zones.values()}
    assert "水产批发区" not in html


def test_office_coverage_spans_every_park_unless_narrowed(
    client, office_user, park, other_park, known_zones
):
    client.force_login(office_user)
    everywhere = _table(_coverage(client, weeks=4))
    assert len(everywhere) == 4
    by_subdistrict = _table(_coverage(client, weeks=4, subdistrict=other_park.subdistrict_id))
    assert len(by_subdistrict) == 1 and list(by_subdistrict.values())[0] == ([0, 0, 0, 1], 1)


@pytest.mark.parametrize(
    ("weeks", "columns"), [("100", 52), ("52", 52), ("abc", 12), ("0", 1), ("-3", 1), ("", 12)]
)
def test_the_number_of_weeks_is_kept_between_1_and_52(
    client, office_user, known_zones, weeks, columns
):
    client.force_login(office_user)
    html = _coverage(client, weeks=weeks)
    row = next(iter(_table(html).values()))
    assert len(row[0]) == columns


@pytest.mark.parametrize(
    "params",
    [
        {"park": "abc"},
        {"subdistrict": "999999"},
        {"park": "-1"},
        {"weeks": "1e9"},
        {"weeks": "9" * 5000},
    ],
)
def test_bad_coverage_parameters_never_break_the_page(client, office_user, known_zones, params):
    client.force_login(office_user)
    assert client.get(reverse("parks:coverage"), params).status_code == 200


def test_a_park_out_of_scope_is_refused_on_the_coverage_page(
    client, liaison, known_zones, other_park
):
    client.force_login(liaison)
    html = _coverage(client, park=other_park.pk)
    assert "Select a valid choice" in html
    assert _table(html) == {}


def test_coverage_runs_the_same_queries_for_3_and_30_zones(client, office_user, park):
    client.force_login(office_user)
    url = reverse("parks:coverage")

    def add(count):
        for n in range(count):
            liaison = UserFactory(role=Role.LIAISON, park=park) if n % 2 else None
            zone = GridZoneFactory(park=park, liaison=liaison)
            ActivityFactory(grid_zone=zone, occurred_at=local(2026, 6, 2, 9))

    add(3)
    few = _queries(client, url)
    add(27)
    assert _queries(client, url) == few


@pytest.mark.parametrize("who", ["subdistrict_user", "observer", "member_unit_user"])
def test_every_role_may_open_the_office_pages(client, request, known_zones, who):
    if who == "observer":
        user = UserFactory(role=Role.OBSERVER)
    else:
        user = request.getfixturevalue(who)
    client.force_login(user)
    for name in ("parks:activity_feed", "parks:activity_calendar", "parks:coverage"):
        assert client.get(reverse(name)).status_code == 200
    assert set(_table(_coverage(client, weeks=4))) >= {zone.pk for zone in known_zones.values()}


def test_the_office_pages_need_a_sign_in(client):
    for name in ("parks:activity_feed", "parks:activity_calendar", "parks:coverage"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_pages_header_drawn_once_is_the_header_drawn_plainly(
    client, office_user, park, language
):
    """_header.html's {% memo tabs=tabs %} (office._tab_links' Tab): the tabs, their links
    keeping the filters, and the active one, as drawn plainly."""
    client.force_login(office_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    header = re.compile(
        r'<div class="d-flex flex-wrap justify-content-between.*?</ul>\s*</div>', re.S
    )
    for name in ("parks:activity_feed", "parks:activity_calendar", "parks:coverage"):
        for query in ({}, {"park": str(park.pk), "q": '<b>"走访"</b>'}):
            with memo.drawn_plainly():
                plainly = header.findall(_html(client.get(reverse(name), query)))
            assert plainly and 'aria-current="page"' in plainly[0]
            for _again in range(2):
                assert header.findall(_html(client.get(reverse(name), query))) == plainly
