"""The figures of a progress report, computed in SQL over the other apps' selectors.

`build_snapshot` returns the report's JSON (schema SCHEMA_VERSION). Every section is one or two
aggregate queries over the scope, for the period and for the period before, so a report costs
the same number of queries however many parks, zones or rows there are: 24, and one more to
read the name of a report's subdistrict or park when the report was loaded without it.

What each figure means (reforms.api.report_schema repeats this; keep the two in step)
--------------------------------------------------------------------------------------
Periods. `period` runs from `start` to `end`, both inclusive, as days in the portal's time zone
(Asia/Shanghai): an entry at Monday 00:30 in Wuxi belongs to that Monday's week and month
although it is still Sunday in UTC. `previous_period` is the calendar period before (week,
month, quarter, year) or, for a custom period, as many days just before it. Every section's
"current" covers `period` and its "previous" covers `previous_period`, counted the same way.

`as_of` is the day (portal time zone) the report was built. Figures that have no date of their
own — a task's status and warning, whether a grievance has been answered or resolved, a
proposal's status, which zones exist and who looks after them — are as they stand on that day,
so rebuilding a past report later may change them. `overdue_as_of` is the day the overdue list
stands at: the period's last day, or `as_of` while the period is still running.

Scope. A district report counts every row, district-wide ones (tasks and publicity without a
park) included. A subdistrict report counts the rows of its parks, plus its own subdistrict-wide
tasks (no park, plan of the subdistrict). A park report counts that park's rows only.

tasks
  total, by_status, by_warning: every task in scope, by status and by warning (green, yellow,
  red, done_late, none) as the task pages show them on `as_of` (reforms.selectors.with_warning);
  `tasks.as_of` repeats that day.
  current / previous:
    done: tasks whose done date falls in the period;
    done_on_time: of those, done on or before their due date;
    due: tasks whose due date falls in the period, cancelled ones excepted;
    due_done_on_time: of those, done on or before their due date (as known on `as_of`);
    on_time_rate: due_done_on_time / due × 100, one decimal; null when nothing fell due.
grievances (current / previous)
  Grievances received in the period; withdrawn ones count nowhere (grievances.selectors).
  received; responded_in_time (answered by the response deadline); resolved (replied to the
  worker, whenever); resolved_in_time (by the resolution deadline); followed_up (satisfaction
  recorded); satisfied (satisfied or basically satisfied) — all as of `as_of`.
  response_rate = responded_in_time / received, resolution_rate = resolved / received,
  satisfaction_rate = satisfied / followed_up: percentages with one decimal, null over zero.
  funnel: handed_out and returned summed over survey campaigns held in the period; opinions:
  grievances of the survey channel received in the period (withdrawn ones included, as on the
  grievance rates page); rectified: of those, marked rectified.
activities (current / previous)
  Grid-log entries that occurred in the period, park-wide ones included: count, participants
  (summed as logged), and both per kind (every kind present, zeros included).
coverage
  zones: the grid zones of the scope's parks that exist on `as_of`; zones_with_liaison: of those,
  looked after by a liaison whose account is active. current / previous: covered = zones with at
  least one grid-log entry in the period (park-wide entries cover no zone); rate = covered /
  zones × 100, one decimal, null without zones. Both periods divide by today's zones.
care, publicity, training, proposals (current / previous)
  Ledger rows whose ledger date (paid on, published on, started on, submitted on) falls in the
  period, summed as on the ledger pages (reforms.selectors.ledger_totals). Amounts and hours are
  strings with their decimal places ("42000.00", "16.0"). A proposal's status counts are of the
  proposals submitted in the period, by their status on `as_of`.
overdue_by_unit
  Tasks in scope that were past due on `overdue_as_of` — due before that day, not done on or
  before it, not cancelled (a cancellation has no date, so a task cancelled since is left out;
  suspended tasks count) — by lead unit: [{unit, unit_name, overdue}], most first, then by
  name in pinyin order. Units with none are not listed. A reopened task has lost its done date,
  so it counts as open for past periods too.
by_park
  One entry per park in scope, by park id, parks with no rows included: the grievance counts and
  rates and the activity count and participants of the current period as above; tasks: the
  park's tasks (total, done, red, yellow) on `as_of`; coverage: its zones and those covered in
  the current period. No previous period.
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from grievances import selectors as grievance_selectors
from grievances.models import Grievance, SurveyCampaign
from parks.choices import ActivityKind
from parks.db import chinese_order
from parks.models import Activity, GridZone, Park

from ..choices import (
    ProposalStatus,
    PublicityChannel,
    ReportScope,
    TaskStatus,
    WarningLevel,
)
from ..models import CarePayment, Proposal, Publicity, Report, Task, Training
from ..selectors import ledger_in_period, ledger_totals, with_warning
from .periods import as_instants, previous_period

# Bumped when a field is renamed or removed; adding fields keeps the version.
SCHEMA_VERSION = 1

SECTIONS = (
    "tasks",
    "grievances",
    "activities",
    "coverage",
    "care",
    "publicity",
    "training",
    "proposals",
    "overdue_by_unit",
    "by_park",
)


class Scope:
    """Which parks a report covers, and the querysets of each app narrowed to them."""

    def __init__(self, report: Report):
        self.report = report
        parks = Park.objects.all()
        if report.scope == ReportScope.PARK:
            parks = parks.filter(pk=report.park_id)
        elif report.scope == ReportScope.SUBDISTRICT:
            parks = parks.filter(subdistrict_id=report.subdistrict_id)
        self.parks = parks
        self.is_district = report.scope == ReportScope.DISTRICT

    def of(self, queryset: QuerySet, park_field: str = "park") -> QuerySet:
        # The district counts everything, district-wide rows (no park) included.
        if self.is_district:
            return queryset
        return queryset.filter(**{f"{park_field}__in": self.parks.values("pk")})

    def tasks(self) -> QuerySet[Task]:
        """The scope's tasks: a subdistrict's include its own, which belong to no park."""
        tasks = Task.objects.all()
        if self.is_district:
            return tasks
        own = Q(park__in=self.parks.values("pk"))
        if self.report.scope == ReportScope.SUBDISTRICT:
            own |= Q(park__isnull=True, plan__subdistrict_id=self.report.subdistrict_id)
        return tasks.filter(own)


def _period(start: date, end: date) -> dict:
    return {"start": start.isoformat(), "end": end.isoformat()}


def percent_of(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _zone_logged(start: date, end: date) -> Exists:
    """ "The grid zone logged at least one activity in [start, end]": one probe of the
    activity_zone_time index per zone, where a join would drag every activity along."""
    since, until = as_instants(start, end)
    return Exists(
        Activity.objects.filter(
            grid_zone=OuterRef("pk"), occurred_at__gte=since, occurred_at__lt=until
        )
    )


# --- Sections ---------------------------------------------------------------------------------

FINISHED = ("done", "done_on_time", "due", "due_done_on_time")


def _tasks(scope: Scope, today: date, start: date, end: date, prev: tuple[date, date]) -> dict:
    """Tasks as they stand today by status and warning; those finished and due in each period.
    One query."""

    def finished(prefix: str, a: date, b: date) -> dict:
        done = Q(done_on__gte=a, done_on__lte=b)
        # A cancelled task is no longer chased: it does not count against the on-time rate.
        due = Q(due_date__gte=a, due_date__lte=b) & ~Q(status=TaskStatus.CANCELLED)
        on_time = Q(done_on__lte=F("due_date"))
        expressions = {
            "done": Count("pk", filter=done),
            "done_on_time": Count("pk", filter=done & on_time),
            "due": Count("pk", filter=due),
            "due_done_on_time": Count("pk", filter=due & on_time),
        }
        return {f"{prefix}{key}": value for key, value in expressions.items()}

    counts = (
        with_warning(scope.tasks(), today=today)
        .order_by()
        .aggregate(
            total=Count("pk"),
            **{f"status_{s}": Count("pk", filter=Q(status=s)) for s in TaskStatus.values},
            **{f"warning_{w}": Count("pk", filter=Q(warning=w)) for w in WarningLevel.values},
            **finished("", start, end),
            **finished("prev_", *prev),
        )
    )

    def period(prefix: str) -> dict:
        figures = {key: counts[f"{prefix}{key}"] for key in FINISHED}
        return {
            **figures,
            "on_time_rate": percent_of(figures["due_done_on_time"], figures["due"]),
        }

    return {
        "as_of": today.isoformat(),
        "total": counts["total"],
        "by_status": {status: counts[f"status_{status}"] for status in TaskStatus.values},
        "by_warning": {level: counts[f"warning_{level}"] for level in WarningLevel.values},
        "current": period(""),
        "previous": period("prev_"),
    }


def _grievances(scope: Scope, start: date, end: date, prev: tuple[date, date]) -> dict:
    grievances = scope.of(Grievance.objects.all())
    surveys = scope.of(SurveyCampaign.objects.all())

    def period(a: date, b: date) -> dict:
        since, until = as_instants(a, b)
        received = grievances.filter(received_at__gte=since, received_at__lt=until)
        rates = grievance_selectors.rates(received)
        funnel = grievance_selectors.survey_funnel(
            surveys=surveys.filter(held_on__gte=a, held_on__lte=b), grievances=received
        )
        return {**rates, "funnel": funnel}

    return {"current": period(start, end), "previous": period(*prev)}


def _activities(scope: Scope, start: date, end: date, prev: tuple[date, date]) -> dict:
    activities = scope.of(Activity.objects.all())

    def period(a: date, b: date) -> dict:
        since, until = as_instants(a, b)
        rows = (
            activities.filter(occurred_at__gte=since, occurred_at__lt=until)
            .order_by()
            .values("kind")
            .annotate(count=Count("pk"), participants=Sum("participants", default=0))
        )
        by_kind = {kind: {"count": 0, "participants": 0} for kind in ActivityKind.values}
        for row in rows:
            by_kind[row["kind"]] = {"count": row["count"], "participants": row["participants"]}
        return {
            "count": sum(kind["count"] for kind in by_kind.values()),
            "participants": sum(kind["participants"] for kind in by_kind.values()),
            "by_kind": by_kind,
        }

    return {"current": period(start, end), "previous": period(*prev)}


def _coverage(scope: Scope, start: date, end: date, prev: tuple[date, date]) -> dict:
    """Grid zones that logged at least one activity in each period, of all zones in scope."""
    counts = (
        scope.of(GridZone.objects.all())
        .order_by()
        .aggregate(
            zones=Count("pk"),
            # A liaison whose account is closed has left: the zone is nobody's.
            with_liaison=Count("pk", filter=Q(liaison__is_active=True)),
            covered=Count("pk", filter=_zone_logged(start, end)),
            prev_covered=Count("pk", filter=_zone_logged(*prev)),
        )
    )
    return {
        "zones": counts["zones"],
        "zones_with_liaison": counts["with_liaison"],
        "current": {
            "covered": counts["covered"],
            "rate": percent_of(counts["covered"], counts["zones"]),
        },
        "previous": {
            "covered": counts["prev_covered"],
            "rate": percent_of(counts["prev_covered"], counts["zones"]),
        },
    }


def _ledger(model, scope: Scope, start: date, end: date, prev: tuple[date, date]) -> dict:
    rows = scope.of(model.objects.all())

    def period(a, b):
        totals = ledger_totals(ledger_in_period(rows, start=a, end=b))
        # Decimals as strings, with their own places: yuan "42000.00", hours "16.0".
        return {
            key: str(value) if isinstance(value, Decimal) else value
            for key, value in totals.items()
        }

    return {"current": period(start, end), "previous": period(*prev)}


def _overdue_by_unit(scope: Scope, as_of: date) -> list[dict]:
    """Tasks past due on `as_of` — the red list as it stood that day — by lead unit, most
    first. "Not done by then" is read from the done date, so a past report keeps the tasks
    that were overdue at its end even when they have been done since."""
    rows = (
        scope.tasks()
        .exclude(status=TaskStatus.CANCELLED)
        .filter(Q(done_on__isnull=True) | Q(done_on__gt=as_of), due_date__lt=as_of)
        .order_by()
        .values("lead_unit", "lead_unit__name")
        .annotate(overdue=Count("pk"))
        .order_by("-overdue", chinese_order("lead_unit__name"), "lead_unit")
    )
    return [
        {"unit": row["lead_unit"], "unit_name": row["lead_unit__name"], "overdue": row["overdue"]}
        for row in rows
    ]


def _by_park(scope: Scope, today: date, start: date, end: date) -> list[dict]:
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
        **grievance_selectors.rate_counts(),
    )
    activities = per_park(
        Activity.objects.filter(occurred_at__gte=since, occurred_at__lt=until),
        count=Count("pk"),
        participants=Sum("participants", default=0),
    )
    tasks = per_park(
        with_warning(Task.objects.filter(park__isnull=False), today=today),
        total=Count("pk"),
        done=Count("pk", filter=Q(status=TaskStatus.DONE)),
        red=Count("pk", filter=Q(warning=WarningLevel.RED)),
        yellow=Count("pk", filter=Q(warning=WarningLevel.YELLOW)),
    )
    zones = per_park(
        GridZone.objects.all(),
        zones=Count("pk"),
        covered=Count("pk", filter=_zone_logged(start, end)),
    )
    no_grievances = dict.fromkeys(grievance_selectors.rate_counts(), 0)
    for pk, park in parks.items():
        park["grievances"] = grievance_selectors.with_rates(grievances.get(pk, no_grievances))
        park["activities"] = activities.get(pk, {"count": 0, "participants": 0})
        park["tasks"] = tasks.get(pk, {"total": 0, "done": 0, "red": 0, "yellow": 0})
        park["coverage"] = zones.get(pk, {"zones": 0, "covered": 0})
    return list(parks.values())


# --- The whole report -------------------------------------------------------------------------


def build_snapshot(
    report: Report,
    progress: Callable[[int], None] = lambda percent: None,
    *,
    previous: tuple[date, date] | None = None,
) -> dict:
    """Every section of the report, for its period and the period before: `previous_period`
    unless `previous` is given (the dashboard compares a running period with as many days at
    the start of the period before)."""
    start, end = report.period_start, report.period_end
    prev = previous or previous_period(report.period_kind, start, end)
    # One "today" for every figure of the build, in the portal's time zone whoever asks.
    today = timezone.localdate(timezone=timezone.get_default_timezone())
    overdue_as_of = min(end, today)
    scope = Scope(report)
    steps = [
        ("tasks", lambda: _tasks(scope, today, start, end, prev)),
        ("grievances", lambda: _grievances(scope, start, end, prev)),
        ("activities", lambda: _activities(scope, start, end, prev)),
        ("coverage", lambda: _coverage(scope, start, end, prev)),
        ("care", lambda: _ledger(CarePayment, scope, start, end, prev)),
        ("publicity", lambda: _ledger(Publicity, scope, start, end, prev)),
        ("training", lambda: _ledger(Training, scope, start, end, prev)),
        ("proposals", lambda: _ledger(Proposal, scope, start, end, prev)),
        ("overdue_by_unit", lambda: _overdue_by_unit(scope, overdue_as_of)),
        ("by_park", lambda: _by_park(scope, today, start, end)),
    ]
    snapshot = {
        "schema_version": SCHEMA_VERSION,
        "scope": {
            "kind": report.scope,
            "subdistrict": report.subdistrict_id,
            "park": report.park_id,
            "name": report.scope_label,
        },
        "period": {"kind": report.period_kind, **_period(start, end)},
        "previous_period": _period(*prev),
        "generated_at": timezone.now().isoformat(),
        "as_of": today.isoformat(),
        "overdue_as_of": overdue_as_of.isoformat(),
        "publicity_channels": PublicityChannel.values,
        "proposal_statuses": ProposalStatus.values,
    }
    for done, (name, compute) in enumerate(steps, start=1):
        snapshot[name] = compute()
        progress(round(90 * done / len(steps)))
    return snapshot
