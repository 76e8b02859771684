"""Progress report figures for a subdistrict, a park, a week and a custom period, and their cost in
queries."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parks.structure.choices import Role
from reforms.reporting.choices import PeriodKind, ReportScope
from reforms.reporting.contents import SECTIONS, build_snapshot
from tests.factories import (
    ActivityFactory,
    CarePaymentFactory,
    GridZoneFactory,
    GrievanceFactory,
    OrganisationFactory,
    ParkFactory,
    ProposalFactory,
    PublicityFactory,
    SurveyCampaignFactory,
    TaskFactory,
    TrainingFactory,
    UserFactory,
)
from tests.reforms import report_contents_helpers as shared
from tests.reforms.report_contents_helpers import WEEK, Finished, kinds, report, statuses, wuxi

# The shared fixtures, bound here so pytest finds them by name.
frozen_now = shared.frozen_now
world = shared.world


pytestmark = pytest.mark.django_db


# --- Other scopes ---------------------------------------------------------------------------


def test_a_subdistrict_report_counts_its_parks_and_its_own_tasks(world):
    snapshot = build_snapshot(report(ReportScope.SUBDISTRICT, subdistrict=world.s1))

    assert snapshot["scope"]["name"] == "广益街道"
    assert [p["park_name"] for p in snapshot["by_park"]] == ["园区A", "园区B"]
    # Parks A and B's tasks and 广益街道's own T9; not the district-wide T8 nor C's.
    assert snapshot["tasks"]["total"] == 7
    assert snapshot["tasks"]["previous"] == Finished(1, 1, 1, 1).as_dict()
    assert snapshot["overdue_by_unit"] == [
        {"unit": world.u2.pk, "unit_name": "单位乙", "overdue": 2}
    ]
    assert snapshot["activities"]["current"]["count"] == 4
    assert snapshot["activities"]["current"]["participants"] == 58
    assert snapshot["grievances"]["current"]["received"] == 4
    assert snapshot["coverage"]["zones"] == 5
    assert snapshot["coverage"]["current"] == {"covered": 3, "rate": 60.0}
    # The district office's own publicity is the district's only.
    assert snapshot["publicity"]["current"]["entries"] == 1
    assert snapshot["care"]["current"]["amount"] == "14000.50"


def test_a_park_report_counts_that_park_only(world):
    snapshot = build_snapshot(report(ReportScope.PARK, park=world.a))

    assert snapshot["scope"] == {
        "kind": "park",
        "subdistrict": None,
        "park": world.a.pk,
        "name": "园区A",
    }
    assert snapshot["tasks"]["total"] == 4
    assert snapshot["tasks"]["by_status"] == statuses(done=2, cancelled=1, in_progress=1)
    assert snapshot["overdue_by_unit"] == []
    assert snapshot["grievances"]["current"]["received"] == 2
    assert snapshot["grievances"]["current"]["funnel"] == {
        "handed_out": 900,
        "returned": 600,
        "opinions": 1,
        "rectified": 1,
    }
    assert snapshot["activities"]["current"]["participants"] == 55
    assert snapshot["coverage"]["zones"] == 3
    assert snapshot["care"]["current"] == {"entries": 1, "recipients": 10, "amount": "10000.00"}
    assert snapshot["publicity"]["current"]["entries"] == 1
    assert snapshot["training"]["current"]["trainees"] == 30
    assert snapshot["proposals"]["current"]["entries"] == 1
    assert [p["park"] for p in snapshot["by_park"]] == [world.a.pk]


def _figures(snapshot):
    return {name: snapshot[name] for name in SECTIONS}


def test_a_park_report_does_not_move_when_other_parks_and_the_district_log_more(world):
    park_report = report(ReportScope.PARK, park=world.a)
    before = _figures(build_snapshot(park_report))

    june = wuxi(2026, 6, 15, 12, 0)
    for park, zone in ((world.b, world.b2), (world.c, world.c1)):
        ActivityFactory(grid_zone=zone, park=park, occurred_at=june, participants=7)
        GrievanceFactory(park=park, received_at=june)
        SurveyCampaignFactory(park=park, held_on=date(2026, 6, 3))
        TaskFactory(park=park, lead_unit=world.u1, due_date=date(2026, 6, 2))
        CarePaymentFactory(park=park, paid_on=date(2026, 6, 3))
        PublicityFactory(park=park, published_on=date(2026, 6, 3))
        TrainingFactory(park=park, started_on=date(2026, 6, 3))
        ProposalFactory(park=park, submitted_on=date(2026, 6, 3))
        GridZoneFactory(park=park, code="X9")
    TaskFactory(park=None, lead_unit=world.u1, due_date=date(2026, 6, 2))
    PublicityFactory(park=None, published_on=date(2026, 6, 3))

    assert _figures(build_snapshot(park_report)) == before


# --- Other periods --------------------------------------------------------------------------


def test_a_weekly_report_runs_monday_to_sunday_in_wuxi(world):
    snapshot = build_snapshot(report(kind=PeriodKind.WEEK, period=WEEK))

    assert snapshot["previous_period"] == {"start": "2026-06-01", "end": "2026-06-07"}
    # Monday 8 June 00:30 is this week; Sunday 7 June 23:30 and Monday 1 June 00:30 the last.
    assert snapshot["activities"]["current"]["by_kind"] == kinds(mediation=(1, 2))
    assert snapshot["activities"]["previous"]["by_kind"] == kinds(visit=(1, 5), care=(1, 10))
    assert snapshot["coverage"]["current"] == {"covered": 1, "rate": 16.7}
    assert snapshot["coverage"]["previous"] == {"covered": 2, "rate": 33.3}
    # G7 and G8 (10 and 11 June); G1 on the 1st.
    assert snapshot["grievances"]["current"]["received"] == 2
    assert snapshot["grievances"]["previous"]["received"] == 1
    assert snapshot["grievances"]["current"]["funnel"]["handed_out"] == 0
    assert snapshot["grievances"]["previous"]["funnel"]["handed_out"] == 900
    # T3 falls due on the 15th, after this week; T2 (10 June) and T6 (12 June, cancelled) in it.
    assert snapshot["tasks"]["current"] == Finished(0, 0, 1, 0).as_dict()
    assert snapshot["tasks"]["previous"] == Finished(0, 0, 1, 0).as_dict()  # T4, 5 June
    assert snapshot["care"]["current"]["entries"] == 1  # 10 June
    assert snapshot["publicity"]["current"]["entries"] == 1  # 12 June
    assert snapshot["proposals"]["previous"]["entries"] == 2  # 5 and 6 June


def test_a_custom_report_compares_with_as_many_days_just_before(world):
    snapshot = build_snapshot(
        report(kind=PeriodKind.CUSTOM, period=(date(2026, 6, 1), date(2026, 6, 10)))
    )

    assert snapshot["period"] == {"kind": "custom", "start": "2026-06-01", "end": "2026-06-10"}
    assert snapshot["previous_period"] == {"start": "2026-05-22", "end": "2026-05-31"}
    assert snapshot["activities"]["current"]["by_kind"] == kinds(
        visit=(1, 5), care=(1, 10), mediation=(1, 2)
    )
    assert snapshot["activities"]["previous"]["by_kind"] == kinds(lecture=(1, 40))
    assert snapshot["care"]["current"]["entries"] == 1  # 10 June, the last day
    assert snapshot["care"]["previous"]["entries"] == 1  # 31 May
    assert snapshot["grievances"]["current"]["received"] == 2  # G1 and G7
    assert snapshot["grievances"]["previous"]["received"] == 1  # G2


# --- Cost -----------------------------------------------------------------------------------


def _district_of(parks: int):
    unit = OrganisationFactory()
    for n in range(parks):
        park = ParkFactory()
        zone = GridZoneFactory(park=park, liaison=UserFactory(role=Role.LIAISON, park=park))
        ActivityFactory(grid_zone=zone, park=park, occurred_at=wuxi(2026, 6, 3, 10, 0))
        ActivityFactory(grid_zone=zone, park=park, occurred_at=wuxi(2026, 5, 3, 10, 0))
        GrievanceFactory(park=park, received_at=wuxi(2026, 6, 4, 10, 0))
        SurveyCampaignFactory(park=park, held_on=date(2026, 6, 5))
        TaskFactory(park=park, lead_unit=unit, due_date=date(2026, 6, 1 + n % 20))
        CarePaymentFactory(park=park, paid_on=date(2026, 6, 10))
        PublicityFactory(park=park, published_on=date(2026, 6, 10))
        TrainingFactory(park=park, started_on=date(2026, 6, 10))
        ProposalFactory(park=park, submitted_on=date(2026, 6, 10))


def _queries(report_):
    with CaptureQueriesContext(connection) as queries:
        build_snapshot(report_)
    return len(queries)


# A district report's queries, whatever its number of parks (the test below says which they
# are); the report benchmark (tests/bench/test_report_bench.py) asserts the same number.
DISTRICT_REPORT_QUERIES = 39


def test_a_district_report_costs_the_same_queries_for_2_parks_and_for_20():
    _district_of(2)
    two_parks = report()
    two = _queries(two_parks)
    # 25, 2 for `by_subdistrict` (the subdistricts with their parks, their own tasks), 7
    # for the same period a year earlier (grievances 2, activities 1, the four ledgers 4), 2
    # for each park's grievances over the period before and a year earlier (one grouped query
    # per period; their activities and covered zones are columns of the existing queries) and
    # 2 for the supervision orders (issue 13: the period's counts, and the same by unit). Each
    # period's grievances are read once for the rates and the funnel's opinions, and the tasks'
    # warnings are grouped in a query of their own, cheaper to compile (issue 14).
    assert two == DISTRICT_REPORT_QUERIES
    assert len(build_snapshot(two_parks)["by_park"]) == 2

    _district_of(18)
    twenty = report(period=(date(2026, 6, 1), date(2026, 6, 30)), kind=PeriodKind.CUSTOM)
    assert _queries(twenty) == two
    assert len(build_snapshot(twenty)["by_park"]) == 20


def test_progress_is_reported_after_each_section_up_to_90(world):
    seen = []
    build_snapshot(report(), progress=seen.append)

    assert len(seen) == len(SECTIONS)
    assert seen == sorted(seen)
    assert seen[-1] == 90
