"""A streaming .xlsx writer for the large exports (parks.exports): rows go straight into the
zip as XML, a row at a time, so memory stays flat and 100k rows take seconds, where openpyxl's
write-only mode spends most of an export building a cell object per value (2.3 million for the
grievance sheet).

It writes what the exports need and nothing more: sheets one after another, a frozen header,
column widths, bold, number formats and text as inline strings. Cells follow the one rule of
parks.core.excel (neutral_text, typed_format): text is always a string cell, with Excel's quote
prefix when it starts like a formula; numbers, Decimals and dates keep their types. Workbooks
with more (fills, merged titles: the progress reports) and small ones stay on openpyxl, through
parks.core.excel.sheet_cell.

    book = Workbook(stream)
    sheet = book.create_sheet("职工诉求", widths=[14, 26], freeze_header=True)
    sheet.append(["查询码", "园区"], bold=True)
    sheet.append([code, park], formats=[None, None])
    book.close()
"""

import zipfile
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

from parks.core.excel import neutral_text, typed_format

EXCEL_EPOCH = datetime(1899, 12, 30)  # noqa: DTZ001  (Excel's day 0; its dates have no zone)
# Custom number formats are numbered from 164 (lower numbers are Excel's built-in ones).
FIRST_CUSTOM_FORMAT = 164
NAMESPACE = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
# Fast enough (level 6 costs twice the time for a file a fifth smaller).
COMPRESS_LEVEL = 3
# Text cells a sheet keeps made (Worksheet._texts), of texts this long at most: some 3 MB.
MAX_TEXTS = 10_000
MAX_KEPT_TEXT = 64


def _serial(value) -> str:
    """A date or datetime as Excel's day number (what openpyxl writes, and reads back)."""
    if isinstance(value, datetime):
        # A naive moment (the exports' local times) is subtracted as it is: replace() would
        # only copy it, once for each of a big sheet's hundreds of thousands of times.
        delta = (value if value.tzinfo is None else value.replace(tzinfo=None)) - EXCEL_EPOCH
    elif isinstance(value, date):
        delta = datetime(value.year, value.month, value.day) - EXCEL_EPOCH  # noqa: DTZ001
    else:  # a time of day
        delta = timedelta(hours=value.hour, minutes=value.minute, seconds=value.second)
    return repr(delta.days + delta.seconds / 86400 + delta.microseconds / 86400e6)


def _s(style: int) -> str:
    """A cell's style attribute (none for the default style)."""
    return f' s="{style}"' if style else ""


class Workbook:
    """An .xlsx being written into `stream` (a binary file); close() finishes it."""

    def __init__(self, stream) -> None:
        self._zip = zipfile.ZipFile(
            stream, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL
        )
        self._sheets: list[str] = []
        self._current: Worksheet | None = None
        self._formats: dict[str, int] = {}
        # Styles by (number format id, bold, quote prefix); 0 is the default.
        self._styles: dict[tuple[int, bool, bool], int] = {(0, False, False): 0}

    def create_sheet(self, title: str, *, widths=(), freeze_header: bool = False) -> "Worksheet":
        if self._current is not None:
            self._current.close()
        self._sheets.append(title)
        self._current = Worksheet(self, len(self._sheets), widths, freeze_header)
        return self._current

    def style(self, number_format: str | None, bold: bool, quoted: bool) -> int:
        format_id = 0
        if number_format:
            format_id = self._formats.setdefault(
                number_format, FIRST_CUSTOM_FORMAT + len(self._formats)
            )
        return self._styles.setdefault((format_id, bold, quoted), len(self._styles))

    def close(self) -> None:
        if self._current is not None:
            self._current.close()
            self._current = None
        self._write_package()
        self._zip.close()

    def _write_package(self) -> None:
        sheets = range(1, len(self._sheets) + 1)
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for n in sheets
        )
        self._zip.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>",
        )
        self._zip.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
            f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        entries = "".join(
            f'<sheet name="{escape(title, {chr(34): "&quot;"})}" sheetId="{n}" r:id="rId{n}"/>'
            for n, title in zip(sheets, self._sheets, strict=True)
        )
        self._zip.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<workbook xmlns="{NAMESPACE}" xmlns:r="{RELATIONSHIPS}">'
            f"<sheets>{entries}</sheets></workbook>",
        )
        links = "".join(
            f'<Relationship Id="rId{n}" Type="{RELATIONSHIPS}/worksheet" '
            f'Target="worksheets/sheet{n}.xml"/>'
            for n in sheets
        )
        styles_id = len(self._sheets) + 1
        self._zip.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">{links}'
            f'<Relationship Id="rId{styles_id}" Type="{RELATIONSHIPS}/styles" '
            'Target="styles.xml"/></Relationships>',
        )
        self._zip.writestr("xl/styles.xml", self._styles_xml())

    def _styles_xml(self) -> str:
        formats = "".join(
            f'<numFmt numFmtId="{format_id}" formatCode="{escape(code, {chr(34): "&quot;"})}"/>'
            for code, format_id in self._formats.items()
        )
        cells = []
        for (format_id, bold, quoted), _index in sorted(
            self._styles.items(), key=lambda item: item[1]
        ):
            applied = ' applyNumberFormat="1"' if format_id else ""
            applied += ' applyFont="1"' if bold else ""
            quote = ' quotePrefix="1"' if quoted else ""
            cells.append(
                f'<xf numFmtId="{format_id}" fontId="{int(bold)}" fillId="0" borderId="0" '
                f'xfId="0"{applied}{quote}/>'
            )
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<styleSheet xmlns="{NAMESPACE}">'
            f'<numFmts count="{len(self._formats)}">{formats}</numFmts>'
            '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
            '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
            "</borders>"
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            "</cellStyleXfs>"
            f'<cellXfs count="{len(cells)}">{"".join(cells)}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
            "</cellStyles></styleSheet>"
        )


class Worksheet:
    """One sheet, written row by row; the next create_sheet or the workbook's close ends it."""

    def __init__(self, book: Workbook, number: int, widths, freeze_header: bool) -> None:
        self._book = book
        self._out = book._zip.open(f"xl/worksheets/sheet{number}.xml", "w", force_zip64=True)
        self._row = 0
        self._letters: list[str] = []
        self._attributes: dict[tuple[str | None, bool, bool], str] = {}
        # A text cell after its reference, by (bold, text): a big sheet's texts are mostly the
        # same few (a park's, a zone's, a unit's name, a status), so each is cleaned, escaped
        # and formatted once. Bounded (MAX_TEXTS short texts), so unique ones cost no memory.
        self._texts: dict[tuple[bool, str], str] = {}
        views = ""
        if freeze_header:
            views = (
                '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
                'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" '
                'activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
            )
        columns = "".join(
            f'<col min="{n}" max="{n}" width="{width}" customWidth="1"/>'
            for n, width in enumerate(widths, start=1)
        )
        self._write(
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<worksheet xmlns="{NAMESPACE}" xmlns:r="{RELATIONSHIPS}">{views}'
            f"{f'<cols>{columns}</cols>' if columns else ''}<sheetData>"
        )

    def _write(self, text: str) -> None:
        self._out.write(text.encode())

    def _letter(self, index: int) -> str:
        while len(self._letters) <= index:
            self._letters.append(get_column_letter(len(self._letters) + 1))
        return self._letters[index]

    def _attribute(self, number_format: str | None, bold: bool, quoted: bool) -> str:
        # One dictionary look-up per cell: a sheet has a handful of styles and 2 million cells.
        key = (number_format, bold, quoted)
        found = self._attributes.get(key)
        if found is None:
            found = self._attributes[key] = _s(self._book.style(number_format, bold, quoted))
        return found

    def append(self, values, *, formats=None, bold: bool = False) -> None:
        """Write one row: `values` as cells (None or "" leave a cell empty), `formats` the
        number format of each (None for the default), `bold` for them all."""
        self._row += 1
        row = str(self._row)
        self._letter(max(len(values) - 1, 0))
        letters, attribute, texts = self._letters, self._attribute, self._texts
        cells = []
        add = cells.append
        for index, value in enumerate(values):
            if value is None or value == "":
                continue
            ref = letters[index] + row
            if type(value) is str:  # the common case first; other texts come last
                cell = texts.get((bold, value))
                if cell is None:
                    cell = self._text_cell(value, bold)
                add(f'<c r="{ref}"{cell}')
            elif isinstance(value, bool):
                add(f'<c r="{ref}" t="b"{attribute(None, bold, False)}><v>{int(value)}</v></c>')
            elif isinstance(value, int | float | Decimal):
                shown = repr(value) if isinstance(value, float) else str(value)
                number_format = formats[index] if formats else None
                add(f'<c r="{ref}"{attribute(number_format, bold, False)}><v>{shown}</v></c>')
            elif isinstance(value, datetime | date | time):
                chosen = typed_format(value, formats[index] if formats else None)
                add(f'<c r="{ref}"{attribute(chosen, bold, False)}><v>{_serial(value)}</v></c>')
            else:  # a lazy translation, a model: written as its text
                text, quoted = neutral_text(value)
                add(f'<c r="{ref}" t="inlineStr"{attribute(None, bold, quoted)}><is>')
                add(f'<t xml:space="preserve">{escape(text)}</t></is></c>')
        self._write(f'<row r="{row}">{"".join(cells)}</row>')

    def _text_cell(self, value: str, bold: bool) -> str:
        """A text cell after its reference (`<c r="A1"` + this), kept while MAX_TEXTS allows."""
        text, quoted = neutral_text(value)
        cell = (
            f' t="inlineStr"{self._attribute(None, bold, quoted)}><is>'
            f'<t xml:space="preserve">{escape(text)}</t></is></c>'
        )
        if len(value) <= MAX_KEPT_TEXT and len(self._texts) < MAX_TEXTS:
            self._texts[bold, value] = cell
        return cell

    def close(self) -> None:
        self._write("</sheetData></worksheet>")
        self._out.close()
