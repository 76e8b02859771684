"""The vocabulary of a progress report's briefing (情况通报): what the document holds (paragraphs,
tables, numbered sections), and the words for periods, figures and their changes that every
section's sentences use (reforms.reporting.briefing_text assembles them).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from reforms.reporting import shape
from reforms.reporting.briefing_figures import day
from reforms.reporting.choices import PeriodKind

# --- What the document holds ----------------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    text: str
    placeholder: bool = False  # left for the office's own words


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Section:
    heading: str  # numbered: "一、工作进展"
    blocks: tuple[Paragraph | Table, ...]


@dataclass(frozen=True)
class Briefing:
    title: str
    period: str  # under the title: "（2026年6月）"
    issuer: str
    issued_on: str
    opening: str
    sections: tuple[Section, ...]
    language: str  # the document's w:lang: "zh-CN", "en-US"


# --- Words for periods, numbers and changes -----------------------------------------------------

THIS_PERIOD = {
    PeriodKind.WEEK: pgettext_lazy("briefing", "This week"),
    PeriodKind.MONTH: pgettext_lazy("briefing", "This month"),
    PeriodKind.QUARTER: pgettext_lazy("briefing", "This quarter"),
    PeriodKind.YEAR: pgettext_lazy("briefing", "This year"),
    PeriodKind.CUSTOM: pgettext_lazy("briefing", "In the period"),
}
PERIOD_BEFORE = {
    PeriodKind.WEEK: pgettext_lazy("briefing", "last week"),
    PeriodKind.MONTH: pgettext_lazy("briefing", "last month"),
    PeriodKind.QUARTER: pgettext_lazy("briefing", "last quarter"),
    PeriodKind.YEAR: pgettext_lazy("briefing", "last year"),
    PeriodKind.CUSTOM: pgettext_lazy("briefing", "the period before"),
}
# A difference in a change phrase, with the measure word Chinese puts after a number
# ("3件", "2项"); English says the number alone.
GRIEVANCES, TASKS, ACTIVITIES, PEOPLE, PIECES, ITEMS, YUAN = (
    pgettext_lazy("briefing: a number of grievances", "%(count)s"),
    pgettext_lazy("briefing: a number of tasks", "%(count)s"),
    pgettext_lazy("briefing: a number of activities", "%(count)s"),
    pgettext_lazy("briefing: a number of people", "%(count)s"),
    pgettext_lazy("briefing: a number of publicity pieces", "%(count)s"),
    pgettext_lazy("briefing: a number of proposals", "%(count)s"),
    pgettext_lazy("briefing: an amount of yuan", "%(count)s"),
)


def figure_text(value, kind: str = shape.COUNT) -> str:
    """A figure as the briefing prints it: a rate with one decimal and %, money and hours as
    the snapshot keeps them ("42000.00"), a count as it is; "—" for no figure."""
    if value is None:
        return "—"
    if kind == shape.PERCENT:
        return f"{float(value):.1f}%"
    return str(value)


def listed(items: list[str]) -> str:
    return pgettext("briefing list separator", ", ").join(items)


class Words:
    """The period's words for one report: "this month", "last month", and change phrases."""

    def __init__(self, kind: str):
        self.this = str(THIS_PERIOD.get(kind, THIS_PERIOD[PeriodKind.CUSTOM]))
        self.before = str(PERIOD_BEFORE.get(kind, PERIOD_BEFORE[PeriodKind.CUSTOM]))

    def change(self, now, before, kind: str = shape.COUNT, unit=None) -> str:
        """ "3 more than last month", "down 2.5 points on last month", "the same as last
        month", or plainly that there is nothing to compare with. `unit`: how a difference of
        a count or an amount is said (GRIEVANCES, YUAN…)."""
        words = {"before": self.before}
        if now is None or before is None:
            return _("with no figure for %(before)s to compare with") % words
        difference = Decimal(str(now)) - Decimal(str(before))
        if difference == 0:
            return _("the same as %(before)s") % words
        if kind == shape.PERCENT:
            words["points"] = f"{abs(difference):.1f}"
            if difference > 0:
                return _("up %(points)s points on %(before)s") % words
            return _("down %(points)s points on %(before)s") % words
        size = abs(difference)
        words["size"] = str(unit) % {"count": size} if unit is not None else str(size)
        if difference > 0:
            return _("%(size)s more than %(before)s") % words
        return _("%(size)s fewer than %(before)s") % words


def period_text(kind: str, start: date, end: date) -> str:
    """June 2026 / 2026年6月; Q2 2026 / 2026年第2季度; a week or custom period as its days."""
    if kind == PeriodKind.MONTH:
        return date_format(start, "YEAR_MONTH_FORMAT")
    if kind == PeriodKind.QUARTER:
        quarter = (start.month - 1) // 3 + 1
        return _("Q%(quarter)s %(year)s") % {"quarter": quarter, "year": start.year}
    if kind == PeriodKind.YEAR:
        return pgettext("briefing: a calendar year", "%(year)s") % {"year": start.year}
    return _("%(start)s to %(end)s") % {
        "start": date_format(start, "DATE_FORMAT"),
        "end": date_format(end, "DATE_FORMAT"),
    }


def date_text(text) -> str:
    """An ISO date of the snapshot as the briefing prints it; "" for none."""
    found = day(text)
    return date_format(found, "DATE_FORMAT") if found else ""
