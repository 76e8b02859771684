"""The survey funnel (满意度调查): handed out → returned → opinions → rectified. Its steps'
definitions, as grievances.rates holds the grievance figures', and the SQL that counts them;
`rates_and_funnel` reads a period's grievances once for both."""

from collections.abc import Callable, Hashable, Sequence
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, pgettext_lazy

from grievances.choices import Channel
from grievances.models import Grievance, SurveyCampaign
from grievances.rates import (
    Measure,
    compiled_figures,
    only_counted,
    rate_counts,
    with_rates,
)
from parks.core.compiled import compiled_aggregates
from parks.core.prepared import prepared_aggregate
from parks.core.tallies import rollups_kept

FUNNEL = (
    Measure(
        "handed_out",
        "发放问卷",
        _("Handed out"),
        "统计期内开展的满意度调查发放的问卷份数。",
        gettext_noop("Forms handed out, over the survey campaigns held in the period."),
    ),
    Measure(
        "returned",
        "回收问卷",
        pgettext_lazy("survey", "Returned"),
        "同一批调查回收的问卷份数。",
        gettext_noop("Forms returned, over the same campaigns."),
    ),
    Measure(
        "opinions",
        "收集意见",
        _("Opinions (grievances from surveys)"),
        "统计期内受理的、来自满意度调查的诉求件数；已撤回的不计，与诉求各项数字一致。",
        gettext_noop(
            "Grievances of the survey channel received in the period; withdrawn ones are not "
            "counted, as in every grievance figure."
        ),
    ),
    Measure(
        "rectified",
        "已整改",
        _("Rectified"),
        "其中已标记整改到位的件数。",
        gettext_noop("Of those, marked rectified."),
    ),
)


def opinion_counts(*, counted_only: bool = False) -> dict[str, Any]:
    """The aggregate expressions of the funnel's `opinions` and `rectified` over a queryset of
    grievances: opinions logged from surveys, withdrawn and merged ones not counted
    (`counted_only`: as rate_counts)."""
    return compiled_figures(_opinion_counts, counted_only, [])


def _opinion_counts(*, counted: Q) -> dict[str, Any]:
    opinion = Q(channel=Channel.SURVEY) & counted
    return {
        "opinions": Count("pk", filter=opinion),
        "rectified": Count("pk", filter=opinion & Q(rectified=True)),
    }


def survey_counts(surveys: QuerySet[SurveyCampaign]) -> dict[str, int]:
    """The funnel's `handed_out` and `returned` over the survey campaigns given (compiled once
    per process, as the grievance figures are: parks.core.compiled.compiled_aggregates)."""
    queryset, aggregates = _survey_query(surveys)
    return queryset.aggregate(**aggregates)


def _survey_query(surveys: QuerySet[SurveyCampaign]) -> tuple[QuerySet, dict[str, Any]]:
    return surveys.order_by(), compiled_aggregates(
        SurveyCampaign, _survey_counts, [], key="_survey_counts"
    )


def _survey_counts() -> dict[str, Any]:
    return {"handed_out": Sum("handed_out", default=0), "returned": Sum("returned", default=0)}


def survey_funnel(
    *, surveys: QuerySet[SurveyCampaign], grievances: QuerySet[Grievance]
) -> dict[str, int]:
    """Handed out → returned → opinions → rectified, for the surveys and grievances given."""
    return {**survey_counts(surveys), **grievances.order_by().aggregate(**opinion_counts())}


# The funnel's grievance counts ride along with rate_counts under these keys (rates_and_funnel).
_FUNNEL_PREFIX = "funnel_"


def rates_and_funnel(
    *,
    grievances: QuerySet[Grievance],
    surveys: QuerySet[SurveyCampaign],
    now: datetime | None = None,
) -> tuple[dict[str, Any], dict[str, int]]:
    """Every grievance figure (with_rates) and the survey funnel, with the grievances read in
    one scan: the funnel's opinions are more columns of the rates' aggregate, so a period's
    grievances are read once, not once for the rates and again for the funnel."""
    queryset, aggregates = _figures_query(grievances, now)
    return _figures(queryset.aggregate(**aggregates), survey_counts(surveys))


def _figures_query(
    grievances: QuerySet[Grievance], now: datetime | None
) -> tuple[QuerySet, dict[str, Any]]:
    """The one aggregate of rates_and_funnel over the grievances: the figures and the funnel's
    opinions (under _FUNNEL_PREFIX)."""
    funnel = opinion_counts(counted_only=True)
    return only_counted(grievances).order_by(), {
        **rate_counts(now, counted_only=True),
        **{f"{_FUNNEL_PREFIX}{key}": value for key, value in funnel.items()},
    }


def _figures(row: dict[str, Any], surveys: dict[str, int]) -> tuple[dict[str, Any], dict[str, int]]:
    opinions = {key: row.pop(f"{_FUNNEL_PREFIX}{key}") for key in opinion_counts()}
    return with_rates(row), {**surveys, **opinions}


def planned_rates_and_funnel(
    key: Hashable,
    scoped: Callable[..., tuple[QuerySet[Grievance], QuerySet[SurveyCampaign]]],
    values: Sequence[Any],
    *,
    now: datetime,
) -> tuple[dict[str, Any], dict[str, int]]:
    """rates_and_funnel over `scoped(*values)` (the grievances and the surveys), its two
    queries built and compiled once per `key` (parks.core.prepared.prepared_aggregate): `key`
    must hold everything `scoped` reads besides `values` (the caller's scope, which values
    are given). The same SQL, the same figures."""

    def figures(moment: datetime, *values: Any) -> tuple[QuerySet, dict[str, Any]]:
        return _figures_query(scoped(*values)[0], moment)

    def surveys(*values: Any) -> tuple[QuerySet, dict[str, Any]]:
        return _survey_query(scoped(*values)[1])

    # What rate_counts' SQL reads besides `now` (its own compile-once key): the rollups.
    figures_key = ("rates_and_funnel", key, rollups_kept())
    row = prepared_aggregate(figures_key, figures, now, *values)
    return _figures(row, prepared_aggregate(("survey_counts", key), surveys, *values))
