"""Speed targets of the busiest lists, run by `make bench` (never by `make test`).

The construction table over 5,000 tasks and the grievance rates over 20,000 grievances must
answer in well under a second on this 2-core machine.
"""

import time
from datetime import UTC, date, datetime, timedelta

import pytest

from grievances.models import Grievance
from grievances.selectors import rates, rates_by
from parks.structure.choices import Role
from reforms.tasks.models import Task
from reforms.tasks.selectors import task_table, unit_league_table
from tests.factories import (
    OrganisationFactory,
    ParkFactory,
    PlanFactory,
    UserFactory,
)

pytestmark = [pytest.mark.bench, pytest.mark.django_db]


def _timed(run, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


@pytest.fixture
def office():
    return UserFactory(role=Role.OFFICE)


def test_construction_table_and_league_over_5000_tasks(office):
    plan = PlanFactory()
    units = [OrganisationFactory() for _ in range(20)]
    parks = [ParkFactory() for _ in range(10)]
    Task.objects.bulk_create(
        Task(
            code=f"B-{n:05d}",
            plan=plan,
            park=parks[n % 10],
            category="care",
            title=f"任务{n}",
            lead_unit=units[n % 20],
            start_date=date(2026, 1, 1) + timedelta(days=n % 200),
            due_date=date(2026, 6, 1) + timedelta(days=n % 300),
            progress=n % 101,
        )
        for n in range(5000)
    )
    first_page = _timed(lambda: list(task_table(user=office)[:25]))
    league = _timed(lambda: list(unit_league_table(user=office)))
    print(f"\nconstruction table page: {first_page * 1000:.0f} ms; league: {league * 1000:.0f} ms")
    assert first_page < 0.5 and league < 0.5


def test_grievance_rates_over_20000_grievances():
    parks = [ParkFactory() for _ in range(10)]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    Grievance.objects.bulk_create(
        Grievance(
            tracking_code=f"BENCH{n:05d}",
            park=parks[n % 10],
            channel="online",
            category="wages",
            title="诉求",
            description="说明",
            received_at=start + timedelta(hours=n),
            response_due_at=start + timedelta(hours=n + 24),
            resolution_due_at=start + timedelta(hours=n, days=15),
            responded_at=start + timedelta(hours=n + (n % 48)),
        )
        for n in range(20000)
    )
    everything = Grievance.objects.all()
    totals = _timed(lambda: rates(everything))
    by_month = _timed(lambda: rates_by(everything, "month"))
    print(f"\nrates: {totals * 1000:.0f} ms; by month: {by_month * 1000:.0f} ms")
    assert totals < 0.5 and by_month < 0.5
