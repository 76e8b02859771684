"""The one cell rule of every workbook the portal writes: here for openpyxl's write-only mode
(progress reports, supervision orders, the import sample), and read by parks.core.xlsx, the
streaming writer of the large exports (the grievance sheet, the grid log, the construction
table, the ledgers).

What people type ends up in these cells: a park's, a unit's or a task's name, a worker's
grievance. Text that starts like a formula must open as the text it is, never run (OWASP's
"CSV injection": `=HYPERLINK(...)` leaking data, `=cmd|...` launching programs). So every text
is written as an explicit string cell (type "s": Excel shows the text, openpyxl does not turn a
leading "=" into a formula), and text starting with one of FORMULA_TRIGGERS also carries Excel's
own "quote prefix" style — what Excel itself stores when someone types '=... — so it stays text
even after the cell is edited. The value keeps no added quote: a sheet read back (the
construction table's import) sees exactly the stored text, so an exported table imports back
unchanged. Numbers, Decimals and dates keep their types: a negative number stays a number.
"""

from datetime import date, datetime, time
from decimal import Decimal

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
# The first characters that make Excel, LibreOffice or a CSV import read a formula (OWASP), and
# their fullwidth forms, which a Chinese or Japanese input method types and Excel accepts too.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
BOLD = Font(bold=True)

# Values written as themselves; anything else (a lazy translation, a model) is written as text.
TYPED_VALUES = (int, float, Decimal, datetime, date, time)


def neutral_text(value) -> tuple[str, bool]:
    """Text as a cell holds it: characters a workbook cannot hold removed, and whether it needs
    the quote prefix (it starts like a formula). The rule of every writer (sheet_cell here,
    parks.core.xlsx for the large exports)."""
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return text, text.startswith(FORMULA_TRIGGERS)


def typed_format(value, number_format: str | None) -> str | None:
    """The number format of a typed value: `number_format`, else the portal's date formats."""
    if number_format:
        return number_format
    if isinstance(value, datetime):
        return DATETIME_FORMAT
    if isinstance(value, date):
        return DATE_FORMAT
    return None


def sheet_cell(sheet, value, number_format: str | None = None, *, bold: bool = False):
    """A write-only cell for `value`, or None for an empty one (None or "").

    Text is always a string cell, neutralised as the module says; dates get DATE_FORMAT or
    DATETIME_FORMAT unless `number_format` says otherwise; numbers get `number_format`.
    """
    if value is None or value == "":
        return None
    if isinstance(value, TYPED_VALUES):
        cell = WriteOnlyCell(sheet, value=value)
        chosen = typed_format(value, number_format)
        if chosen:
            cell.number_format = chosen
    else:
        text, quoted = neutral_text(value)
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"  # set after the value: openpyxl types a leading "=" as a formula
        if quoted:
            cell.quotePrefix = True
    if bold:
        cell.font = BOLD
    return cell
