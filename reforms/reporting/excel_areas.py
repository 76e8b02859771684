"""The workbook's sheets per area: 各园区 (a park's `by_park` entry a row) and 各街道 (a
subdistrict's `by_subdistrict` entry, with the same columns)."""

from parks.core.figures import percent
from reforms.reporting import excel_cells as book
from reforms.reporting import spec

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


def by_park(snapshot: dict) -> book.SheetWriter:
    """各园区: one row per park."""
    columns = [(path, spec.park_figure(path)) for path in BY_PARK_COLUMNS]
    name = spec.PARK["park_name"]
    return _area_sheet(spec.BY_PARK_SHEET, name, columns, snapshot.get("by_park"))


def by_subdistrict(snapshot: dict) -> book.SheetWriter:
    """各街道: one row per subdistrict of a district report; no rows in any other."""
    columns = [("parks", spec.SUBDISTRICT["parks"])] + [
        (path, spec.subdistrict_figure(path)) for path in BY_PARK_COLUMNS
    ]
    name = spec.SUBDISTRICT["subdistrict_name"]
    return _area_sheet(spec.BY_SUBDISTRICT_SHEET, name, columns, snapshot.get("by_subdistrict"))


def _area_sheet(title: str, name, columns: list, rows: list | None) -> book.SheetWriter:
    """A sheet of areas: the area's name, its figures, and its grid coverage worked out from its
    zones (parks.core.figures.percent, as the page does), as a fraction."""
    rate = spec.PARK_COVERAGE_RATE
    sheet = book.SheetWriter(title, [name.term, *(f.term for _path, f in columns), rate.term])
    for row in rows or []:
        zones, covered = book.value_at(row, rate.whole), book.value_at(row, rate.part)
        share = percent(covered, zones or 0) if covered is not None else None
        sheet.row(
            row.get(name.key) or "",
            *(
                book.Cell(
                    book.excel_number(book.value_at(row, path), book.FORMATS[figure.kind]),
                    book.FORMATS[figure.kind],
                )
                for path, figure in columns
            ),
            book.Cell(book.excel_number(share, book.RATE_FORMAT), book.RATE_FORMAT),
        )
    return sheet
