"""The dashboard's monthly figures and the coverage heat map's weekly counts read from the grid
log's rollups equal those counted from the raw log, after entries move between zones, parks and
months and are deleted (months, weeks and days are Wuxi's)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from parks.gridlog import selectors
from parks.gridlog.models import Activity
from parks.structure.models import GridZone, Park
from tests.factories import ActivityFactory, GridZoneFactory

pytestmark = pytest.mark.django_db

WUXI = ZoneInfo("Asia/Shanghai")
FIRST, LAST = date(2025, 7, 1), date(2026, 6, 30)


def at(year, month, day, hour=10, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=WUXI)


def figures(**scope):
    parks = scope.get("parks")
    zones = GridZone.objects.filter(park__in=parks) if parks is not None else GridZone.objects.all()
    covered = selectors.zones_covered_per_month(zones=zones, first=FIRST, last=LAST)
    if parks is None:
        # Every zone, as the district's dashboard asks: the same as naming them all.
        assert selectors.zones_covered_per_month(zones=None, first=FIRST, last=LAST) == covered
    counted = selectors.activities_per_month(parks=parks, first=FIRST, last=LAST)
    # The dashboard's one query for both: the same figures, for the district and for parks.
    for zones_asked in (zones, None) if parks is None else (zones,):
        both = selectors.activities_and_zones_covered_per_month(
            parks=parks, zones=zones_asked, first=FIRST, last=LAST
        )
        assert both == (counted, covered)
    return (counted, covered)


def weekly(**scope):
    parks = scope.get("parks")
    zones = GridZone.objects.filter(park__in=parks) if parks is not None else GridZone.objects.all()
    return selectors.coverage(zones=zones, first_week=date(2026, 4, 27), weeks=8)["counts"]


# Periods of days across month edges: whole months come from the rollup, the rest raw.
PERIODS = {
    "spring": (date(2026, 3, 15), date(2026, 6, 10)),
    "june": (date(2026, 6, 1), date(2026, 6, 30)),
    "edge": (date(2026, 5, 31), date(2026, 6, 1)),
    "year": (date(2025, 7, 1), date(2026, 6, 30)),
}


def totals(**scope):
    return [
        selectors.activity_totals(parks=scope.get("parks"), periods=PERIODS, group=group)
        for group in ("kind", "park")
    ]


def assert_rollup_equals_raw(monkeypatch, park):
    for scope in ({}, {"parks": Park.objects.filter(pk=park.pk).values("pk")}):
        from_rollup = figures(**scope), weekly(**scope), totals(**scope)
        with monkeypatch.context() as patched:
            patched.setattr(selectors, "use_rollup", lambda: False)
            patched.setattr(selectors, "rollups_kept", lambda: False)
            from_raw = figures(**scope), weekly(**scope), totals(**scope)
        assert from_rollup == from_raw


def test_rollup_figures_equal_the_raw_logs_through_moves_and_deletes(monkeypatch, park, other_park):
    a1, a2 = GridZoneFactory(park=park), GridZoneFactory(park=park)
    b1 = GridZoneFactory(park=other_park)
    entries = [
        ActivityFactory(grid_zone=a1, occurred_at=at(2026, 5, 31, 23, 30)),  # May in Wuxi
        ActivityFactory(grid_zone=a1, occurred_at=at(2026, 6, 1, 0, 30)),  # June, May in UTC
        ActivityFactory(grid_zone=a2, occurred_at=at(2026, 6, 15)),
        ActivityFactory(grid_zone=b1, occurred_at=at(2025, 7, 1, 0, 5)),  # the first month
        ActivityFactory(grid_zone=None, park=park, occurred_at=at(2026, 3, 3)),  # park-wide
        ActivityFactory(grid_zone=b1, occurred_at=at(2025, 6, 30, 23, 59)),  # before them
    ]
    assert figures() == (
        {date(2026, 5, 1): 1, date(2026, 6, 1): 2, date(2025, 7, 1): 1, date(2026, 3, 1): 1},
        {date(2026, 5, 1): 1, date(2026, 6, 1): 2, date(2025, 7, 1): 1},
    )
    # Sunday 31 May and Monday 1 June fall in two weeks in Wuxi (one in UTC).
    assert weekly() == {
        (a1.pk, date(2026, 5, 25)): 1,
        (a1.pk, date(2026, 6, 1)): 1,
        (a2.pk, date(2026, 6, 15)): 1,
    }
    assert totals()[0]["visit"]["year"] == {"count": 5, "participants": 25}
    assert totals()[0]["visit"]["edge"] == {"count": 2, "participants": 10}
    assert_rollup_equals_raw(monkeypatch, park)

    # Moved to another park's zone and into another month; a whole month's entries deleted.
    moved = entries[2]
    moved.grid_zone, moved.park, moved.occurred_at = b1, other_park, at(2026, 4, 30, 23, 0)
    moved.save()
    Activity.objects.filter(pk=entries[0].pk).update(grid_zone=a2)
    Activity.objects.filter(pk=entries[4].pk).update(grid_zone=a1)
    entries[3].delete()
    assert figures() == (
        {date(2026, 5, 1): 1, date(2026, 6, 1): 1, date(2026, 3, 1): 1, date(2026, 4, 1): 1},
        {date(2026, 5, 1): 1, date(2026, 6, 1): 1, date(2026, 3, 1): 1, date(2026, 4, 1): 1},
    )
    assert_rollup_equals_raw(monkeypatch, park)
    Activity.objects.filter(park=park).delete()
    assert_rollup_equals_raw(monkeypatch, park)
