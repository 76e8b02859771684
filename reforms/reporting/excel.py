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

from collections.abc import Iterator
from io import BytesIO

from openpyxl import Workbook

from reforms.ledgers.excel import COUNT_FORMAT
from reforms.reporting import excel_areas, shape, spec
from reforms.reporting.contents import SCHEMA_VERSION
from reforms.reporting.excel_cells import (
    CHANGE_FORMATS,
    FORMATS,
    PERIOD_TERMS,
    Cell,
    SheetWriter,
    as_date,
    as_local_datetime,
    change_of,
    excel_number,
    value_at,
)
from reforms.reporting.models import Report

# 同比: the change from the same period a year earlier, as 增减 is from the period before
# (a rate's in percentage points).
COMPARISON_HEADERS = ["项目", "本期", "上期", "增减", "去年同期", "同比"]


def _compare_row(
    sheet: SheetWriter, label: str, current, previous, number_format: str, year_ago=None
):
    current = excel_number(current, number_format)
    change = CHANGE_FORMATS.get(number_format)
    cells = [Cell(current, number_format)]
    for before in (excel_number(previous, number_format), excel_number(year_ago, number_format)):
        cells += [Cell(before, number_format), Cell(change_of(current, before), change)]
    sheet.row(label, *cells)


def _compare(sheet: SheetWriter, section: dict | None, rows) -> None:
    """One row per (term, key in current/previous/year_ago, number format)."""
    section = section or {}
    for label, key, number_format in rows:
        _compare_row(
            sheet,
            label,
            value_at(section, f"current.{key}"),
            value_at(section, f"previous.{key}"),
            number_format,
            value_at(section, f"year_ago.{key}"),
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
            value_at(snapshot, f"{section}.current.{key}"),
            value_at(snapshot, f"{section}.previous.{key}"),
            FORMATS[figure.kind],
            value_at(snapshot, f"{section}.year_ago.{key}"),
        )
    overdue = sum(row.get("overdue") or 0 for row in snapshot.get("overdue_by_unit") or ())
    sheet.row(f"{spec.OVERDUE_UNIT['overdue'].term}", Cell(overdue, COUNT_FORMAT))

    sheet.blank()
    sheet.subheader("报告信息", "内容")
    scope = snapshot.get("scope") or {}
    kind = value_at(snapshot, "period.kind") or report.period_kind
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
        value = value_at(snapshot, path)
        value = as_local_datetime(value) if figure.kind == shape.DATETIME else as_date(value)
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
            now = value_at(current, key)
            cells.append(Cell(now, COUNT_FORMAT))
            for before in (value_at(previous, key), value_at(year_ago, key)):
                cells += [
                    Cell(before, COUNT_FORMAT),
                    Cell(change_of(now, before), CHANGE_FORMATS[COUNT_FORMAT]),
                ]
        return cells

    current, previous = section.get("current") or {}, section.get("previous") or {}
    year_ago = section.get("year_ago") or {}
    kinds = {**spec.ACTIVITY_TERMS}
    for kind in value_at(current, "by_kind") or {}:
        kinds.setdefault(kind, kind)
    for kind, term in kinds.items():
        sheet.row(
            term,
            *figures(
                *(value_at(part, f"by_kind.{kind}") for part in (current, previous, year_ago))
            ),
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
                cells.append(Cell(as_date(value), FORMATS[figure.kind]))
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
                Cell(excel_number(row.get(figure.key), FORMATS[figure.kind]), FORMATS[figure.kind])
                for figure in figures
            ),
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
    scope = value_at(snapshot, "scope.name") or report.scope_label
    kind = value_at(snapshot, "period.kind") or report.period_kind
    start = value_at(snapshot, "period.start") or report.period_start.isoformat()
    end = value_at(snapshot, "period.end") or report.period_end.isoformat()
    heading = f"{scope}产改工作进展报告（{PERIOD_TERMS.get(kind, kind)}）{start} 至 {end}"
    previous_start = value_at(snapshot, "previous_period.start") or ""
    previous_end = value_at(snapshot, "previous_period.end") or ""
    generated = as_local_datetime(snapshot.get("generated_at"))
    subheading = f"对比上期：{previous_start} 至 {previous_end}"
    if value_at(snapshot, "year_ago_period.start"):
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


def _supervision(snapshot: dict) -> SheetWriter:
    """The period's supervision orders: the scope's total, then each responsible unit."""
    figures = spec.ORDER_FIGURES
    count = FORMATS[shape.COUNT]
    sheet = SheetWriter(
        spec.SUPERVISION_SHEET,
        [spec.UNIT_ORDERS["unit_name"].term, *(figure.term for figure in figures)],
    )
    total = snapshot.get("supervision")
    if total is not None:
        sheet.row(
            Cell("合计", bold=True),
            *(Cell(total.get(figure.key), count, bold=True) for figure in figures),
        )
    for row in snapshot.get("supervision_by_unit") or []:
        sheet.row(
            row.get("unit_name") or "", *(Cell(row.get(figure.key), count) for figure in figures)
        )
    return sheet


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
        _supervision(snapshot),
        excel_areas.by_park(snapshot),
        excel_areas.by_subdistrict(snapshot),
        _definitions(snapshot),
    ]
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        sheet.write(workbook, heading, subheading)
    stream = BytesIO()
    workbook.save(stream)
    return stream.getvalue()
