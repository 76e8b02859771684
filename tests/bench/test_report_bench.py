"""Speed target of a progress report, run by `make bench` (never by `make test`).

A monthly district report over two years of a 50-park district — a million grid-log entries,
a hundred thousand grievances, thousands of tasks and ledger rows — is built in under two
seconds on this 2-core machine, in a fixed number of queries.
"""

import statistics
import time
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reforms.reporting.choices import PeriodKind, ReportScope
from reforms.reporting.contents import build_snapshot
from reforms.reporting.models import Report
from tests.bench import report_data
from tests.reforms.test_report_scopes_and_periods import DISTRICT_REPORT_QUERIES

pytestmark = [pytest.mark.bench, pytest.mark.django_db]

FIRST_DAY = date(2024, 7, 1)
DAYS = 730  # to 2026-06-29
TARGET_SECONDS = 2.0
YEARLY_TARGET_SECONDS = 5.0


@pytest.fixture(scope="module")
def district(django_db_setup, django_db_blocker):
    """The data set, committed once for the module (so it can be vacuumed like a live
    database's) and removed after it."""
    with django_db_blocker.unblock():
        started = time.perf_counter()
        try:
            loaded = report_data.load(first_day=FIRST_DAY, days=DAYS)
            print(f"\nloaded the report data set in {time.perf_counter() - started:.1f} s")
            yield loaded
        finally:
            report_data.unload()


def _median_seconds(run, repeat=5) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def _report(**fields) -> Report:
    return Report.objects.create(
        period_kind=PeriodKind.MONTH,
        period_start=date(2026, 5, 1),
        period_end=date(2026, 5, 31),
        **fields,
    )


def test_monthly_district_report_in_under_two_seconds(district):
    report = _report(scope=ReportScope.DISTRICT)
    with CaptureQueriesContext(connection) as queries:
        snapshot = build_snapshot(report)
    # The data is really there: a month is about 1/24 of everything.
    assert 35_000 < snapshot["activities"]["current"]["count"] < 50_000
    assert 3_500 < snapshot["grievances"]["current"]["received"] < 5_000
    assert len(snapshot["by_park"]) == 50
    assert len(queries) == DISTRICT_REPORT_QUERIES

    seconds = _median_seconds(lambda: build_snapshot(report))
    print(f"\nmonthly district report: {seconds * 1000:.0f} ms (median of 5)")
    assert seconds < TARGET_SECONDS


def test_a_yearly_district_report_in_under_five_seconds(district):
    # A year reads twelve times a month's rows; it is built in the background all the same.
    report = Report.objects.create(
        scope=ReportScope.DISTRICT,
        period_kind=PeriodKind.YEAR,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
    )
    seconds = _median_seconds(lambda: build_snapshot(report), repeat=3)
    print(f"\nyearly district report: {seconds * 1000:.0f} ms (median of 3)")
    assert seconds < YEARLY_TARGET_SECONDS


def test_subdistrict_and_park_reports_are_no_slower(district):
    subdistrict = _report(scope=ReportScope.SUBDISTRICT, subdistrict=district.subdistricts[0])
    park = _report(scope=ReportScope.PARK, park=district.parks[0])
    for report in (subdistrict, park):
        seconds = _median_seconds(lambda report=report: build_snapshot(report), repeat=3)
        print(f"\nmonthly {report.scope} report: {seconds * 1000:.0f} ms (median of 3)")
        assert seconds < TARGET_SECONDS
