"""The grid log's rollup (ActivityRollup) and the figures read from it.

Entries per park, grid zone, local month and kind, kept exact by PostgreSQL triggers
(parks.core.tallies.Rollup): twelve months of the dashboard read a few thousand rollup rows
instead of half a million entries. On SQLite (the demo), or if the portal's time zone is not the
one the rollup's months were cut in, the same figures come from the raw log.
"""

from datetime import date

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from parks.core.dates import local_day_start
from parks.core.tallies import Rollup, rollups_kept
from parks.gridlog.models import ROLLUP_TIME_ZONE, Activity, ActivityRollup
from parks.structure.models import GridZone

ACTIVITY_ROLLUP = Rollup(
    name="activity_rollup",
    source=Activity._meta.db_table,
    target=ActivityRollup._meta.db_table,
    keys={
        "park_id": "{row}.park_id",
        "grid_zone_id": "{row}.grid_zone_id",
        "month": f"date_trunc('month', {{row}}.occurred_at AT TIME ZONE '{ROLLUP_TIME_ZONE}')::date",
        "kind": "{row}.kind",
    },
    sums={"participants": "participants"},
)


def _use_rollup() -> bool:
    return (
        rollups_kept()
        and settings.TIME_ZONE == ROLLUP_TIME_ZONE
        and timezone.get_current_timezone_name() == ROLLUP_TIME_ZONE
    )


def _month_bounds(first: date, last: date):
    """The instants of [first month's start, the month after `last`'s start)."""
    after = date(last.year + last.month // 12, last.month % 12 + 1, 1)
    return local_day_start(first), local_day_start(after)


def activities_per_month(*, parks: QuerySet | None, first: date, last: date) -> dict[date, int]:
    """Entries per local month from the month of `first` to the month of `last`, of the parks
    `parks` (None: every park). Months without entries are missing."""
    first = first.replace(day=1)
    if _use_rollup():
        rows = ActivityRollup.objects.filter(month__gte=first, month__lte=last)
        if parks is not None:
            rows = rows.filter(park__in=parks)
        rows = rows.order_by().values("month").annotate(count=Sum("n"))
        return {row["month"]: row["count"] for row in rows if row["count"]}
    since, until = _month_bounds(first, last)
    rows = Activity.objects.filter(occurred_at__gte=since, occurred_at__lt=until)
    if parks is not None:
        rows = rows.filter(park__in=parks)
    rows = (
        rows.order_by()
        .annotate(month=TruncMonth("occurred_at"))
        .values("month")
        .annotate(count=Count("pk"))
    )
    return {timezone.localtime(row["month"]).date(): row["count"] for row in rows}


def zones_covered_per_month(
    *, zones: QuerySet[GridZone], first: date, last: date
) -> dict[date, int]:
    """Grid coverage (parks.gridlog.selectors.zone_logged) month by month: how many of `zones`
    logged at least one entry in each local month from `first`'s to `last`'s. Months in which
    none did are missing."""
    first = first.replace(day=1)
    if _use_rollup():
        rows = (
            ActivityRollup.objects.filter(
                month__gte=first, month__lte=last, n__gt=0, grid_zone__in=zones.values("pk")
            )
            .order_by()
            .values("month")
            .annotate(covered=Count("grid_zone", distinct=True))
        )
        return {row["month"]: row["covered"] for row in rows}
    since, until = _month_bounds(first, last)
    rows = (
        Activity.objects.filter(
            Q(grid_zone__in=zones.values("pk")), occurred_at__gte=since, occurred_at__lt=until
        )
        .order_by()
        .annotate(month=TruncMonth("occurred_at"))
        .values("month")
        .annotate(covered=Count("grid_zone", distinct=True))
    )
    return {timezone.localtime(row["month"]).date(): row["covered"] for row in rows}
