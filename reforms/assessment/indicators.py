"""The indicators an assessment scheme may weigh (INDICATORS), and how each is counted for every
subject of a kind over a period.

No indicator defines a figure of its own: each reads the counts of the module that defines the
figure for the reports, with that module's term and definition —
- task_on_time: reforms.tasks.selectors.on_time_counts (the on-time rate, 按时完成率), tasks due
  in the period;
- milestone_on_time: reforms.tasks.selectors.milestone_on_time_counts, milestones due in it;
- the grievance rates: grievances.rates (rate_counts, each Measure's part and whole), grievances
  received in the period;
- orders_on_time: reforms.supervision.selectors.reply_due_counts, orders whose reply date falls
  in the period;
- coverage: parks.gridlog.selectors.zone_logged, the grid zones that logged in the period.

Whose figures: a unit (a member unit) is counted on the tasks it leads, the milestones of those
tasks, the grievances it handles and the orders issued to it; a park on its own rows (the
orders about its tasks or grievances); a subdistrict on its area as its progress report counts
it: its parks' rows and its own subdistrict-wide tasks (no park, a plan of the subdistrict).

`measure` counts every indicator asked for, for every subject of a kind, with one grouped query
per source (tasks, milestones, grievances, orders, grid zones), however many subjects there
are. A subject whose `whole` is 0 for an indicator has no figure: the indicator does not apply
to it (Counted.applies), and the scheme says what becomes of its weight — never a silent zero.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from grievances import rates as grievance_rates
from grievances.models import Grievance
from parks.core.dates import day_range
from parks.core.figures import percent
from parks.gridlog import selectors as gridlog_selectors
from parks.structure.choices import OrganisationKind
from parks.structure.models import GridZone, Organisation, Park, Subdistrict
from reforms.assessment.choices import SubjectKind
from reforms.supervision import selectors as supervision_selectors
from reforms.supervision.models import SupervisionOrder
from reforms.tasks import selectors as task_selectors
from reforms.tasks.models import Milestone, Task

ALL_KINDS = (SubjectKind.UNIT, SubjectKind.SUBDISTRICT, SubjectKind.PARK)
AREAS = (SubjectKind.SUBDISTRICT, SubjectKind.PARK)


@dataclass(frozen=True)
class Indicator:
    """An indicator a scheme may weigh: `term` its fixed Chinese name, `label` its name on
    pages, `basis` its definition in fixed Chinese and `definition` the same in English (both
    the figure's own module's); `kinds` the subjects it applies to; `full_at` and `zero_at` the
    default range of a new scheme row (percent); `source` the rows it counts; `part` and `whole`
    the keys of the source's counts it is worked out from."""

    key: str
    term: str
    label: Any
    basis: str
    definition: str
    source: str
    part: str
    whole: str
    kinds: tuple[str, ...] = ALL_KINDS
    lower_is_better: bool = False
    full_at: Decimal = Decimal("100")
    zero_at: Decimal = Decimal("60")

    @property
    def note(self) -> Any:
        """The definition as pages show it, translated (to `basis`)."""
        return gettext_lazy(self.definition)


def _grievance_indicator(key: str, **defaults: Any) -> Indicator:
    measure = grievance_rates.BY_KEY[key]
    return Indicator(
        key,
        measure.term,
        measure.label,
        measure.basis,
        measure.definition,
        "grievances",
        measure.part,
        measure.whole,
        lower_is_better=measure.lower_is_better,
        **defaults,
    )


_TASKS = task_selectors.ON_TIME_RATE
_MILESTONES = task_selectors.MILESTONE_ON_TIME_RATE

INDICATORS: dict[str, Indicator] = {
    indicator.key: indicator
    for indicator in (
        Indicator(
            "task_on_time",
            _TASKS.term,
            _TASKS.label,
            _TASKS.basis,
            _TASKS.definition,
            "tasks",
            "due_done_on_time",
            "due_counted",
        ),
        Indicator(
            "milestone_on_time",
            _MILESTONES.term,
            _MILESTONES.label,
            _MILESTONES.basis,
            _MILESTONES.definition,
            "milestones",
            "due_done_on_time",
            "due_counted",
        ),
        _grievance_indicator("response_rate"),
        _grievance_indicator("resolution_rate"),
        _grievance_indicator("satisfaction_rate"),
        _grievance_indicator("on_time_resolution_rate"),
        _grievance_indicator("return_rate", full_at=Decimal("0"), zero_at=Decimal("20")),
        _grievance_indicator("reopen_rate", full_at=Decimal("0"), zero_at=Decimal("20")),
        Indicator(
            "orders_on_time",
            supervision_selectors.ORDERS_ON_TIME_TERM,
            _("Supervision orders answered on time"),
            supervision_selectors.ORDERS_ON_TIME_BASIS,
            supervision_selectors.ORDERS_ON_TIME_DEFINITION,
            "orders",
            "due_answered_on_time",
            "due_counted",
        ),
        Indicator(
            "coverage",
            gridlog_selectors.COVERAGE_TERM,
            _("Grid coverage"),
            gridlog_selectors.COVERAGE_BASIS,
            gridlog_selectors.COVERAGE_DEFINITION,
            "zones",
            "covered",
            "zones",
            kinds=AREAS,
            zero_at=Decimal("50"),
        ),
    )
}


def indicators_for(subject_kind: str) -> list[Indicator]:
    """The indicators a scheme for `subject_kind` may weigh, in the registry's order."""
    return [indicator for indicator in INDICATORS.values() if subject_kind in indicator.kinds]


@dataclass(frozen=True)
class Counted:
    """One indicator's figure for one subject: `part` of `whole`; `value` the percentage as the
    reports state it (parks.core.figures.percent, one decimal) or None when `whole` is 0."""

    part: int
    whole: int

    @property
    def applies(self) -> bool:
        return self.whole > 0

    @property
    def value(self) -> Decimal | None:
        rate = percent(self.part, self.whole)
        return None if rate is None else Decimal(str(rate))


NOT_COUNTED = Counted(0, 0)


def subjects(subject_kind: str) -> QuerySet:
    """Who a scheme for `subject_kind` scores: the active member units, every subdistrict,
    every park."""
    if subject_kind == SubjectKind.UNIT:
        return Organisation.objects.filter(kind=OrganisationKind.MEMBER_UNIT, is_active=True)
    if subject_kind == SubjectKind.SUBDISTRICT:
        return Subdistrict.objects.all()
    if subject_kind == SubjectKind.PARK:
        return Park.objects.all()
    raise ValueError(f"{subject_kind!r} is not a kind of subject")


# Per source, per kind of subject: the expression rows are grouped by (the subject's id).
_TASK_SUBJECT: dict[str, Any] = {
    SubjectKind.UNIT: F("lead_unit"),
    SubjectKind.PARK: F("park"),
    # A subdistrict's own tasks have no park and a plan of the subdistrict.
    SubjectKind.SUBDISTRICT: Coalesce("park__subdistrict", "plan__subdistrict"),
}
_GROUPS: dict[str, dict[str, Any]] = {
    "tasks": _TASK_SUBJECT,
    "milestones": {
        SubjectKind.UNIT: F("task__lead_unit"),
        SubjectKind.PARK: F("task__park"),
        SubjectKind.SUBDISTRICT: Coalesce("task__park__subdistrict", "task__plan__subdistrict"),
    },
    "grievances": {
        SubjectKind.UNIT: F("handling_unit"),
        SubjectKind.PARK: F("park"),
        SubjectKind.SUBDISTRICT: F("park__subdistrict"),
    },
    # An order is a park's (a subdistrict's) when its task or its grievance is.
    "orders": {
        SubjectKind.UNIT: F("unit"),
        SubjectKind.PARK: Coalesce("task__park", "grievance__park"),
        SubjectKind.SUBDISTRICT: Coalesce(
            "task__park__subdistrict", "task__plan__subdistrict", "grievance__park__subdistrict"
        ),
    },
    "zones": {SubjectKind.PARK: F("park"), SubjectKind.SUBDISTRICT: F("park__subdistrict")},
}


@dataclass(frozen=True)
class Period:
    """The days counted (both inclusive, the portal's time zone) and the moment figures that
    depend on what has happened since are judged at (pending grievances, tasks not yet due)."""

    start: date
    end: date
    now: datetime

    @property
    def today(self) -> date:
        return timezone.localdate(self.now)


def _tasks(period: Period, keys: set[str]) -> tuple[QuerySet, dict[str, Any]]:
    counts = task_selectors.on_time_counts(period.today, period.start, period.end)
    return Task.objects.filter(due_date__gte=period.start, due_date__lte=period.end), counts


def _milestones(period: Period, keys: set[str]) -> tuple[QuerySet, dict[str, Any]]:
    counts = task_selectors.milestone_on_time_counts(period.today, period.start, period.end)
    rows = Milestone.objects.filter(due_date__gte=period.start, due_date__lte=period.end)
    return rows, counts


def _grievances(period: Period, keys: set[str]) -> tuple[QuerySet, dict[str, Any]]:
    since, until = day_range(period.start, period.end)
    rows = Grievance.objects.filter(received_at__gte=since, received_at__lt=until)
    return rows, grievance_rates.rate_counts(period.now, rates=keys)


def _orders(period: Period, keys: set[str]) -> tuple[QuerySet, dict[str, Any]]:
    rows = supervision_selectors.with_days(
        SupervisionOrder.objects.filter(reply_due__gte=period.start, reply_due__lte=period.end)
    )
    counts = supervision_selectors.reply_due_counts(
        start=period.start, end=period.end, today=period.today
    )
    return rows, counts


def _zones(period: Period, keys: set[str]) -> tuple[QuerySet, dict[str, Any]]:
    # The zones as they are now, as a report's coverage divides by the zones of its `as_of`.
    logged = gridlog_selectors.zone_logged(*day_range(period.start, period.end))
    return GridZone.objects.all(), {"zones": Count("pk"), "covered": Count("pk", filter=logged)}


_SOURCES: dict[str, Callable[[Period, set[str]], tuple[QuerySet, dict[str, Any]]]] = {
    "tasks": _tasks,
    "milestones": _milestones,
    "grievances": _grievances,
    "orders": _orders,
    "zones": _zones,
}


def measure(
    subject_kind: str, keys: Iterable[str], period: Period
) -> dict[str, dict[int, Counted]]:
    """Each indicator of `keys` for every subject of `subject_kind` over `period`:
    {indicator key: {subject id: Counted}}; a subject missing from an indicator's entry has
    nothing to count for it (NOT_COUNTED). One grouped query per source the indicators read."""
    wanted = [INDICATORS[key] for key in keys]
    by_source: dict[str, list[Indicator]] = {}
    for indicator in wanted:
        if subject_kind not in indicator.kinds:
            raise ValueError(f"{indicator.key} does not apply to {subject_kind}")
        by_source.setdefault(indicator.source, []).append(indicator)
    counted: dict[str, dict[int, Counted]] = {}
    for source, indicators in by_source.items():
        rows, counts = _SOURCES[source](period, {indicator.key for indicator in indicators})
        grouped = (
            rows.order_by()
            .annotate(assessed=_GROUPS[source][subject_kind])
            .filter(assessed__isnull=False)
            .values("assessed")
            .annotate(**counts)
        )
        by_subject = {row["assessed"]: row for row in grouped}
        for indicator in indicators:
            counted[indicator.key] = {
                subject: Counted(row[indicator.part], row[indicator.whole])
                for subject, row in by_subject.items()
            }
    return counted
