"""The report is declared once (reforms.reporting.spec): its JSON, every workbook cell and the
printable page stay exactly as they were when the four hand-kept descriptions were folded.

The expected values were recorded from the code before the fold, on the hand-counted district
of test_report_figures, and are kept in report_definition_expected.json beside this file.
One change was made on purpose: the per-park grid coverage column of the workbook (各园区,
column N) is the one-decimal rate of the page (0.667, was 0.6666…), see test_one_percent.
Since then the page's actions gained the Word briefing's link ("Word briefing").

Issue 12 ("rate definitions that cannot flatter") re-recorded the file. What changed, and why:
- schema_version 1 -> 2: what the grievance figures count changed;
- the district's June resolution rate 60.0 -> 75.0 and park C's 0.0 -> null (—): G5, whose
  resolution deadline had not passed at the build, counted as a failure; it is pending now;
- added, not changed: the pending counts, the denominators they leave, the dispatch, return,
  first-call and reopen counts and four rates (按时办结率, 首次回访满意率, 退回率, 重办率) in
  the snapshot, the 诉求, 概览 and 各园区 sheets and the page; "Followed up"/"Satisfied" (已回访
  数/满意数) are named as what they count, calls (回访次数/满意次数);
- the workbook's new last sheet 口径说明 and the page's definitions footnote, which replaces
  the hand-written sentence that defined three rates without pending.

Issue 12 item 4 (the deeper report) re-recorded it again, adding only, changing no figure:
- the overdue tasks one by one (`overdue_tasks`, the sheet 逾期任务 and a table on the page);
- the grievances open and overdue at each period's end (`open_at_end`, `overdue_at_end`);
- the grievance figures per handling unit (`grievances_by_unit`, the sheet 各承办单位, a table);
- the page lists the activity kinds in their documented order (parks.gridlog.choices), where it
  followed the order the database keeps a JSON object's keys in;
- the figures per subdistrict (`by_subdistrict`: a district report's, an empty list in the
  others; the sheet 各街道, empty but for its headers outside a district report; a table "By
  subdistrict" on the district's and the week's page);
- the same period a year earlier (`year_ago_period`, every compared section's `year_ago`): the
  columns 去年同期 and 同比 (the change from it, as 增减 is from the period before) on every
  comparison sheet, 去年同期次数/次数同比 and 去年同期人次/人次同比 on 活动, "去年同期：… 至 …"
  in every sheet's second title row, and "Same period last year"/"Year on year" columns and
  "a year earlier …" under the page's title; no figure of the period or the period before
  changes;
- (not a change of the report: the tasks of the recorded world have titles of their own and the
  overdue tasks' and handling units' ids are named, so the record no longer depends on which
  tests ran before it in the same database.)

Issue 12 item 2 (one task on-time rate, reforms.tasks.selectors) re-recorded it again:
- schema_version 2 -> 3: tasks due in the period but not yet due at the build are pending,
  left out of the on-time rate (they counted as not done on time); no figure of this world
  changes, its periods being over before the build;
- added, not changed: due_pending and due_counted (其中未到期任务数, 其中应完成任务数) in the
  snapshot, the 任务 sheet and the page, 本期到期任务中未到期数 in 概览; the on-time figures'
  口径 rows and the page's footnote now give the one definition; 数据截至日's 口径 names the
  pending tasks among what the build fixes.

Issue 13 item 5 (supervision orders, 督办单) re-recorded it again, adding only, changing no
figure: the period's orders (`supervision`: issued, answered on time, overdue, times urged) and
the same per responsible unit (`supervision_by_unit`) in the snapshot, the sheet 督办 (a 合计 row,
then a row per unit) before 各园区, and a "Supervision orders" table on the page. The recorded
world has no orders, so every new figure is 0 and the per-unit list is empty.

Issue 12 item 4 (each park's previous period and year on year) re-recorded it again, adding
only (checked cell by cell and line by line: every recorded value, cell and line is still
there, unchanged and in its place):
- `previous` and `year_ago` in every `by_park` and `by_subdistrict` entry (grievances, activities,
  zones covered);
- the columns 上期… and 去年同期… after 网格覆盖率 on 各园区 and 各街道;
- a line "Change / Year on year" under each park's and subdistrict's row on the page.
"""

import json
import re
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import load_workbook

from reforms.reporting.choices import PeriodKind, ReportScope, ReportStatus
from reforms.reporting.contents import build_snapshot
from reforms.reporting.excel import report_workbook
from tests.reforms.report_contents_helpers import (  # noqa: F401 (fixtures used by name)
    WEEK,
    frozen_now,
    report,
    world,
)

pytestmark = pytest.mark.django_db

EXPECTED = Path(__file__).with_name("report_definition_expected.json")


def _without_ids(snapshot: dict) -> dict:
    """The snapshot with its database ids named instead, so it compares across test runs."""
    snapshot = json.loads(json.dumps(snapshot))
    for key in ("subdistrict", "park"):
        if snapshot["scope"][key] is not None:
            snapshot["scope"][key] = "id"
    for row in snapshot["overdue_by_unit"]:
        row["unit"] = row["unit_name"]
    for row in snapshot["by_park"]:
        row["park"] = row["park_name"]
    for row in snapshot.get("by_subdistrict", []):
        row["subdistrict"] = row["subdistrict_name"]
    for row in snapshot.get("overdue_tasks", []):
        row["task"], row["unit"] = row["code"], row["unit_name"]
        if row.get("park") is not None:
            row["park"] = row["park_name"]
    for row in snapshot.get("grievances_by_unit", []):
        row["unit"] = row["unit_name"]
    return snapshot


def _cell_value(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"Decimal {value}"
    if isinstance(value, float):
        return f"float {value!r}"
    return value


def _workbook_cells(report_, snapshot: dict) -> dict:
    """Every cell of every sheet: value, number format and whether it is bold."""
    book = load_workbook(BytesIO(report_workbook(report_, snapshot)))
    return {
        sheet.title: [
            [cell.coordinate, _cell_value(cell.value), cell.number_format, bool(cell.font.b)]
            for row in sheet.iter_rows()
            for cell in row
            if cell.value is not None
        ]
        for sheet in book.worksheets
    }


def _page_text(client, office_user, report_, snapshot: dict) -> list[str]:
    """The printable page's words, line by line, in English."""
    report_.snapshot = snapshot
    report_.status = ReportStatus.DONE
    report_.save()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(office_user)
    response = client.get(report_.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    main = re.search(r"<main.*?</main>", html, re.S).group(0)
    main = re.sub(r"<(script|style)\b.*?</\1>", " ", main, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", main)
    lines = (" ".join(line.split()) for line in text.splitlines())
    return [line for line in lines if line]


def _observed(client, office_user, w) -> dict:
    reports = {
        "district": report(),
        "subdistrict": report(ReportScope.SUBDISTRICT, subdistrict=w.s1),
        "park": report(ReportScope.PARK, park=w.a),
        "week": report(kind=PeriodKind.WEEK, period=WEEK),
    }
    observed = {}
    for name, report_ in reports.items():
        snapshot = build_snapshot(report_)
        observed[name] = {
            "snapshot": _without_ids(snapshot),
            "workbook": _workbook_cells(report_, snapshot),
            "page": _page_text(client, office_user, report_, snapshot),
        }
    return json.loads(json.dumps(observed))


def test_the_snapshot_workbook_and_page_are_what_they_were_before_the_fold(
    client,
    office_user,
    world,  # noqa: F811
):
    observed = _observed(client, office_user, world)
    expected = json.loads(EXPECTED.read_text())
    for name in expected:
        assert observed[name]["snapshot"] == expected[name]["snapshot"], name
        assert observed[name]["workbook"] == expected[name]["workbook"], name
        assert observed[name]["page"] == expected[name]["page"], name
