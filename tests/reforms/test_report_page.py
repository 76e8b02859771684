"""One progress report's page: its figures, its progress while built, its failure, and its
downloads."""

import json
import re
from datetime import date, timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from grievances.choices import Satisfaction
from reforms.reporting import services
from reforms.reporting.choices import ReportStatus
from reforms.reporting.models import Report
from reforms.tasks.choices import TaskStatus
from tests.factories import ActivityFactory, GrievanceFactory, OrganisationFactory, TaskFactory
from tests.reforms import report_pages_helpers as shared
from tests.reforms.report_pages_helpers import _built, _html, _report, local

# The shared fixtures, bound here so pytest finds them by name.
in_english = shared.in_english
no_cached_dashboard = shared.no_cached_dashboard
on_wednesday_the_tenth_of_june = shared.on_wednesday_the_tenth_of_june


pytestmark = pytest.mark.django_db


# --- The printable report -------------------------------------------------------------------


@pytest.fixture
def may_data(park, grid_zone):
    """May in `park`: 3 grievances (2 responded in time, 1 followed up satisfied), 2 activities
    with 12 participants; in April 1 grievance and 1 activity."""
    for day, responded, satisfaction in [
        (5, True, Satisfaction.SATISFIED),
        (12, True, ""),
        (20, False, ""),
    ]:
        received = local(2026, 5, day, 9)
        GrievanceFactory(
            park=park,
            received_at=received,
            responded_at=received + timedelta(hours=2) if responded else None,
            resolved_at=received + timedelta(days=2) if satisfaction else None,
            satisfaction=satisfaction,
        )
    GrievanceFactory(park=park, received_at=local(2026, 4, 8, 9))
    ActivityFactory(grid_zone=grid_zone, occurred_at=local(2026, 5, 3, 9), participants=5)
    ActivityFactory(grid_zone=grid_zone, occurred_at=local(2026, 5, 31, 23, 30), participants=7)
    ActivityFactory(grid_zone=grid_zone, occurred_at=local(2026, 4, 30, 9), participants=9)
    TaskFactory(
        park=park,
        status=TaskStatus.IN_PROGRESS,
        due_date=date(2026, 5, 20),
        lead_unit=OrganisationFactory(name="区人社局"),
    )


def _cells(html, section, row):
    block = re.search(rf'id="section-{section}".*?</section>', html, re.S).group(0)
    match = re.search(rf'data-row="{row}".*?</tr>', block, re.S).group(0)
    return [
        re.sub(r"<[^>]+>", " ", cell).split()
        for cell in re.findall(r'data-col="\w+">(.*?)</td>', match, re.S)
    ]


def test_a_done_report_prints_its_figures_against_the_period_before(
    client, park_manager, park, may_data
):
    report = _built(_report(park=park))
    client.force_login(park_manager)
    html = _html(client.get(report.get_absolute_url()))
    assert _cells(html, "grievances", "received") == [["3"], ["1"], ["up", "2"]]
    assert _cells(html, "grievances", "response_rate") == [
        ["66.7%"],
        ["0.0%"],
        ["up", "66.7", "pts"],
    ]
    assert _cells(html, "grievances", "satisfaction_rate")[0] == ["100.0%"]
    assert _cells(html, "activities", "count") == [["2"], ["1"], ["up", "1"]]
    assert _cells(html, "activities", "participants") == [["12"], ["9"], ["up", "3"]]
    assert _cells(html, "coverage", "rate") == [["100.0%"], ["100.0%"], ["±0"]]
    assert 'data-rate="response_rate" data-value="66.7"' in html
    overdue = re.search(r'id="section-overdue".*?</section>', html, re.S).group(0)
    assert "Overdue tasks by lead unit on 2026-05-31" in overdue
    assert re.search(r"区人社局</th><td[^>]*>1</td>", overdue)
    assert "compared with 2026-04-01 – 2026-04-30" in html
    assert 'id="download-xlsx"' in html and 'id="download-json"' in html
    assert 'id="regenerate"' in html and 'id="report-progress"' not in html


def test_a_report_being_built_shows_a_progress_bar_that_polls_its_status(client, office_user, park):
    report = _report(park=park)
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.RUNNING,
        progress=45,
        lease_until=timezone.now() + timedelta(minutes=1),  # a live worker's
    )
    client.force_login(office_user)
    html = _html(client.get(report.get_absolute_url()))
    status_url = reverse("reforms:report_status", args=[report.pk])
    assert f'data-status-url="{status_url}"' in html
    assert 'aria-valuenow="45"' in html and "js/report_progress.js" in html
    # Nothing to download, nothing to rebuild while it is being built.
    assert 'id="download-xlsx"' not in html and 'id="regenerate"' not in html
    response = client.get(status_url)
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert response.json() == {
        "status": "running",
        "status_label": "Running",
        "state": "building",
        "state_label": "Counting the figures…",
        "regenerable": False,
        "progress": 45,
        "failure_reason": "",
        "version": 1,
        "url": report.get_absolute_url(),
    }


def test_a_failed_report_says_why(client, office_user, park):
    report = _report(park=park)
    services.report_fail(report.pk, "OperationalError: the database went away")
    client.force_login(office_user)
    html = _html(client.get(report.get_absolute_url()))
    assert 'id="report-failed"' in html and "the database went away" in html
    assert 'id="regenerate"' in html
    status = client.get(reverse("reforms:report_status", args=[report.pk])).json()
    assert status["status"] == "failed" and "database went away" in status["failure_reason"]


# --- Downloads ------------------------------------------------------------------------------


def test_downloads_stream_the_workbook_and_the_json_of_each_version(
    client, office_user, park, may_data
):
    report = _built(_report(park=park))
    client.force_login(office_user)
    url = reverse("reforms:report_download", args=[report.pk])
    workbook = client.get(url, {"format": "xlsx"})
    assert workbook.status_code == 200
    assert workbook["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in workbook["Content-Disposition"]
    # The same name as the API gives: 无锡华夏家居港建材市场进展报告-月报-20260501-20260531-v1.xlsx
    assert "-20260501-20260531-v1.xlsx" in workbook["Content-Disposition"]
    assert load_workbook(BytesIO(b"".join(workbook.streaming_content))).sheetnames
    as_json = client.get(url, {"format": "json"})
    assert as_json["Content-Type"].startswith("application/json")
    assert json.loads(as_json.content) == report.snapshot
    first_snapshot = report.snapshot
    # Regenerated: the earlier build stays downloadable as version 1.
    services.report_regenerate(report=report, actor=office_user)
    assert client.get(url, {"format": "json"}).status_code == 404  # being rebuilt
    earlier = client.get(url, {"format": "json", "version": "1"})
    assert earlier.status_code == 200 and json.loads(earlier.content) == first_snapshot
    assert "-v1.json" in earlier["Content-Disposition"]
    report = _built(report)
    html = _html(client.get(report.get_absolute_url()))
    assert 'data-version="1"' in html and "v2" in html


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"format": "pdf"}, 400),
        ({"format": ""}, 400),
        ({"format": "json", "version": "abc"}, 400),
        ({"format": "json", "version": "٣"}, 400),
        ({"format": "json", "version": "99"}, 404),
        ({"format": "json", "version": "1"}, 200),
    ],
)
def test_bad_download_parameters_are_refused_clearly(client, office_user, park, params, status):
    report = _built(_report(park=park))
    client.force_login(office_user)
    url = reverse("reforms:report_download", args=[report.pk])
    assert client.get(url, params).status_code == status
