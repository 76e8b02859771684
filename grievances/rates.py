"""How the grievance figures are counted (诉求办理统计口径): each figure's definition, written
once, with the SQL that counts it.

Every reader counts and explains the figures through this module: the rates page and
/api/v1/grievances/rates/ (through grievances.selectors.rates_for), the progress report's
snapshot, workbook (its 口径说明 sheet) and page (reforms.reporting.spec reads MEASURES, and
grievances.funnel's FUNNEL beside them), and the dashboard (the report's figures). Each figure
carries:

  key    its key in every row, API answer and snapshot;
  term   its fixed Chinese name (the workbook; never translated, a filed workbook must not change);
  label  its name on pages (an English source string, translated);
  basis  its definition in fixed Chinese (the workbook's 口径说明 sheet, the API schemas);
  definition  the same in English (the API schemas), an English source string whose
         translation is the basis: `note` is it translated, as pages show it beside the figure
         (a footnote or a tooltip).

The rules a 12345-style office defends, and why:
- A grievance is counted in the period it was received; withdrawn grievances count nowhere.
- A duplicate merged into another case (grievances.merging) counts nowhere either, like a
  withdrawn one: the surviving case carries the request and counts it once, in the period the
  survivor was received. So four workers reporting one broken air conditioner are one received
  grievance, answered (or late) once.
- Figures that depend on what has happened since (answered, resolved, called back) stand as at
  `now`, the moment of counting (a page's request, a report's build).
- Pending is not failure: a grievance whose response (or resolution) deadline has not passed
  and that has not been responded to (resolved) yet is *pending*, shown as its own count and
  left out of that rate's denominator. Once the deadline passes it is late.
- The response is judged on the acceptance by the unit that finally handles the grievance:
  a return to the office clears the acceptance (grievances.workflow.grievance_return), so a
  grievance accepted and returned, or accepted late by a second unit, is not on time.
- Every follow-up call is kept (FollowUp); the satisfaction rate counts each call, so a
  dissatisfied call followed by a reopen still counts; the first-call rate sits beside it.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from grievances.choices import SATISFIED_LEVELS, UNCOUNTED_STATUSES, Action
from grievances.models import FollowUp, Grievance, GrievanceEvent
from parks.core.compiled import compiled_aggregates
from parks.core.figures import percent
from parks.core.tallies import rollups_kept


@dataclass(frozen=True)
class Measure:
    """One grievance figure: a count, or a rate (`part` ÷ `whole`, parks.core.figures.percent)."""

    key: str
    term: str
    label: Any
    basis: str
    definition: str
    part: str = ""
    whole: str = ""
    # Fewer is better (returns, reopens): a rise in the rate is bad news.
    lower_is_better: bool = False

    @property
    def is_rate(self) -> bool:
        return bool(self.whole)

    @property
    def note(self) -> Any:
        """The definition as pages show it: `definition`, translated (to `basis`)."""
        return gettext_lazy(self.definition)


# --- The counts -------------------------------------------------------------------------------

COUNTS = (
    Measure(
        "received",
        "受理诉求数",
        pgettext_lazy("count", "Received"),
        "统计期内受理的诉求件数（按受理时间）；已撤回的诉求和已合并到其他诉求的重复诉求不计入任何数字。",
        gettext_noop(
            "Grievances received in the period (by time of receipt); withdrawn ones, and "
            "duplicates merged into another case, count nowhere."
        ),
    ),
    Measure(
        "response_pending",
        "待响应数（未到时限）",
        _("Awaiting response, not yet due"),
        "尚未由现承办单位受理、响应时限也未到的诉求：既不算按时也不算超时，不计入响应率。",
        gettext_noop(
            "Not yet accepted by the unit now handling it, and the response deadline has not "
            "passed: neither on time nor late, left out of the response rate."
        ),
    ),
    Measure(
        "response_counted",
        "应响应数",
        _("Counted for the response rate"),
        "受理诉求数减去待响应数（未到时限）：已按时响应或已过响应时限的诉求。",
        gettext_noop(
            "Received, less those awaiting response and not yet due: responded in time, or "
            "past the response deadline."
        ),
    ),
    Measure(
        "responded_in_time",
        "按时响应数",
        _("Responded in time"),
        "最终承办单位在响应时限内受理的诉求。被退回后改派的，以最终承办单位的受理时间为准；"
        "退回后尚未再受理的，不算已响应。",
        gettext_noop(
            "Accepted by the response deadline by the unit that finally handles it: after a "
            "return the next unit's acceptance is judged, and a returned grievance not accepted "
            "again has not been responded to."
        ),
    ),
    Measure(
        "resolution_pending",
        "待办结数（未到时限）",
        _("Awaiting resolution, not yet due"),
        "尚未答复诉求人、办结时限（含批准的延期）也未到的诉求，含重办后尚未再次答复的："
        "不计入解决率和按时办结率。",
        gettext_noop(
            "Not yet replied to, and the resolution deadline (with any approved extension) has "
            "not passed, reopened ones included: left out of the resolution and on-time "
            "resolution rates."
        ),
    ),
    Measure(
        "resolution_counted",
        "应办结数",
        _("Counted for the resolution rates"),
        "受理诉求数减去待办结数（未到时限）：已办结或已过办结时限的诉求。",
        gettext_noop(
            "Received, less those awaiting resolution and not yet due: resolved, or past the "
            "resolution deadline."
        ),
    ),
    Measure(
        "resolved",
        "已办结数",
        _("Resolved"),
        "已答复诉求人的诉求，不论是否按时；重办的诉求在再次答复前不算办结。",
        gettext_noop(
            "Replied to the worker, in time or not; a reopened grievance is not resolved until "
            "it is replied to again."
        ),
    ),
    Measure(
        "resolved_in_time",
        "按时办结数",
        _("Resolved in time"),
        "在办结时限（含批准的延期）内答复诉求人的诉求；重办的以再次答复的时间为准。",
        gettext_noop(
            "Replied to by the resolution deadline (with any approved extension); a reopened "
            "grievance by its new reply."
        ),
    ),
    Measure(
        "dispatched",
        "派单数",
        _("Sent to a unit"),
        "已派给承办单位办理的诉求件数（派过一次即计）。",
        gettext_noop("Grievances sent to a handling unit at least once."),
    ),
    Measure(
        "returned_to_office",
        "退回数",
        _("Returned by a unit"),
        "承办单位退回交办机构至少一次的诉求件数（退回多次计一件），按诉求现承办单位归属。",
        gettext_noop(
            "Grievances a unit returned to the office at least once (once each, however often), "
            "grouped under the unit handling them now."
        ),
    ),
    Measure(
        "first_calls",
        "已回访诉求数",
        _("Grievances followed up"),
        "至少回访过一次的诉求件数。",
        gettext_noop("Grievances called back at least once."),
    ),
    Measure(
        "first_call_satisfied",
        "首次回访满意数",
        _("Satisfied at the first call"),
        "第一次回访时诉求人表示满意或基本满意的诉求件数。",
        gettext_noop(
            "Grievances whose worker said satisfied or basically satisfied at the first call."
        ),
    ),
    Measure(
        "followed_up",
        "回访次数",
        _("Follow-up calls"),
        "对这些诉求所做的每一次回访；回访不满意后重办、再次回访的，每次都计。",
        gettext_noop(
            "Every follow-up call made about these grievances; a grievance reopened and called "
            "again counts each call."
        ),
    ),
    Measure(
        "satisfied",
        "满意次数",
        _("Satisfied calls"),
        "回访中诉求人表示满意或基本满意的次数。",
        gettext_noop("Follow-up calls where the worker said satisfied or basically satisfied."),
    ),
    Measure(
        "reopened",
        "重办数",
        _("Reopened"),
        "回访后被重新交办（重办）的诉求件数（重办多次计一件）。",
        gettext_noop("Grievances reopened after a follow-up call (once each, however often)."),
    ),
)

# --- The rates --------------------------------------------------------------------------------

RATES = (
    Measure(
        "response_rate",
        "响应率",
        _("Response rate"),
        "响应率 = 按时响应数 ÷ 应响应数。以最终承办单位的受理时间判断是否按时；"
        "未到响应时限的待响应诉求单独列示，不算失败。",
        gettext_noop(
            "Responded in time ÷ counted for the response rate. Judged on the acceptance by "
            "the unit that finally handles the grievance; those not yet due are pending, shown "
            "apart, never a failure."
        ),
        "responded_in_time",
        "response_counted",
    ),
    Measure(
        "resolution_rate",
        "解决率",
        _("Resolution rate"),
        "解决率 = 已办结数 ÷ 应办结数。未到办结时限的待办结诉求单独列示，不算失败。",
        gettext_noop(
            "Resolved ÷ counted for the resolution rates. Those not yet due are pending, shown "
            "apart, never a failure."
        ),
        "resolved",
        "resolution_counted",
    ),
    Measure(
        "on_time_resolution_rate",
        "按时办结率",
        _("On-time resolution rate"),
        "按时办结率 = 按时办结数 ÷ 应办结数。",
        gettext_noop("Resolved in time ÷ counted for the resolution rates."),
        "resolved_in_time",
        "resolution_counted",
    ),
    Measure(
        "satisfaction_rate",
        "满意率",
        _("Satisfaction rate"),
        "满意率 = 满意次数 ÷ 回访次数。每次回访都计入：回访不满意后重办的，那次不满意仍计入。",
        gettext_noop(
            "Satisfied calls ÷ follow-up calls. Every call counts: a dissatisfied call stays "
            "counted when the grievance is reopened."
        ),
        "satisfied",
        "followed_up",
    ),
    Measure(
        "first_call_satisfaction_rate",
        "首次回访满意率",
        _("First-call satisfaction rate"),
        "首次回访满意率 = 首次回访满意数 ÷ 已回访诉求数。",
        gettext_noop("Satisfied at the first call ÷ grievances followed up."),
        "first_call_satisfied",
        "first_calls",
    ),
    Measure(
        "return_rate",
        "退回率",
        _("Return rate"),
        "退回率 = 退回数 ÷ 派单数。",
        gettext_noop("Returned by a unit ÷ sent to a unit."),
        "returned_to_office",
        "dispatched",
        lower_is_better=True,
    ),
    Measure(
        "reopen_rate",
        "重办率",
        _("Reopen rate"),
        "重办率 = 重办数 ÷ 已回访诉求数。",
        gettext_noop("Reopened ÷ grievances followed up."),
        "reopened",
        "first_calls",
        lower_is_better=True,
    ),
)
MEASURES = (*COUNTS, *RATES)
BY_KEY = {measure.key: measure for measure in MEASURES}
# The three rates of 接诉即办, the headline of every page that shows rates.
HEADLINE = ("response_rate", "resolution_rate", "satisfaction_rate")
# Each rate's pending count, shown beside it.
PENDING = {
    "response_rate": "response_pending",
    "resolution_rate": "resolution_pending",
    "on_time_resolution_rate": "resolution_pending",
}


def _calls(**condition: Any) -> Subquery:
    """The number of a grievance's follow-up calls (meeting `condition`); NULL for none."""
    calls = (
        FollowUp.objects.filter(grievance=OuterRef("pk"), **condition)
        .order_by()
        .values("grievance")
        .annotate(calls=Count("pk"))
        .values("calls")
    )
    return Subquery(calls, output_field=IntegerField())


def _call_counts(counted: Q) -> dict[str, Any]:
    """The counts read from the follow-up calls (first_calls, first_call_satisfied, followed_up,
    satisfied). Where the database keeps each grievance's calls counted (PostgreSQL's triggers,
    grievances.followup_counts) they are read from that one row per grievance, joined; elsewhere
    (SQLite) from the calls themselves. The same numbers either way: the call with number 1 is
    the first call, one at most per grievance (follow_up_number_once)."""
    if rollups_kept():
        return {
            "first_calls": Count("pk", filter=counted & Q(call_tally__first_calls__gt=0)),
            "first_call_satisfied": Count(
                "pk", filter=counted & Q(call_tally__first_call_satisfied__gt=0)
            ),
            "followed_up": Sum("call_tally__n", filter=counted, default=0),
            "satisfied": Sum("call_tally__satisfied", filter=counted, default=0),
        }
    first_call = FollowUp.objects.filter(grievance=OuterRef("pk"), number=1)
    return {
        "first_calls": Count("pk", filter=counted & Q(Exists(first_call))),
        "first_call_satisfied": Count(
            "pk",
            filter=counted & Q(Exists(first_call.filter(satisfaction__in=SATISFIED_LEVELS))),
        ),
        "followed_up": Sum(_calls(), filter=counted, default=0),
        "satisfied": Sum(_calls(satisfaction__in=SATISFIED_LEVELS), filter=counted, default=0),
    }


def _took_step(action: str) -> Exists:
    return Exists(GrievanceEvent.objects.filter(grievance=OuterRef("pk"), action=action))


# Counted in the figures: neither withdrawn nor merged into another case (the first two rules).
COUNTED = ~Q(status__in=UNCOUNTED_STATUSES)


def compiled_figures(define: Any, counted_only: bool, values: list, *key: Any) -> dict[str, Any]:
    """`define(*values, counted=…)`'s aggregates compiled once per process and `key` (what else
    the definition reads): parks.core.compiled.compiled_aggregates. The definitions stay below,
    the SQL is their very text, and only `values` (moments) change from call to call."""
    counted = Q() if counted_only else COUNTED
    return compiled_aggregates(
        Grievance,
        partial(define, counted=counted),
        values,
        key=(define.__name__, counted_only, *key),
    )


def only_counted(grievances: QuerySet[Grievance]) -> QuerySet[Grievance]:
    """The grievances the figures count, for rate_counts(counted_only=True)."""
    return grievances.filter(COUNTED)


def rate_counts(
    now: datetime | None = None, *, rates: Iterable[str] = (), counted_only: bool = False
) -> dict[str, Any]:
    """The aggregate expressions behind every grievance figure, keyed as COUNTS, to aggregate a
    queryset of grievances (`.aggregate(**rate_counts())`) or group it
    (`.values(...).annotate(**rate_counts())`). Each is one column of one query: the steps are
    correlated subqueries and the calls one row per grievance (_call_counts), so no join
    multiplies the grievances. `now`: the moment
    pending is judged at (default: now). `rates` (keys of RATES): only `received` and the counts
    those rates are worked out from (counts_for), for a reader that shows nothing else (the
    dashboard's twelve-month trend); each column costs its work on every grievance counted.
    `counted_only`: the queryset holds only the grievances counted (only_counted), so no column
    tests that again on every row; the same figures, except that a group (of a grouped query)
    without a counted grievance has no row instead of a row of zeros — for readers that take a
    missing group as no grievances (no_grievances)."""
    # What _rate_counts reads besides `now`: whether the calls are counted by triggers.
    counts = compiled_figures(_rate_counts, counted_only, [now or timezone.now()], rollups_kept())
    if not rates:
        return counts
    return {key: counts[key] for key in counts_for(rates)}


def counts_for(rates: Iterable[str]) -> tuple[str, ...]:
    """`received` and the counts behind the given rates, in COUNTS' order."""
    wanted = {"received"} | {
        key for rate in rates for key in (BY_KEY[rate].part, BY_KEY[rate].whole)
    }
    return tuple(measure.key for measure in COUNTS if measure.key in wanted)


def _rate_counts(now: datetime, *, counted: Q) -> dict[str, Any]:
    response_pending = Q(responded_at__isnull=True, response_due_at__gte=now)
    resolution_pending = Q(resolved_at__isnull=True, resolution_due_at__gte=now)
    return {
        "received": Count("pk", filter=counted),
        "response_pending": Count("pk", filter=counted & response_pending),
        "response_counted": Count("pk", filter=counted & ~response_pending),
        "responded_in_time": Count(
            "pk", filter=counted & Q(responded_at__lte=F("response_due_at"))
        ),
        "resolution_pending": Count("pk", filter=counted & resolution_pending),
        "resolution_counted": Count("pk", filter=counted & ~resolution_pending),
        "resolved": Count("pk", filter=counted & Q(resolved_at__isnull=False)),
        "resolved_in_time": Count(
            "pk", filter=counted & Q(resolved_at__lte=F("resolution_due_at"))
        ),
        "dispatched": Count("pk", filter=counted & Q(handling_unit__isnull=False)),
        "returned_to_office": Count("pk", filter=counted & Q(_took_step(Action.RETURN))),
        **_call_counts(counted),
        "reopened": Count("pk", filter=counted & Q(_took_step(Action.REOPEN))),
    }


def with_rates(row: Mapping[str, Any], rates: Iterable[str] = ()) -> dict[str, Any]:
    """A row of counts (rate_counts) with every rate worked out from them; only those of
    `rates` when given (a row of rate_counts(rates=…))."""
    chosen = [BY_KEY[key] for key in rates] if rates else RATES
    return {**row, **{rate.key: percent(row[rate.part], row[rate.whole]) for rate in chosen}}


def no_grievances() -> dict[str, Any]:
    """The figures of a scope without grievances: every count 0, every rate None. Keyed by
    COUNTS, as rate_counts is, without building its expressions (a report's per-park figures
    ask for this once per park without grievances in a period)."""
    return with_rates(dict.fromkeys((measure.key for measure in COUNTS), 0))


# --- Open at a moment ------------------------------------------------------------------------
# Not over the grievances received in a period but over every grievance received before a
# moment (a period's end): the backlog standing then.

BACKLOG = (
    Measure(
        "open_at_end",
        "期末未办结数",
        _("Open at the period's end"),
        "统计期末（进行中的统计期为生成时）已受理、尚未答复诉求人的诉求件数，不论何时受理；"
        "已撤回的不计。重办后尚未再次答复的、期末后才答复的都计入。",
        gettext_noop(
            "Grievances received before the period's end (the build, for a period still "
            "running) and not replied to by then, whenever received; withdrawn ones are not "
            "counted. Reopened ones not replied to again, and those replied to only later, count."
        ),
    ),
    Measure(
        "overdue_at_end",
        "期末超期未办结数",
        _("Overdue at the period's end"),
        "其中办结时限（含批准的延期）在期末前已过的诉求件数。",
        gettext_noop(
            "Of those, past their resolution deadline (with any approved extension) by then."
        ),
    ),
)


def backlog_counts(at: datetime, *, counted_only: bool = False) -> dict[str, Any]:
    """The aggregate expressions of BACKLOG at the moment `at`, to aggregate a queryset of
    grievances whenever received. Whether a grievance was replied to by then is read from its
    reply time as it stands now: a grievance reopened since counts as open. `counted_only`: the
    queryset holds counted grievances only (backlog_candidates), as in rate_counts."""
    return compiled_figures(_backlog_counts, counted_only, [at])


def _backlog_counts(at: datetime, *, counted: Q) -> dict[str, Any]:
    open_then = (
        counted & Q(received_at__lt=at) & (Q(resolved_at__isnull=True) | Q(resolved_at__gte=at))
    )
    return {
        "open_at_end": Count("pk", filter=open_then),
        "overdue_at_end": Count("pk", filter=open_then & Q(resolution_due_at__lt=at)),
    }


def backlog_candidates(moments: Iterable[datetime]) -> Q:
    """The grievances that can count in backlog_counts at any of `moments`: counted ones
    received before the last moment and not replied to before the first. A filter that changes
    no figure, so an aggregate of several moments' backlogs reads these rows, not every
    grievance ever received (those replied to long ago are most of them), and counts them with
    backlog_counts(counted_only=True)."""
    moments = list(moments)
    return (
        COUNTED
        & Q(received_at__lt=max(moments))
        & (Q(resolved_at__isnull=True) | Q(resolved_at__gte=min(moments)))
    )


# What each figure counts, by key, in fixed Chinese: the API's `definitions`.
DEFINITIONS = {measure.key: measure.basis for measure in MEASURES}
