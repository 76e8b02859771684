"""Issue 12 in a real Chromium, in Chinese, as the district office: a done progress report says
what its figures count (the 口径 at its foot and as each row's tooltip, pending counts
included), says when a record in its scope changed after its build and rebuilds itself from the
page, and hands out its workbook and its Word briefing through the page's links — files that
open and carry the figures of the report's JSON. The rates page shows the pending counts and
the definitions too.

The park's last month holds four grievances with known answers: two responded in time, one
late, one not responded to and not yet due (pending) — response rate 2 ÷ 3 = 66.7%, one
pending response; three resolved and the fourth pending — resolution rate 3 ÷ 3 = 100.0%, one
pending resolution.

Builds run in a thread of this test standing in for the Celery worker (as in test_reports:
the live server serves the files from this process's in-memory storage)."""

import io
import json
import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import expect

from grievances.choices import Satisfaction, Status
from parks.structure.choices import Role
from reforms.ledgers import services as ledger_services
from reforms.ledgers.models import CarePayment
from reforms.reporting import services
from reforms.reporting.choices import ReportStatus
from reforms.reporting.excel import report_filename
from tests.e2e.conftest import builds_in_threads
from tests.factories import GrievanceFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The definition beside a figure named 响应率 does not name it again.
RESPONSE_RATE_DEFINITION = "按时响应数 ÷ 应响应数"
RESPONSE_PENDING_DEFINITION = "既不算按时也不算超时，不计入响应率"


@pytest.fixture
def worker_thread(monkeypatch):
    """`queue.send_build` hands each build to a thread that runs it as the worker would."""
    with builds_in_threads(monkeypatch) as threads:
        yield threads


def last_month():
    first_of_this_month = timezone.localdate().replace(day=1)
    end = first_of_this_month - timedelta(days=1)
    return end.replace(day=1), end


@pytest.fixture
def office():
    return UserFactory(username="office", display_name="沈立群", role=Role.OFFICE)


@pytest.fixture
def last_months_grievances(park):
    start, _end = last_month()
    received = datetime.combine(
        start + timedelta(days=9), datetime.min.time(), timezone.get_current_timezone()
    ) + timedelta(hours=9)
    now = timezone.now()
    unit = OrganisationFactory(name="区总工会")
    for responded_hours, resolved_days in [(2, 3), (4, 2), (30, 5)]:
        GrievanceFactory(
            park=park,
            received_at=received,
            responded_at=received + timedelta(hours=responded_hours),
            resolved_at=received + timedelta(days=resolved_days),
            satisfaction=Satisfaction.SATISFIED,
            handling_unit=unit,
            status=Status.CLOSED,
        )
    # Received last month with deadlines still ahead (an extension, say): pending, no failure.
    GrievanceFactory(
        park=park,
        received_at=received,
        response_due_at=now + timedelta(days=2),
        resolution_due_at=now + timedelta(days=15),
    )


@pytest.fixture
def built_report(park, office, last_months_grievances, worker_thread):
    start, _end = last_month()
    report, queued = services.report_request(
        actor=office, scope="park", park=park, period_kind="month", start=start
    )
    assert queued
    for thread in worker_thread:
        thread.join(timeout=30)
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE
    return report


def download(page, link_id, directory):
    with page.expect_download() as info:
        page.locator(f"#{link_id}").click()
    path = directory / info.value.suggested_filename
    info.value.save_as(path)
    return info.value.suggested_filename, path


def summary_value(workbook, term):
    """The 本期 (this period) cell of `term` on the workbook's first sheet (汇总)."""
    sheet = workbook.worksheets[0]
    for row in sheet.iter_rows(values_only=True):
        if row and row[0] == term:
            return row[1]
    raise AssertionError(f"{term} is not on the sheet {sheet.title}")


def test_a_report_explains_its_figures_refreshes_and_downloads_both_files(
    page, live_server, sign_in, screenshot, tmp_path, park, office, built_report
):
    report = built_report
    sign_in(office)
    page.goto(f"{live_server.url}{report.get_absolute_url()}")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    expect(page.locator("#report-stale")).to_have_count(0)
    expect(page.locator('#report-summary [data-rate="response_rate"] .rate-value')).to_have_text(
        "66.7%"
    )

    # The 口径: every rate and pending count defined at the foot, and as the row's tooltip.
    definitions = page.locator("#report-definitions")
    expect(definitions.locator('[data-definition="response_rate"]')).to_contain_text(
        RESPONSE_RATE_DEFINITION
    )
    expect(definitions.locator('[data-definition="response_pending"]')).to_contain_text(
        RESPONSE_PENDING_DEFINITION
    )
    expect(definitions.locator('[data-definition="resolution_pending"]')).to_contain_text(
        "待办结数（未到时限）"
    )
    grievances = page.locator("#section-grievances")
    pending_row = grievances.locator('tr[data-row="response_pending"]')
    expect(pending_row.locator("th")).to_have_text("待响应数（未到时限）")
    expect(pending_row.locator('[data-col="current"]')).to_have_text("1")
    resolution_pending = grievances.locator('tr[data-row="resolution_pending"]')
    expect(resolution_pending.locator('[data-col="current"]')).to_have_text("1")
    tooltip = grievances.locator('tr[data-row="response_rate"] th').get_attribute("title")
    assert tooltip is not None and tooltip.startswith(RESPONSE_RATE_DEFINITION), tooltip

    # A colleague enters a care payment of last month in the park: the page says the data
    # changed after the build and offers to build it again.
    start, end = last_month()
    ledger_services.ledger_save(
        entry=CarePayment(
            park=park, event="留锡过节", paid_on=start, recipients=4, amount=Decimal(800)
        ),
        actor=office,
    )
    page.reload()
    stale = page.locator("#report-stale")
    expect(stale).to_be_visible()
    expect(stale).to_contain_text("数据已更新，可重新生成")
    screenshot("report_stale")
    with page.expect_navigation():
        page.locator("#regenerate-stale").click()
    # The page follows the build and turns into the second version by itself.
    expect(page.locator("#report-version")).to_have_text("v2", timeout=30_000)
    expect(page.locator("#section-grievances")).to_be_visible()
    expect(page.locator("#report-stale")).to_have_count(0)
    report.refresh_from_db()
    assert (report.status, report.version) == (ReportStatus.DONE, 2)
    expect(page.locator("#report-versions li[data-version='1']")).to_have_count(1)

    # The downloads, named as the report is, each with the figures of the report's JSON.
    _name, json_path = download(page, "download-json", tmp_path)
    snapshot = json.loads(json_path.read_text(encoding="utf-8"))
    figures = snapshot["grievances"]["current"]
    assert (figures["response_rate"], figures["response_pending"]) == (66.7, 1)
    assert figures["resolution_pending"] == 1

    name, xlsx_path = download(page, "download-xlsx", tmp_path)
    assert name == report_filename(report, "xlsx")
    assert name == f"{park.name}进展报告-月报-{start:%Y%m%d}-{end:%Y%m%d}-v2.xlsx"
    workbook = load_workbook(io.BytesIO(xlsx_path.read_bytes()))
    assert summary_value(workbook, "响应率") == pytest.approx(figures["response_rate"] / 100)
    assert summary_value(workbook, "受理诉求数") == figures["received"] == 4
    assert "口径说明" in workbook.sheetnames

    name, docx_path = download(page, "download-docx", tmp_path)
    assert name == report_filename(report, "docx")
    text = "\n".join(paragraph.text for paragraph in Document(str(docx_path)).paragraphs)
    rate_lines = [line for line in text.splitlines() if line.startswith("响应率")]
    assert rate_lines and f"{figures['response_rate']}%" in rate_lines[0], rate_lines
    screenshot("report_refreshed")


def test_the_rates_page_shows_pending_counts_and_definitions(
    page, live_server, sign_in, screenshot, office, last_months_grievances
):
    start, end = last_month()
    sign_in(office)
    page.goto(
        f"{live_server.url}{reverse('grievances:rates')}"
        f"?date_from={start.isoformat()}&date_to={end.isoformat()}"
    )
    card = page.locator('#rate-cards [data-rate="response_rate"]')
    expect(card.locator(".rate-value")).to_have_text("66.7%")
    expect(card.locator(".rate-pending")).to_have_attribute("data-pending", "1")
    expect(card.locator(".rate-pending")).to_contain_text("待响应数（未到时限）")
    # The card states its 口径 as a formula, naming the rate once.
    expect(card.locator(".rate-definition")).to_have_text(
        re.compile(f"^响应率 = {RESPONSE_RATE_DEFINITION}")
    )
    resolution = page.locator('#rate-cards [data-rate="resolution_rate"]')
    expect(resolution.locator(".rate-pending")).to_have_attribute("data-pending", "1")
    definitions = page.locator("#rate-definitions")
    expect(definitions.locator('[data-definition="response_pending"]')).to_have_text(
        "待响应数（未到时限）"
    )
    expect(definitions).to_contain_text(RESPONSE_PENDING_DEFINITION)
    screenshot("rates_pending_definitions")
