"""The range of dates the portal accepts from people and clients.

Every date a person types stays within these bounds, so a typo (0026, 9999) is refused with a clear
message instead of stretching a chart's axis or overflowing a deadline computed from it.
"""

from datetime import date, datetime, time, timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PORTAL_DATE_MIN = date(2000, 1, 1)
PORTAL_DATE_MAX = date(2100, 12, 31)
PORTAL_DATE_MESSAGE = _("Dates run from 2000-01-01 to 2100-12-31.")
PORTAL_DATE_VALIDATORS = [
    MinValueValidator(PORTAL_DATE_MIN, message=PORTAL_DATE_MESSAGE),
    MaxValueValidator(PORTAL_DATE_MAX, message=PORTAL_DATE_MESSAGE),
]


def period_presets(today: date, *, last_12_months: bool = False) -> list[dict]:
    """Quick periods for a period picker: this month, quarter and year, each up to today, and
    optionally the last 12 months. Each is {"key", "label", "start", "end"}."""
    quarter_month = 3 * ((today.month - 1) // 3) + 1
    presets = [
        {"key": "month", "label": _("This month"), "start": today.replace(day=1)},
        {"key": "quarter", "label": _("This quarter"), "start": date(today.year, quarter_month, 1)},
        {"key": "year", "label": _("This year"), "start": date(today.year, 1, 1)},
    ]
    if last_12_months:
        presets.append(
            {"key": "12m", "label": _("Last 12 months"), "start": today - timedelta(days=364)}
        )
    return [{**preset, "end": today} for preset in presets]


def local_day_start(day: date) -> datetime:
    """The first instant of `day` in the portal's time zone (TIME_ZONE; the portal never
    activates another, so it is also the zone a `__date` lookup would use): a report's days are
    Wuxi's whoever builds or reads it."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


def day_range(start: date, last: date) -> tuple[datetime, datetime]:
    """The days `start` to `last`, both inclusive, as the half-open range of instants
    [start 00:00, the day after `last` 00:00) in the portal's time zone: filter a timestamp with
    `__gte` the first and `__lt` the second. A `__date` lookup would wrap the column in a
    function, which no index on it serves; a range on the bare column uses one."""
    return local_day_start(start), local_day_start(last + timedelta(days=1))


def month_start(day: date, months: int = 0) -> date:
    """The first day of the month `months` after `day`'s month (before it when negative)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def minute_text(moment: datetime) -> str:
    """`moment` as a template's `{{ moment|date:"Y-m-d H:i" }}` prints it, in the current time
    zone: what a list row shows, built in Python without Django's format parser (some 30 µs a
    call, twice per row of the feed). tests/parks/test_memo.py pins it against the filter."""
    return minute_digits(timezone.template_localtime(moment))  # type: ignore[attr-defined]


def minute_digits(local: datetime) -> str:
    """`local`'s own fields as `date:"Y-m-d H:i"` writes them, with no time zone conversion
    (minute_text, and the `|minute` filter, which receives the template's local time)."""
    return "%04d-%02d-%02d %02d:%02d" % (  # noqa: UP031 the filter's own formats (dateformat.Y…)
        local.year,
        local.month,
        local.day,
        local.hour,
        local.minute,
    )


def day_text(day: date | None) -> str:
    """`day` as `{{ day|date:"Y-m-d" }}` prints it (an empty text for None)."""
    if day is None:
        return ""
    return "%04d-%02d-%02d" % (day.year, day.month, day.day)  # noqa: UP031 the filter's formats


def iso_text(moment: datetime) -> str:
    """`moment` as `{{ moment|date:"c" }}` prints it: ISO 8601 in the current time zone."""
    return timezone.template_localtime(moment).isoformat()  # type: ignore[attr-defined]
