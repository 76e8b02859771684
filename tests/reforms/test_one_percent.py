"""Every rate is parks.core.figures.percent: one decimal, "—" over nothing. Places that rounded
their own way now show the same figure as the report."""

import re
from datetime import date
from io import BytesIO

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from parks.core.figures import percent
from reforms.reporting.choices import PeriodKind, ReportScope
from reforms.reporting.contents import build_snapshot
from reforms.reporting.excel import report_workbook
from reforms.reporting.models import Report
from reforms.tasks.choices import TaskStatus
from tests.factories import ActivityFactory, GridZoneFactory, OrganisationFactory, TaskFactory

pytestmark = pytest.mark.django_db


def test_percent_has_one_decimal_and_no_figure_over_nothing():
    assert percent(2, 3) == 66.7
    assert percent(1, 8) == 12.5
    assert percent(0, 4) == 0.0
    assert percent(3, 0) is None


def test_the_league_tables_on_time_rate_has_one_decimal_like_the_report(client, office_user):
    """Bug: the league table rounded its on-time rate to a whole number (67 %) where the report
    and the dashboard print 66.7 %."""
    unit = OrganisationFactory(name="区人社局")
    for done_on in (date(2026, 3, 1), date(2026, 3, 2), date(2026, 9, 1)):
        TaskFactory(
            lead_unit=unit,
            status=TaskStatus.DONE,
            progress=100,
            due_date=date(2026, 6, 30),
            done_on=done_on,
        )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(office_user)
    html = client.get(reverse("reforms:unit_league")).content.decode()
    row = re.search(r"区人社局.*?</tr>", html, re.S).group(0)
    assert "66.7%" in row and "67%" not in row


def test_the_workbooks_per_park_coverage_is_the_rounded_rate_of_the_page(park, grid_zone):
    """Bug: the workbook's per-park coverage was covered ÷ zones unrounded (0.3333…), the only
    rate cell not read from the one-decimal rate the page and the dashboard show."""
    GridZoneFactory(park=park, code="G02")
    GridZoneFactory(park=park, code="G03")
    ActivityFactory(park=park, grid_zone=grid_zone, occurred_at=timezone.now())
    today = timezone.localdate()
    report = Report.objects.create(
        scope=ReportScope.PARK,
        park=park,
        period_kind=PeriodKind.CUSTOM,
        period_start=today.replace(day=1),
        period_end=today,
    )
    snapshot = build_snapshot(report)
    sheet = load_workbook(BytesIO(report_workbook(report, snapshot)))["各园区"]
    header = [cell.value for cell in sheet[3]]
    rate = sheet.cell(row=4, column=header.index("网格覆盖率") + 1).value
    assert rate == pytest.approx(0.333, abs=1e-9)
