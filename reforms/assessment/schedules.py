"""When the worker scores: after each month closes (and each quarter, and the year) every scheme
in force scores it, and a daily catch-up scores every closed period of a scheme's year that has
no scores yet (the worker was down on the 1st, or the scheme was put in force mid-year).

Both call services.compute_period, which scores a period once: a period already scored is left
as it is, whoever asks, however often (the scheme's row is locked and the scores are unique).
"""

import logging
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

from reforms.assessment import services
from reforms.assessment.choices import AssessedPeriod, SchemeStatus
from reforms.assessment.models import Scheme, Score
from reforms.reporting.periods import last_complete_period, period_containing

logger = logging.getLogger(__name__)

Period = tuple[str, date]  # (period kind, first day)


def closed_periods(year: int, today: date) -> list[Period]:
    """The months, quarters and the year of `year` that ended before `today`, in time order,
    each month before the quarter it closes."""
    periods: list[Period] = []
    for month in range(1, 13):
        start = date(year, month, 1)
        for kind in (AssessedPeriod.MONTH, AssessedPeriod.QUARTER, AssessedPeriod.YEAR):
            first, last = period_containing(kind, start)
            closes_here = last == period_containing(AssessedPeriod.MONTH, start)[1]
            if closes_here and last < today:
                periods.append((kind, first))
    return periods


def just_closed(today: date) -> list[Period]:
    """The periods that closed yesterday or earlier but most recently: the last complete month,
    and the quarter and the year when that month ended one."""
    month_start, month_end = last_complete_period(AssessedPeriod.MONTH, today)
    periods: list[Period] = [(AssessedPeriod.MONTH, month_start)]
    for kind in (AssessedPeriod.QUARTER, AssessedPeriod.YEAR):
        start, end = period_containing(kind, month_start)
        if end == month_end:
            periods.append((kind, start))
    return periods


def _score(scheme: Scheme, period: Period) -> int:
    kind, start = period
    try:
        return len(services.compute_period(scheme, kind, start))
    except ValidationError as refusal:
        # A scheme retired meanwhile: nothing to score, nothing to retry.
        logger.warning("Scheme %s, %s %s not scored: %s", scheme.pk, kind, start, refusal)
        return 0


def score_just_closed(*, today: date | None = None) -> int:
    """The 1st of the month: every scheme in force scores the periods that have just closed in
    its year. Returns the number of scores the periods have."""
    today = today or timezone.localdate()
    periods = just_closed(today)
    years = {start.year for _kind, start in periods}
    scored = 0
    for scheme in Scheme.objects.filter(status=SchemeStatus.ACTIVE, year__in=years):
        for period in periods:
            if period[1].year == scheme.year:
                scored += _score(scheme, period)
    return scored


def catch_up(*, today: date | None = None) -> int:
    """Every closed period of an in-force scheme's year that has no scores yet, scored now.
    Returns how many periods were scored."""
    today = today or timezone.localdate()
    schemes = list(Scheme.objects.filter(status=SchemeStatus.ACTIVE, year__lte=today.year))
    done = set(
        Score.objects.filter(scheme__in=schemes)
        .order_by()
        .values_list("scheme", "period_kind", "period_start")
        .distinct()
    )
    caught_up = 0
    for scheme in schemes:
        for period in closed_periods(scheme.year, today):
            if (scheme.pk, *period) not in done and _score(scheme, period):
                caught_up += 1
    return caught_up
