"""Grid coverage: which zones logged activity in which week (Monday to Sunday, Wuxi time),
and which logged nothing this week or month, on a data set counted by hand."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parks.gridlog.selectors import coverage, idle_grid_zones, week_start
from parks.structure.models import GridZone
from tests.factories import ActivityFactory, GridZoneFactory, ParkFactory

pytestmark = pytest.mark.django_db

WUXI = ZoneInfo("Asia/Shanghai")
MON_1, MON_8, MON_15 = date(2026, 6, 1), date(2026, 6, 8), date(2026, 6, 15)


def at(month_day, hour, minute=0):
    """A moment of 2026 in Wuxi time: at((6, 7), 23, 30) is 7 June, 23:30."""
    month, day = month_day
    return datetime(2026, month, day, hour, minute, tzinfo=WUXI)


@pytest.fixture
def zones(park, other_park):
    """Three zones in two parks, and a log placed on the edges of weeks and of UTC days."""
    a1 = GridZoneFactory(park=park, code="G01")
    a2 = GridZoneFactory(park=park, code="G02")
    b1 = GridZoneFactory(park=other_park, code="G01")
    log = [
        (a1, at((6, 7), 23, 30)),  # Sunday night: the week of 1 June
        (a1, at((6, 8), 0, 30)),  # Monday 00:30 in Wuxi, still Sunday in UTC: week of 8 June
        (a1, at((5, 31), 23, 59)),  # before the first week
        (a2, at((6, 1), 7, 0)),  # Monday 07:00 in Wuxi, Sunday 23:00 UTC: week of 1 June
        (a2, at((6, 9), 10, 0)),
        (a2, at((6, 14), 23, 59)),  # Sunday, last minute of the week of 8 June
        (a2, at((6, 15), 0, 10)),  # Monday 00:10 in Wuxi: week of 15 June
        (b1, at((5, 31), 23, 30)),  # the last evening of May
    ]
    for zone, when in log:
        ActivityFactory(grid_zone=zone, occurred_at=when)
    # Park-wide entries cover no zone; a zone left out of the question counts for nothing.
    ActivityFactory(grid_zone=None, park=park, occurred_at=at((6, 16), 9))
    ActivityFactory(grid_zone=None, park=other_park, occurred_at=at((6, 3), 9))
    ActivityFactory(
        grid_zone=GridZoneFactory(park=other_park, code="G09"), occurred_at=at((6, 3), 9)
    )
    return a1, a2, b1


def asked(*zones):
    return GridZone.objects.filter(pk__in=[zone.pk for zone in zones])


def test_week_start_is_monday():
    assert week_start(date(2026, 6, 7)) == MON_1  # Sunday
    assert week_start(date(2026, 6, 8)) == MON_8  # Monday
    assert week_start(date(2026, 6, 10)) == MON_8


def test_coverage_counts_each_zone_per_week_in_wuxi_time(zones, park, other_park):
    a1, a2, b1 = zones

    table = coverage(zones=asked(*zones), first_week=date(2026, 6, 3), weeks=3)

    assert table["weeks"] == [MON_1, MON_8, MON_15]
    assert table["counts"] == {
        (a1.pk, MON_1): 1,
        (a1.pk, MON_8): 1,
        (a2.pk, MON_1): 1,
        (a2.pk, MON_8): 2,
        (a2.pk, MON_15): 1,
    }
    # Parks in pinyin order (华夏 before 盛阳), then zone code.
    assert table["zones"] == [a1, a2, b1]


def test_coverage_of_one_week_counts_that_week_only(zones):
    a1, a2, _b1 = zones

    table = coverage(zones=asked(*zones), first_week=MON_8, weeks=1)

    assert table["weeks"] == [MON_8]
    assert table["counts"] == {(a1.pk, MON_8): 1, (a2.pk, MON_8): 2}


def test_coverage_in_the_week_before_sees_the_last_evening_of_may(zones):
    a1, _a2, b1 = zones

    table = coverage(zones=asked(*zones), first_week=date(2026, 5, 25), weeks=1)

    assert table["counts"] == {(a1.pk, date(2026, 5, 25)): 1, (b1.pk, date(2026, 5, 25)): 1}


def test_idle_this_week_in_wuxi_time(zones):
    a1, _a2, b1 = zones

    # a2's Monday 00:10 entry counts; the park-wide entry covers none of a1.
    assert list(idle_grid_zones(zones=asked(*zones), since=MON_15)) == [a1, b1]


def test_idle_since_monday_counts_an_entry_half_an_hour_into_it(zones):
    _a1, _a2, b1 = zones

    assert list(idle_grid_zones(zones=asked(*zones), since=MON_8)) == [b1]


def test_idle_this_month(zones):
    _a1, _a2, b1 = zones

    # b1 last logged on the evening of 31 May, Wuxi time.
    assert list(idle_grid_zones(zones=asked(*zones), since=date(2026, 6, 1))) == [b1]
    assert list(idle_grid_zones(zones=asked(*zones), since=date(2026, 5, 1))) == []


def test_coverage_runs_the_same_queries_for_3_and_30_zones():
    def queries_for(n):
        parks = [ParkFactory(), ParkFactory()]
        made = [GridZoneFactory(park=parks[i % 2]) for i in range(n)]
        for zone in made:
            ActivityFactory(grid_zone=zone, occurred_at=at((6, 2), 9))
        with CaptureQueriesContext(connection) as queries:
            table = coverage(zones=asked(*made), first_week=MON_1, weeks=8)
            rows = [(zone.park.name, zone.liaison) for zone in table["zones"]]
        assert len(rows) == n and len(table["counts"]) == n
        return len(queries)

    assert queries_for(3) == queries_for(30) <= 2


def test_idle_zones_run_one_query_for_3_and_30_zones():
    def queries_for(n):
        made = [GridZoneFactory(park=ParkFactory()) for _ in range(n)]
        with CaptureQueriesContext(connection) as queries:
            idle = [
                (zone.park.name, zone.liaison)
                for zone in idle_grid_zones(zones=asked(*made), since=MON_1)
            ]
        assert len(idle) == n
        return len(queries)

    assert queries_for(3) == queries_for(30) == 1
