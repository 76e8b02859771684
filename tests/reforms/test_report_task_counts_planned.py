"""The report's task counts (reforms.reporting.contents._tasks) run from a plan compiled once
per scope and compared periods (parks.core.prepared.prepared_aggregate) count what the plain
aggregate counts, on other days and periods than the plan was compiled with."""

from datetime import date

import pytest

from reforms.reporting import contents
from reforms.reporting.models import Report
from tests.factories import PlanFactory, TaskFactory

pytestmark = pytest.mark.django_db


def _plain_aggregate(key, build, *values, using="default"):
    queryset, aggregates = build(*values)
    return queryset.using(using).aggregate(**aggregates)


def _tasks(park, other_park, subdistrict):
    own_plan = PlanFactory(scope="subdistrict", subdistrict=subdistrict)
    for n, due in enumerate(
        (
            date(2026, 5, 3),
            date(2026, 5, 31),
            date(2026, 6, 1),
            date(2026, 6, 9),
            date(2026, 6, 10),
            date(2026, 6, 30),
            date(2026, 7, 2),
        )
    ):
        for where in (park, other_park, None):
            TaskFactory(
                park=where,
                plan=own_plan if where is None and n % 2 else PlanFactory(),
                due_date=due,
            )
            TaskFactory(
                park=where,
                due_date=due,
                status="done",
                progress=100,
                done_on=date(2026, 6, min(28, n * 4 + 1)),
            )
            TaskFactory(park=where, due_date=due, status="cancelled")
            TaskFactory(park=where, due_date=due, status="in_progress", progress=40)


# (today, start, end, the periods compared): a running month, a whole one, a week.
CASES = [
    (
        date(2026, 6, 10),
        date(2026, 6, 1),
        date(2026, 6, 10),
        {"previous": (date(2026, 5, 1), date(2026, 5, 10))},
    ),
    (
        date(2026, 7, 15),
        date(2026, 6, 1),
        date(2026, 6, 30),
        {
            "previous": (date(2026, 5, 1), date(2026, 5, 31)),
            "year_ago": (date(2025, 6, 1), date(2025, 6, 30)),
        },
    ),
    (
        date(2026, 6, 12),
        date(2026, 6, 8),
        date(2026, 6, 14),
        {"previous": (date(2026, 6, 1), date(2026, 6, 7))},
    ),
]


def test_the_planned_task_counts_are_the_plain_counts(
    park, other_park, subdistrict, monkeypatch, fresh_plans
):
    _tasks(park, other_park, subdistrict)
    scopes = [
        {"scope": "district"},
        {"scope": "subdistrict", "subdistrict": subdistrict},
        {"scope": "park", "park": park},
    ]

    def counted():
        found = []
        for scope_kwargs in scopes:
            for today, start, end, compared in CASES:
                report = Report(
                    period_kind="month", period_start=start, period_end=end, **scope_kwargs
                )
                found.append(contents._tasks(contents.Scope(report), today, start, end, compared))
        return found

    planned, again = counted(), counted()  # compiled, then from the plans
    monkeypatch.setattr(contents, "prepared_aggregate", _plain_aggregate)
    plain = counted()
    assert planned == again == plain
    # Something of each kind was counted.
    assert all(found["current"]["due"] and found["by_status"]["done"] for found in plain)
    assert any(found["current"]["due_pending"] for found in plain)
