"""The streaming writer (parks.core.xlsx) writes a text cell it keeps made (Worksheet._texts)
byte for byte as it writes one made afresh: repeated, long, formula-like and bold texts, past
the bound, beside every other kind of value."""

import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO

from parks.core import xlsx


def _sheet(rows) -> bytes:
    stream = BytesIO()
    book = xlsx.Workbook(stream)
    sheet = book.create_sheet("表", widths=[10, 20], freeze_header=True)
    sheet.append(["查询码", "园区"], bold=True)
    for row in rows:
        sheet.append(row)
    sheet.append(["查询码", "=SUM(A1)"], bold=True)
    book.close()
    with zipfile.ZipFile(stream) as written:
        return written.read("xl/worksheets/sheet1.xml")


ROWS = [
    [
        "无锡华夏家居港建材市场",
        f"标题 {n}",
        "=HYPERLINK(1)" if n % 3 else "-1",
        "<b> & </b>",
        "长" * (xlsx.MAX_KEPT_TEXT + n % 2),
        "bad\x07char",
        "",
        None,
        n,
        Decimal("1.50"),
        n / 7,
        True,
        datetime(2026, 6, 1, 9, n % 60),  # noqa: DTZ001 (the exports' local times are naive)
        datetime(2026, 6, 1, 9, 30, tzinfo=UTC),
        date(2026, 6, n % 28 + 1),
        "查询码",
    ]
    for n in range(40)
]


def test_kept_text_cells_are_the_cells_made_afresh(monkeypatch):
    kept = _sheet(ROWS)
    monkeypatch.setattr(xlsx, "MAX_TEXTS", 5)  # most texts past the bound
    bounded = _sheet(ROWS)
    monkeypatch.setattr(xlsx, "MAX_TEXTS", 0)  # none kept: every cell made afresh
    assert _sheet(ROWS) == kept == bounded
    assert b"&lt;b&gt; &amp; &lt;/b&gt;" in kept
