"""A progress report as an Excel workbook (进展报告), written from its snapshot in openpyxl's
write-only (streaming) mode.

Its last sheet, 口径说明, says what each rate and count counts, in the fixed Chinese of the
report's declaration (the grievance figures': grievances.rates).

As with the ledgers and the construction table, the text is fixed Chinese whatever the UI
language: reports are filed and passed around offices, and a reworded translation must never
change a filed workbook. One sheet per section of the snapshot; each compares the period with
the one before. Rates are stored as fractions under a percent format, so Excel can compute with
them; money stays exact (Decimal); dates are dates.

Only the snapshot is read: the workbook shows exactly the figures the page and the API show,
and a key the snapshot lacks (an older schema) leaves its cell empty rather than failing.
"""

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from io import BytesIO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from parks.core.excel import DATE_FORMAT, DATETIME_FORMAT, sheet_cell
from parks.core.figures import percent
from reforms.ledgers.excel import COUNT_FORMAT, HOURS_FORMAT, YUAN_FORMAT
from reforms.reporting import excel_areas, shape, spec
from reforms.reporting.choices import PeriodKind
from reforms.reporting.contents import SCHEMA_VERSION
from reforms.reporting.models import Report

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


def _get(data, path: str):
    """data["a"]["b"] for path "a.b", or None where a key is missing."""
    for key in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _number(value, number_format: str):
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


def _change(current, previous):
    if current is None or previous is None:
        return None
    if isinstance(current, float) or isinstance(previous, float):
        return round(current - previous, 6)
    return current - previous


def _date(text):
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        return None


def _local_datetime(text):
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


# 同比: the change from the same period a year earlier, as 增减 is from the period before
# (a rate's in percentage points).
COMPARISON_HEADERS = ["项目", "本期", "上期", "增减", "去年同期", "同比"]


def _compare_row(
    sheet: SheetWriter, label: str, current, previous, number_format: str, year_ago=None
):
    current = _number(current, number_format)
    change = CHANGE_FORMATS.get(number_format)
    cells = [Cell(current, number_format)]
    for before in (_number(previous, number_format), _number(year_ago, number_format)):
        cells += [Cell(before, number_format), Cell(_change(current, before), change)]
    sheet.row(label, *cells)


def _compare(sheet: SheetWriter, section: dict | None, rows) -> None:
    """One row per (term, key in current/previous/year_ago, number format)."""
    section = section or {}
    for label, key, number_format in rows:
        _compare_row(
            sheet,
            label,
            _get(section, f"current.{key}"),
            _get(section, f"previous.{key}"),
            number_format,
            _get(section, f"year_ago.{key}"),
        )


def section_rows(section: shape.Section) -> tuple[tuple[str, str, str], ...]:
    """(term, key, number format) of each figure a section's sheet compares: the period's
    figures in order, then those of the objects nested in it (the survey funnel)."""
    rows = [(f.term, f.key, FORMATS[f.kind]) for f in section.figures()]
    for part in section.period.fields:
        if isinstance(part, shape.Part) and part.group.figures() == part.group.fields:
            rows += [(f.term, f"{part.key}.{f.key}", FORMATS[f.kind]) for f in part.group.fields]
    return tuple(rows)


# --- Sections -----------------------------------------------------------------------------------


def _summary(snapshot: dict, report: Report) -> SheetWriter:
    sheet = SheetWriter(spec.SUMMARY_SHEET, COMPARISON_HEADERS)
    for path, term in spec.SUMMARY:
        section, _dot, key = path.partition(".")
        figure = spec.period_figure(path)
        _compare_row(
            sheet,
            term or figure.term,
            _get(snapshot, f"{section}.current.{key}"),
            _get(snapshot, f"{section}.previous.{key}"),
            FORMATS[figure.kind],
            _get(snapshot, f"{section}.year_ago.{key}"),
        )
    overdue = sum(row.get("overdue") or 0 for row in snapshot.get("overdue_by_unit") or ())
    sheet.row(f"{spec.OVERDUE_UNIT['overdue'].term}", Cell(overdue, COUNT_FORMAT))

    sheet.blank()
    sheet.subheader("报告信息", "内容")
    scope = snapshot.get("scope") or {}
    kind = _get(snapshot, "period.kind") or report.period_kind
    sheet.row(spec.SCOPE["name"].term, scope.get("name") or report.scope_label)
    sheet.row(spec.PERIOD["kind"].term, PERIOD_TERMS.get(kind, kind))
    # Task states, answers and statuses stand as on the day of the build (as_of).
    for path in (
        "period.start",
        "period.end",
        "previous_period.start",
        "previous_period.end",
        "as_of",
        "overdue_as_of",
        "generated_at",
    ):
        figure = spec.SNAPSHOT.figure(path)
        value = _get(snapshot, path)
        value = _local_datetime(value) if figure.kind == shape.DATETIME else _date(value)
        sheet.row(figure.term, Cell(value, FORMATS[figure.kind]))
    sheet.row("版本", Cell(report.version, COUNT_FORMAT))
    return sheet


def _tasks(snapshot: dict) -> SheetWriter:
    section = snapshot.get("tasks") or {}
    sheet = SheetWriter(spec.TASKS_SECTION.sheet, COMPARISON_HEADERS)
    _compare(sheet, section, section_rows(spec.TASKS_SECTION))
    sheet.blank()
    as_of = section.get("as_of") or snapshot.get("as_of")
    sheet.subheader(f"任务状态（截至 {as_of}）" if as_of else "任务状态", "任务数")
    sheet.row(spec.TASKS["total"].term, Cell(section.get("total"), COUNT_FORMAT))
    for key, prefix in (("by_status", "状态"), ("by_warning", "督办")):
        counts = section.get(key) or {}
        for figure in spec.TASKS[key].group.fields:
            sheet.row(f"{prefix}：{figure.term}", Cell(counts.get(figure.key), COUNT_FORMAT))
    return sheet


def _activities(snapshot: dict) -> SheetWriter:
    section = snapshot.get("activities") or {}
    sheet = SheetWriter(
        spec.ACTIVITIES_SECTION.sheet,
        [
            "活动类型",
            *(
                header
                for figure in ("次数", "人次")
                for header in (
                    f"本期{figure}",
                    f"上期{figure}",
                    f"{figure}增减",
                    f"去年同期{figure}",
                    f"{figure}同比",
                )
            ),
        ],
    )

    def figures(current, previous, year_ago=None):
        cells = []
        for key in ("count", "participants"):
            now = _get(current, key)
            cells.append(Cell(now, COUNT_FORMAT))
            for before in (_get(previous, key), _get(year_ago, key)):
                cells += [
                    Cell(before, COUNT_FORMAT),
                    Cell(_change(now, before), CHANGE_FORMATS[COUNT_FORMAT]),
                ]
        return cells

    current, previous = section.get("current") or {}, section.get("previous") or {}
    year_ago = section.get("year_ago") or {}
    kinds = {**spec.ACTIVITY_TERMS}
    for kind in _get(current, "by_kind") or {}:
        kinds.setdefault(kind, kind)
    for kind, term in kinds.items():
        sheet.row(
            term,
            *figures(*(_get(part, f"by_kind.{kind}") for part in (current, previous, year_ago))),
        )
    total = figures(current, previous, year_ago)
    for cell in total:
        cell.bold = True
    sheet.row(Cell("合计", bold=True), *total)
    return sheet


def _coverage(snapshot: dict) -> SheetWriter:
    section = snapshot.get("coverage") or {}
    sheet = SheetWriter(spec.COVERAGE_SECTION.sheet, COMPARISON_HEADERS)
    for key in ("zones", "zones_with_liaison"):
        sheet.row(spec.COVERAGE[key].term, Cell(section.get(key), COUNT_FORMAT))
    _compare(sheet, section, section_rows(spec.COVERAGE_SECTION))
    return sheet


def _ledger(section: shape.Section, snapshot: dict) -> SheetWriter:
    sheet = SheetWriter(section.sheet, COMPARISON_HEADERS)
    _compare(sheet, snapshot.get(section.key), section_rows(section))
    return sheet


def _overdue(snapshot: dict) -> SheetWriter:
    as_of = snapshot.get("overdue_as_of")
    unit, overdue = spec.OVERDUE_UNIT["unit_name"].term, spec.OVERDUE_UNIT["overdue"].term
    if as_of:
        overdue = f"{overdue}（截至 {as_of}）"
    sheet = SheetWriter(spec.OVERDUE_SHEET, ["序号", unit, overdue])
    rows = snapshot.get("overdue_by_unit") or []
    for number, row in enumerate(rows, start=1):
        sheet.row(Cell(number), row.get("unit_name") or "", Cell(row.get("overdue"), COUNT_FORMAT))
    total = sum(row.get("overdue") or 0 for row in rows)
    sheet.row(Cell("合计", bold=True), None, Cell(total, COUNT_FORMAT, bold=True))
    return sheet


# The columns of the overdue tasks' sheet (reforms.reporting.spec.OVERDUE_TASK).
OVERDUE_TASK_COLUMNS = ("code", "title", "unit_name", "park_name", "due_date", "days_overdue")


def _overdue_tasks(snapshot: dict) -> SheetWriter:
    as_of = snapshot.get("overdue_as_of")
    figures = [spec.OVERDUE_TASK[key] for key in OVERDUE_TASK_COLUMNS]
    headers = [figure.term for figure in figures]
    if as_of:
        headers[-1] = f"{headers[-1]}（截至 {as_of}）"
    sheet = SheetWriter(spec.OVERDUE_TASKS_SHEET, ["序号", *headers])
    for number, row in enumerate(snapshot.get("overdue_tasks") or [], start=1):
        cells = []
        for figure in figures:
            value = row.get(figure.key)
            if figure.kind == shape.DATE:
                cells.append(Cell(_date(value), FORMATS[figure.kind]))
            elif figure.kind == shape.COUNT:
                cells.append(Cell(value, COUNT_FORMAT))
            else:
                cells.append(value or "")
        sheet.row(Cell(number), *cells)
    return sheet


def _grievances_by_unit(snapshot: dict) -> SheetWriter:
    figures = [
        figure
        for figure in spec.UNIT_GRIEVANCES.figures()
        if figure.key == "received" or figure.kind == shape.PERCENT
    ]
    sheet = SheetWriter(
        spec.BY_UNIT_SHEET,
        [spec.UNIT_GRIEVANCES["unit_name"].term, *(figure.term for figure in figures)],
    )
    for row in snapshot.get("grievances_by_unit") or []:
        sheet.row(
            row.get("unit_name") or "",
            *(
                Cell(_number(row.get(figure.key), FORMATS[figure.kind]), FORMATS[figure.kind])
                for figure in figures
            ),
        )
    return sheet


# The columns of the parks' sheet, by path in a `by_park` entry (reforms.reporting.spec.PARK).
BY_PARK_COLUMNS = (
    "grievances.received",
    "grievances.response_rate",
    "grievances.resolution_rate",
    "grievances.satisfaction_rate",
    "grievances.on_time_resolution_rate",
    "grievances.first_call_satisfaction_rate",
    "grievances.return_rate",
    "grievances.reopen_rate",
    "activities.count",
    "activities.participants",
    "tasks.total",
    "tasks.done",
    "tasks.red",
    "tasks.yellow",
    "coverage.zones",
    "coverage.covered",
)


def _by_park(snapshot: dict) -> SheetWriter:
    columns = [(path, spec.park_figure(path)) for path in BY_PARK_COLUMNS]
    rate = spec.PARK_COVERAGE_RATE
    sheet = SheetWriter(
        spec.BY_PARK_SHEET,
        [spec.PARK["park_name"].term, *(figure.term for _path, figure in columns), rate.term],
    )
    for park in snapshot.get("by_park") or []:
        zones, covered = _get(park, rate.whole), _get(park, rate.part)
        # The page's and the dashboard's rate (parks.core.figures.percent), as a fraction.
        share = _number(percent(covered, zones or 0), RATE_FORMAT) if covered is not None else None
        sheet.row(
            park.get("park_name") or "",
            *(
                Cell(_number(_get(park, path), FORMATS[figure.kind]), FORMATS[figure.kind])
                for path, figure in columns
            ),
            Cell(share, RATE_FORMAT),
        )
    return sheet


# Said on the definitions sheet of a workbook whose snapshot was counted an earlier way: what
# each earlier schema version counted otherwise (those before a snapshot's version apply).
OLD_SCHEMA_NOTES = (
    (
        2,
        "第1版：未到时限的诉求计为未响应、未解决，满意率只计每件诉求最后一次回访，"
        "响应是否及时按首次受理判断。",
    ),
    (3, "第2版及以前：本期到期、生成报告时尚未到期的未完成任务计为未按时完成。"),
)


def old_schema_note(version) -> str:
    """The definitions sheet's warning for a snapshot of an earlier schema version."""
    version = version if isinstance(version, int) else 1
    changes = "".join(text for before, text in OLD_SCHEMA_NOTES if version < before)
    return f"本报告按旧口径统计。{changes}以下为现行口径；重新生成报告即按现行口径统计。"


GENERAL_BASES = (
    ("统计期", "按北京时间（Asia/Shanghai）的日期计算，起止日均含；上期为前一个同类统计期。"),
    (
        spec.SNAPSHOT["as_of"].term,
        "报告生成之日。诉求是否已响应、已办结、是否仍在时限内（待办）、回访和重办情况，"
        "以及任务状态、到期任务是否仍未到期，均以生成时为准；重新生成可能改变这些数字。",
    ),
)


def _explained(group: shape.Group, seen: set) -> Iterator[shape.Figure]:
    """The figures of a group, nested ones included (a period once: its `current`), that carry
    a fixed Chinese definition; each term once."""
    for item in group.fields:
        if isinstance(item, shape.Part):
            if item.key not in shape.COMPARED:
                yield from _explained(item.group, seen)
        elif item.basis and item.term not in seen:
            seen.add(item.term)
            yield item


def _definitions(snapshot: dict) -> SheetWriter:
    """口径说明: what each figure of the workbook counts, in the words of its declaration
    (the grievance figures': grievances.rates)."""
    sheet = SheetWriter(spec.DEFINITIONS_SHEET, ["项目", "口径"])
    if snapshot.get("schema_version") != SCHEMA_VERSION:
        sheet.row(Cell("注意", bold=True), old_schema_note(snapshot.get("schema_version")))
    for term, basis in GENERAL_BASES:
        sheet.row(term, basis)
    seen: set = set()
    for section in (spec.TASKS_SECTION, spec.GRIEVANCES_SECTION, spec.COVERAGE_SECTION):
        figures = list(_explained(section.group, seen))
        if figures:
            sheet.blank()
            sheet.subheader(section.sheet)
            for figure in figures:
                sheet.row(figure.term, figure.basis)
    return sheet


# --- The workbook -------------------------------------------------------------------------------


def _headings(report: Report, snapshot: dict) -> tuple[str, str]:
    scope = _get(snapshot, "scope.name") or report.scope_label
    kind = _get(snapshot, "period.kind") or report.period_kind
    start = _get(snapshot, "period.start") or report.period_start.isoformat()
    end = _get(snapshot, "period.end") or report.period_end.isoformat()
    heading = f"{scope}产改工作进展报告（{PERIOD_TERMS.get(kind, kind)}）{start} 至 {end}"
    previous_start = _get(snapshot, "previous_period.start") or ""
    previous_end = _get(snapshot, "previous_period.end") or ""
    generated = _local_datetime(snapshot.get("generated_at"))
    subheading = f"对比上期：{previous_start} 至 {previous_end}"
    if _get(snapshot, "year_ago_period.start"):
        year_ago = snapshot["year_ago_period"]
        subheading += f"；去年同期：{year_ago.get('start')} 至 {year_ago.get('end')}"
    if generated:
        subheading += f"；生成时间：{generated:%Y-%m-%d %H:%M}"
    subheading += f"；第 {report.version} 版"
    return heading, subheading


def report_filename(report: Report, extension: str = "xlsx", version: int | None = None) -> str:
    """The download's file name: 梁溪区进展报告-月报-20260601-20260630-v1.xlsx (`version`: an
    earlier build's number instead of the report's own)."""
    term = PERIOD_TERMS.get(report.period_kind, report.period_kind)
    return (
        f"{report.scope_label}进展报告-{term}-{report.period_start:%Y%m%d}-"
        f"{report.period_end:%Y%m%d}-v{version or report.version}.{extension}"
    )


def report_workbook(report: Report, snapshot: dict) -> bytes:
    """The report's workbook (.xlsx bytes), one sheet per section of `snapshot`."""
    heading, subheading = _headings(report, snapshot)
    sheets = [
        _summary(snapshot, report),
        _tasks(snapshot),
        _ledger(spec.GRIEVANCES_SECTION, snapshot),
        _activities(snapshot),
        _coverage(snapshot),
        *(_ledger(section, snapshot) for section in spec.LEDGER_SECTIONS),
        _overdue(snapshot),
        _overdue_tasks(snapshot),
        _grievances_by_unit(snapshot),
        _by_park(snapshot),
        excel_areas.by_subdistrict(snapshot),
        _definitions(snapshot),
    ]
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        sheet.write(workbook, heading, subheading)
    stream = BytesIO()
    workbook.save(stream)
    return stream.getvalue()
