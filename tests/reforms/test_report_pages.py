"""The progress report pages and the dashboard: who sees and asks for what (out of scope is 404),
the list's fixed query count, asking twice makes one report, the printable report's figures,
the status JSON the progress bar polls, downloads, and the dashboard's figures on a known data
set checked against numbers worked out by hand. Bad parameters never give a 500."""

import json
import re
from datetime import date, datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from grievances.choices import Satisfaction, Status
from parks.choices import Role
from reforms.choices import PeriodKind, ReportScope, ReportStatus, TaskStatus
from reforms.models import Report
from reforms.reporting import services
from tests.factories import (
    ActivityFactory,
    GridZoneFactory,
    GrievanceFactory,
    OrganisationFactory,
    ParkFactory,
    SubdistrictFactory,
    TaskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*args):
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def on_wednesday_the_tenth_of_june(time_machine):
    # "This month so far" is 1–10 June 2026; the month before is the whole of May.
    time_machine.move_to(local(2026, 6, 10, 10, 0))


@pytest.fixture(autouse=True)
def no_cached_dashboard():
    """The dashboard caches its figures for five minutes; each test starts from its own data."""
    cache.clear()


@pytest.fixture(autouse=True)
def in_english(client):
    """Pages in English, so the assertions hold whatever the Chinese catalogue says."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def observer():
    return UserFactory(username="observer", role=Role.OBSERVER)


@pytest.fixture
def instructor(park):
    return UserFactory(username="instructor", role=Role.INSTRUCTOR, park=park)


def _html(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _queries(client, url, params=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured)


def _report(scope=ReportScope.PARK, *, park=None, subdistrict=None, start=date(2026, 5, 1)):
    """A monthly report for May (or the month of `start`), queued as the service makes it."""
    report, _created = services.report_get_or_create(
        scope=scope,
        period_kind=PeriodKind.MONTH,
        start=start,
        end=(start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1),
        subdistrict=subdistrict,
        park=park,
    )
    return report


def _built(report):
    services.report_build(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE
    return report


# --- Who sees which report --------------------------------------------------------------------


@pytest.fixture
def reports(park, other_park, subdistrict):
    return {
        "district": _report(ReportScope.DISTRICT),
        "subdistrict": _report(ReportScope.SUBDISTRICT, subdistrict=subdistrict),
        "park": _report(park=park),
        "other_park": _report(park=other_park),
    }


def _listed(client):
    html = _html(client.get(reverse("reforms:report_list")))
    return {int(pk) for pk in re.findall(r'data-report="(\d+)"', html)}


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("office_user", {"district", "subdistrict", "park", "other_park"}),
        ("subdistrict_user", {"subdistrict", "park"}),
        ("park_manager", {"park"}),
        ("liaison", {"park"}),
        ("observer", {"district", "subdistrict", "park", "other_park"}),
    ],
)
def test_each_role_lists_and_opens_only_the_reports_of_its_scope(
    client, request, reports, role, sees
):
    client.force_login(request.getfixturevalue(role))
    assert _listed(client) == {reports[key].pk for key in sees}
    for key, report in reports.items():
        expected = 200 if key in sees else 404
        for name in ("report_detail", "report_status"):
            assert client.get(reverse(f"reforms:{name}", args=[report.pk])).status_code == expected
        download = client.get(reverse("reforms:report_download", args=[report.pk]))
        # Queued reports have nothing to download yet; hidden ones do not exist.
        assert download.status_code == 404


def test_a_park_manager_cannot_regenerate_another_parks_report(client, park_manager, reports, park):
    _built(reports["park"])
    _built(reports["other_park"])
    client.force_login(park_manager)
    url = reverse("reforms:report_regenerate", args=[reports["other_park"].pk])
    assert client.post(url).status_code == 404
    # Their own park's report they may build again; the first build is kept as version 1.
    response = client.post(reverse("reforms:report_regenerate", args=[reports["park"].pk]))
    assert response.status_code == 302
    reports["park"].refresh_from_db()
    assert reports["park"].version == 2 and reports["park"].status == ReportStatus.QUEUED
    assert list(reports["park"].versions.values_list("version", flat=True)) == [1]


def test_readers_who_may_not_ask_for_reports_get_no_form_and_no_regenerate(
    client, liaison, observer, reports
):
    report = _built(reports["park"])
    for user in (liaison, observer):
        client.force_login(user)
        assert client.get(reverse("reforms:report_request")).status_code == 403
        html = _html(client.get(report.get_absolute_url()))
        assert 'id="regenerate"' not in html and 'id="request-report"' not in html
        url = reverse("reforms:report_regenerate", args=[report.pk])
        assert client.post(url).status_code == 403
    report.refresh_from_db()
    assert report.version == 1


def test_regenerate_is_post_only(client, office_user, reports):
    client.force_login(office_user)
    url = reverse("reforms:report_regenerate", args=[reports["park"].pk])
    assert client.get(url).status_code == 405


def test_signed_out_visitors_are_sent_to_sign_in(client, reports):
    for name, args in [
        ("report_list", []),
        ("report_request", []),
        ("report_detail", [reports["park"].pk]),
        ("report_status", [reports["park"].pk]),
        ("report_download", [reports["park"].pk]),
        ("dashboard", []),
    ]:
        response = client.get(reverse(f"reforms:{name}", args=args))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- The list -------------------------------------------------------------------------------


def test_the_list_filters_by_scope_park_kind_status_and_period(client, office_user, reports, park):
    _built(reports["park"])
    april = _report(park=park, start=date(2026, 4, 1))
    client.force_login(office_user)

    def listed(**params):
        html = _html(client.get(reverse("reforms:report_list"), params))
        return [int(pk) for pk in re.findall(r'data-report="(\d+)"', html)]

    assert listed(scope="park", park=park.pk) == [reports["park"].pk, april.pk]  # newest first
    assert listed(scope="district") == [reports["district"].pk]
    assert listed(status="done") == [reports["park"].pk]
    assert listed(period_kind="week") == []
    # Reports whose period overlaps the dates asked for.
    assert listed(park=park.pk, date_from="2026-04-15", date_to="2026-04-20") == [april.pk]
    html = _html(client.get(reverse("reforms:report_list")))
    assert "Done" in html and "Queued" in html


def test_the_list_runs_the_same_queries_for_2_and_30_reports(client, office_user):
    client.force_login(office_user)
    subdistrict = SubdistrictFactory()
    parks = [ParkFactory(subdistrict=subdistrict) for _n in range(15)]
    for park in parks[:2]:
        _report(park=park)
    few = _queries(client, reverse("reforms:report_list"))
    for park in parks[2:]:
        _report(park=park)
        _report(park=park, start=date(2026, 4, 1))
    _report(ReportScope.SUBDISTRICT, subdistrict=subdistrict)
    _report(ReportScope.DISTRICT)
    assert Report.objects.count() == 30
    assert _queries(client, reverse("reforms:report_list")) == few


# --- Asking for a report --------------------------------------------------------------------


def test_asking_twice_makes_one_report_and_shows_it_the_second_time(client, office_user, park):
    client.force_login(office_user)
    form = {"scope": "park", "park": park.pk, "period_kind": "month", "day": "2026-05-17"}
    first = client.post(reverse("reforms:report_request"), form)
    report = Report.objects.get()
    assert first.status_code == 302 and first["Location"] == report.get_absolute_url()
    assert (report.period_start, report.period_end) == (date(2026, 5, 1), date(2026, 5, 31))
    assert report.requested_by == office_user and report.status == ReportStatus.QUEUED
    second = client.post(reverse("reforms:report_request"), form, follow=True)
    assert Report.objects.count() == 1
    assert "exists already" in second.content.decode()


def test_a_custom_period_runs_from_its_first_to_its_last_day(client, subdistrict_user, park):
    client.force_login(subdistrict_user)
    form = {
        "scope": "park",
        "park": park.pk,
        "period_kind": "custom",
        "start": "2026-03-03",
        "end": "2026-04-12",
    }
    assert client.post(reverse("reforms:report_request"), form).status_code == 302
    report = Report.objects.get()
    assert (report.period_start, report.period_end) == (date(2026, 3, 3), date(2026, 4, 12))


def test_the_form_offers_only_what_the_user_may_ask_for(
    client, park_manager, park, other_park, subdistrict
):
    client.force_login(park_manager)
    html = _html(client.get(reverse("reforms:report_request")))
    assert park.name in html and other_park.name not in html
    assert 'value="district"' not in html and 'value="subdistrict"' not in html
    for form in (
        {"scope": "park", "park": other_park.pk, "period_kind": "month", "day": "2026-05-01"},
        {"scope": "district", "period_kind": "month", "day": "2026-05-01"},
        {"scope": "subdistrict", "subdistrict": subdistrict.pk, "period_kind": "month"},
    ):
        response = client.post(reverse("reforms:report_request"), {**form, "day": "2026-05-01"})
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"period_kind": "month"}, "Pick a day in the period."),
        ({"period_kind": "month", "day": "2026-07-01"}, "The period has not started yet."),
        ({"period_kind": "month", "day": "9999-12-31"}, "Dates run from 2000-01-01"),
        ({"period_kind": "month", "day": "2026-02-30"}, "Enter a valid date."),
        ({"period_kind": "custom", "start": "2026-05-10"}, "needs its first and last day"),
        (
            {"period_kind": "custom", "start": "2026-05-10", "end": "2026-05-01"},
            "The period ends before it starts.",
        ),
        ({"period_kind": "fortnight", "day": "2026-05-01"}, "Select a valid choice"),
        ({"scope": "park", "period_kind": "month", "day": "2026-05-01"}, "Choose the park."),
        ({"scope": "park", "park": "abc", "period_kind": "month"}, "Select a valid choice"),
    ],
)
def test_bad_requests_are_form_errors_and_make_nothing(client, office_user, form, message):
    client.force_login(office_user)
    response = client.post(reverse("reforms:report_request"), {"scope": "district", **form})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Report.objects.exists()


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


# --- The dashboard on a known data set -------------------------------------------------------


@pytest.fixture
def district(park, other_park, grid_zone, other_grid_zone):
    """A known district on 10 June 2026.

    Grid zones: `park` has G01, G02, G03; `other_park` has G01 — four in all.
    Activities in June: park G01 ×2, G02 ×1, park-wide ×1, other G01 ×1 → 5, zones covered
    3 of 4 (75.0%); in May: park G01 and other G01 (late on the 31st) → 2, 2 of 4 (50.0%).
    Grievances in June: park 2 counted (one in time and satisfied, one late and unsatisfied,
    both resolved) and 1 withdrawn; other park 1 untouched → received 3, responded in time 1
    (33.3%), resolved 2 (66.7%), satisfied 1 of 2 followed up (50.0%). May: 1 in time and
    resolved (100.0%, 100.0%, no follow-up).
    Tasks: park — one done, one overdue (red); other park — one behind pace (yellow);
    the district — one on track → 4 tasks, 1 done (25.0%), 1 red, 1 yellow.
    """
    g02 = GridZoneFactory(park=park, code="G02", name="卫浴区")
    g03 = GridZoneFactory(park=park, code="G03", name="木业区")
    for when, zone in [
        (local(2026, 6, 2, 9), grid_zone),
        (local(2026, 6, 9, 16), grid_zone),
        (local(2026, 6, 3, 9), g02),
        (local(2026, 6, 4, 9), other_grid_zone),
        (local(2026, 5, 10, 9), grid_zone),
        (local(2026, 5, 31, 23, 30), other_grid_zone),
    ]:
        ActivityFactory(grid_zone=zone, occurred_at=when, participants=10)
    ActivityFactory(grid_zone=None, park=park, occurred_at=local(2026, 6, 5, 9), participants=10)

    def grievance(park, received, *, responded=None, resolved=None, **fields):
        return GrievanceFactory(
            park=park,
            received_at=received,
            responded_at=received + timedelta(hours=responded) if responded else None,
            resolved_at=received + timedelta(days=resolved) if resolved else None,
            **fields,
        )

    grievance(
        park, local(2026, 6, 2, 9), responded=2, resolved=3, satisfaction=Satisfaction.SATISFIED
    )
    grievance(
        park, local(2026, 6, 3, 9), responded=30, resolved=4, satisfaction=Satisfaction.UNSATISFIED
    )
    grievance(park, local(2026, 6, 5, 9), status=Status.WITHDRAWN)
    grievance(other_park, local(2026, 6, 4, 9))
    grievance(park, local(2026, 5, 20, 9), responded=1, resolved=2)

    TaskFactory(park=park, status=TaskStatus.DONE, progress=100, done_on=date(2026, 5, 20))
    TaskFactory(park=park, status=TaskStatus.IN_PROGRESS, due_date=date(2026, 6, 1))
    TaskFactory(park=other_park, status=TaskStatus.PLANNED, due_date=date(2026, 6, 15))
    TaskFactory(park=None, status=TaskStatus.IN_PROGRESS, progress=50)
    return {"g02": g02, "g03": g03}


def _card_values(html):
    return {
        key: (value, previous)
        for key, value, previous in re.findall(
            r'data-figure="(\w+)" data-value="([^"]*)" data-previous="([^"]*)"', html
        )
    }


def _month(html, month):
    row = re.search(rf'<tr data-month="{month}">(.*?)</tr>', html, re.S).group(1)
    return {
        col: re.sub(r"<[^>]+>|\s", "", value)
        for col, value in re.findall(r'data-col="(\w+)">(.*?)</td>', row, re.S)
    }


def test_the_district_dashboard_figures_match_the_hand_count(client, office_user, district):
    client.force_login(office_user)
    html = _html(client.get(reverse("reforms:dashboard")))
    # 1–10 June so far against 1–10 May: May's grievance (the 20th) and the activity late on
    # the 31st are later in the month than today, so they are not compared.
    assert _card_values(html) == {
        "response_rate": ("33.3", ""),
        "resolution_rate": ("66.7", ""),
        "satisfaction_rate": ("50.0", ""),
        "completion": ("25.0", ""),
        "red": ("1", ""),
        "yellow": ("1", ""),
        "activities": ("5", "1"),
        "coverage": ("75.0", "25.0"),
    }
    assert 'data-start="2026-06-01" data-end="2026-06-10"' in html
    assert "arrows compare with 2026-05-01 – 2026-05-10" in html
    assert _month(html, "2026-06") == {
        "received": "3",
        "response_rate": "33.3%",
        "resolution_rate": "66.7%",
        "satisfaction_rate": "50.0%",
        "activities": "5",
        "coverage": "75.0%",
    }
    assert _month(html, "2026-05")["activities"] == "2"
    assert _month(html, "2026-05")["coverage"] == "50.0%"
    assert _month(html, "2025-07") == {
        "received": "0",
        "response_rate": "—",
        "resolution_rate": "—",
        "satisfaction_rate": "—",
        "activities": "0",
        "coverage": "0.0%",
    }
    data = json.loads(re.search(r'id="dashboard-data"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert len(data["trend"]["months"]) == 12 and data["trend"]["months"][-1] == "2026-06"
    assert data["trend"]["activities"][-2:] == [2, 5]


def test_the_ranking_orders_parks_by_the_chosen_figure_and_links_each_park(
    client, office_user, district, park, other_park
):
    client.force_login(office_user)

    def ranked(rank):
        html = _html(client.get(reverse("reforms:dashboard"), {"rank": rank}))
        return [int(pk) for pk in re.findall(r'<tr data-park="(\d+)"', html)]

    # park: 4 activities, coverage 66.7%, 1 red; other park: 1 activity, 100.0%, 1 yellow.
    assert ranked("-activities") == [park.pk, other_park.pk]
    assert ranked("activities") == [other_park.pk, park.pk]
    assert ranked("-coverage") == [other_park.pk, park.pk]
    assert ranked("-red") == [park.pk, other_park.pk]
    # A park with no satisfaction rate goes last whichever way the column is sorted.
    assert ranked("satisfaction_rate") == [park.pk, other_park.pk]
    assert ranked("-satisfaction_rate") == [park.pk, other_park.pk]
    html = _html(client.get(reverse("reforms:dashboard"), {"kind": "month", "day": "2026-05-04"}))
    link = reverse("reforms:dashboard_park", args=[park.pk]) + "?kind=month&amp;day=2026-05-04"
    assert f'href="{link}"' in html


def test_a_park_drill_down_counts_the_park_and_its_grid_zones(
    client, office_user, district, park, grid_zone
):
    client.force_login(office_user)
    html = _html(client.get(reverse("reforms:dashboard_park", args=[park.pk])))
    cards = _card_values(html)
    assert cards["activities"] == ("4", "1")
    assert cards["coverage"] == ("66.7", "33.3")
    assert cards["response_rate"] == ("50.0", "")
    assert cards["completion"] == ("50.0", "") and cards["red"] == ("1", "")
    zones = re.findall(r'<tr data-zone="(\d+)".*?data-col="activities"><a [^>]*>(\d+)<', html, re.S)
    assert zones == [
        (str(grid_zone.pk), "2"),
        (str(district["g02"].pk), "1"),
        (str(district["g03"].pk), "0"),
    ]
    assert 'id="zone-bars-chart"' in html and 'id="ranking-table"' not in html


def test_a_past_period_compares_with_the_one_before(client, office_user, district):
    client.force_login(office_user)
    html = _html(client.get(reverse("reforms:dashboard"), {"kind": "month", "day": "2026-05-15"}))
    cards = _card_values(html)
    assert cards["activities"] == ("2", "0")
    assert cards["response_rate"] == ("100.0", "")
    assert 'data-start="2026-05-01" data-end="2026-05-31"' in html
    quarter = _html(client.get(reverse("reforms:dashboard"), {"kind": "quarter"}))
    assert 'data-start="2026-04-01" data-end="2026-06-10"' in quarter
    assert _card_values(quarter)["activities"] == ("7", "0")


def test_a_running_period_compares_with_as_many_days_of_the_one_before(
    client, office_user, park, grid_zone, time_machine
):
    """The same pace as last month shows level, not "down" against the whole of last month."""
    for when in (local(2026, 5, 2, 9), local(2026, 5, 9, 9), local(2026, 5, 25, 9)):
        ActivityFactory(grid_zone=grid_zone, occurred_at=when)
    for when in (local(2026, 6, 3, 9), local(2026, 6, 8, 9)):
        ActivityFactory(grid_zone=grid_zone, occurred_at=when)
    client.force_login(office_user)
    html = _html(client.get(reverse("reforms:dashboard")))
    assert _card_values(html)["activities"] == ("2", "2")
    assert "arrows compare with 2026-05-01 – 2026-05-10" in html
    # Wednesday's week so far against Monday to Wednesday of the week before.
    week = _html(client.get(reverse("reforms:dashboard"), {"kind": "week"}))
    assert 'data-start="2026-06-08" data-end="2026-06-10"' in week
    assert "arrows compare with 2026-06-01 – 2026-06-03" in week
    assert _card_values(week)["activities"] == ("1", "1")
    # On the 31st of March the month before is February, cut at its own last day.
    time_machine.move_to(local(2026, 3, 31, 10, 0))
    march = _html(client.get(reverse("reforms:dashboard")))
    assert "arrows compare with 2026-02-01 – 2026-02-28" in march


def test_a_second_look_within_five_minutes_reuses_the_figures(
    client, office_user, district, park, time_machine
):
    client.force_login(office_user)
    # Session, user, unread notifications; the district's subdistrict choices, or on a park's
    # page the park and its grid zones' three queries, which are the park's alone and cheap.
    for url, queries in (
        (reverse("reforms:dashboard"), 4),
        (reverse("reforms:dashboard_park", args=[park.pk]), 7),
    ):
        with CaptureQueriesContext(connection) as first:
            html = _html(client.get(url))
        with CaptureQueriesContext(connection) as second:
            again = _html(client.get(url))
        assert len(first) > 20
        assert len(second) == queries
        assert _card_values(again) == _card_values(html)
        assert _month(again, "2026-06") == _month(html, "2026-06")
    # Five minutes on, the figures are counted again and include what was logged since.
    ActivityFactory(park=park, grid_zone=None, occurred_at=local(2026, 6, 10, 9))
    assert _card_values(_html(client.get(reverse("reforms:dashboard"))))["activities"][0] == "5"
    time_machine.move_to(local(2026, 6, 10, 10, 6))
    assert _card_values(_html(client.get(reverse("reforms:dashboard"))))["activities"][0] == "6"


def test_a_complete_period_shows_its_done_report(client, office_user, district):
    report = _built(_report(ReportScope.DISTRICT))
    report.snapshot["activities"]["current"]["count"] = 999
    report.snapshot["previous_period"] = {"start": "2026-04-01", "end": "2026-04-30"}
    report.save(update_fields=["snapshot"])
    client.force_login(office_user)
    params = {"kind": "month", "day": "2026-05-15"}
    html = _html(client.get(reverse("reforms:dashboard"), params))
    assert _card_values(html)["activities"] == ("999", "0")
    assert "arrows compare with 2026-04-01 – 2026-04-30" in html
    # Read afresh each time: a regenerated report shows at once, with no cache to wait out.
    report.snapshot["activities"]["current"]["count"] = 998
    report.save(update_fields=["snapshot"])
    html = _html(client.get(reverse("reforms:dashboard"), params))
    assert _card_values(html)["activities"] == ("998", "0")
    # Another scope has no report of its own: its figures are counted.
    subdistrict = _html(
        client.get(
            reverse("reforms:dashboard"),
            {**params, "subdistrict": district["g02"].park.subdistrict_id},
        )
    )
    assert _card_values(subdistrict)["activities"][0] == "1"


def test_subdistrict_staff_see_their_subdistrict_and_park_people_their_park(
    client, subdistrict_user, liaison, instructor, district, park, other_park
):
    client.force_login(subdistrict_user)
    html = _html(client.get(reverse("reforms:dashboard")))
    assert _card_values(html)["activities"] == ("4", "1")
    assert re.findall(r'data-park="(\d+)"', html) == [str(park.pk)]
    assert other_park.name not in html
    assert client.get(reverse("reforms:dashboard_park", args=[other_park.pk])).status_code == 404
    for user in (liaison, instructor):
        client.force_login(user)
        response = client.get(reverse("reforms:dashboard"), {"kind": "week"})
        assert response.status_code == 302
        assert response["Location"] == (
            reverse("reforms:dashboard_park", args=[park.pk]) + "?kind=week"
        )
        assert client.get(response["Location"]).status_code == 200
        url = reverse("reforms:dashboard_park", args=[other_park.pk])
        assert client.get(url).status_code == 404


def test_office_staff_may_narrow_the_dashboard_to_a_subdistrict(
    client, office_user, district, subdistrict, park
):
    client.force_login(office_user)
    html = _html(client.get(reverse("reforms:dashboard"), {"subdistrict": subdistrict.pk}))
    assert re.findall(r'data-park="(\d+)"', html) == [str(park.pk)]
    assert _card_values(html)["activities"] == ("4", "1")


def test_readers_of_the_whole_district_see_the_district(
    client, observer, member_unit_user, district
):
    for user in (observer, member_unit_user):
        client.force_login(user)
        assert _card_values(_html(client.get(reverse("reforms:dashboard"))))["red"] == ("1", "")


def test_the_dashboard_runs_the_same_queries_for_2_and_20_parks(client, office_user):
    client.force_login(office_user)

    def park_with_things():
        park = ParkFactory()
        zone = GridZoneFactory(park=park)
        ActivityFactory(grid_zone=zone, occurred_at=local(2026, 6, 3, 9))
        ActivityFactory(grid_zone=zone, occurred_at=local(2026, 3, 3, 9))
        GrievanceFactory(park=park, received_at=local(2026, 6, 2, 9))
        TaskFactory(park=park)

    for _n in range(2):
        park_with_things()
    few = _queries(client, reverse("reforms:dashboard"))
    park = ParkFactory()
    few_park = _queries(client, reverse("reforms:dashboard_park", args=[park.pk]))
    for _n in range(18):
        park_with_things()
    for _n in range(10):
        GridZoneFactory(park=park)
    cache.clear()  # the figures computed, not those cached a moment ago
    assert _queries(client, reverse("reforms:dashboard")) == few
    assert _queries(client, reverse("reforms:dashboard_park", args=[park.pk])) == few_park


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "fortnight"},
        {"kind": "custom", "day": "2026-05-01"},
        {"day": "9999-12-31"},
        {"day": "2026-13-01"},
        {"day": "2026-07-01"},
        {"day": "0001-01-01"},
        {"rank": "-nonsense"},
        {"rank": "__class__"},
        {"subdistrict": "abc"},
        {"subdistrict": "999999"},
        {"kind": "year", "day": "2000-01-01"},
    ],
)
def test_bad_dashboard_parameters_never_fail(client, office_user, district, park, params):
    client.force_login(office_user)
    for url in (reverse("reforms:dashboard"), reverse("reforms:dashboard_park", args=[park.pk])):
        response = client.get(url, params)
        assert response.status_code == 200


def test_bad_list_parameters_never_fail(client, office_user, reports):
    client.force_login(office_user)
    for params in (
        {"date_from": "garbage"},
        {"date_to": "9999-12-31"},
        {"park": "999999"},
        {"park": "x"},
        {"scope": "galaxy"},
        {"page": "abc"},
        {"page": "9999"},
    ):
        assert client.get(reverse("reforms:report_list"), params).status_code == 200
    for pk in (999999,):
        assert client.get(reverse("reforms:report_detail", args=[pk])).status_code == 404


def test_office_staff_find_the_schedules_from_the_report_list(client, office_user, park_manager):
    client.force_login(office_user)
    html = client.get(reverse("reforms:report_list")).content.decode()
    assert f'id="report-schedules" href="{reverse("reforms:report_schedules")}"' in html
    client.force_login(park_manager)
    html = client.get(reverse("reforms:report_list")).content.decode()
    assert 'id="report-schedules"' not in html


@pytest.mark.parametrize("kind", ["week", "month", "year"])
def test_a_period_not_yet_ended_is_an_error_on_the_day_asked_for(client, office_user, kind):
    client.force_login(office_user)
    form = {"scope": "district", "period_kind": kind, "day": "2026-06-09"}  # "today" is the 10th
    response = client.post(reverse("reforms:report_request"), form)
    assert response.status_code == 200
    assert "has not ended yet" in " ".join(response.context["form"].errors.get("day", []))
    assert not Report.objects.exists()
