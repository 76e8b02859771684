"""Report periods: weeks Monday to Sunday, calendar months, quarters and years, custom spans;
the period a scheduled run reports on, the period a report is compared with, and the instants
its days begin and end at in Wuxi."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from reforms.reporting.choices import PeriodKind
from reforms.reporting.periods import (
    as_instants,
    last_complete_period,
    period_containing,
    previous_period,
)

WUXI = ZoneInfo("Asia/Shanghai")
CALENDAR = (PeriodKind.WEEK, PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR)


# --- The period a day falls in --------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "week"),
    [
        (date(2026, 6, 8), (date(2026, 6, 8), date(2026, 6, 14))),  # a Monday starts its week
        (date(2026, 6, 14), (date(2026, 6, 8), date(2026, 6, 14))),  # a Sunday ends it
        (date(2026, 6, 7), (date(2026, 6, 1), date(2026, 6, 7))),
        (date(2026, 7, 1), (date(2026, 6, 29), date(2026, 7, 5))),  # across a month's end
        (date(2025, 12, 31), (date(2025, 12, 29), date(2026, 1, 4))),  # across a year's end
        (date(2026, 1, 1), (date(2025, 12, 29), date(2026, 1, 4))),
        (date(2024, 2, 29), (date(2024, 2, 26), date(2024, 3, 3))),  # around a leap day
    ],
)
def test_a_week_runs_monday_to_sunday(day, week):
    assert period_containing(PeriodKind.WEEK, day) == week


@pytest.mark.parametrize(
    ("day", "month"),
    [
        (date(2026, 6, 1), (date(2026, 6, 1), date(2026, 6, 30))),
        (date(2026, 12, 31), (date(2026, 12, 1), date(2026, 12, 31))),
        (date(2026, 2, 10), (date(2026, 2, 1), date(2026, 2, 28))),
        (date(2024, 2, 10), (date(2024, 2, 1), date(2024, 2, 29))),  # leap year
        (date(2000, 2, 10), (date(2000, 2, 1), date(2000, 2, 29))),  # leap: divisible by 400
        (date(2100, 2, 10), (date(2100, 2, 1), date(2100, 2, 28))),  # not leap: by 100 only
    ],
)
def test_a_month_is_the_calendar_month_with_its_own_length(day, month):
    assert period_containing(PeriodKind.MONTH, day) == month


@pytest.mark.parametrize(
    ("day", "quarter"),
    [
        (date(2026, 1, 1), (date(2026, 1, 1), date(2026, 3, 31))),
        (date(2026, 3, 31), (date(2026, 1, 1), date(2026, 3, 31))),
        (date(2026, 4, 1), (date(2026, 4, 1), date(2026, 6, 30))),
        (date(2026, 9, 30), (date(2026, 7, 1), date(2026, 9, 30))),
        (date(2026, 12, 31), (date(2026, 10, 1), date(2026, 12, 31))),
    ],
)
def test_quarters_start_in_january_april_july_and_october(day, quarter):
    assert period_containing(PeriodKind.QUARTER, day) == quarter


def test_a_year_is_the_calendar_year():
    assert period_containing(PeriodKind.YEAR, date(2024, 2, 29)) == (
        date(2024, 1, 1),
        date(2024, 12, 31),
    )
    assert period_containing(PeriodKind.YEAR, date(2100, 12, 31)) == (
        date(2100, 1, 1),
        date(2100, 12, 31),
    )


def test_a_custom_period_has_no_calendar_period_to_fall_in():
    with pytest.raises(ValueError, match="no calendar periods"):
        period_containing(PeriodKind.CUSTOM, date(2026, 6, 1))
    with pytest.raises(ValueError, match="no calendar periods"):
        last_complete_period(PeriodKind.CUSTOM, date(2026, 6, 1))


@pytest.mark.parametrize("kind", CALENDAR)
def test_calendar_periods_tile_the_days_without_gaps_or_overlaps(kind):
    # Every day of three years, a leap year among them: it lies in its period, the period's
    # first day gives the same period, and the period before ends the day before it starts.
    day = date(2023, 1, 1)
    while day < date(2026, 1, 1):
        start, end = period_containing(kind, day)
        assert start <= day <= end
        assert period_containing(kind, start) == (start, end)
        assert period_containing(kind, end) == (start, end)
        assert previous_period(kind, start, end)[1] == start - timedelta(days=1)
        day += timedelta(days=1)


# --- What a scheduled run reports on --------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "today", "period"),
    [
        # A weekly run on Monday reports on the week that ended on Sunday.
        (PeriodKind.WEEK, date(2026, 6, 8), (date(2026, 6, 1), date(2026, 6, 7))),
        (PeriodKind.WEEK, date(2026, 6, 14), (date(2026, 6, 1), date(2026, 6, 7))),
        (PeriodKind.WEEK, date(2026, 1, 5), (date(2025, 12, 29), date(2026, 1, 4))),
        (PeriodKind.MONTH, date(2026, 1, 1), (date(2025, 12, 1), date(2025, 12, 31))),
        (PeriodKind.MONTH, date(2024, 3, 1), (date(2024, 2, 1), date(2024, 2, 29))),
        (PeriodKind.MONTH, date(2026, 3, 31), (date(2026, 2, 1), date(2026, 2, 28))),
        (PeriodKind.QUARTER, date(2026, 1, 1), (date(2025, 10, 1), date(2025, 12, 31))),
        (PeriodKind.QUARTER, date(2026, 6, 30), (date(2026, 1, 1), date(2026, 3, 31))),
        (PeriodKind.QUARTER, date(2026, 7, 1), (date(2026, 4, 1), date(2026, 6, 30))),
        (PeriodKind.YEAR, date(2026, 1, 1), (date(2025, 1, 1), date(2025, 12, 31))),
        (PeriodKind.YEAR, date(2025, 12, 31), (date(2024, 1, 1), date(2024, 12, 31))),
    ],
)
def test_the_last_complete_period_is_the_one_before_today(kind, today, period):
    assert last_complete_period(kind, today) == period


# --- The period a report is compared with ---------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "period", "before"),
    [
        (
            PeriodKind.WEEK,
            (date(2026, 1, 5), date(2026, 1, 11)),
            (date(2025, 12, 29), date(2026, 1, 4)),
        ),
        (
            PeriodKind.MONTH,
            (date(2024, 3, 1), date(2024, 3, 31)),
            (date(2024, 2, 1), date(2024, 2, 29)),
        ),
        (
            PeriodKind.MONTH,
            (date(2026, 1, 1), date(2026, 1, 31)),
            (date(2025, 12, 1), date(2025, 12, 31)),
        ),
        (
            PeriodKind.QUARTER,
            (date(2026, 1, 1), date(2026, 3, 31)),
            (date(2025, 10, 1), date(2025, 12, 31)),
        ),
        (
            PeriodKind.YEAR,
            (date(2025, 1, 1), date(2025, 12, 31)),
            (date(2024, 1, 1), date(2024, 12, 31)),
        ),
    ],
)
def test_a_calendar_period_is_compared_with_the_calendar_period_before(kind, period, before):
    assert previous_period(kind, *period) == before


@pytest.mark.parametrize(
    ("period", "before"),
    [
        ((date(2026, 6, 1), date(2026, 6, 10)), (date(2026, 5, 22), date(2026, 5, 31))),
        ((date(2026, 6, 1), date(2026, 6, 1)), (date(2026, 5, 31), date(2026, 5, 31))),
        # Across a leap day: 1–2 March 2024 is compared with 28–29 February.
        ((date(2024, 3, 1), date(2024, 3, 2)), (date(2024, 2, 28), date(2024, 2, 29))),
        # A whole leap year is compared with the 366 days before it.
        ((date(2024, 1, 1), date(2024, 12, 31)), (date(2022, 12, 31), date(2023, 12, 31))),
        # Across a year's end.
        ((date(2026, 1, 1), date(2026, 1, 14)), (date(2025, 12, 18), date(2025, 12, 31))),
    ],
)
def test_a_custom_period_is_compared_with_as_many_days_just_before(period, before):
    assert previous_period(PeriodKind.CUSTOM, *period) == before
    assert before[1] - before[0] == period[1] - period[0]
    assert before[1] + timedelta(days=1) == period[0]


# --- Days as instants -----------------------------------------------------------------------


def test_a_periods_days_begin_and_end_at_midnight_in_wuxi():
    since, until = as_instants(date(2026, 6, 1), date(2026, 6, 30))

    assert since == datetime(2026, 6, 1, tzinfo=WUXI)
    assert until == datetime(2026, 7, 1, tzinfo=WUXI)
    # Eight hours ahead of UTC: June in Wuxi starts on 31 May in UTC.
    assert since == datetime(2026, 5, 31, 16, 0, tzinfo=UTC)
    assert until == datetime(2026, 6, 30, 16, 0, tzinfo=UTC)


def test_a_periods_instants_are_wuxis_whatever_time_zone_is_active():
    with timezone.override("Europe/London"):
        since, until = as_instants(date(2026, 6, 8), date(2026, 6, 14))

    assert since == datetime(2026, 6, 8, tzinfo=WUXI)
    assert until == datetime(2026, 6, 15, tzinfo=WUXI)


def test_the_instants_of_a_leap_day():
    since, until = as_instants(date(2024, 2, 29), date(2024, 2, 29))

    assert until - since == timedelta(days=1)
    assert since == datetime(2024, 2, 29, tzinfo=WUXI)
