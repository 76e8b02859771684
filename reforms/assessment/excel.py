"""A period's ranking (红黑榜) as an Excel workbook: one row per subject in rank order, with the
list it is on, each indicator's points, the bonus and deductions, the score and the main
shortfalls, all read from selectors.ranking (the page's, the notice's and the API's rows)."""

from decimal import Decimal
from io import BytesIO

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from parks.core.downloads import xlsx_response
from parks.core.excel import sheet_cell
from reforms.assessment.notice import NAME_COLUMN, shortfalls_text
from reforms.assessment.selectors import Ranking, RankingRow

POINTS_FORMAT = "0.00"


def _list_name(row: RankingRow) -> str:
    if row.red:
        return pgettext("assessment", "Red list")
    if row.black:
        return pgettext("assessment", "Black list")
    return ""


def _columns(ranking: Ranking) -> list[tuple[str, int]]:
    name = str(NAME_COLUMN[ranking.scheme.subject_kind])
    return [
        (pgettext("assessment", "Rank"), 6),
        (name, 30),
        (pgettext("assessment", "List"), 8),
        *[(column.term, 12) for column in ranking.columns],
        (pgettext("assessment", "Indicator points"), 12),
        (pgettext("assessment", "Bonus and deductions"), 12),
        (pgettext("assessment", "Score"), 10),
        (pgettext("assessment", "Main shortfalls"), 50),
        (_("Published"), 8),
    ]


def ranking_row(ranking: Ranking, row: RankingRow) -> list:
    """A row of the sheet; an indicator that did not apply to the subject reads "n/a"."""
    points = {
        indicator.key: indicator.points if indicator.applies else _("n/a")
        for indicator in row.indicators
    }
    score = row.score
    return [
        score.rank,
        score.subject.name,
        _list_name(row),
        *[points.get(column.key) for column in ranking.columns],
        score.base,
        score.adjustment,
        score.total,
        shortfalls_text(row) if row.shortfalls else "",
        _("Yes") if score.published_at else _("No"),
    ]


def _cell(sheet, value):
    return sheet_cell(sheet, value, POINTS_FORMAT if isinstance(value, Decimal) else None)


def ranking_workbook(ranking: Ranking) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(pgettext("assessment", "Ranking"))
    sheet.freeze_panes = "C2"
    columns = _columns(ranking)
    for index, (_header, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append([sheet_cell(sheet, header, bold=True) for header, _width in columns])
    for row in ranking.rows:
        sheet.append([_cell(sheet, value) for value in ranking_row(ranking, row)])
    stream = BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def ranking_filename(ranking: Ranking, extension: str) -> str:
    """红黑榜-<scheme>-20261101.xlsx: the scheme and the period's first day."""
    stem = pgettext("assessment file name", "Ranking")
    return f"{stem}-{ranking.scheme.name}-{ranking.period_start:%Y%m%d}.{extension}"


def ranking_xlsx_response(ranking: Ranking):
    return xlsx_response(ranking_workbook(ranking), ranking_filename(ranking, "xlsx"))
