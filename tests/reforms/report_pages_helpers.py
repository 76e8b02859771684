"""Fixtures and helpers shared by the progress report page and dashboard tests."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grievances.choices import Satisfaction, Status
from parks.structure.choices import Role
from reforms.reporting import services
from reforms.reporting.choices import PeriodKind, ReportScope, ReportStatus
from reforms.tasks.choices import TaskStatus
from tests.factories import (
    ActivityFactory,
    GridZoneFactory,
    GrievanceFactory,
    TaskFactory,
    UserFactory,
)

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


@pytest.fixture
def district(park, other_park, grid_zone, other_grid_zone):
    """A known district on 10 June 2026.

    Grid zones: `park` has G01, G02, G03; `other_park` has G01 — four in all.
    Activities in June: park G01 ×2, G02 ×1, park-wide ×1, other G01 ×1 → 5, zones covered
    3 of 4 (75.0%); in May: park G01 and other G01 (late on the 31st) → 2, 2 of 4 (50.0%).
    Grievances in June: park 2 counted (one in time and satisfied, one late and unsatisfied,
    both resolved in time) and 1 withdrawn; other park 1 untouched (received on the 4th: late
    to respond, but it may be resolved until the 19th, so its resolution is pending) →
    received 3, responded in time 1 (33.3%), resolved 2 of the 2 due (100.0%, in time too),
    satisfied 1 of 2 calls (50.0%, at the first call too), none sent to a unit (no return
    rate), none reopened (0.0%). May: 1 in time and resolved (100.0%, 100.0%, no follow-up).
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
