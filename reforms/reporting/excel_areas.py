"""The workbook's per-subdistrict sheet (各街道), beside reforms.reporting.excel's 各园区: the
same columns, a subdistrict's `by_subdistrict` entry in place of a park's.

Reads the workbook's helpers through the module (`book.SheetWriter`), as reforms.reporting.excel
imports this one to assemble the workbook.
"""

from parks.core.figures import percent
from reforms.reporting import excel as book
from reforms.reporting import spec


def by_subdistrict(snapshot: dict):
    """各街道: one row per subdistrict of a district report; no rows in any other."""
    columns = [("parks", spec.SUBDISTRICT["parks"])] + [
        (path, spec.subdistrict_figure(path)) for path in book.BY_PARK_COLUMNS
    ]
    rate = spec.PARK_COVERAGE_RATE
    sheet = book.SheetWriter(
        spec.BY_SUBDISTRICT_SHEET,
        [spec.SUBDISTRICT["subdistrict_name"].term, *(f.term for _path, f in columns), rate.term],
    )
    for row in snapshot.get("by_subdistrict") or []:
        zones, covered = book._get(row, rate.whole), book._get(row, rate.part)
        # Worked out from the summed zones (parks.core.figures.percent), as the page does.
        share = percent(covered, zones or 0) if covered is not None else None
        sheet.row(
            row.get("subdistrict_name") or "",
            *(
                book.Cell(
                    book._number(book._get(row, path), book.FORMATS[figure.kind]),
                    book.FORMATS[figure.kind],
                )
                for path, figure in columns
            ),
            book.Cell(book._number(share, book.RATE_FORMAT), book.RATE_FORMAT),
        )
    return sheet
