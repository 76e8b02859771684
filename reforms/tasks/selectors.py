"""Reads of plans and tasks shared by pages, the API, exports, reminders and reports.

The warning level of a task is one SQL expression (`warning_expression`), so the construction
table, its filters, the API, the league table and the reports can never disagree about it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, TypedDict

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    Func,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from parks import access
from parks.access import AnyUser
from parks.core.db import chinese_order
from parks.structure.models import Organisation
from reforms.tasks.choices import CLOSED_STATUSES, TaskStatus, WarningLevel
from reforms.tasks.models import Milestone, Plan, Task

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler
    from django_stubs_ext import WithAnnotations

# What as_sql returns: the SQL and its parameters.
Sql = tuple[str, tuple[str | int, ...]]


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
    """The condition "this non-office user may report on the task" (see
    parks.access.may_update_task)."""
    return access.task_updatable_condition(user)


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


def overdue_on(tasks: QuerySet[Task], day: date) -> QuerySet[Task]:
    """The tasks past due on `day`: due before it, not done by it, not cancelled — the red
    warning as it stood that day. "Not done by then" is read from the done date, so a past day
    keeps the tasks that were overdue on it even when they have been done since; a task
    cancelled since (a cancellation has no date) is left out, and a suspended one counts."""
    return tasks.exclude(status=TaskStatus.CANCELLED).filter(
        Q(done_on__isnull=True) | Q(done_on__gt=day), due_date__lt=day
    )
