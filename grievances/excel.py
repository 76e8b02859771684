"""The inbox as an Excel sheet (职工诉求台账), written row by row with openpyxl's write-only mode
by the export job (grievances.exports).

The headers are fixed Chinese strings whatever the UI language: the sheet is passed around
offices. Complainants' names and phones are masked unless the caller's `reveal(grievance)` says
otherwise; the caller logs what was revealed (grievances.services.record_personal_data_views).
"""

from datetime import datetime
from functools import cache

from django.utils import timezone, translation
from django.utils.translation import pgettext_lazy
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from grievances.choices import Category, Channel, Satisfaction, Status
from grievances.selectors import complainant_shown
from parks.core.excel import XLSX_CONTENT_TYPE, sheet_cell  # noqa: F401  (tests import it here)

SHEET_TITLE = "职工诉求"
# Rows are fetched from the database in chunks, never all at once.
CHUNK_SIZE = 1000

# (header, column width). Chinese characters are about two units wide.
COLUMNS = [
    ("查询码", 14),
    ("园区", 26),
    ("网格", 18),
    ("渠道", 14),
    ("类别", 14),
    ("标题", 30),
    ("诉求内容", 50),
    ("诉求人", 10),
    ("联系电话", 15),
    ("工作单位", 20),
    ("状态", 12),
    ("承办单位", 20),
    ("承办人", 10),
    ("受理时间", 17),
    ("响应时限", 17),
    ("办结时限", 17),
    ("响应时间", 17),
    ("反馈时间", 17),
    ("办结时间", 17),
    ("时限预警", 12),
    ("满意度", 10),
    ("已整改", 8),
    ("答复", 40),
]
HEADERS = [header for header, _width in COLUMNS]
# The time-limit flags of selectors.with_deadline_flags, worded as the pages' badges.
FLAG_LABELS = {
    "breached": pgettext_lazy("time limit", "Breached"),
    "due_soon": pgettext_lazy("time limit", "Due soon"),
    "ok": pgettext_lazy("time limit", "On time"),
    "done": pgettext_lazy("time limit", "Done"),
}


@cache
def _labels(choices, language: str | None) -> dict:
    # Looked up once per language, not once per cell: 100k rows would ask 300k times.
    return {value: str(label) for value, label in choices.choices}


def _label(choices, value):
    return _labels(choices, translation.get_language()).get(value, value)


def _local(value: datetime | None):
    # Excel has no time zones: write the wall-clock time of the portal's zone.
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def grievance_row(grievance, *, revealed: bool) -> list:
    """One grievance as the sheet's cells (labels in the active language)."""
    personal = complainant_shown(grievance, revealed=revealed)
    zone = grievance.grid_zone
    flag = getattr(grievance, "deadline_flag", "")
    return [
        grievance.tracking_code,
        grievance.park.name,
        f"{zone.code} {zone.name}" if zone else "",
        _label(Channel, grievance.channel),
        _label(Category, grievance.category),
        grievance.title,
        grievance.description,
        personal["name"],
        personal["phone"],
        personal["employer"],
        _label(Status, grievance.status),
        grievance.handling_unit.name if grievance.handling_unit else "",
        str(grievance.handler) if grievance.handler else "",
        _local(grievance.received_at),
        _local(grievance.response_due_at),
        _local(grievance.resolution_due_at),
        _local(grievance.responded_at),
        _local(grievance.resolved_at),
        _local(grievance.closed_at),
        str(FLAG_LABELS.get(flag, "")) if flag else "",
        _label(Satisfaction, grievance.satisfaction) if grievance.satisfaction else "",
        "是" if grievance.rectified else "",
        grievance.reply,
    ]


def write_grievances(grievances, stream, *, reveal, counted=iter) -> list[int]:
    """Write grievances (related rows joined) as .xlsx to `stream`; return the revealed ids.
    `counted` wraps the rows as they are read (the export job's progress)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet.freeze_panes = "A2"
    for index, (_header, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append([sheet_cell(sheet, text, bold=True) for text in HEADERS])
    revealed = []
    with translation.override("zh-hans"):
        for grievance in counted(grievances.iterator(chunk_size=CHUNK_SIZE)):
            shown = bool(reveal(grievance))
            if shown:
                revealed.append(grievance.pk)
            sheet.append(
                [sheet_cell(sheet, value) for value in grievance_row(grievance, revealed=shown)]
            )
    workbook.save(stream)
    return revealed
