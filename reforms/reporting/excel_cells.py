"""The cells and sheets of the report workbook (reforms.reporting.excel): number formats, the
snapshot's values as Excel numbers and dates, and a sheet writer that sizes its columns.
"""

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from parks.core.excel import DATE_FORMAT, DATETIME_FORMAT, sheet_cell
from reforms.ledgers.excel import COUNT_FORMAT, HOURS_FORMAT, YUAN_FORMAT
from reforms.reporting import shape
from reforms.reporting.choices import PeriodKind

RATE_FORMAT = "0.0%"
# The change column shows its sign: +3, -2, 0.
CHANGE_FORMATS = {
    COUNT_FORMAT: "+#,##0;-#,##0;0",
    YUAN_FORMAT: "+#,##0.00;-#,##0.00;0.00",
    HOURS_FORMAT: "+#,##0.0;-#,##0.0;0.0",
    RATE_FORMAT: "+0.0%;-0.0%;0.0%",
}
# Column widths in Excel's units: about one per Latin character, two per Chinese one, plus a
# tenth and two for the cell's margins (a Chinese glyph is a little over two units wide).
MIN_WIDTH, MAX_WIDTH, WIDTH_PADDING = 8, 60, 2
HEADER_ROW = 3  # a title row, a period row, then the headers (frozen with the rows above)

PERIOD_TERMS = {
    PeriodKind.WEEK: "周报",
    PeriodKind.MONTH: "月报",
    PeriodKind.QUARTER: "季报",
    PeriodKind.YEAR: "年报",
    PeriodKind.CUSTOM: "专项统计",
}
# Each kind of figure of the report (reforms.reporting.spec) in its number format.
FORMATS = {
    shape.COUNT: COUNT_FORMAT,
    shape.PERCENT: RATE_FORMAT,
    shape.YUAN: YUAN_FORMAT,
    shape.HOURS: HOURS_FORMAT,
    shape.DATE: DATE_FORMAT,
    shape.DATETIME: DATETIME_FORMAT,
}

TITLE_FONT = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


# --- Values out of the snapshot -----------------------------------------------------------------


def value_at(data, path: str):
    """data["a"]["b"] for path "a.b", or None where a key is missing."""
    for key in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def excel_number(value, number_format: str):
    """A snapshot figure as the cell value of its format: yuan and hours as exact Decimals
    (the snapshot keeps them as strings), rates (percent numbers) as fractions."""
    if value is None or value == "":
        return None
    if number_format == RATE_FORMAT:
        return float(value) / 100
    if number_format in (YUAN_FORMAT, HOURS_FORMAT):
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return None
    return value


def change_of(current, previous):
    if current is None or previous is None:
        return None
    if isinstance(current, float) or isinstance(previous, float):
        return round(current - previous, 6)
    return current - previous


def as_date(text):
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        return None


def as_local_datetime(text):
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    # Excel has no time zones: the wall-clock time of the portal's zone, whoever builds it.
    if moment.tzinfo:
        moment = timezone.localtime(moment, timezone.get_default_timezone()).replace(tzinfo=None)
    return moment


# --- Sheet layout -------------------------------------------------------------------------------


def display_width(value) -> int:
    """How wide a value shows: East Asian wide characters count two, numbers as formatted."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    if isinstance(value, float):  # rates
        return len(f"{value:.1%}") + 1
    if isinstance(value, int | Decimal):
        return len(f"{value:,.2f}") + 1
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in str(value))


@dataclass
class Cell:
    """A value with its number format and style, laid out before the sheet is written (a
    write-only sheet needs its column widths before its first row)."""

    value: object
    number_format: str | None = None
    bold: bool = False


class SheetWriter:
    """Rows of Cells collected in memory (a report's sheets are small), then streamed out."""

    def __init__(self, title: str, headers: list[str]):
        self.title = title
        self.headers = headers
        self.rows: list[list[Cell | None]] = []

    def row(self, *cells) -> None:
        self.rows.append([c if isinstance(c, Cell) or c is None else Cell(c) for c in cells])

    def blank(self) -> None:
        self.rows.append([])

    def subheader(self, *texts: str) -> None:
        self.rows.append([Cell(text, bold=True) for text in texts])

    def write(self, workbook: Workbook, heading: str, subheading: str) -> None:
        sheet = workbook.create_sheet(self.title)
        sheet.freeze_panes = f"A{HEADER_ROW + 1}"
        widths = [display_width(header) for header in self.headers]
        for row in self.rows:
            for index, cell in enumerate(row):
                if index >= len(widths):
                    widths.append(0)
                if cell is not None:
                    widths[index] = max(widths[index], display_width(cell.value))
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(
                MIN_WIDTH, min(MAX_WIDTH, round(width * 1.1) + WIDTH_PADDING)
            )
        # The heading starts with the scope's name, which people type: the same cell writer
        # as every other cell, so a park named "=HYPERLINK(…)" is text, not a formula.
        title = sheet_cell(sheet, heading)
        title.font = TITLE_FONT
        sheet.append([title])
        sheet.append([sheet_cell(sheet, subheading)])
        header_cells = []
        for text in self.headers:
            cell = sheet_cell(sheet, text, bold=True)
            cell.fill = HEADER_FILL
            header_cells.append(cell)
        sheet.append(header_cells)
        for row in self.rows:
            sheet.append(
                [
                    sheet_cell(sheet, cell.value, cell.number_format, bold=cell.bold)
                    if cell is not None
                    else None
                    for cell in row
                ]
            )
