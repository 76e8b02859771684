"""The per-park and per-subdistrict figures of a progress report (`by_park`,
`by_subdistrict`), counted as reforms.reporting.contents says; split from it for length.

`by_subdistrict` (district reports only; an empty list in any other) adds up the `by_park`
entries of each subdistrict's parks, so its counts are theirs, and recomputes each rate from the
summed parts (grievances.rates.with_rates, parks.core.figures.percent), never averaging the
parks' rates. Its tasks add the subdistrict's own, subdistrict-wide tasks (no park, a plan of
the subdistrict). District-wide rows (no park, no subdistrict) are in no entry. Two queries
(the subdistricts with their parks, the subdistrict-wide tasks), however many there are.

Each entry also holds its figures over every compared period (`previous`, `year_ago`): its
grievances, activities and covered zones counted over that period the same way; its zones are
those of `as_of`, as for the period itself (so its coverage divides by the same zones); its tasks,
which stand as they are on `as_of`, have no earlier figures. A subdistrict's are its parks'
summed, the rates worked out again. `by_park` costs seven queries however many parks: the
parks, one grouped grievance query per period (three), one grouped query for the activities of
every period, one for the zones covered in every period, and one for the tasks.
"""

from datetime import date, datetime

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Count, Q, QuerySet

from grievances import selectors as grievance_selectors
from grievances.models import Grievance
from parks.gridlog import selectors as gridlog_selectors
from parks.gridlog.selectors import zone_logged
from parks.structure.models import GridZone, Subdistrict
from reforms.reporting.periods import as_instants
from reforms.tasks.choices import TaskStatus, WarningLevel
from reforms.tasks.models import Task
from reforms.tasks.selectors import with_warning

# The periods compared with the report's, by name ("previous", "year_ago"): as
# reforms.reporting.contents passes them.
Compared = dict[str, tuple[date, date]]

# The counts behind the grievance rates: summed over parks, then the rates worked out again.
GRIEVANCE_COUNTS = tuple(m.key for m in grievance_selectors.RATE_MEASURES if not m.is_rate)
NO_TASKS = {"total": 0, "done": 0, "red": 0, "yellow": 0}


def task_counts() -> dict:
    """The task figures of a `by_park` (and `by_subdistrict`) entry, to annotate tasks that
    carry their warning (reforms.tasks.selectors.with_warning)."""
    return {
        "total": Count("pk"),
        "done": Count("pk", filter=Q(status=TaskStatus.DONE)),
        "red": Count("pk", filter=Q(warning=WarningLevel.RED)),
        "yellow": Count("pk", filter=Q(warning=WarningLevel.YELLOW)),
    }


def by_park(
    scope, now: datetime, today: date, start: date, end: date, compared: Compared
) -> list[dict]:
    """Key figures per park of the scope, for the bars and the ranking, and each park's figures
    over the compared periods: grouped queries joined here by park id, never one per park."""
    periods = {"current": (start, end), **compared}
    parks = {
        park.pk: {"park": park.pk, "park_name": park.name}
        for park in scope.parks.order_by("pk").only("pk", "name")
    }

    def per_park(queryset: QuerySet, **annotations) -> dict[int, dict]:
        rows = scope.of(queryset).order_by().values("park").annotate(**annotations)
        return {row.pop("park"): row for row in rows}

    def within(field: str, days: tuple[date, date]) -> Q:
        since, until = as_instants(*days)
        return Q(**{f"{field}__gte": since, f"{field}__lt": until})

    # A park without a counted grievance in a period has no row: no_grievances() below.
    grievances = {
        name: per_park(
            grievance_selectors.only_counted(Grievance.objects.filter(within("received_at", days))),
            **grievance_selectors.rate_counts(now, counted_only=True),
        )
        for name, days in periods.items()
    }
    # Whole months from the grid log's rollup, the other days raw: one query.
    activities = {
        park: {
            f"{name}_{key}": value
            for name, totals in by_period.items()
            for key, value in totals.items()
        }
        for park, by_period in gridlog_selectors.activity_totals(
            parks=None if scope.is_district else scope.parks.values("pk"),
            periods=periods,
            group="park",
        ).items()
    }
    tasks = per_park(
        with_warning(Task.objects.filter(park__isnull=False), today=today), **task_counts()
    )
    zones = per_park(
        GridZone.objects.all(),
        zones=Count("pk"),
        **{
            f"{name}_covered": Count("pk", filter=zone_logged(*as_instants(*days)))
            for name, days in periods.items()
        },
    )

    def figures(pk: int, name: str) -> dict:
        """The park's figures over one period."""
        counted = activities.get(pk, {})
        zoned = zones.get(pk, {})
        return {
            "grievances": (
                grievance_selectors.with_rates(grievances[name][pk])
                if pk in grievances[name]
                else grievance_selectors.no_grievances()
            ),
            "activities": {
                key: counted.get(f"{name}_{key}", 0) for key in ("count", "participants")
            },
            "coverage": {
                "zones": zoned.get("zones", 0),
                "covered": zoned.get(f"{name}_covered", 0),
            },
        }

    for pk, park in parks.items():
        current = figures(pk, "current")
        park["grievances"] = current["grievances"]
        park["activities"] = current["activities"]
        park["tasks"] = tasks.get(pk, dict(NO_TASKS))
        park["coverage"] = current["coverage"]
        for name in compared:
            park[name] = figures(pk, name)
    return list(parks.values())


def _summed(rows: list[dict], part: str, keys) -> dict:
    return {key: sum(row[part][key] for row in rows) for key in keys}


def by_subdistrict(scope, parks: list[dict], today: date, compared: Compared) -> list[dict]:
    """Key figures per subdistrict of a district report, by subdistrict id, subdistricts with
    no parks included, and over each compared period; `parks`: the report's `by_park`."""
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
                **_summed_figures(members),
                "tasks": tasks,
                **{
                    name: _summed_figures([member[name] for member in members]) for name in compared
                },
            }
        )
    return rows


def _summed_figures(rows: list[dict]) -> dict:
    """The grievances, activities and coverage of `rows` (parks' entries, or their figures over
    a compared period) added up, each rate worked out again from the sums."""
    return {
        "grievances": grievance_selectors.with_rates(_summed(rows, "grievances", GRIEVANCE_COUNTS)),
        "activities": _summed(rows, "activities", ("count", "participants")),
        "coverage": _summed(rows, "coverage", ("zones", "covered")),
    }
