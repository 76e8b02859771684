"""A period's assessment notice (考核情况通报) as a Word document: the office's 红黑榜 in the
layout of the progress report's briefing (reforms.reporting.briefing writes it: the same page,
fonts, numbered headings and tables).

What it says: the title and the period, an opening naming the scheme, an overview of the scores,
the 红榜 with each subject's score, the 黑榜 with each subject's main shortfalls
(selectors.shortfalls, as the ranking page shows them), the table of every subject, and a
paragraph left for the office's requirements. Every name and number is read from the ranking
(selectors.ranking), so the notice states what the page, the workbook and the API state.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from reforms.assessment.choices import SubjectKind
from reforms.assessment.selectors import Ranking, RankingRow
from reforms.reporting.briefing_text import SECTION_NUMBERS, document_language
from reforms.reporting.briefing_words import (
    Briefing,
    Paragraph,
    Section,
    Table,
    listed,
    period_text,
)

CENT = Decimal("0.01")

# How the notice names the subjects of a scheme ("成员单位"), and its tables' name column.
SUBJECTS = {
    SubjectKind.UNIT: pgettext_lazy("assessment notice", "member units"),
    SubjectKind.SUBDISTRICT: pgettext_lazy("assessment notice", "subdistricts"),
    SubjectKind.PARK: pgettext_lazy("assessment notice", "parks"),
}
NAME_COLUMN = {
    SubjectKind.UNIT: pgettext_lazy("assessment notice column", "Unit"),
    SubjectKind.SUBDISTRICT: pgettext_lazy("assessment notice column", "Subdistrict"),
    SubjectKind.PARK: pgettext_lazy("assessment notice column", "Park"),
}
SECTION_TITLES = (
    pgettext_lazy("assessment notice section", "Overview"),
    pgettext_lazy("assessment notice section", "Red list"),
    pgettext_lazy("assessment notice section", "Black list"),
    pgettext_lazy("assessment notice section", "Scores of all"),
    pgettext_lazy("assessment notice section", "Requirements"),
)


def points_text(value: Decimal | None) -> str:
    """A score as the notice and the workbook's text print it: two decimals, "—" for none."""
    return "—" if value is None else f"{Decimal(value).quantize(CENT, ROUND_HALF_UP)}"


def signed_text(value: Decimal) -> str:
    """Bonus and deductions: "+2.00", "-5.00", "0.00"."""
    value = Decimal(value).quantize(CENT, ROUND_HALF_UP)
    return f"{value:+}" if value else f"{value}"


def shortfalls_text(row: RankingRow) -> str:
    """ "任务按时完成率（失12.00分）、响应率（失5.00分）"; "—" when nothing was lost."""
    if not row.shortfalls:
        return "—"
    return listed(
        [
            pgettext("assessment notice", "%(term)s (%(lost)s points lost)")
            % {"term": shortfall.term, "lost": points_text(shortfall.lost)}
            for shortfall in row.shortfalls
        ]
    )


def _rank(row: RankingRow) -> str:
    return str(row.score.rank) if row.score.rank is not None else "—"


def _overview(ranking: Ranking) -> list[Paragraph]:
    totals = [row.score.total for row in ranking.rows]
    best, worst = ranking.rows[0], ranking.rows[-1]
    average = sum(totals, Decimal(0)) / len(totals)
    blocks = [
        Paragraph(
            _(
                "The average score was %(average)s points; the highest %(highest)s points "
                "(%(best)s), the lowest %(lowest)s points (%(worst)s)."
            )
            % {
                "average": points_text(average),
                "highest": points_text(best.score.total),
                "best": best.score.subject.name,
                "lowest": points_text(worst.score.total),
                "worst": worst.score.subject.name,
            }
        )
    ]
    adjusted = sum(1 for row in ranking.rows if row.score.adjustment)
    if adjusted:
        blocks.append(
            Paragraph(
                _("%(count)s received bonus or deduction points for the items of the scheme.")
                % {"count": adjusted}
            )
        )
    if ranking.unpublished:
        # The office's own reminder, highlighted: the assessed do not see these scores yet.
        blocks.append(
            Paragraph(
                _("[%(count)s of these scores are not published yet.]")
                % {"count": ranking.unpublished},
                placeholder=True,
            )
        )
    return blocks


def _red_list(ranking: Ranking, name: str) -> list:
    rows = ranking.red_rows
    if not rows:
        return [Paragraph(_("No one is on the red list this period."))]
    return [
        Paragraph(
            _("These %(count)s scored highest and are on the red list, with commendation:")
            % {"count": len(rows)}
        ),
        Table(
            headers=(name, pgettext("assessment", "Rank"), pgettext("assessment", "Score")),
            rows=tuple((r.score.subject.name, _rank(r), points_text(r.score.total)) for r in rows),
        ),
    ]


def _black_list(ranking: Ranking, name: str) -> list:
    rows = ranking.black_rows
    if not rows:
        return [Paragraph(_("No one is on the black list this period."))]
    return [
        Paragraph(
            _(
                "These %(count)s scored lowest and are on the black list. They are to find "
                "the causes of their main shortfalls and put them right within a set time:"
            )
            % {"count": len(rows)}
        ),
        Table(
            headers=(
                name,
                pgettext("assessment", "Rank"),
                pgettext("assessment", "Score"),
                pgettext("assessment", "Main shortfalls"),
            ),
            rows=tuple(
                (r.score.subject.name, _rank(r), points_text(r.score.total), shortfalls_text(r))
                for r in rows
            ),
        ),
    ]


def _all_scores(ranking: Ranking, name: str) -> list:
    return [
        Table(
            headers=(
                name,
                pgettext("assessment", "Rank"),
                pgettext("assessment", "Indicator points"),
                pgettext("assessment", "Bonus and deductions"),
                pgettext("assessment", "Score"),
            ),
            rows=tuple(
                (
                    r.score.subject.name,
                    _rank(r),
                    points_text(r.score.base),
                    signed_text(r.score.adjustment),
                    points_text(r.score.total),
                )
                for r in ranking.rows
            ),
        )
    ]


def notice_content(ranking: Ranking) -> Briefing:
    """What the notice of `ranking` (a period with at least one score) says, in the active
    language."""
    scheme = ranking.scheme
    end = ranking.period_end or ranking.period_start
    period = period_text(ranking.period_kind, ranking.period_start, end)
    subjects = str(SUBJECTS[scheme.subject_kind])
    name = str(NAME_COLUMN[scheme.subject_kind])
    bodies = (
        _overview(ranking),
        _red_list(ranking, name),
        _black_list(ranking, name),
        _all_scores(ranking, name),
        [Paragraph(_("[The office's own requirements go here.]"), True)],
    )
    sections = tuple(
        Section(
            pgettext("briefing section heading", "%(number)s. %(title)s")
            % {"number": number, "title": title},
            tuple(blocks),
        )
        for number, title, blocks in zip(SECTION_NUMBERS, SECTION_TITLES, bodies, strict=False)
    )
    return Briefing(
        title=_("Notice on the assessment of %(subjects)s for %(period)s")
        % {"subjects": subjects, "period": period},
        period=pgettext("briefing period under the title", "(%(period)s)") % {"period": period},
        issuer=_("%(name)s reform office") % {"name": settings.PORTAL_DISTRICT_NAME},
        issued_on=date_format(timezone.localdate(), "DATE_FORMAT"),
        opening=_(
            "Under %(scheme)s, the office assessed the work of %(count)s %(subjects)s for "
            "%(period)s. The results are announced as follows."
        )
        % {"scheme": scheme.name, "count": ranking.size, "subjects": subjects, "period": period},
        sections=sections,
        language=document_language(),
    )


def notice_docx(ranking: Ranking) -> bytes:
    """The notice of `ranking` as .docx bytes."""
    from reforms.reporting.briefing import write_briefing  # python-docx, loaded when needed

    return write_briefing(notice_content(ranking))
