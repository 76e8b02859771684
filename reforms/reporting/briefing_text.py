"""The words of a progress report's briefing (情况通报), apart from their layout in Word
(reforms.reporting.briefing).

The briefing takes the form of the office's own (the shared seed document is one): a title,
the issuing office and the date, numbered sections — work progress, workers' grievances, grid
work, ledgers, problems, next steps — that state each figure and its change on the period
before in sentences, a table of the parks, the three rates by handling unit, the units with
overdue tasks by name and the overdue tasks one by one, and paragraphs left for the office's own
words.

This module assembles the document; each section's sentences are written by a module of their
own (briefing_tasks, briefing_grievances, briefing_work for grid work and the ledgers,
briefing_problems), in the vocabulary of reforms.reporting.briefing_words.

The sentences are English source strings under gettext, written in the language active while
the briefing is built: the worker builds it in the portal's default language (Chinese), and the
file is stored with the report, so a translation reworded later never changes a filed briefing.

Every figure is read from the snapshot through the report's declaration (reforms.reporting.spec),
so the briefing states the numbers of the page, the workbook and the API; a figure the
declaration does not know fails loudly (KeyError) instead of printing nothing.
"""

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from reforms.reporting.briefing_figures import Figures, day, get, previous_figures
from reforms.reporting.briefing_grievances import grievances
from reforms.reporting.briefing_problems import problems
from reforms.reporting.briefing_tasks import work_progress
from reforms.reporting.briefing_words import (
    Briefing,
    Paragraph,
    Section,
    Words,
    date_text,
    period_text,
)
from reforms.reporting.briefing_work import grid_work, ledgers
from reforms.reporting.choices import ReportScope
from reforms.reporting.models import Report
from reforms.reporting.periods import previous_period

SECTION_NUMBERS = (
    pgettext_lazy("briefing section", "1"),
    pgettext_lazy("briefing section", "2"),
    pgettext_lazy("briefing section", "3"),
    pgettext_lazy("briefing section", "4"),
    pgettext_lazy("briefing section", "5"),
    pgettext_lazy("briefing section", "6"),
)


def _issuer(report: Report) -> str:
    if report.scope == ReportScope.PARK:
        return _("%(park)s reform leadership group") % {"park": report.scope_label}
    return _("%(name)s reform office") % {"name": report.scope_label}


# --- The whole briefing -----------------------------------------------------------------------

SECTION_TITLES = (
    pgettext_lazy("briefing section title", "Work progress"),
    pgettext_lazy("briefing section title", "Handling of workers' grievances"),
    pgettext_lazy("briefing section title", "Grid work"),
    pgettext_lazy("briefing section title", "Ledgers"),
    pgettext_lazy("briefing section title", "Problems"),
    pgettext_lazy("briefing section title", "Next steps"),
)


def briefing_content(report: Report, snapshot: dict) -> Briefing:
    """What the briefing of `report` says, from `snapshot` (its own, or an earlier version's),
    in the active language."""
    kind = get(snapshot, "period.kind") or report.period_kind
    start = day(get(snapshot, "period.start")) or report.period_start
    end = day(get(snapshot, "period.end")) or report.period_end
    before = snapshot.get("previous_period") or {}
    before_start, before_end = day(before.get("start")), day(before.get("end"))
    if before_start is None or before_end is None:
        before_start, before_end = previous_period(kind, start, end)
    scope = get(snapshot, "scope.name") or report.scope_label
    words = Words(kind)
    figures = Figures(snapshot, previous_figures(report, snapshot))
    bodies = (
        work_progress(figures, words, snapshot),
        grievances(figures, words, snapshot),
        grid_work(figures, words, snapshot),
        ledgers(figures, words, snapshot),
        problems(figures, words, report, snapshot),
        [Paragraph(_("[The office's own plans for the next period go here.]"), True)],
    )
    sections = tuple(
        Section(
            pgettext("briefing section heading", "%(number)s. %(title)s")
            % {"number": number, "title": title},
            tuple(blocks),
        )
        for number, title, blocks in zip(SECTION_NUMBERS, SECTION_TITLES, bodies, strict=True)
    )
    built = date_text(snapshot.get("as_of")) or date_text(end.isoformat())
    return Briefing(
        title=_("%(scope)s industrial-workforce reform: briefing") % {"scope": scope},
        period=pgettext("briefing period under the title", "(%(period)s)")
        % {"period": period_text(kind, start, end)},
        issuer=_issuer(report),
        issued_on=built,
        opening=_(
            "This briefing reports the industrial-workforce reform work of %(scope)s over "
            "%(period)s, compared with %(before)s. The figures are as the portal counted them "
            "on %(as_of)s."
        )
        % {
            "scope": scope,
            "period": period_text(kind, start, end),
            "before": period_text(kind, before_start, before_end),
            "as_of": built,
        },
        sections=sections,
        language=document_language(),
    )


def document_language() -> str:
    """The language tag Word spell-checks and lays out the text by."""
    language = translation.get_language() or "zh-hans"
    return "zh-CN" if language.startswith("zh") else "en-US"
