"""The per-park and per-subdistrict figures of a progress report (`by_park`,
`by_subdistrict`), counted as reforms.reporting.contents says; split from it for length.

`by_subdistrict` (district reports only; an empty list in any other) adds up the `by_park`
entries of each subdistrict's parks, so its counts are theirs, and recomputes each rate from the
summed parts (grievances.rates.with_rates, parks.core.figures.percent), never averaging the
parks' rates. Its tasks add the subdistrict's own, subdistrict-wide tasks (no park, a plan of
the subdistrict). District-wide rows (no park, no subdistrict) are in no entry. Two queries
(the subdistricts with their parks, the subdistrict-wide tasks), however many there are.
"""

from datetime import date, datetime

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Count, Q, QuerySet, Sum

from grievances import selectors as grievance_selectors
from grievances.models import Grievance
from parks.gridlog.models import Activity
from parks.gridlog.selectors import zone_logged
from parks.structure.models import GridZone, Subdistrict
from reforms.reporting.periods import as_instants
from reforms.tasks.choices import TaskStatus, WarningLevel
from reforms.tasks.models import Task
from reforms.tasks.selectors import with_warning


def task_counts() -> dict:
    """The task figures of a `by_park` (and `by_subdistrict`) entry, to annotate tasks that
    carry their warning (reforms.tasks.selectors.with_warning)."""
    return {
        "total": Count("pk"),
        "done": Count("pk", filter=Q(status=TaskStatus.DONE)),
        "red": Count("pk", filter=Q(warning=WarningLevel.RED)),
        "yellow": Count("pk", filter=Q(warning=WarningLevel.YELLOW)),
    }


def by_park(scope, now: datetime, today: date, start: date, end: date) -> list[dict]:
    """Key figures per park of the scope, for the bars and the ranking: one grouped query per
    app, joined here by park id."""
    since, until = as_instants(start, end)
    parks = {
        park.pk: {"park": park.pk, "park_name": park.name}
        for park in scope.parks.order_by("pk").only("pk", "name")
    }

    def per_park(queryset: QuerySet, **annotations) -> dict[int, dict]:
        rows = scope.of(queryset).order_by().values("park").annotate(**annotations)
        return {row.pop("park"): row for row in rows}

    grievances = per_park(
        Grievance.objects.filter(received_at__gte=since, received_at__lt=until),
        **grievance_selectors.rate_counts(now),
    )
    activities = per_park(
        Activity.objects.filter(occurred_at__gte=since, occurred_at__lt=until),
        count=Count("pk"),
        participants=Sum("participants", default=0),
    )
    tasks = per_park(
        with_warning(Task.objects.filter(park__isnull=False), today=today), **task_counts()
    )
    zones = per_park(
        GridZone.objects.all(),
        zones=Count("pk"),
        covered=Count("pk", filter=zone_logged(*as_instants(start, end))),
    )
    for pk, park in parks.items():
        park["grievances"] = (
            grievance_selectors.with_rates(grievances[pk])
            if pk in grievances
            else grievance_selectors.no_grievances()
        )
        park["activities"] = activities.get(pk, {"count": 0, "participants": 0})
        park["tasks"] = tasks.get(pk, {"total": 0, "done": 0, "red": 0, "yellow": 0})
        park["coverage"] = zones.get(pk, {"zones": 0, "covered": 0})
    return list(parks.values())


# The counts behind the grievance rates: summed over parks, then the rates worked out again.
GRIEVANCE_COUNTS = tuple(m.key for m in grievance_selectors.RATE_MEASURES if not m.is_rate)
NO_TASKS = {"total": 0, "done": 0, "red": 0, "yellow": 0}


def _summed(rows: list[dict], part: str, keys) -> dict:
    return {key: sum(row[part][key] for row in rows) for key in keys}


def by_subdistrict(scope, parks: list[dict], today: date) -> list[dict]:
    """Key figures per subdistrict of a district report, by subdistrict id, subdistricts with
    no parks included; `parks`: the report's `by_park`."""
    if not scope.is_district:
        return []
    by_pk = {park["park"]: park for park in parks}
    own_tasks = {
        row.pop("plan__subdistrict"): row
        for row in with_warning(
            Task.objects.filter(park__isnull=True, plan__subdistrict__isnull=False), today=today
        )
        .order_by()
        .values("plan__subdistrict")
        .annotate(**task_counts())
    }
    subdistricts = (
        Subdistrict.objects.order_by("pk")
        .annotate(park_ids=ArrayAgg("parks__pk", filter=Q(parks__isnull=False), default=[]))
        .values("pk", "name", "park_ids")
    )
    rows = []
    for subdistrict in subdistricts:
        members = [by_pk[pk] for pk in subdistrict["park_ids"] if pk in by_pk]
        tasks = _summed(members, "tasks", NO_TASKS)
        for key, value in own_tasks.get(subdistrict["pk"], NO_TASKS).items():
            tasks[key] += value
        rows.append(
            {
                "subdistrict": subdistrict["pk"],
                "subdistrict_name": subdistrict["name"],
                "parks": len(members),
                "grievances": grievance_selectors.with_rates(
                    _summed(members, "grievances", GRIEVANCE_COUNTS)
                ),
                "activities": _summed(members, "activities", ("count", "participants")),
                "tasks": tasks,
                "coverage": _summed(members, "coverage", ("zones", "covered")),
            }
        )
    return rows
