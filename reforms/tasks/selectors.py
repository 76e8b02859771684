"""Reads of plans and tasks shared by pages, the API, exports, reminders and reports.

The warning level of a task is one SQL expression (`warning_expression`), so the construction
table, its filters, the API, the league table and the reports can never disagree about it.
The on-time rate (按时完成率) is defined once too (`on_time_conditions`, ON_TIME_FIGURES): the
unit league, the progress report (its JSON, workbook, page and Word briefing) and the dashboard
count it and explain it through this module.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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
from django.utils.translation import gettext_lazy, gettext_noop
from django.utils.translation import gettext_lazy as _

from parks import access
from parks.access import AnyUser
from parks.core.compiled import compiled_once
from parks.core.db import chinese_order
from parks.core.figures import percent
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
    # The SQL is built and compiled once per process (and per setting); each call brings its day.
    key = ("task_warning", settings.REFORM_DUE_SOON_DAYS, settings.REFORM_PACE_MARGIN)
    return compiled_once(tasks, _warning, (today,), key=key)


def _warning(tasks: QuerySet[Task], today: date) -> QuerySet[Task]:
    """The definition of with_warning's annotations on `today`."""
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


class RankOf(Func):
    """The position of `expression`'s value in `values` (0 first; len(values) when absent), as
    a simple CASE (`CASE x WHEN … THEN …`), which names `x` once. `Case(When(warning=…))` for
    each level repeated the whole warning expression five times: five times its SQL compiled on
    every construction-table page and park page, for PostgreSQL to evaluate five times a row."""

    output_field = IntegerField()
    arity = 1

    def __init__(self, expression: Any, values: Sequence[str]) -> None:
        super().__init__(expression)
        self.values = [str(value) for value in values]

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> Sql:
        sql, params = compiler.compile(self.source_expressions[0])
        whens = " ".join("WHEN %s THEN %s" for _ in self.values)
        ranked = [part for rank, value in enumerate(self.values) for part in (value, rank)]
        return f"CASE {sql} {whens} ELSE %s END", (*params, *ranked, len(self.values))


def with_warning_rank(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """Annotate `warning_rank` (0 = red … 4 = not chased); adds `warning` if it is missing."""
    if "warning" not in tasks.query.annotations:
        tasks = with_warning(tasks)
    return tasks.annotate(warning_rank=RankOf(F("warning"), WARNING_RANK))


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


def milestones_due_by(milestones: QuerySet[Milestone], day: date) -> QuerySet[Milestone]:
    """Milestones still to reach, due on or before `day` (overdue ones included), of tasks
    still being chased (not done or cancelled): the workbench's "due this week"."""
    return milestones.filter(done_on__isnull=True, due_date__lte=day).exclude(
        task__status__in=CLOSED_STATUSES
    )


# --- The on-time rate (按时完成率) --------------------------------------------------------------
# The rule a district office defends: a task is judged once it is done or its due date has
# passed. Done on or before the due date is on time; past the due date and not done (red) counts
# against the unit, exactly as done late does; not done and not yet past its due date (due on
# the counting day or later) is pending, shown apart, neither on time nor late; a cancelled task
# is no longer chased and counts nowhere. The counting day is the page's today, or the report's
# `as_of`. A task done early counts as on time at once, as a grievance resolved early does.


@dataclass(frozen=True)
class OnTimeFigure:
    """One figure of the on-time rate: `term` fixed Chinese (the workbook), `label` its name on
    pages, `basis` its definition in fixed Chinese (口径说明), `definition` the same in English,
    whose translation is `basis`; `note` is it translated, as pages show it beside the figure."""

    key: str
    term: str
    label: Any
    basis: str
    definition: str

    @property
    def note(self) -> Any:
        return gettext_lazy(self.definition)


ON_TIME_PENDING = OnTimeFigure(
    "pending",
    "未到期任务数",
    _("Not yet due"),
    "尚未完成、到期日也未过（到期日在统计日当天或之后）的任务：既不算按时也不算逾期，"
    "不计入按时完成率。",
    gettext_noop(
        "Not done and not yet past their due date (due on the counting day or later): neither "
        "on time nor late, left out of the on-time rate."
    ),
)
ON_TIME_COUNTED = OnTimeFigure(
    "counted",
    "应完成任务数",
    _("Counted for the on-time rate"),
    "任务数（不含已取消）减去未到期任务数：已完成的任务，以及到期日已过仍未完成的任务。",
    gettext_noop(
        "Tasks, cancelled ones excepted, less those not yet due: the tasks done, and those past "
        "their due date and not done."
    ),
)
ON_TIME_DONE = OnTimeFigure(
    "done_on_time",
    "按时完成任务数",
    _("Done on time"),
    "在到期日当天或之前完成的任务数。",
    gettext_noop("Done on or before their due date."),
)
ON_TIME_RATE = OnTimeFigure(
    "on_time_rate",
    "按时完成率",
    _("On-time rate"),
    "按时完成率 = 按时完成任务数 ÷ 应完成任务数。到期日已过仍未完成的任务计为未按时；"
    "未到期且未完成的单独列示，不计入；已取消的任务不计。",
    gettext_noop(
        "Done on or before the due date ÷ counted for the on-time rate. A task past its due "
        "date and not done counts against the rate, as one done late does; one not yet due "
        "is shown apart and left out; cancelled tasks count nowhere."
    ),
)
ON_TIME_FIGURES = (ON_TIME_PENDING, ON_TIME_COUNTED, ON_TIME_DONE, ON_TIME_RATE)


def on_time_conditions(today: date) -> dict[str, Q]:
    """The on-time rule as conditions on a task, judged on `today` (the counting day):
    "chased" (not cancelled), "pending" (not done, not yet past due), "counted" (chased, not
    pending: the rate's denominator) and "on_time" (done on or before the due date: its
    numerator). Count them with `Count("pk", filter=within & condition)`; the rate is
    on_time_rate(on_time, counted)."""
    chased = ~Q(status=TaskStatus.CANCELLED)
    # done_on is set exactly when the task is done (a constraint of Task).
    pending = chased & Q(done_on__isnull=True, due_date__gte=today)
    return {
        "chased": chased,
        "pending": pending,
        "counted": chased & ~pending,
        "on_time": chased & Q(done_on__lte=F("due_date")),
    }


def on_time_rate(on_time: int, counted: int) -> float | None:
    """按时完成率: done on time ÷ counted, one decimal; None when nothing is counted yet."""
    return percent(on_time, counted)


def on_time_counts(today: date, start: date, end: date) -> dict[str, Count]:
    """The on-time rate's counts over the tasks due from `start` to `end` (both inclusive),
    judged on `today`, to aggregate a queryset of tasks or group it (`.values(...)
    .annotate(...)`): "due" (cancelled ones excepted), "due_pending", "due_counted" and
    "due_done_on_time"; the rate is on_time_rate(due_done_on_time, due_counted). The progress
    report counts its period's tasks with it, the assessment every unit's, park's and
    subdistrict's in one grouped query."""
    rule = on_time_conditions(today)
    due = Q(due_date__gte=start, due_date__lte=end)
    return {
        "due": Count("pk", filter=due & rule["chased"]),
        "due_pending": Count("pk", filter=due & rule["pending"]),
        "due_counted": Count("pk", filter=due & rule["counted"]),
        "due_done_on_time": Count("pk", filter=due & rule["on_time"]),
    }


# --- Milestones on time (节点按时完成率) ----------------------------------------------------------
# The task rule applied to a task's milestones: a milestone is judged once it is reached or its
# date has passed; reached on or before its date is on time; past its date and not reached
# counts against; not reached and not yet past its date is pending; the milestones of a
# cancelled task are no longer chased and count nowhere.

MILESTONE_ON_TIME_RATE = OnTimeFigure(
    "milestone_on_time_rate",
    "节点按时完成率",
    _("Milestones on time"),
    "节点按时完成率 = 在节点日期当天或之前完成的节点数 ÷ 应完成节点数（已完成的节点，以及节点日期"
    "已过仍未完成的节点）。未到节点日期且未完成的不计入；已取消任务的节点不计。",
    gettext_noop(
        "Milestones reached on or before their date ÷ milestones counted (those reached, and "
        "those past their date and not reached). Those not yet due and not reached are left "
        "out; the milestones of cancelled tasks count nowhere."
    ),
)


def milestone_on_time_counts(today: date, start: date, end: date) -> dict[str, Count]:
    """MILESTONE_ON_TIME_RATE's counts over the milestones due from `start` to `end` (both
    inclusive), judged on `today`, keyed as on_time_counts, to aggregate or group a queryset
    of milestones."""
    chased = ~Q(task__status=TaskStatus.CANCELLED)
    due = Q(due_date__gte=start, due_date__lte=end) & chased
    pending = Q(done_on__isnull=True, due_date__gte=today)
    return {
        "due": Count("pk", filter=due),
        "due_pending": Count("pk", filter=due & pending),
        "due_counted": Count("pk", filter=due & ~pending),
        "due_done_on_time": Count("pk", filter=due & Q(done_on__lte=F("due_date"))),
    }


def unit_league_table(
    *, user: AnyUser, today: date | None = None
) -> QuerySet[Task, Mapping[str, Any]]:
    """Per lead unit: tasks, done on time, done late, yellow, red, and the on-time rate's
    pending and counted tasks (on_time_conditions) — one grouped query."""
    today = today or timezone.localdate()
    tasks = with_warning(tasks_visible_to(user), today=today)
    rule = on_time_conditions(today)
    return (
        tasks.values("lead_unit", "lead_unit__name")
        .annotate(
            total=Count("pk"),
            done_on_time=Count("pk", filter=rule["on_time"]),
            done_late=Count("pk", filter=Q(warning=WarningLevel.DONE_LATE)),
            yellow=Count("pk", filter=Q(warning=WarningLevel.YELLOW)),
            red=Count("pk", filter=Q(warning=WarningLevel.RED)),
            open=Count("pk", filter=~Q(status__in=CLOSED_STATUSES)),
            pending=Count("pk", filter=rule["pending"]),
            counted=Count("pk", filter=rule["counted"]),
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
