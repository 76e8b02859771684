"""The workbook's sheets per area: 各园区 (a park's `by_park` entry a row) and 各街道 (a
subdistrict's `by_subdistrict` entry, with the same columns)."""

from parks.core.figures import percent
from reforms.reporting import excel_cells as book
from reforms.reporting import spec


def by_subdistrict(snapshot: dict):
    """各街道: one row per subdistrict of a district report; no rows in any other."""
    columns = [("parks", spec.SUBDISTRICT["parks"])] + [
        (path, spec.subdistrict_figure(path)) for path in BY_PARK_COLUMNS
    ]
    rate = spec.PARK_COVERAGE_RATE
    sheet = book.SheetWriter(
        spec.BY_SUBDISTRICT_SHEET,
        [spec.SUBDISTRICT["subdistrict_name"].term, *(f.term for _path, f in columns), rate.term],
    )
    for row in snapshot.get("by_subdistrict") or []:
        zones, covered = book.value_at(row, rate.whole), book.value_at(row, rate.part)
        # Worked out from the summed zones (parks.core.figures.percent), as the page does.
        share = percent(covered, zones or 0) if covered is not None else None
        sheet.row(
            row.get("subdistrict_name") or "",
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
    columns = [(path, spec.park_figure(path)) for path in BY_PARK_COLUMNS]
    rate = spec.PARK_COVERAGE_RATE
    sheet = book.SheetWriter(
        spec.BY_PARK_SHEET,
        [spec.PARK["park_name"].term, *(figure.term for _path, figure in columns), rate.term],
    )
    for park in snapshot.get("by_park") or []:
        zones, covered = book.value_at(park, rate.whole), book.value_at(park, rate.part)
        # The page's and the dashboard's rate (parks.core.figures.percent), as a fraction.
        share = (
            book.excel_number(percent(covered, zones or 0), book.RATE_FORMAT)
            if covered is not None
            else None
        )
        sheet.row(
            park.get("park_name") or "",
            *(
                book.Cell(
                    book.excel_number(book.value_at(park, path), book.FORMATS[figure.kind]),
                    book.FORMATS[figure.kind],
                )
                for path, figure in columns
            ),
            book.Cell(share, book.RATE_FORMAT),
        )
    return sheet
