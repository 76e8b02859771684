"""Report periods: weeks run Monday to Sunday (as in China), months, quarters and years run on
the calendar. Every bound is a date in the portal's time zone; `end` is inclusive."""

from datetime import date, timedelta

from parks.core.dates import day_range
from reforms.reporting.choices import PeriodKind


def period_containing(kind: str, day: date) -> tuple[date, date]:
    """The week, month, quarter or year that `day` falls in, as (first day, last day)."""
    if kind == PeriodKind.WEEK:
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    if kind == PeriodKind.MONTH:
        start = day.replace(day=1)
    elif kind == PeriodKind.QUARTER:
        start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    elif kind == PeriodKind.YEAR:
        start = date(day.year, 1, 1)
    else:
        raise ValueError(f"{kind!r} has no calendar periods")
    return start, _months_after(start, MONTHS[kind]) - timedelta(days=1)


MONTHS = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}


def _months_after(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 + months
    return date(month_index // 12, month_index % 12 + 1, 1)


def longest_custom_end(start: date) -> date:
    """The last day a custom period from `start` may end on: it is a year long at most (15 March
    to 14 March next year; from 29 February, to 28 February)."""
    try:
        year_later = start.replace(year=start.year + 1)
    except ValueError:  # 29 February
        year_later = start.replace(year=start.year + 1, day=28) + timedelta(days=1)
    return year_later - timedelta(days=1)


def last_complete_period(kind: str, today: date) -> tuple[date, date]:
    """The period before the one `today` is in: what a scheduled run on `today` reports on."""
    start, _end = period_containing(kind, today)
    return period_containing(kind, start - timedelta(days=1))


def previous_period(kind: str, start: date, end: date) -> tuple[date, date]:
    """The period before this one, for comparison: the calendar period before, or for a custom
    period the same number of days just before it."""
    if kind == PeriodKind.CUSTOM:
        length = end - start
        return start - length - timedelta(days=1), start - timedelta(days=1)
    return period_containing(kind, start - timedelta(days=1))


def year_ago_period(kind: str, start: date, end: date) -> tuple[date, date]:
    """The same period a year earlier (去年同期): for a week the week 52 weeks before (Monday
    to Sunday still); for a month, quarter or year the same calendar period of the year before
    (February 2024 -> 1-28 February 2023); for a custom period the same dates a year earlier,
    29 February read as 28 February (29 February-10 March 2024 -> 28 February-10 March 2023)."""
    if kind == PeriodKind.WEEK:
        return start - timedelta(weeks=52), end - timedelta(weeks=52)
    if kind != PeriodKind.CUSTOM:
        return period_containing(kind, _a_year_before(start))
    return _a_year_before(start), _a_year_before(end)


def _a_year_before(day: date) -> date:
    return day.replace(year=day.year - 1, day=min(day.day, 28) if day.month == 2 else day.day)


# A period's days as instants: the one helper (parks.core.dates.day_range), by the name the
# reports use.
as_instants = day_range
