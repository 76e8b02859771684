"""Each indicator counted for every park, subdistrict and unit of a period through the figure's
own module, with a fixed number of grouped queries however many subjects there are."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reforms.assessment import indicators, services
from reforms.assessment.choices import SubjectKind
from reforms.assessment.indicators import Counted, Period
from reforms.supervision.models import SupervisionOrder
from reforms.tasks.choices import TaskStatus
from tests.factories import (
    ActivityFactory,
    GridZoneFactory,
    GrievanceFactory,
    MilestoneFactory,
    OrganisationFactory,
    ParkFactory,
    PlanFactory,
    SubdistrictFactory,
    TaskFactory,
    UserFactory,
)
from tests.reforms.assessment.factories import scheme_with_rows

pytestmark = pytest.mark.django_db

MAY = Period(date(2026, 5, 1), date(2026, 5, 31), datetime(2026, 6, 1, 2, tzinfo=UTC))
IN_MAY = datetime(2026, 5, 12, 2, tzinfo=UTC)
EVERY = [i.key for i in indicators.indicators_for(SubjectKind.PARK)]


def done(unit, park=None, due=date(2026, 5, 20), on=date(2026, 5, 18), **fields):
    return TaskFactory(
        lead_unit=unit,
        park=park,
        due_date=due,
        status=TaskStatus.DONE,
        done_on=on,
        progress=100,
        **fields,
    )


def order(task=None, grievance=None, *, unit, due, replied=None):
    return SupervisionOrder.objects.create(
        year=2026,
        number=SupervisionOrder.objects.count() + 1,
        task=task,
        grievance=grievance,
        unit=unit,
        colour="yellow",
        requirement="请反馈。",
        reply_due=due,
        issued_by=UserFactory(),
        first_replied_at=replied,
        status="answered" if replied else "issued",
    )


@pytest.fixture
def world():
    """Park P1 (subdistrict S1) and P2 (S2); unit U leads P1's tasks and handles its cases."""
    s1, s2 = SubdistrictFactory(name="广益街道"), SubdistrictFactory(name="北大街街道")
    p1, p2 = (
        ParkFactory(name="建材市场", subdistrict=s1),
        ParkFactory(name="食品城", subdistrict=s2),
    )
    unit = OrganisationFactory(name="区总工会")
    # Tasks due in May: P1 one on time, one overdue; S1's own task (no park) on time.
    on_time = done(unit, p1)
    TaskFactory(lead_unit=unit, park=p1, due_date=date(2026, 5, 10))
    done(unit, plan=PlanFactory(scope="subdistrict", subdistrict=s1, issuer=unit))
    TaskFactory(lead_unit=unit, park=p1, due_date=date(2026, 5, 10), status=TaskStatus.CANCELLED)
    # Milestones due in May of a P1 task: on time, late, not reached; and a cancelled task's.
    later = TaskFactory(lead_unit=unit, park=p1, due_date=date(2026, 12, 31))
    MilestoneFactory(task=later, due_date=date(2026, 5, 10), done_on=date(2026, 5, 9))
    MilestoneFactory(task=later, due_date=date(2026, 5, 10), done_on=date(2026, 5, 11))
    MilestoneFactory(task=later, due_date=date(2026, 5, 10))
    cancelled = TaskFactory(park=p1, status=TaskStatus.CANCELLED)
    MilestoneFactory(task=cancelled, due_date=date(2026, 5, 10))
    # Grievances received in May: P1 two, one responded in time.
    received = datetime(2026, 5, 10, 2, tzinfo=UTC)
    case = GrievanceFactory(
        park=p1,
        handling_unit=unit,
        received_at=received,
        responded_at=datetime(2026, 5, 10, 3, tzinfo=UTC),
    )
    GrievanceFactory(
        park=p1,
        handling_unit=unit,
        received_at=received,
        responded_at=datetime(2026, 5, 12, 3, tzinfo=UTC),
    )
    # Orders due in May: about P1's task answered on time, about its grievance not answered;
    # one due in June counts nowhere.
    order(on_time, unit=unit, due=date(2026, 5, 15), replied=datetime(2026, 5, 14, 2, tzinfo=UTC))
    order(grievance=case, unit=unit, due=date(2026, 5, 20))
    order(on_time, unit=unit, due=date(2026, 6, 20))
    # Grid zones: P1 four, two logged in May (one logged in June only); P2 two, none.
    zones = [GridZoneFactory(park=p1) for _ in range(4)] + [GridZoneFactory(park=p2) for _ in "ab"]
    ActivityFactory(grid_zone=zones[0], occurred_at=IN_MAY)
    ActivityFactory(grid_zone=zones[1], occurred_at=IN_MAY)
    ActivityFactory(grid_zone=zones[2], occurred_at=datetime(2026, 6, 2, tzinfo=UTC))
    ActivityFactory(grid_zone=None, park=p2, occurred_at=IN_MAY)  # park-wide: covers no zone
    return {"s1": s1, "s2": s2, "p1": p1, "p2": p2, "unit": unit}


def figures(kind, subject):
    counted = indicators.measure(kind, [i.key for i in indicators.indicators_for(kind)], MAY)
    return {key: by.get(subject.pk) for key, by in counted.items()}


def test_a_park_is_counted_on_its_own_rows(world):
    assert figures(SubjectKind.PARK, world["p1"]) == {
        "task_on_time": Counted(1, 2),
        "milestone_on_time": Counted(1, 3),
        "response_rate": Counted(1, 2),
        "resolution_rate": Counted(0, 2),  # neither replied to within its 15 days
        "satisfaction_rate": Counted(0, 0),  # no follow-up call: does not apply
        "on_time_resolution_rate": Counted(0, 2),
        "return_rate": Counted(0, 2),
        "reopen_rate": Counted(0, 0),
        "orders_on_time": Counted(1, 2),
        "coverage": Counted(2, 4),
    }
    p2 = figures(SubjectKind.PARK, world["p2"])
    assert p2["coverage"] == Counted(0, 2) and p2["task_on_time"] is None


def test_a_subdistrict_is_counted_on_its_area_with_its_own_tasks(world):
    s1 = figures(SubjectKind.SUBDISTRICT, world["s1"])
    assert s1["task_on_time"] == Counted(2, 3)
    assert s1["task_on_time"].value == Decimal("66.7")
    assert (s1["orders_on_time"], s1["coverage"]) == (Counted(1, 2), Counted(2, 4))
    assert figures(SubjectKind.SUBDISTRICT, world["s2"])["coverage"] == Counted(0, 2)


def test_a_unit_is_counted_on_what_it_leads_handles_and_is_ordered(world):
    unit = figures(SubjectKind.UNIT, world["unit"])
    assert (unit["task_on_time"], unit["milestone_on_time"]) == (Counted(2, 3), Counted(1, 3))
    assert (unit["response_rate"], unit["orders_on_time"]) == (Counted(1, 2), Counted(1, 2))


def test_grid_coverage_is_not_a_unit_indicator():
    assert "coverage" not in [i.key for i in indicators.indicators_for(SubjectKind.UNIT)]
    with pytest.raises(ValueError, match="coverage does not apply to unit"):
        indicators.measure(SubjectKind.UNIT, ["coverage"], MAY)


def test_each_indicator_carries_its_module_definition():
    from grievances.rates import BY_KEY
    from reforms.tasks.selectors import ON_TIME_RATE

    assert indicators.INDICATORS["task_on_time"].basis == ON_TIME_RATE.basis
    assert indicators.INDICATORS["reopen_rate"].basis == BY_KEY["reopen_rate"].basis
    assert indicators.INDICATORS["return_rate"].lower_is_better


def parks_with_rows(count):
    unit = OrganisationFactory()
    for _ in range(count):
        park = ParkFactory()
        task = done(unit, park)
        MilestoneFactory(task=task, due_date=date(2026, 5, 10), done_on=date(2026, 5, 9))
        case = GrievanceFactory(park=park, handling_unit=unit, received_at=IN_MAY)
        order(task, unit=unit, due=date(2026, 5, 15))
        order(grievance=case, unit=unit, due=date(2026, 5, 15))
        ActivityFactory(grid_zone=GridZoneFactory(park=park), occurred_at=IN_MAY)


def queries(action):
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured)


@pytest.mark.parametrize("count", [2, 20])
def test_every_park_is_measured_in_five_queries(count):
    parks_with_rows(count)
    with CaptureQueriesContext(connection) as captured:
        counted = indicators.measure(SubjectKind.PARK, EVERY, MAY)
    assert len(captured) == 5  # tasks, milestones, grievances, orders, grid zones
    assert len(counted["coverage"]) == count


@pytest.mark.parametrize("count", [2, 20])
def test_a_period_is_computed_in_the_same_queries_for_2_parks_and_for_20(count, office_user):
    parks_with_rows(count)
    scheme = scheme_with_rows(
        subject_kind=SubjectKind.PARK,
        indicators=[
            (
                key,
                "10",
                "0" if key in ("return_rate", "reopen_rate") else "100",
                "20" if key in ("return_rate", "reopen_rate") else "60",
            )
            for key in EVERY
        ],
    )
    made = []
    assert (
        queries(
            lambda: made.extend(
                services.compute_period(scheme, "month", date(2026, 5, 1), by=office_user)
            )
        )
        == 17
    )
    assert len(made) == count


@pytest.mark.parametrize("count", [2, 20])
def test_a_period_is_recomputed_in_the_same_queries_for_2_parks_and_for_20(count, office_user):
    parks_with_rows(count)
    scheme = scheme_with_rows(
        subject_kind=SubjectKind.PARK, indicators=[("coverage", "100", "100", "0")]
    )
    services.compute_period(scheme, "month", date(2026, 5, 1))

    def recompute():
        services.compute_period(
            scheme, "month", date(2026, 5, 1), by=office_user, recompute=True, reason="数据更正"
        )

    assert queries(recompute) == 12  # one grid-zone query; scores and events written in bulk
