"""The grid log's feed as an export (parks.exports): the worker rebuilds the feed with the
filters it was asked with, as the person who asked, and writes what the feed shows of each entry
— when, what kind, the title, where (park, grid zone, place), how many took part and who logged
it. No personal data: the log holds none of the workers who took part.

The sheet is Chinese whatever the UI language, like every workbook the offices pass around;
rows are read as plain values (one query per chunk) and streamed into the workbook
(parks.core.xlsx), a million of them in bounded memory.
"""

from django.contrib.auth.decorators import login_required
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from parks.core.xlsx import Workbook
from parks.exports.registry import ExportKind, register
from parks.exports.views import start_export
from parks.gridlog import selectors
from parks.gridlog.choices import ActivityKind
from parks.gridlog.filters import ActivityFilter

KIND = "activities"
SHEET_TITLE = "网格活动"
PARK_WIDE = "全园区"
CHUNK_SIZE = 2000
# (header, column width). Chinese characters are about two units wide.
COLUMNS = [
    ("时间", 17),
    ("类别", 12),
    ("标题", 34),
    ("园区", 26),
    ("网格", 20),
    ("地点", 20),
    ("参与人数", 10),
    ("登记人", 12),
]
HEADERS = [header for header, _width in COLUMNS]
FIELDS = (
    "occurred_at",
    "kind",
    "title",
    "park__name",
    "grid_zone_id",
    "grid_zone__code",
    "grid_zone__name",
    "place",
    "participants",
    "logged_by__display_name",
    "logged_by__username",
)


@login_required
def activity_export(request):
    """The feed as Excel, with the same filters, written by the worker: this starts the export
    and shows its progress (parks.exports)."""
    return start_export(request, KIND)


def _filtered(request):
    from parks.gridlog.views.office import filtered_activities

    return filtered_activities(
        request, selectors.activity_list(user=request.user), data=request.GET
    )


def _errors(request) -> dict:
    return dict(_filtered(request)[0].errors)


def activity_cells(values: tuple, kinds: dict, zone) -> list:
    """One entry as the sheet's cells, from its FIELDS values (the time as the wall clock of
    the portal's zone `zone`: Excel has no time zones)."""
    (at, kind, title, park, zone_id, zone_code, zone_name, place, people, name, username) = values
    return [
        at.astimezone(zone).replace(tzinfo=None),
        kinds.get(kind, kind),
        title,
        park,
        f"{zone_code} {zone_name}" if zone_id else PARK_WIDE,
        place,
        people,
        name or username,
    ]


def write_activities(activities, stream, *, counted=iter) -> None:
    """Write the feed's entries as .xlsx to `stream`, row by row."""
    book = Workbook(stream)
    widths = [width for _header, width in COLUMNS]
    sheet = book.create_sheet(SHEET_TITLE, widths=widths, freeze_header=True)
    sheet.append(HEADERS, bold=True)
    with translation.override("zh-hans"):
        kinds = {value: str(label) for value, label in ActivityKind.choices}
    zone = timezone.get_current_timezone()
    rows = activities.prefetch_related(None).values_list(*FIELDS)
    for values in counted(rows.iterator(chunk_size=CHUNK_SIZE)):
        sheet.append(activity_cells(values, kinds, zone))
    book.close()


def _write(request, stream, progress):
    activities = _filtered(request)[1]
    progress.start(activities.count())
    write_activities(activities, stream, counted=progress.rows)


def _filename(day):
    return f"网格活动-{day:%Y%m%d}.xlsx", f"activities-{day:%Y%m%d}.xlsx"


def register_kind() -> None:
    register(
        ExportKind(
            key=KIND,
            label=_("Grid activity"),
            errors=_errors,
            write=_write,
            filename=_filename,
            parameters=lambda: tuple(ActivityFilter.base_filters),
            list_url=lambda: reverse("parks:activity_feed"),
        )
    )
