"""Reads of the grid log shared by pages, the API and reports: the feed, weeks, coverage.

Who sees what is parks.access; the `*_visible_to` and `user_can_*` names below are that
module's answers, kept here because many pages, views and tests read them from here.
"""

import operator
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import reduce
from typing import Any

from django.conf import settings
from django.db.models import (
    BigIntegerField,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_noop

from parks.access import AnyUser
from parks.access import activities_visible_to as activities_visible_to
from parks.access import activity_edit_deadline as activity_edit_deadline
from parks.access import facilities_visible_to as facilities_visible_to
from parks.access import grid_zones_user_can_log as grid_zones_user_can_log
from parks.access import grid_zones_visible_to as grid_zones_visible_to
from parks.access import liaisons_visible_to as liaisons_visible_to
from parks.access import organisations_visible_to as organisations_visible_to
from parks.access import parks_user_can_log_park_wide as parks_user_can_log_park_wide
from parks.access import parks_visible_to as parks_visible_to
from parks.access import subdistricts_visible_to as subdistricts_visible_to
from parks.core.dates import local_day_start, month_start
from parks.core.db import chinese_order
from parks.core.tallies import rollups_kept
from parks.gridlog.models import (
    ROLLUP_TIME_ZONE,
    Activity,
    ActivityDayRollup,
    ActivityPhoto,
    ActivityRollup,
)
from parks.gridlog.rollups import use_rollup
from parks.structure.models import GridZone

COVERAGE_ZONE_ORDER = (chinese_order("park__name"), "park_id", "code")

# --- The grid log -----------------------------------------------------------------------------


def activity_list(*, user: AnyUser) -> QuerySet[Activity]:
    """The feed: visible activities, newest first, with what a row shows. Fixed query count."""
    return (
        activities_visible_to(user)
        .select_related("park", "grid_zone", "logged_by")
        .prefetch_related(Prefetch("photos", queryset=ActivityPhoto.objects.order_by("pk")))
        .order_by("-occurred_at", "-pk")
    )


def week_start(day: date) -> date:
    """The Monday of the week `day` falls in (weeks run Monday to Sunday, as in China)."""
    return day - timedelta(days=day.weekday())


def coverage(*, zones: QuerySet[GridZone], first_week: date, weeks: int) -> dict[str, Any]:
    """Activities per grid zone per week, counted in SQL, for `weeks` weeks from `first_week`.

    Returns {"weeks": [monday, …], "zones": [zone, …], "counts": {(zone_id, monday): n}} where a
    missing key means the zone logged nothing that week. Park-wide activities cover no zone.
    """
    first_week = week_start(first_week)
    mondays = [first_week + timedelta(weeks=n) for n in range(weeks)]
    after = first_week + timedelta(weeks=weeks)
    if use_rollup():
        # A row per zone and local day (parks.gridlog.rollups), not every entry.
        days = ActivityDayRollup.objects.filter(
            grid_zone__in=zones.values("pk"), day__gte=first_week, day__lt=after, n__gt=0
        )
        weekly = days.annotate(week=TruncWeek("day")).values("grid_zone", "week")
        summed = weekly.annotate(n=Sum("n")).order_by()
        counts = {(row["grid_zone"], row["week"]): row["n"] for row in summed}
    else:
        tz = timezone.get_current_timezone()
        logged = Activity.objects.filter(
            grid_zone__in=zones.values("pk"),
            occurred_at__gte=local_day_start(first_week),
            occurred_at__lt=local_day_start(after),
        )
        entries = logged.annotate(week=TruncWeek("occurred_at", tzinfo=tz))
        rows = entries.values("grid_zone", "week").annotate(n=Count("pk")).order_by()
        counts = {(row["grid_zone"], row["week"].date()): row["n"] for row in rows}
    zone_list = list(zones.select_related("park", "liaison").order_by(*COVERAGE_ZONE_ORDER))
    return {"weeks": mondays, "zones": zone_list, "counts": counts}


COVERAGE_TERM = "网格覆盖率"
COVERAGE_BASIS = "网格覆盖率 = 有活动记录的网格数 ÷ 网格总数；园区整体活动不计入任何网格。"
COVERAGE_DEFINITION = gettext_noop(
    "Grid zones that logged at least one activity in the period ÷ all grid zones; park-wide "
    "activities cover no zone."
)


def zone_logged(since: datetime, until: datetime | None = None) -> Exists:
    """Grid coverage (网格覆盖), defined once: a grid zone is covered over [since, until) when it
    logged at least one grid-log entry then; park-wide entries cover no zone. A condition on
    grid zones (`OuterRef("pk")`): one probe of the activity_zone_time index per zone, where a
    join would drag every activity along. The coverage rate is parks.core.figures.percent(covered,
    zones) over the zones that exist."""
    logged = Activity.objects.filter(grid_zone=OuterRef("pk"), occurred_at__gte=since)
    if until is not None:
        logged = logged.filter(occurred_at__lt=until)
    return Exists(logged)


def idle_grid_zones(*, zones: QuerySet[GridZone], since: date) -> QuerySet[GridZone]:
    """Zones that have logged no activity since `since` (this week, this month…): not covered."""
    start = local_day_start(since)
    return (
        zones.annotate(logged=zone_logged(start))
        .filter(logged=False)
        .select_related("park", "liaison")
        .order_by(*COVERAGE_ZONE_ORDER)
    )


# --- Monthly figures from the grid log's rollup (parks.gridlog.rollups) ----------------------


def _months_of_log(first: date, last: date) -> QuerySet[Activity]:
    """Raw entries of the local months from `first`'s to `last`'s (the rollup's fallback)."""
    return Activity.objects.filter(
        occurred_at__gte=local_day_start(month_start(first)),
        occurred_at__lt=local_day_start(month_start(last, 1)),
    ).order_by()


def _by_local_month(rows: Iterable[Any], value: str) -> dict[date, int]:
    return {timezone.localtime(row["month"]).date(): row[value] for row in rows}


def activities_per_month(*, parks: QuerySet | None, first: date, last: date) -> dict[date, int]:
    """Entries per local month from the month of `first` to the month of `last`, of the parks
    `parks` (None: every park). Months without entries are missing."""
    if use_rollup():
        summed = _rollup_months(first, last).filter(_of_parks(parks))
        rows = summed.order_by().values("month").annotate(count=Sum("n"))
        return {row["month"]: row["count"] for row in rows if row["count"]}
    logged = _months_of_log(first, last)
    if parks is not None:
        logged = logged.filter(park__in=parks)
    monthly = logged.annotate(month=TruncMonth("occurred_at")).values("month")
    return _by_local_month(monthly.annotate(count=Count("pk")), "count")


def _in_zones(zones: QuerySet[GridZone] | None) -> Q:
    """Entries (or rollup rows) of `zones`; None: of any zone. An entry's zone exists while it
    does (Activity.grid_zone: PROTECT, a foreign key), and a rollup row counting entries (n > 0)
    is theirs, so "any zone" is "some zone" and reads no zone row: for the whole district the
    semi-join to every zone was most of the twelve months' coverage query."""
    return Q(grid_zone__isnull=False) if zones is None else Q(grid_zone__in=zones.values("pk"))


def zones_covered_per_month(
    *, zones: QuerySet[GridZone] | None, first: date, last: date
) -> dict[date, int]:
    """Grid coverage (zone_logged above) month by month: how many of `zones` (None: every zone)
    logged at least one entry in each local month from `first`'s to `last`'s. Months in which
    none did are missing."""
    if use_rollup():
        rows = (
            _rollup_months(first, last)
            .filter(_covering(zones))
            .order_by()
            .values("month")
            .annotate(covered=Count("grid_zone", distinct=True))
        )
        return {row["month"]: row["covered"] for row in rows}
    monthly = (
        _months_of_log(first, last)
        .filter(_in_zones(zones))
        .annotate(month=TruncMonth("occurred_at"))
        .values("month")
    )
    return _by_local_month(monthly.annotate(covered=Count("grid_zone", distinct=True)), "covered")


def _rollup_months(first: date, last: date) -> QuerySet[ActivityRollup]:
    """Rollup rows of the local months from `first`'s to `last`'s."""
    return ActivityRollup.objects.filter(month__gte=first.replace(day=1), month__lte=last)


def _of_parks(parks: QuerySet | None) -> Q:
    """The rollup rows activities_per_month counts: those of `parks` (None: of every park)."""
    return Q() if parks is None else Q(park__in=parks)


def _covering(zones: QuerySet[GridZone] | None) -> Q:
    """The rollup rows zones_covered_per_month counts the zones of: entries in `zones`."""
    return _in_zones(zones) & Q(n__gt=0)


def activities_and_zones_covered_per_month(
    *, parks: QuerySet | None, zones: QuerySet[GridZone] | None, first: date, last: date
) -> tuple[dict[date, int], dict[date, int]]:
    """(activities_per_month(parks=…), zones_covered_per_month(zones=…)) for the same months,
    in one query over the rollup: each figure's rows are its own column's filter, so the rows
    both read (the district's year is ~40,000) are read once (the dashboard's trend)."""
    if not use_rollup():
        return (
            activities_per_month(parks=parks, first=first, last=last),
            zones_covered_per_month(zones=zones, first=first, last=last),
        )
    counted, covering = _of_parks(parks), _covering(zones)
    rows = list(
        # Every row of the months counts its entries when every park is counted.
        _rollup_months(first, last)
        .filter(Q() if parks is None else counted | covering)
        .order_by()
        .values("month")
        .annotate(
            count=Sum("n", filter=None if parks is None else counted),
            covered=Count("grid_zone", distinct=True, filter=covering),
        )
    )
    return (
        {row["month"]: row["count"] for row in rows if row["count"]},
        {row["month"]: row["covered"] for row in rows if row["covered"]},
    )


# --- Entries and participants over periods of days -------------------------------------------

Totals = dict[str, int]


def _split_months(first: date, last: date) -> tuple[tuple[date, date] | None, list]:
    """The whole local months inside the days [first, last] as [first month, month after), and
    the days outside them as instants [since, until): what the month rollup answers and what
    only the raw log can."""
    after = last + timedelta(days=1)
    months_from = first if first.day == 1 else month_start(first, 1)
    months_until = after.replace(day=1)
    if months_from >= months_until:
        return None, [(local_day_start(first), local_day_start(after))]
    edges = [(first, months_from), (months_until, after)]
    return (months_from, months_until), [
        (local_day_start(a), local_day_start(b)) for a, b in edges if a < b
    ]


def _any(conditions: list[Q]) -> Q:
    return reduce(operator.or_, conditions)


def activity_totals(
    *, parks: QuerySet | None, periods: dict[str, tuple[date, date]], group: str
) -> dict[Any, dict[str, Totals]]:
    """Entries and participants per `group` ("kind" or "park") in each named period of days
    [first, last] (the portal's days), of the parks `parks` (None: every park), in one query:
    {value: {period name: {"count", "participants"}}}; values with no entries are missing.
    Whole months are read from the month rollup (parks.gridlog.rollups), the days around them
    from the raw log; the same figures as counting every entry."""
    if rollups_kept() and settings.TIME_ZONE == ROLLUP_TIME_ZONE:
        split = {name: _split_months(*days) for name, days in periods.items()}
    else:
        split = {
            name: (None, [(local_day_start(a), local_day_start(b + timedelta(days=1)))])
            for name, (a, b) in periods.items()
        }
    zero = Value(0, output_field=BigIntegerField())
    summed: dict[str, Any] = {}
    counted: dict[str, Any] = {}
    for name, (months, edges) in split.items():
        in_months = Q(month__gte=months[0], month__lt=months[1]) if months else None
        on_days = (
            _any([Q(occurred_at__gte=a, occurred_at__lt=b) for a, b in edges]) if edges else None
        )
        summed |= {
            f"{name}_count": Sum("n", filter=in_months, default=0) if in_months else zero,
            f"{name}_participants": (
                Sum("participants", filter=in_months, default=0) if in_months else zero
            ),
        }
        counted |= {
            f"{name}_count": Count("pk", filter=on_days) if on_days else zero,
            f"{name}_participants": (
                Sum("participants", filter=on_days, default=0) if on_days else zero
            ),
        }
    all_months = [Q(month__gte=m[0], month__lt=m[1]) for m, _edges in split.values() if m]
    all_days = [
        Q(occurred_at__gte=a, occurred_at__lt=b) for _m, edges in split.values() for a, b in edges
    ]
    parts = [
        (ActivityRollup.objects.filter(_any(all_months)), summed) if all_months else None,
        (Activity.objects.filter(_any(all_days)), counted) if all_days else None,
    ]
    queries = []
    for part in filter(None, parts):
        rows, annotations = part
        if parks is not None:
            rows = rows.filter(park__in=parks)
        queries.append(rows.order_by().values(group).annotate(**annotations))
    combined = queries[0].union(*queries[1:], all=True) if len(queries) > 1 else queries[0]
    totals: dict[Any, dict[str, Totals]] = {}
    for row in combined:
        value = totals.setdefault(row[group], {})
        for name in periods:
            period = value.setdefault(name, {"count": 0, "participants": 0})
            for key in ("count", "participants"):
                period[key] += int(row[f"{name}_{key}"])
    # Rollup rows of entries since deleted or moved count 0: no entries there.
    return {
        value: by_period
        for value, by_period in totals.items()
        if any(period["count"] for period in by_period.values())
    }
