"""The figures of a progress report, computed in SQL over the other apps' selectors.

`build_snapshot` returns the report's JSON (schema SCHEMA_VERSION, documented in the API). Every
section is one or two aggregate queries over the scope, for the period and for the period
before, so a district report costs the same number of queries however many parks there are.
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from grievances import selectors as grievance_selectors
from grievances.models import Grievance, SurveyCampaign
from parks.choices import ActivityKind
from parks.models import Activity, GridZone, Park

from ..choices import (
    CLOSED_STATUSES,
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


def _period(start: date, end: date) -> dict:
    return {"start": start.isoformat(), "end": end.isoformat()}


# --- Sections ---------------------------------------------------------------------------------


def _tasks(scope: Scope, start: date, end: date, prev: tuple[date, date]) -> dict:
    """Tasks as they stand now by status and warning; and those finished in each period."""
    tasks = scope.of(Task.objects.all())
    warning_counts = {level: Count("pk", filter=Q(warning=level)) for level in WarningLevel.values}
    status_counts = {status: Count("pk", filter=Q(status=status)) for status in TaskStatus.values}
    now = (
        with_warning(tasks)
        .order_by()
        .aggregate(
            total=Count("pk"),
            **{f"status_{k}": v for k, v in status_counts.items()},
            **{f"warning_{k}": v for k, v in warning_counts.items()},
        )
    )

    def finished(a: date, b: date) -> dict:
        return {
            "done": Count("pk", filter=Q(done_on__gte=a, done_on__lte=b)),
            "done_on_time": Count(
                "pk", filter=Q(done_on__gte=a, done_on__lte=b) & Q(done_on__lte=F("due_date"))
            ),
            "due": Count("pk", filter=Q(due_date__gte=a, due_date__lte=b)),
        }

    counts = tasks.order_by().aggregate(
        **finished(start, end), **{f"prev_{k}": v for k, v in finished(*prev).items()}
    )
    return {
        "total": now["total"],
        "by_status": {status: now[f"status_{status}"] for status in TaskStatus.values},
        "by_warning": {level: now[f"warning_{level}"] for level in WarningLevel.values},
        "current": {k: counts[k] for k in ("done", "done_on_time", "due")},
        "previous": {k: counts[f"prev_{k}"] for k in ("done", "done_on_time", "due")},
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
    """Grid zones that logged at least one activity in the period, of all zones in scope."""
    zones = scope.of(GridZone.objects.all())

    def logged_in(a: date, b: date):
        since, until = as_instants(a, b)
        return Q(activities__occurred_at__gte=since, activities__occurred_at__lt=until)

    counts = zones.order_by().aggregate(
        zones=Count("pk", distinct=True),
        with_liaison=Count("pk", filter=Q(liaison__isnull=False), distinct=True),
        covered=Count("pk", filter=logged_in(start, end), distinct=True),
        prev_covered=Count("pk", filter=logged_in(*prev), distinct=True),
    )

    def share(covered):
        return round(100 * covered / counts["zones"], 1) if counts["zones"] else None

    return {
        "zones": counts["zones"],
        "zones_with_liaison": counts["with_liaison"],
        "current": {"covered": counts["covered"], "rate": share(counts["covered"])},
        "previous": {"covered": counts["prev_covered"], "rate": share(counts["prev_covered"])},
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


def _overdue_by_unit(scope: Scope, end: date) -> list[dict]:
    """Open tasks past due at the end of the period, by lead unit, most first."""
    rows = (
        scope.of(Task.objects.all())
        .exclude(status__in=CLOSED_STATUSES)
        .filter(due_date__lt=end)
        .order_by()
        .values("lead_unit", "lead_unit__name")
        .annotate(overdue=Count("pk"))
        .order_by("-overdue", "lead_unit__name")
    )
    return [
        {"unit": row["lead_unit"], "unit_name": row["lead_unit__name"], "overdue": row["overdue"]}
        for row in rows
    ]


def _by_park(scope: Scope, start: date, end: date) -> list[dict]:
    """Key figures per park of the scope, for the bars and the ranking: one grouped query per
    app, joined here by park id."""
    since, until = as_instants(start, end)
    parks = {
        park.pk: {"park": park.pk, "park_name": park.name}
        for park in scope.parks.order_by("pk").only("pk", "name")
    }
    grievance_rows = (
        Grievance.objects.filter(
            park__in=scope.parks, received_at__gte=since, received_at__lt=until
        )
        .order_by()
        .values("park")
        .annotate(**grievance_selectors.rate_counts())
    )
    for row in grievance_rows:
        park = parks.get(row.pop("park"))
        if park is not None:
            park["grievances"] = grievance_selectors.with_rates(row)
    activity_rows = (
        Activity.objects.filter(park__in=scope.parks, occurred_at__gte=since, occurred_at__lt=until)
        .order_by()
        .values("park")
        .annotate(count=Count("pk"), participants=Sum("participants", default=0))
    )
    for row in activity_rows:
        if row["park"] in parks:
            parks[row["park"]]["activities"] = {
                "count": row["count"],
                "participants": row["participants"],
            }
    task_rows = (
        with_warning(Task.objects.filter(park__in=scope.parks))
        .order_by()
        .values("park")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status=TaskStatus.DONE)),
            red=Count("pk", filter=Q(warning=WarningLevel.RED)),
            yellow=Count("pk", filter=Q(warning=WarningLevel.YELLOW)),
        )
    )
    for row in task_rows:
        if row["park"] in parks:
            parks[row["park"]]["tasks"] = {k: row[k] for k in ("total", "done", "red", "yellow")}
    zone_rows = (
        GridZone.objects.filter(park__in=scope.parks)
        .order_by()
        .values("park")
        .annotate(
            zones=Count("pk", distinct=True),
            covered=Count(
                "pk",
                filter=Q(activities__occurred_at__gte=since, activities__occurred_at__lt=until),
                distinct=True,
            ),
        )
    )
    for row in zone_rows:
        if row["park"] in parks:
            parks[row["park"]]["coverage"] = {"zones": row["zones"], "covered": row["covered"]}
    empty_rates = grievance_selectors.with_rates(
        dict.fromkeys(grievance_selectors.rate_counts(), 0)
    )
    for park in parks.values():
        park.setdefault("grievances", empty_rates)
        park.setdefault("activities", {"count": 0, "participants": 0})
        park.setdefault("tasks", {"total": 0, "done": 0, "red": 0, "yellow": 0})
        park.setdefault("coverage", {"zones": 0, "covered": 0})
    return list(parks.values())


# --- The whole report -------------------------------------------------------------------------


def build_snapshot(report: Report, progress: Callable[[int], None] = lambda percent: None) -> dict:
    """Every section of the report, for its period and the period before."""
    start, end = report.period_start, report.period_end
    prev = previous_period(report.period_kind, start, end)
    scope = Scope(report)
    steps = [
        ("tasks", lambda: _tasks(scope, start, end, prev)),
        ("grievances", lambda: _grievances(scope, start, end, prev)),
        ("activities", lambda: _activities(scope, start, end, prev)),
        ("coverage", lambda: _coverage(scope, start, end, prev)),
        ("care", lambda: _ledger(CarePayment, scope, start, end, prev)),
        ("publicity", lambda: _ledger(Publicity, scope, start, end, prev)),
        ("training", lambda: _ledger(Training, scope, start, end, prev)),
        ("proposals", lambda: _ledger(Proposal, scope, start, end, prev)),
        ("overdue_by_unit", lambda: _overdue_by_unit(scope, end)),
        ("by_park", lambda: _by_park(scope, start, end)),
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
        "publicity_channels": PublicityChannel.values,
        "proposal_statuses": ProposalStatus.values,
    }
    for done, (name, compute) in enumerate(steps, start=1):
        snapshot[name] = compute()
        progress(round(90 * done / len(steps)))
    return snapshot
