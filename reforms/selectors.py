"""Reads of plans and tasks shared by pages, the API, exports, reminders and reports.

The warning level of a task is one SQL expression (`warning_expression`), so the construction
table, its filters, the API, the league table and the reports can never disagree about it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    Func,
    IntegerField,
    Model,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from parks import access
from parks.access import AnyUser
from parks.db import chinese_order
from parks.models import Organisation, Park

from .choices import (
    CLOSED_STATUSES,
    ProposalKind,
    ProposalStatus,
    PublicityChannel,
    TaskStatus,
    WarningLevel,
)
from .models import CarePayment, Milestone, Plan, Proposal, Publicity, Report, Task, Training

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler
    from django_stubs_ext import WithAnnotations

# What as_sql returns: the SQL and its parameters.
Sql = tuple[str, tuple[str | int, ...]]
M = TypeVar("M", bound=Model)


class DaysBetween(Func):
    """Whole days from `start` to `end` (end - start), on PostgreSQL and on SQLite."""

    output_field = IntegerField()
    arity = 2

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> Sql:
        # date - date is an integer number of days in PostgreSQL.
        return self.as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ")

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> Sql:
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
        )


class TaskWarning(TypedDict):
    """What with_warning annotates on each task."""

    pace_gap: int
    days_left: int
    warning: str


def with_warning(
    tasks: QuerySet[Task], *, today: date | None = None
) -> QuerySet[WithAnnotations[Task, TaskWarning]]:
    """Annotate each task's `warning`: green, yellow, red, done_late or none (cancelled).

    Red: past due and not done. Yellow: due within REFORM_DUE_SOON_DAYS, or behind the
    scheduled pace (序时进度) — the elapsed share of the start→due span exceeds reported progress
    by more than REFORM_PACE_MARGIN points. That is compared as
    elapsed*100 - (progress + margin)*span > 0 (`pace_gap`), in whole numbers, so SQL does no
    division. `days_left` (negative when overdue) is annotated too.
    """
    today = today or timezone.localdate()
    elapsed = DaysBetween(Value(today), F("start_date"))
    span = DaysBetween(F("due_date"), F("start_date"))
    behind_pace = Q(start_date__lt=today, pace_gap__gt=0)
    due_soon = Q(days_left__lte=settings.REFORM_DUE_SOON_DAYS)
    return tasks.annotate(
        pace_gap=elapsed * 100 - (F("progress") + settings.REFORM_PACE_MARGIN) * span,
        days_left=DaysBetween(F("due_date"), Value(today)),
    ).annotate(
        warning=Case(
            When(status=TaskStatus.CANCELLED, then=Value(WarningLevel.NONE)),
            When(
                status=TaskStatus.DONE,
                done_on__gt=F("due_date"),
                then=Value(WarningLevel.DONE_LATE),
            ),
            When(status=TaskStatus.DONE, then=Value(WarningLevel.GREEN)),
            When(due_date__lt=today, then=Value(WarningLevel.RED)),
            When(due_soon | behind_pace, then=Value(WarningLevel.YELLOW)),
            default=Value(WarningLevel.GREEN),
            output_field=CharField(),
        )
    )


# Worst first: red, yellow, done late, on track, not chased. The pages' and the API's
# "sort by warning" order.
WARNING_RANK = [
    WarningLevel.RED,
    WarningLevel.YELLOW,
    WarningLevel.DONE_LATE,
    WarningLevel.GREEN,
    WarningLevel.NONE,
]


def with_warning_rank(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """Annotate `warning_rank` (0 = red … 4 = not chased); adds `warning` if it is missing."""
    if "warning" not in tasks.query.annotations:
        tasks = with_warning(tasks)
    return tasks.annotate(
        warning_rank=Case(
            *(When(warning=level, then=Value(rank)) for rank, level in enumerate(WARNING_RANK)),
            default=Value(len(WARNING_RANK)),
            output_field=IntegerField(),
        )
    )


def tasks_visible_to(user: AnyUser) -> QuerySet[Task]:
    """The tasks the user sees (the rule: parks.access.tasks_visible)."""
    return access.tasks_visible(user, Task.objects.all())


def updatable_by(user: AnyUser) -> Q:
    """The condition "this non-office user may report on the task" (see user_can_update_task)."""
    return access.task_updatable_condition(user)


user_can_update_task = access.may_update_task


def plans_visible_to(user: AnyUser) -> QuerySet[Plan]:
    """The plans the user sees (the rule: parks.access.plans_visible)."""
    return access.plans_visible(user, Plan.objects.all(), visible_tasks=tasks_visible_to(user))


def task_table(*, user: AnyUser, today: date | None = None) -> QuerySet[Task]:
    """The construction table: visible tasks with their warning and what the rows show."""
    return with_warning(
        tasks_visible_to(user)
        .select_related("plan", "park", "lead_unit", "owner")
        .prefetch_related(
            Prefetch("supporting_units", queryset=Organisation.objects.order_by("name"))
        ),
        today=today,
    ).order_by("due_date", "code")


def milestones_visible_to(user: AnyUser) -> QuerySet[Milestone]:
    return Milestone.objects.filter(task__in=tasks_visible_to(user))


def unit_league_table(
    *, user: AnyUser, today: date | None = None
) -> QuerySet[Task, Mapping[str, Any]]:
    """Per lead unit: tasks, done on time, done late, yellow and red — one grouped query."""
    tasks = with_warning(tasks_visible_to(user), today=today)
    return (
        tasks.values("lead_unit", "lead_unit__name")
        .annotate(
            total=Count("pk"),
            done_on_time=Count("pk", filter=Q(status=TaskStatus.DONE, warning=WarningLevel.GREEN)),
            done_late=Count("pk", filter=Q(warning=WarningLevel.DONE_LATE)),
            yellow=Count("pk", filter=Q(warning=WarningLevel.YELLOW)),
            red=Count("pk", filter=Q(warning=WarningLevel.RED)),
            open=Count("pk", filter=~Q(status__in=CLOSED_STATUSES)),
        )
        .order_by("-red", "-yellow", chinese_order("lead_unit__name"))
    )


# --- Ledgers ----------------------------------------------------------------------------------


def ledger_visible_to(model: type[M], user: AnyUser) -> QuerySet[M]:
    """A ledger's rows in the user's scope (the rule: parks.access.ledger_rows_visible)."""
    # _default_manager: the ledgers' `objects`, reachable from a model class typed generically.
    return access.ledger_rows_visible(user, model._default_manager.all()).select_related("park")


user_can_write_ledger = access.may_write_ledger


def ledger_parks_for(user: AnyUser) -> QuerySet[Park]:
    """Parks a user may record ledger rows for, for form choices."""
    return access.ledger_parks_for(user).order_by(chinese_order("name"))


def _care_sums() -> dict[str, Any]:
    # The source document's "42 people paid 42,000 yuan".
    return {
        "entries": Count("pk"),
        "recipients": Coalesce(Sum("recipients"), 0),
        "amount": Coalesce(Sum("amount"), Decimal("0.00")),
    }


def _publicity_sums() -> dict[str, Any]:
    # "Online platforms ~90, print media ~70, TV 33, government websites 41".
    by_channel = {
        channel: Count("pk", filter=Q(channel=channel)) for channel in PublicityChannel.values
    }
    return {"entries": Count("pk"), **by_channel}


def _training_sums() -> dict[str, Any]:
    return {
        "entries": Count("pk"),
        "hours": Coalesce(Sum("hours"), Decimal("0.0")),
        "trainees": Coalesce(Sum("trainees"), 0),
        "certificates": Coalesce(Sum("certificates"), 0),
    }


def _proposal_sums() -> dict[str, Any]:
    by_status = {status: Count("pk", filter=Q(status=status)) for status in ProposalStatus.values}
    return {
        "entries": Count("pk"),
        "innovations": Count("pk", filter=Q(kind=ProposalKind.INNOVATION)),
        "benefit_amount": Coalesce(Sum("benefit_amount"), Decimal("0.00")),
        "reward_amount": Coalesce(Sum("reward_amount"), Decimal("0.00")),
        **by_status,
    }


# Each ledger: the date its period is judged by, and the sums its page and reports show.
LEDGERS: dict[type[Model], tuple[str, Callable[[], dict[str, Any]]]] = {
    CarePayment: ("paid_on", _care_sums),
    Publicity: ("published_on", _publicity_sums),
    Training: ("started_on", _training_sums),
    Proposal: ("submitted_on", _proposal_sums),
}


def ledger_in_period(
    rows: QuerySet[M], *, start: date | None = None, end: date | None = None
) -> QuerySet[M]:
    """Rows whose ledger date falls in [start, end], both inclusive and optional."""
    date_field = LEDGERS[rows.model][0]
    if start:
        rows = rows.filter(**{f"{date_field}__gte": start})
    if end:
        rows = rows.filter(**{f"{date_field}__lte": end})
    return rows


def ledger_totals(rows: QuerySet[Model]) -> dict[str, Any]:
    """The ledger's sums over `rows`, in one query."""
    return rows.order_by().aggregate(**LEDGERS[rows.model][1]())


def ledger_by_month(rows: QuerySet[Model]) -> list[dict[str, Any]]:
    """The same sums per month of the ledger's date, oldest first, in one query."""
    date_field, sums = LEDGERS[rows.model]
    monthly = (
        rows.order_by()
        .annotate(month=TruncMonth(date_field))
        .values("month")
        .annotate(**sums())
        .order_by("month")
    )
    return list(monthly)


# --- Progress reports (进展报告) ------------------------------------------------------------


def reports_visible_to(user: AnyUser) -> QuerySet[Report]:
    """Reports a user may read (the rule: parks.access.reports_visible)."""
    return access.reports_visible(user, Report.objects.all())
