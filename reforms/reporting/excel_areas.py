"""The workbook's sheets per area: 各园区 (a park's `by_park` entry a row) and 各街道 (a
subdistrict's `by_subdistrict` entry, with the same columns).

After the period's figures and the grid coverage, the same figures over the period before (上期…)
and the same period a year earlier (去年同期…), where they count over a period: the grievances,
the activities and the zones covered, and the coverage worked out from them. The tasks and the
zones stand as they are on `as_of` and are not repeated. A report built before areas were
compared leaves those cells empty."""

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
# Of those, the ones counted over a period, repeated for each compared period.
COMPARED_COLUMNS = tuple(
    path
    for path in BY_PARK_COLUMNS
    if path.partition(".")[0] in ("grievances", "activities") or path == "coverage.covered"
)
# The compared periods of an entry, with the words before a figure's term in their columns.
COMPARED = (("previous", "上期"), ("year_ago", "去年同期"))


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
    zones (parks.core.figures.percent, as the page does), as a fraction; then the same over each
    compared period."""
    rate = spec.PARK_COVERAGE_RATE
    compared = [(path, spec.park_figure(path)) for path in COMPARED_COLUMNS]
    sheet = book.SheetWriter(
        title,
        [
            name.term,
            *(f.term for _path, f in columns),
            rate.term,
            *(
                f"{words}{term}"
                for _key, words in COMPARED
                for term in (*(f.term for _path, f in compared), rate.term)
            ),
        ],
    )
    for row in rows or []:
        sheet.row(
            row.get(name.key) or "",
            *_cells(row, columns),
            _coverage(row),
            *(
                cell
                for key, _words in COMPARED
                for cell in (*_cells(row.get(key), compared), _coverage(row.get(key)))
            ),
        )
    return sheet


def _cells(part: dict | None, columns: list) -> list[book.Cell]:
    return [
        book.Cell(
            book.excel_number(book.value_at(part, path), book.FORMATS[figure.kind]),
            book.FORMATS[figure.kind],
        )
        for path, figure in columns
    ]


def _coverage(part: dict | None) -> book.Cell:
    """The grid coverage of an entry (or of its figures over a compared period)."""
    rate = spec.PARK_COVERAGE_RATE
    zones, covered = book.value_at(part, rate.whole), book.value_at(part, rate.part)
    share = percent(covered, zones or 0) if covered is not None else None
    return book.Cell(book.excel_number(share, book.RATE_FORMAT), book.RATE_FORMAT)
