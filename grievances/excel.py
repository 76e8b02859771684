"""The inbox as an Excel sheet (职工诉求台账), written row by row by the export job
(grievances.exports) with the streaming writer of the large exports (parks.core.xlsx).

The headers are fixed Chinese strings whatever the UI language: the sheet is passed around
offices. Complainants' names and phones are masked unless the caller's `reveal(grievance)` says
otherwise; the caller logs what was revealed (grievances.services.record_personal_data_views).
"""

from array import array
from datetime import datetime

from django.utils import timezone, translation
from django.utils.translation import pgettext_lazy

from grievances.choices import Category, Channel, Satisfaction, Status
from grievances.models import Grievance
from grievances.selectors import complainant_shown
from parks.core.excel import XLSX_CONTENT_TYPE  # noqa: F401  (tests import it here)
from parks.core.xlsx import Workbook
from parks.structure.models import User

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


class Labels:
    """The choice labels of the active language and the portal's zone, looked up once per
    sheet rather than once per cell (a 100k-row sheet would ask 500k times)."""

    def __init__(self) -> None:
        self.zone = timezone.get_current_timezone()
        self.of = {
            choices: {value: str(label) for value, label in choices.choices}
            for choices in (Channel, Category, Status, Satisfaction)
        }
        self.flags = {key: str(label) for key, label in FLAG_LABELS.items()}

    def label(self, choices, value):
        return self.of[choices].get(value, value)

    def local(self, value: datetime | None):
        # Excel has no time zones: write the wall-clock time of the portal's zone.
        return value.astimezone(self.zone).replace(tzinfo=None) if value else None


def grievance_row(grievance, *, revealed: bool, labels: Labels | None = None) -> list:
    """One grievance as the sheet's cells (labels in the active language)."""
    labels = labels or Labels()
    label, local = labels.label, labels.local
    personal = complainant_shown(grievance, revealed=revealed)
    zone = grievance.grid_zone
    flag = getattr(grievance, "deadline_flag", "")
    return [
        grievance.tracking_code,
        grievance.park.name,
        f"{zone.code} {zone.name}" if zone else "",
        label(Channel, grievance.channel),
        label(Category, grievance.category),
        grievance.title,
        grievance.description,
        personal["name"],
        personal["phone"],
        personal["employer"],
        label(Status, grievance.status),
        grievance.handling_unit.name if grievance.handling_unit else "",
        str(grievance.handler) if grievance.handler else "",
        local(grievance.received_at),
        local(grievance.response_due_at),
        local(grievance.resolution_due_at),
        local(grievance.responded_at),
        local(grievance.resolved_at),
        local(grievance.closed_at),
        labels.flags.get(flag, "") if flag else "",
        label(Satisfaction, grievance.satisfaction) if grievance.satisfaction else "",
        "是" if grievance.rectified else "",
        grievance.reply,
    ]


# What grievance_row and the masking rule (access.handles: the handling unit) read, as columns:
# the grievance's own (and the inbox's deadline flag), read under their names, then its related
# rows' and the ids that say whether it has one. The rest stays in the database.
SHEET_ATTRIBUTES = (
    "pk",
    "tracking_code",
    "channel",
    "category",
    "title",
    "description",
    *Grievance.PERSONAL_FIELDS,
    "status",
    "handling_unit_id",
    "received_at",
    "response_due_at",
    "resolution_due_at",
    "responded_at",
    "resolved_at",
    "closed_at",
    "satisfaction",
    "rectified",
    "reply",
    "deadline_flag",
)
SHEET_COLUMNS = (
    *SHEET_ATTRIBUTES,
    "park__name",
    "grid_zone_id",
    "grid_zone__code",
    "grid_zone__name",
    "handling_unit__name",
    "handler_id",
    "handler__display_name",
    "handler__username",
)


class _Related:
    """A related row as grievance_row reads it: its name (a park, a unit) or code and name (a
    zone)."""

    __slots__ = ("code", "name")

    def __init__(self, name: str, code: str = "") -> None:
        self.name, self.code = name, code


class _SheetRow:
    """A grievance read as the columns the sheet and the masking rule read (SHEET_COLUMNS),
    under the names they read on a Grievance: a model instance per row and per related row
    (some 130,000 for 50,000 grievances) was half the reading of a big export."""

    __slots__ = (*SHEET_ATTRIBUTES, "park", "grid_zone", "handling_unit", "handler")


def _sheet_rows(grievances):
    """The grievances as _SheetRow objects, read a chunk at a time. A handler is named by the
    User model's own str() (made once per person), so the sheet names people as pages do."""
    handlers: dict[tuple[str, str], str] = {}
    parks: dict[str, _Related] = {}
    units: dict[str, _Related] = {}
    zones: dict[tuple[str, str], _Related] = {}
    width = len(SHEET_ATTRIBUTES)
    rows = grievances.values_list(*SHEET_COLUMNS).iterator(chunk_size=CHUNK_SIZE)
    for values in rows:
        row = _SheetRow.__new__(_SheetRow)
        for name, value in zip(SHEET_ATTRIBUTES, values, strict=False):
            setattr(row, name, value)
        park, zone_id, code, zone, unit, handler_id, display, username = values[width:]
        row.park = parks.get(park) or parks.setdefault(park, _Related(park))
        row.grid_zone = (
            None if zone_id is None else zones.setdefault((code, zone), _Related(zone, code))
        )
        row.handling_unit = (
            None if row.handling_unit_id is None else units.setdefault(unit, _Related(unit))
        )
        if handler_id is None:
            row.handler = None
        else:
            key = (display, username)
            if key not in handlers:
                handlers[key] = str(User(display_name=display, username=username))
            row.handler = handlers[key]
        yield row


def write_grievances(grievances, stream, *, reveal, counted=iter) -> array:
    """Write grievances (related rows joined) as .xlsx to `stream`; return the revealed ids
    (8 bytes each, not an object each). `counted` wraps the rows as they are read (the export
    job's progress)."""
    book = Workbook(stream)
    sheet = book.create_sheet(
        SHEET_TITLE, widths=[width for _header, width in COLUMNS], freeze_header=True
    )
    sheet.append(HEADERS, bold=True)
    revealed = array("q")
    with translation.override("zh-hans"):
        labels = Labels()
        for grievance in counted(_sheet_rows(grievances)):
            shown = bool(reveal(grievance))
            if shown:
                revealed.append(grievance.pk)
            sheet.append(grievance_row(grievance, revealed=shown, labels=labels))
    book.close()
    return revealed
