"""The figures of a progress report, computed in SQL over the other apps' selectors.

`build_snapshot` returns the report's JSON (schema SCHEMA_VERSION). Every section is one or two
aggregate queries over the scope, for the period and for the period before, so a report costs
the same number of queries however many parks, zones or rows there are (a district report 39:
tests/reforms/test_report_scopes_and_periods.py), and one more to read the name of a report's
subdistrict or park when the report was loaded without it. `by_park` and `by_subdistrict` are
counted in reforms.reporting.contents_areas.

How the figures are counted
---------------------------
The snapshot's shape, and what each figure means, is declared once in reforms.reporting.spec
(the API schema, the workbook, the page and the dashboard read it); what follows is how this
module counts them.

Periods. `period` runs from `start` to `end`, both inclusive, as days in the portal's time zone
(Asia/Shanghai): an entry at Monday 00:30 in Wuxi belongs to that Monday's week and month
although it is still Sunday in UTC. `previous_period` is the calendar period before (week,
month, quarter, year) or, for a custom period, as many days just before it. Every section's
"current" covers `period`, its "previous" `previous_period` and its "year_ago" `year_ago_period`
(the same period a year earlier, reforms.reporting.periods.year_ago_period), counted the same
way.

`as_of` is the day (portal time zone) the report was built. Figures that have no date of their
own — a task's status and warning, whether a grievance has been answered or resolved or is still
pending (its deadline not passed at the build), its follow-up calls, a proposal's status, which
zones exist and who looks after them, whether a task due in the period is still pending for
the on-time rate (not done, due on `as_of` or later) — are as they stand on that day, so
rebuilding a past report later may change them. The on-time rate is counted by
reforms.tasks.selectors.on_time_conditions, which also defines it. Every grievance figure is
counted by grievances.rates, which also defines it, at one moment of the build (`generated_at`).
`overdue_as_of` is the day the overdue list stands at: the period's last day, or `as_of` while
the period is still running.

Scope. A district report counts every row, district-wide ones (tasks and publicity without a
park) included. A subdistrict report counts the rows of its parks, plus its own subdistrict-wide
tasks (no park, plan of the subdistrict). A park report counts that park's rows only.

Details the definitions leave out: grievances count withdrawn ones nowhere, the funnel's opinions
included; by_kind lists every kind, zeros
included; both coverage periods divide by the zones of `as_of`; amounts and hours are strings
with their decimal places; `overdue_by_unit` reads "not done by then" from the done date, so a
task cancelled since (a cancellation has no date) is left out, suspended tasks count, and a
reopened task, having lost its done date, counts as open for past periods too; its units are
ordered most first, then by name in pinyin order.
"""

from collections.abc import Callable, Collection
from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal
from functools import partial

from django.db.models import Count, Exists, F, Q, QuerySet
from django.utils import timezone

from grievances import selectors as grievance_selectors
from grievances.models import Grievance, SurveyCampaign
from parks import access
from parks.core.db import chinese_order
from parks.core.figures import percent
from parks.core.prepared import prepared_aggregate
from parks.gridlog import selectors as gridlog_selectors
from parks.gridlog.choices import ActivityKind
from parks.gridlog.selectors import zone_logged
from parks.structure.models import GridZone
from reforms.ledgers.choices import ProposalStatus, PublicityChannel
from reforms.ledgers.models import CarePayment, Proposal, Publicity, Training
from reforms.ledgers.selectors import ledger_in_period, ledger_totals
from reforms.reporting.choices import ReportScope
from reforms.reporting.contents_areas import by_park, by_subdistrict
from reforms.reporting.models import Report
from reforms.reporting.periods import as_instants, previous_period, year_ago_period
from reforms.supervision.models import SupervisionOrder
from reforms.supervision.selectors import order_counts, order_counts_by_unit
from reforms.tasks.choices import TaskStatus, WarningLevel
from reforms.tasks.models import Task
from reforms.tasks.selectors import on_time_counts, on_time_rate, overdue_on, with_warning

# Bumped when a field is renamed or removed; adding fields keeps the version.
# 2: the grievance figures of grievances.rates (pending apart, every follow-up call counted).
# 3: the task on-time rate of reforms.tasks.selectors (tasks not yet due at `as_of` apart).
SCHEMA_VERSION = 3

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
    "overdue_tasks",
    "grievances_by_unit",
    "supervision",
    "supervision_by_unit",
    "by_park",
    "by_subdistrict",
)


class Scope:
    """Which parks a report covers, and the querysets of each app narrowed to them."""

    def __init__(self, report: Report):
        self.report = report
        area = access.Area.of_target(
            report.scope, subdistrict_id=report.subdistrict_id, park_id=report.park_id
        )
        self.parks = area.parks()
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


# The periods each section compares `period` with, by name: "previous", "year_ago".
Compared = dict[str, tuple[date, date]]


def _period(start: date, end: date) -> dict:
    return {"start": start.isoformat(), "end": end.isoformat()}


def _zone_logged(start: date, end: date) -> Exists:
    """The grid zone is covered over the days [start, end] (parks.gridlog.selectors.zone_logged)."""
    return zone_logged(*as_instants(start, end))


# --- Sections ---------------------------------------------------------------------------------

FINISHED = ("done", "done_on_time", "due", "due_pending", "due_counted", "due_done_on_time")


def _finished(prefix: str, today: date, a: date, b: date) -> dict:
    """Tasks finished and due from `a` to `b` (_tasks), judged on `today`."""
    done = Q(done_on__gte=a, done_on__lte=b)
    expressions = {
        "done": Count("pk", filter=done),
        "done_on_time": Count("pk", filter=done & Q(done_on__lte=F("due_date"))),
        # Due in the period, cancelled ones excepted (no longer chased).
        **on_time_counts(today, a, b),
    }
    return {f"{prefix}{key}": value for key, value in expressions.items()}


def _task_counts(scope: Scope, names: tuple[str, ...], today, start, end, *compared_days):
    """_tasks' aggregate (queryset, aggregates): the compared periods' days follow in pairs, in
    the order of `names`. It reads nothing else but the scope, which is in its plan's key."""
    pairs = zip(compared_days[::2], compared_days[1::2], strict=True)
    return scope.tasks().order_by(), {
        "total": Count("pk"),
        **{f"status_{s}": Count("pk", filter=Q(status=s)) for s in TaskStatus.values},
        **_finished("", today, start, end),
        **{
            figure: expression
            for name, (a, b) in zip(names, pairs, strict=True)
            for figure, expression in _finished(f"{name}_", today, a, b).items()
        },
    }


def _tasks(scope: Scope, today: date, start: date, end: date, compared: Compared) -> dict:
    """Tasks as they stand today by status and warning; those finished and due in each period,
    and the on-time rate of those due, as reforms.tasks.selectors defines it (judged on `today`).
    Two queries: the warnings, and the rest."""
    # The warnings grouped in a query of their own: an aggregate over tasks annotated with
    # their warning copies the annotation into every one of its columns to compile it.
    warnings = dict(
        with_warning(scope.tasks(), today=today)
        .order_by()
        .values_list("warning")
        .annotate(n=Count("pk"))
    )
    # Some twenty filtered counts took longer to build and compile than PostgreSQL took to
    # count them: compiled once per scope and compared periods (parks.core.prepared).
    report, names = scope.report, tuple(compared)
    key = ("report_tasks", report.scope, report.subdistrict_id, report.park_id, names)
    days = [day for period in compared.values() for day in period]
    counts = prepared_aggregate(key, partial(_task_counts, scope, names), today, start, end, *days)

    def period(prefix: str) -> dict:
        figures = {key: counts[f"{prefix}{key}"] for key in FINISHED}
        return {
            **figures,
            "on_time_rate": on_time_rate(figures["due_done_on_time"], figures["due_counted"]),
        }

    return {
        "as_of": today.isoformat(),
        "total": counts["total"],
        "by_status": {status: counts[f"status_{status}"] for status in TaskStatus.values},
        "by_warning": {level: warnings.get(level, 0) for level in WarningLevel.values},
        "current": period(""),
        **{name: period(f"{name}_") for name in compared},
    }


def _grievances(scope: Scope, now: datetime, start: date, end: date, compared: Compared) -> dict:
    grievances = scope.of(Grievance.objects.all())
    surveys = scope.of(SurveyCampaign.objects.all())

    def period(a: date, b: date) -> dict:
        since, until = as_instants(a, b)
        # Two queries: the grievances read once for the rates and the funnel's opinions, and
        # the surveys.
        rates, funnel = grievance_selectors.rates_and_funnel(
            grievances=grievances.filter(received_at__gte=since, received_at__lt=until),
            surveys=surveys.filter(held_on__gte=a, held_on__lte=b),
            now=now,
        )
        return {**rates, "funnel": funnel}

    # The backlog at each period's end (the build, while the period runs): one query.
    ends = {
        "current": min(as_instants(start, end)[1], now),
        **{name: as_instants(*days)[1] for name, days in compared.items()},
    }
    backlog = (
        grievances.filter(grievance_selectors.backlog_candidates(ends.values()))
        .order_by()
        .aggregate(
            **{
                f"{name}_{key}": expression
                for name, at in ends.items()
                for key, expression in grievance_selectors.backlog_counts(
                    at, counted_only=True
                ).items()
            }
        )
    )
    return {
        name: {
            **period(a, b),
            **{m.key: backlog[f"{name}_{m.key}"] for m in grievance_selectors.BACKLOG_MEASURES},
        }
        for name, (a, b) in {"current": (start, end), **compared}.items()
    }


def _grievances_by_unit(scope: Scope, now: datetime, start: date, end: date) -> list[dict]:
    """The grievance figures of the period per handling unit (grievances.selectors.rates_by),
    most received first: one grouped query. Grievances sent to no unit are left out."""
    since, until = as_instants(start, end)
    received = scope.of(Grievance.objects.filter(received_at__gte=since, received_at__lt=until))
    rows = grievance_selectors.rates_by(
        received.filter(handling_unit__isnull=False), "unit", now=now
    )
    rows = [
        {"unit": row.pop("handling_unit"), "unit_name": row.pop("handling_unit__name"), **row}
        for row in rows
    ]
    return sorted(rows, key=lambda row: (-row["received"], row["unit"]))


def _orders(scope: Scope) -> QuerySet[SupervisionOrder]:
    """The scope's supervision orders: those about its tasks or its grievances."""
    orders = SupervisionOrder.objects.all()
    if scope.is_district:
        return orders
    return orders.filter(
        Q(task__in=scope.tasks().values("pk"))
        | Q(grievance__in=scope.of(Grievance.objects.all()).values("pk"))
    )


def _supervision(scope: Scope, today: date, start: date, end: date) -> dict:
    """The period's orders (reforms.supervision.selectors.order_counts): one query."""
    return asdict(order_counts(_orders(scope), start=start, end=end, today=today))


def _supervision_by_unit(scope: Scope, today: date, start: date, end: date) -> list[dict]:
    """The same per responsible unit, by name: one grouped query."""
    return [
        {"unit": unit_id, "unit_name": name, **asdict(counts)}
        for unit_id, name, counts in order_counts_by_unit(
            _orders(scope), start=start, end=end, today=today
        )
    ]


def _activities(scope: Scope, start: date, end: date, compared: Compared) -> dict:
    parks = None if scope.is_district else scope.parks.values("pk")

    def period(a: date, b: date) -> dict:
        # One query a period: whole months from the grid log's rollup, the other days raw.
        counted = gridlog_selectors.activity_totals(
            parks=parks, periods={"p": (a, b)}, group="kind"
        )
        by_kind = {kind: {"count": 0, "participants": 0} for kind in ActivityKind.values}
        for kind, totals in counted.items():
            by_kind[kind] = totals["p"]
        return {
            "count": sum(kind["count"] for kind in by_kind.values()),
            "participants": sum(kind["participants"] for kind in by_kind.values()),
            "by_kind": by_kind,
        }

    return {
        "current": period(start, end),
        **{name: period(*days) for name, days in compared.items()},
    }


def _coverage(scope: Scope, start: date, end: date, compared: Compared) -> dict:
    """Grid zones that logged at least one activity in each period, of all zones in scope."""
    counts = (
        scope.of(GridZone.objects.all())
        .order_by()
        .aggregate(
            zones=Count("pk"),
            # A liaison whose account is closed has left: the zone is nobody's.
            with_liaison=Count("pk", filter=Q(liaison__is_active=True)),
            covered=Count("pk", filter=_zone_logged(start, end)),
            **{
                f"{name}_covered": Count("pk", filter=_zone_logged(*days))
                for name, days in compared.items()
            },
        )
    )
    return {
        "zones": counts["zones"],
        "zones_with_liaison": counts["with_liaison"],
        "current": {
            "covered": counts["covered"],
            "rate": percent(counts["covered"], counts["zones"]),
        },
        **{
            name: {
                "covered": counts[f"{name}_covered"],
                "rate": percent(counts[f"{name}_covered"], counts["zones"]),
            }
            for name in compared
        },
    }


def _ledger(model, scope: Scope, start: date, end: date, compared: Compared) -> dict:
    rows = scope.of(model.objects.all())

    def period(a, b):
        totals = ledger_totals(ledger_in_period(rows, start=a, end=b))
        # Decimals as strings, with their own places: yuan "42000.00", hours "16.0".
        return {
            key: str(value) if isinstance(value, Decimal) else value
            for key, value in totals.items()
        }

    return {
        "current": period(start, end),
        **{name: period(*days) for name, days in compared.items()},
    }


def _overdue_by_unit(scope: Scope, as_of: date) -> list[dict]:
    """Tasks past due on `as_of` (reforms.tasks.selectors.overdue_on) by lead unit, most
    first."""
    rows = (
        overdue_on(scope.tasks(), as_of)
        .order_by()
        .values("lead_unit", "lead_unit__name")
        .annotate(overdue=Count("pk"))
        .order_by("-overdue", chinese_order("lead_unit__name"), "lead_unit")
    )
    return [
        {"unit": row["lead_unit"], "unit_name": row["lead_unit__name"], "overdue": row["overdue"]}
        for row in rows
    ]


def _overdue_tasks(scope: Scope, as_of: date) -> list[dict]:
    """The same tasks one by one, longest overdue first, then by code: one query."""
    rows = (
        overdue_on(scope.tasks(), as_of)
        .order_by("due_date", "code", "pk")
        .values(
            "pk", "code", "title", "lead_unit", "lead_unit__name", "park", "park__name", "due_date"
        )
    )
    return [
        {
            "task": row["pk"],
            "code": row["code"],
            "title": row["title"],
            "unit": row["lead_unit"],
            "unit_name": row["lead_unit__name"],
            "park": row["park"],
            "park_name": row["park__name"],
            "due_date": row["due_date"].isoformat(),
            "days_overdue": (as_of - row["due_date"]).days,
        }
        for row in rows
    ]


def overdue_by_unit(report: Report, as_of: date) -> list[dict]:
    """The report's `overdue_by_unit` counted now for `as_of`, for a reader whose snapshot lacks
    it (the briefing): the same definition as the snapshot's."""
    return _overdue_by_unit(Scope(report), as_of)


# --- The whole report -------------------------------------------------------------------------


def build_snapshot(
    report: Report,
    progress: Callable[[int], None] = lambda percent: None,
    *,
    previous: tuple[date, date] | None = None,
    with_year_ago: bool = True,
    sections: Collection[str] = SECTIONS,
) -> dict:
    """Every section of the report, for its period, the period before and the same period a
    year earlier: `previous_period` unless `previous` is given (the dashboard compares a running
    period with as many days at the start of the period before). `with_year_ago=False` leaves
    the year-ago figures out of every section (the dashboard, which shows none of them: they
    were a fifth of its cold build); `year_ago_period` still names the period. `sections`
    (of SECTIONS) leaves the others out, for a reader that shows only these (the dashboard):
    each is counted as in the whole report; `by_subdistrict` needs `by_park`."""
    start, end = report.period_start, report.period_end
    prev = previous or previous_period(report.period_kind, start, end)
    year_ago = year_ago_period(report.period_kind, start, end)
    compared = {"previous": prev, **({"year_ago": year_ago} if with_year_ago else {})}
    # One moment for every figure of the build, in the portal's time zone whoever asks: the one
    # the build records as the report's as_of (reforms.reporting.freshness); a grievance is
    # pending or late as at `now`, and "today" is its day.
    now = report.as_of or timezone.now()
    today = timezone.localdate(now, timezone=timezone.get_default_timezone())
    overdue_as_of = min(end, today)
    scope = Scope(report)
    steps = [
        ("tasks", lambda: _tasks(scope, today, start, end, compared)),
        ("grievances", lambda: _grievances(scope, now, start, end, compared)),
        ("activities", lambda: _activities(scope, start, end, compared)),
        ("coverage", lambda: _coverage(scope, start, end, compared)),
        ("care", lambda: _ledger(CarePayment, scope, start, end, compared)),
        ("publicity", lambda: _ledger(Publicity, scope, start, end, compared)),
        ("training", lambda: _ledger(Training, scope, start, end, compared)),
        ("proposals", lambda: _ledger(Proposal, scope, start, end, compared)),
        ("overdue_by_unit", lambda: _overdue_by_unit(scope, overdue_as_of)),
        ("overdue_tasks", lambda: _overdue_tasks(scope, overdue_as_of)),
        ("grievances_by_unit", lambda: _grievances_by_unit(scope, now, start, end)),
        ("supervision", lambda: _supervision(scope, today, start, end)),
        ("supervision_by_unit", lambda: _supervision_by_unit(scope, today, start, end)),
        ("by_park", lambda: by_park(scope, now, today, start, end, compared)),
        ("by_subdistrict", lambda: by_subdistrict(scope, snapshot["by_park"], today, compared)),
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
        "year_ago_period": _period(*year_ago),
        "generated_at": now.isoformat(),
        "as_of": today.isoformat(),
        "overdue_as_of": overdue_as_of.isoformat(),
        "publicity_channels": PublicityChannel.values,
        "proposal_statuses": ProposalStatus.values,
    }
    steps = [(name, compute) for name, compute in steps if name in sections]
    for done, (name, compute) in enumerate(steps, start=1):
        snapshot[name] = compute()
        progress(round(90 * done / len(steps)))
    return snapshot
