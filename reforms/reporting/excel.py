"""A progress report as an Excel workbook (进展报告), written from its snapshot in openpyxl's
write-only (streaming) mode.

As with the ledgers and the construction table, the text is fixed Chinese whatever the UI
language: reports are filed and passed around offices, and a reworded translation must never
change a filed workbook. One sheet per section of the snapshot; each compares the period with
the one before. Rates are stored as fractions under a percent format, so Excel can compute with
them; money stays exact (Decimal); dates are dates.

Only the snapshot is read: the workbook shows exactly the figures the page and the API show,
and a key the snapshot lacks (an older schema) leaves its cell empty rather than failing.
"""

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from io import BytesIO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from parks.choices import ActivityKind
from parks.excel import DATE_FORMAT, DATETIME_FORMAT, sheet_cell

from ..choices import PeriodKind, TaskStatus, WarningLevel
from ..ledger_excel import (
    CHANNEL_TERMS,
    COUNT_FORMAT,
    HOURS_FORMAT,
    STATUS_TERMS,
    YUAN_FORMAT,
)
from ..models import Report

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
TASK_STATUS_TERMS = {
    TaskStatus.PLANNED: "未开始",
    TaskStatus.IN_PROGRESS: "推进中",
    TaskStatus.DONE: "已完成",
    TaskStatus.SUSPENDED: "已暂停",
    TaskStatus.CANCELLED: "已取消",
}
WARNING_TERMS = {
    WarningLevel.GREEN: "正常",
    WarningLevel.YELLOW: "黄色预警",
    WarningLevel.RED: "红色预警（逾期）",
    WarningLevel.DONE_LATE: "逾期完成",
    WarningLevel.NONE: "不督办",
}
ACTIVITY_TERMS = {
    ActivityKind.VISIT: "巡查走访",
    ActivityKind.LECTURE: "主题宣讲",
    ActivityKind.TRAINING: "技能培训",
    ActivityKind.CARE: "关爱活动",
    ActivityKind.MEDIATION: "调解",
    ActivityKind.FORUM: "职工座谈会",
    ActivityKind.READING: "职工阅读活动",
    ActivityKind.SURVEY: "发放调查问卷",
    ActivityKind.PARTY_POST: "党员示范岗",
    ActivityKind.OTHER: "其他",
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


COMPARISON_HEADERS = ["项目", "本期", "上期", "增减"]


def _compare_row(sheet: SheetWriter, label: str, current, previous, number_format: str):
    current = _number(current, number_format)
    previous = _number(previous, number_format)
    sheet.row(
        label,
        Cell(current, number_format),
        Cell(previous, number_format),
        Cell(_change(current, previous), CHANGE_FORMATS.get(number_format)),
    )


def _compare(sheet: SheetWriter, section: dict | None, rows) -> None:
    """One row per (label, key in current/previous, number format)."""
    section = section or {}
    for label, key, number_format in rows:
        _compare_row(
            sheet,
            label,
            _get(section, f"current.{key}"),
            _get(section, f"previous.{key}"),
            number_format,
        )


# --- Sections -----------------------------------------------------------------------------------

GRIEVANCE_ROWS = (
    ("受理诉求数", "received", COUNT_FORMAT),
    ("按时响应数", "responded_in_time", COUNT_FORMAT),
    ("已办结数", "resolved", COUNT_FORMAT),
    ("按时办结数", "resolved_in_time", COUNT_FORMAT),
    ("已回访数", "followed_up", COUNT_FORMAT),
    ("满意数", "satisfied", COUNT_FORMAT),
    ("响应率", "response_rate", RATE_FORMAT),
    ("解决率", "resolution_rate", RATE_FORMAT),
    ("满意率", "satisfaction_rate", RATE_FORMAT),
    ("满意度调查：发放问卷", "funnel.handed_out", COUNT_FORMAT),
    ("满意度调查：回收问卷", "funnel.returned", COUNT_FORMAT),
    ("满意度调查：收集意见", "funnel.opinions", COUNT_FORMAT),
    ("满意度调查：已整改", "funnel.rectified", COUNT_FORMAT),
)
CARE_ROWS = (
    ("帮扶条数", "entries", COUNT_FORMAT),
    ("受助人数", "recipients", COUNT_FORMAT),
    ("帮扶金额（元）", "amount", YUAN_FORMAT),
)
PUBLICITY_ROWS = (
    ("宣传报道总数", "entries", COUNT_FORMAT),
    *((term, channel.value, COUNT_FORMAT) for channel, term in CHANNEL_TERMS.items()),
)
TRAINING_ROWS = (
    ("培训期数", "entries", COUNT_FORMAT),
    ("学时", "hours", HOURS_FORMAT),
    ("参训人数", "trainees", COUNT_FORMAT),
    ("取证人数", "certificates", COUNT_FORMAT),
)
PROPOSAL_ROWS = (
    ("建议和成果总数", "entries", COUNT_FORMAT),
    ("其中：科技创新成果", "innovations", COUNT_FORMAT),
    *((f"状态：{term}", status.value, COUNT_FORMAT) for status, term in STATUS_TERMS.items()),
    ("效益金额（元）", "benefit_amount", YUAN_FORMAT),
    ("奖励金额（元）", "reward_amount", YUAN_FORMAT),
)


def _summary(snapshot: dict, report: Report) -> SheetWriter:
    sheet = SheetWriter("概览", COMPARISON_HEADERS)
    key_figures = (
        ("tasks", "本期完成任务数", "done", COUNT_FORMAT),
        ("tasks", "本期到期任务数", "due", COUNT_FORMAT),
        ("tasks", "任务按时完成率", "on_time_rate", RATE_FORMAT),
        ("grievances", "受理诉求数", "received", COUNT_FORMAT),
        ("grievances", "响应率", "response_rate", RATE_FORMAT),
        ("grievances", "解决率", "resolution_rate", RATE_FORMAT),
        ("grievances", "满意率", "satisfaction_rate", RATE_FORMAT),
        ("activities", "网格活动次数", "count", COUNT_FORMAT),
        ("activities", "活动参与人次", "participants", COUNT_FORMAT),
        ("coverage", "网格覆盖率", "rate", RATE_FORMAT),
        ("care", "受助人数", "recipients", COUNT_FORMAT),
        ("care", "帮扶金额（元）", "amount", YUAN_FORMAT),
        ("publicity", "宣传报道数", "entries", COUNT_FORMAT),
        ("training", "参训人数", "trainees", COUNT_FORMAT),
        ("proposals", "合理化建议和创新成果数", "entries", COUNT_FORMAT),
    )
    for section, label, key, number_format in key_figures:
        _compare_row(
            sheet,
            label,
            _get(snapshot, f"{section}.current.{key}"),
            _get(snapshot, f"{section}.previous.{key}"),
            number_format,
        )
    overdue = sum(row.get("overdue") or 0 for row in snapshot.get("overdue_by_unit") or ())
    sheet.row("逾期未完成任务数", Cell(overdue, COUNT_FORMAT))

    sheet.blank()
    sheet.subheader("报告信息", "内容")
    scope = snapshot.get("scope") or {}
    kind = _get(snapshot, "period.kind") or report.period_kind
    sheet.row("报告范围", scope.get("name") or report.scope_label)
    sheet.row("报告类型", PERIOD_TERMS.get(kind, kind))
    for label, path in (
        ("本期开始", "period.start"),
        ("本期截止", "period.end"),
        ("上期开始", "previous_period.start"),
        ("上期截止", "previous_period.end"),
        # Task states, answers and statuses stand as on the day of the build.
        ("数据截至", "as_of"),
        ("逾期统计截至", "overdue_as_of"),
    ):
        sheet.row(label, Cell(_date(_get(snapshot, path)), DATE_FORMAT))
    sheet.row("生成时间", Cell(_local_datetime(snapshot.get("generated_at")), DATETIME_FORMAT))
    sheet.row("版本", Cell(report.version, COUNT_FORMAT))
    return sheet


def _tasks(snapshot: dict) -> SheetWriter:
    section = snapshot.get("tasks") or {}
    sheet = SheetWriter("任务", COMPARISON_HEADERS)
    _compare(
        sheet,
        section,
        (
            ("本期完成任务数", "done", COUNT_FORMAT),
            ("其中按时完成", "done_on_time", COUNT_FORMAT),
            ("本期到期任务数（不含已取消）", "due", COUNT_FORMAT),
            ("到期任务中按时完成数", "due_done_on_time", COUNT_FORMAT),
            ("按时完成率", "on_time_rate", RATE_FORMAT),
        ),
    )
    sheet.blank()
    as_of = section.get("as_of") or snapshot.get("as_of")
    sheet.subheader(f"任务状态（截至 {as_of}）" if as_of else "任务状态", "任务数")
    sheet.row("任务总数", Cell(section.get("total"), COUNT_FORMAT))
    by_status = section.get("by_status") or {}
    for status, term in TASK_STATUS_TERMS.items():
        sheet.row(f"状态：{term}", Cell(by_status.get(status), COUNT_FORMAT))
    by_warning = section.get("by_warning") or {}
    for level, term in WARNING_TERMS.items():
        sheet.row(f"督办：{term}", Cell(by_warning.get(level), COUNT_FORMAT))
    return sheet


def _activities(snapshot: dict) -> SheetWriter:
    section = snapshot.get("activities") or {}
    sheet = SheetWriter(
        "活动",
        ["活动类型", "本期次数", "上期次数", "次数增减", "本期人次", "上期人次", "人次增减"],
    )

    def figures(current, previous):
        cells = []
        for key in ("count", "participants"):
            now, before = _get(current, key), _get(previous, key)
            cells += [
                Cell(now, COUNT_FORMAT),
                Cell(before, COUNT_FORMAT),
                Cell(_change(now, before), CHANGE_FORMATS[COUNT_FORMAT]),
            ]
        return cells

    current, previous = section.get("current") or {}, section.get("previous") or {}
    kinds = {**ACTIVITY_TERMS}
    for kind in _get(current, "by_kind") or {}:
        kinds.setdefault(kind, kind)
    for kind, term in kinds.items():
        sheet.row(
            term, *figures(_get(current, f"by_kind.{kind}"), _get(previous, f"by_kind.{kind}"))
        )
    total = figures(current, previous)
    for cell in total:
        cell.bold = True
    sheet.row(Cell("合计", bold=True), *total)
    return sheet


def _coverage(snapshot: dict) -> SheetWriter:
    section = snapshot.get("coverage") or {}
    sheet = SheetWriter("网格覆盖", COMPARISON_HEADERS)
    sheet.row("网格总数", Cell(section.get("zones"), COUNT_FORMAT))
    sheet.row("配备联络员的网格数", Cell(section.get("zones_with_liaison"), COUNT_FORMAT))
    _compare(
        sheet,
        section,
        (
            ("有活动记录的网格数", "covered", COUNT_FORMAT),
            ("网格覆盖率", "rate", RATE_FORMAT),
        ),
    )
    return sheet


def _ledger(title: str, snapshot: dict, key: str, rows) -> SheetWriter:
    sheet = SheetWriter(title, COMPARISON_HEADERS)
    _compare(sheet, snapshot.get(key), rows)
    return sheet


def _overdue(snapshot: dict) -> SheetWriter:
    as_of = snapshot.get("overdue_as_of")
    overdue = f"逾期未完成任务数（截至 {as_of}）" if as_of else "逾期未完成任务数"
    sheet = SheetWriter("逾期单位", ["序号", "牵头单位", overdue])
    rows = snapshot.get("overdue_by_unit") or []
    for number, row in enumerate(rows, start=1):
        sheet.row(Cell(number), row.get("unit_name") or "", Cell(row.get("overdue"), COUNT_FORMAT))
    total = sum(row.get("overdue") or 0 for row in rows)
    sheet.row(Cell("合计", bold=True), None, Cell(total, COUNT_FORMAT, bold=True))
    return sheet


BY_PARK_COLUMNS = (
    ("受理诉求数", "grievances.received", COUNT_FORMAT),
    ("响应率", "grievances.response_rate", RATE_FORMAT),
    ("解决率", "grievances.resolution_rate", RATE_FORMAT),
    ("满意率", "grievances.satisfaction_rate", RATE_FORMAT),
    ("活动次数", "activities.count", COUNT_FORMAT),
    ("参与人次", "activities.participants", COUNT_FORMAT),
    ("任务总数", "tasks.total", COUNT_FORMAT),
    ("已完成任务", "tasks.done", COUNT_FORMAT),
    ("红色预警", "tasks.red", COUNT_FORMAT),
    ("黄色预警", "tasks.yellow", COUNT_FORMAT),
    ("网格数", "coverage.zones", COUNT_FORMAT),
    ("有活动网格数", "coverage.covered", COUNT_FORMAT),
)


def _by_park(snapshot: dict) -> SheetWriter:
    sheet = SheetWriter(
        "各园区", ["园区", *(header for header, _path, _format in BY_PARK_COLUMNS), "网格覆盖率"]
    )
    for park in snapshot.get("by_park") or []:
        zones, covered = _get(park, "coverage.zones"), _get(park, "coverage.covered")
        rate = covered / zones if zones and covered is not None else None
        sheet.row(
            park.get("park_name") or "",
            *(
                Cell(_number(_get(park, path), number_format), number_format)
                for _header, path, number_format in BY_PARK_COLUMNS
            ),
            Cell(rate, RATE_FORMAT),
        )
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
        _ledger("诉求", snapshot, "grievances", GRIEVANCE_ROWS),
        _activities(snapshot),
        _coverage(snapshot),
        _ledger("关爱帮扶", snapshot, "care", CARE_ROWS),
        _ledger("宣传", snapshot, "publicity", PUBLICITY_ROWS),
        _ledger("培训", snapshot, "training", TRAINING_ROWS),
        _ledger("建议", snapshot, "proposals", PROPOSAL_ROWS),
        _overdue(snapshot),
        _by_park(snapshot),
    ]
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        sheet.write(workbook, heading, subheading)
    stream = BytesIO()
    workbook.save(stream)
    return stream.getvalue()
