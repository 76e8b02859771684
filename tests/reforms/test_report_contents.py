"""The figures of a progress report, checked against a small district counted by hand.

Three parks in two subdistricts, with tasks in every status and warning, grievances on both sides
of the period's bounds, surveys, grid-log entries at Sunday 23:30 and Monday 00:30 in Wuxi, and
ledger rows inside and outside the period. Today is 2026-07-15; the reports cover June 2026 (May
before it), the week of 8–14 June, and a custom ten days.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grievances.models import Grievance
from parks.choices import ActivityKind, Role
from parks.models import Activity
from reforms.choices import (
    PeriodKind,
    ProposalKind,
    ProposalStatus,
    PublicityChannel,
    ReportScope,
    TaskStatus,
)
from reforms.models import Report, Task
from reforms.reporting.contents import SCHEMA_VERSION, SECTIONS, build_snapshot
from tests.factories import (
    ActivityFactory,
    CarePaymentFactory,
    GridZoneFactory,
    GrievanceFactory,
    OrganisationFactory,
    ParkFactory,
    PlanFactory,
    ProposalFactory,
    PublicityFactory,
    SubdistrictFactory,
    SurveyCampaignFactory,
    TaskFactory,
    TrainingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

WUXI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 7, 15)
JUNE = (date(2026, 6, 1), date(2026, 6, 30))
# 2026-06-01 is a Monday: the month and the week both start at Sunday 31 May 24:00 in Wuxi.
WEEK = (date(2026, 6, 8), date(2026, 6, 14))


def wuxi(*args) -> datetime:
    return datetime(*args, tzinfo=WUXI)


@pytest.fixture(autouse=True)
def frozen_now(time_machine):
    time_machine.move_to(wuxi(2026, 7, 15, 10, 0), tick=False)


def report(scope=ReportScope.DISTRICT, kind=PeriodKind.MONTH, period=JUNE, **target) -> Report:
    return Report.objects.create(
        scope=scope, period_kind=kind, period_start=period[0], period_end=period[1], **target
    )


# --- The district ---------------------------------------------------------------------------


@pytest.fixture
def world():
    """Parks A and B in 广益街道, park C in 北大街街道; zones A1–A3, B1–B2, C1."""
    w = SimpleNamespace()
    w.s1 = SubdistrictFactory(name="广益街道")
    w.s2 = SubdistrictFactory(name="北大街街道")
    w.a = ParkFactory(name="园区A", subdistrict=w.s1)
    w.b = ParkFactory(name="园区B", subdistrict=w.s1)
    w.c = ParkFactory(name="园区C", subdistrict=w.s2)
    liaison = UserFactory(role=Role.LIAISON, park=w.a)
    gone = UserFactory(role=Role.LIAISON, park=w.a, is_active=False)
    w.a1 = GridZoneFactory(park=w.a, code="A1", liaison=liaison)
    w.a2 = GridZoneFactory(park=w.a, code="A2", liaison=gone)  # the liaison has left
    w.a3 = GridZoneFactory(park=w.a, code="A3")
    w.b1 = GridZoneFactory(park=w.b, code="B1", liaison=UserFactory(role=Role.LIAISON, park=w.b))
    w.b2 = GridZoneFactory(park=w.b, code="B2")
    w.c1 = GridZoneFactory(park=w.c, code="C1", liaison=UserFactory(role=Role.LIAISON, park=w.c))
    w.u1 = OrganisationFactory(name="单位甲")
    w.u2 = OrganisationFactory(name="单位乙")
    w.u3 = OrganisationFactory(name="单位丙")
    _tasks(w)
    _grievances(w)
    _activities(w)
    _ledgers(w)
    return w


def _tasks(w):
    def task(code, park, unit, status, due, done_on=None, **fields):
        fields.setdefault("progress", 100 if status == TaskStatus.DONE else 0)
        return TaskFactory(
            code=code,
            park=park,
            lead_unit=unit,
            status=status,
            due_date=due,
            done_on=done_on,
            **fields,
        )

    # Warnings as of 15 July in the comments.
    task("T1", w.a, w.u1, TaskStatus.DONE, date(2026, 6, 20), date(2026, 6, 18))  # green
    task("T2", w.a, w.u1, TaskStatus.DONE, date(2026, 6, 10), date(2026, 6, 25))  # done late
    task("T3", w.b, w.u2, TaskStatus.IN_PROGRESS, date(2026, 6, 15))  # red
    # Still open when June ended, done since: overdue in June's report, done late now.
    task("T4", w.b, w.u2, TaskStatus.DONE, date(2026, 6, 5), date(2026, 7, 3))
    # Due on June's last day: not yet past due on it; red now.
    task("T5", w.c, w.u3, TaskStatus.PLANNED, date(2026, 6, 30))
    task("T6", w.a, w.u1, TaskStatus.CANCELLED, date(2026, 6, 12))  # not chased
    task("T7", w.c, w.u3, TaskStatus.SUSPENDED, date(2026, 5, 20))  # red
    # District-wide, on pace: green.
    task("T8", None, w.u2, TaskStatus.IN_PROGRESS, date(2026, 12, 31), progress=60)
    # 广益街道's own task, done on time in May: green.
    task(
        "T9",
        None,
        w.u3,
        TaskStatus.DONE,
        date(2026, 5, 31),
        date(2026, 5, 30),
        plan=PlanFactory(scope="subdistrict", subdistrict=w.s1),
    )
    # Due in five days: yellow.
    task("T10", w.a, w.u1, TaskStatus.IN_PROGRESS, date(2026, 7, 20), start_date=date(2026, 7, 1))


def _grievances(w):
    def grievance(park, received_at, status="received", unit=None, **fields):
        return GrievanceFactory(
            park=park, received_at=received_at, status=status, handling_unit=unit, **fields
        )

    def hours(received_at, n):
        return received_at + timedelta(hours=n)

    def days(received_at, n):
        return received_at + timedelta(days=n)

    w.survey_june = SurveyCampaignFactory(
        park=w.a, held_on=date(2026, 6, 5), handed_out=900, returned=600
    )
    SurveyCampaignFactory(park=w.c, held_on=date(2026, 5, 20), handed_out=100, returned=80)
    SurveyCampaignFactory(park=w.b, held_on=date(2026, 7, 2), handed_out=50, returned=40)

    # G1: Monday 1 June 00:30 in Wuxi (still 31 May in UTC): June. Answered and resolved in
    # time, satisfied.
    g1 = wuxi(2026, 6, 1, 0, 30)
    grievance(
        w.a,
        g1,
        "closed",
        w.u1,
        responded_at=hours(g1, 2),
        resolved_at=days(g1, 3),
        satisfaction="satisfied",
    )
    # G2: Sunday 31 May 23:30: May. Answered and resolved late, unsatisfied.
    g2 = wuxi(2026, 5, 31, 23, 30)
    grievance(
        w.a,
        g2,
        "closed",
        w.u1,
        responded_at=hours(g2, 30),
        resolved_at=days(g2, 20),
        satisfaction="unsatisfied",
    )
    # G3: withdrawn: counted nowhere.
    grievance(w.b, wuxi(2026, 6, 15, 10, 0), "withdrawn")
    # G4: answered in time, not resolved yet.
    g4 = wuxi(2026, 6, 20, 9, 0)
    grievance(w.b, g4, "in_progress", w.u2, responded_at=hours(g4, 5))
    # G5: 30 June 23:30: June, untouched. G6: 1 July 00:30: July.
    grievance(w.c, wuxi(2026, 6, 30, 23, 30))
    grievance(w.c, wuxi(2026, 7, 1, 0, 30))
    # G7, G8: opinions from June's survey; G7 answered late, resolved in time and rectified;
    # G8 answered in time and resolved late.
    g7 = wuxi(2026, 6, 10, 9, 0)
    grievance(
        w.a,
        g7,
        "followed_up",
        w.u1,
        channel="survey",
        survey=w.survey_june,
        responded_at=hours(g7, 25),
        resolved_at=days(g7, 10),
        satisfaction="basically_satisfied",
        rectified=True,
    )
    g8 = wuxi(2026, 6, 11, 9, 0)
    grievance(
        w.b,
        g8,
        "replied",
        w.u2,
        channel="survey",
        responded_at=hours(g8, 1),
        resolved_at=days(g8, 16),
    )


def _activities(w):
    def log(zone, kind, occurred_at, participants, park=None):
        return ActivityFactory(
            grid_zone=zone,
            park=park or zone.park,
            kind=kind,
            occurred_at=occurred_at,
            participants=participants,
        )

    log(w.a1, ActivityKind.VISIT, wuxi(2026, 6, 1, 0, 30), 5)  # Monday 00:30: June
    log(w.a1, ActivityKind.LECTURE, wuxi(2026, 5, 31, 23, 30), 40)  # Sunday 23:30: May
    log(w.a2, ActivityKind.CARE, wuxi(2026, 6, 15, 10, 0), 20)
    log(None, ActivityKind.FORUM, wuxi(2026, 6, 20, 14, 0), 30, park=w.a)  # park-wide
    log(w.b1, ActivityKind.VISIT, wuxi(2026, 6, 30, 23, 30), 3)  # June's last half hour
    log(w.b1, ActivityKind.VISIT, wuxi(2026, 7, 1, 0, 30), 4)  # July
    log(w.c1, ActivityKind.TRAINING, wuxi(2026, 5, 10, 9, 0), 25)
    log(w.c1, ActivityKind.CARE, wuxi(2026, 6, 7, 23, 30), 10)  # Sunday: the week before
    log(w.c1, ActivityKind.MEDIATION, wuxi(2026, 6, 8, 0, 30), 2)  # Monday: the week of 8 June


def _ledgers(w):
    CarePaymentFactory(park=w.a, paid_on=date(2026, 6, 10), recipients=10, amount="10000.00")
    CarePaymentFactory(park=w.b, paid_on=date(2026, 6, 30), recipients=4, amount="4000.50")
    CarePaymentFactory(park=w.c, paid_on=date(2026, 5, 31), recipients=2, amount="2000.00")
    CarePaymentFactory(park=w.a, paid_on=date(2026, 7, 1), recipients=99, amount="99.00")

    PublicityFactory(
        park=w.a, channel=PublicityChannel.ONLINE_PLATFORM, published_on=date(2026, 6, 12)
    )
    PublicityFactory(park=None, channel=PublicityChannel.TV, published_on=date(2026, 6, 15))
    PublicityFactory(
        park=w.c, channel=PublicityChannel.GOVERNMENT_WEBSITE, published_on=date(2026, 6, 1)
    )
    PublicityFactory(park=w.b, channel=PublicityChannel.PRINT, published_on=date(2026, 5, 20))

    TrainingFactory(
        park=w.a, started_on=date(2026, 6, 15), hours="16.0", trainees=30, certificates=25
    )
    TrainingFactory(
        park=w.c, started_on=date(2026, 6, 20), hours="8.5", trainees=10, certificates=0
    )
    TrainingFactory(park=w.b, started_on=date(2026, 5, 15))

    ProposalFactory(
        park=w.a,
        kind=ProposalKind.INNOVATION,
        submitted_on=date(2026, 6, 5),
        status=ProposalStatus.REWARDED,
        benefit_amount=Decimal("5000.00"),
        reward_amount=Decimal("800.00"),
    )
    ProposalFactory(park=w.b, submitted_on=date(2026, 6, 6))
    ProposalFactory(
        park=w.c,
        submitted_on=date(2026, 5, 6),
        status=ProposalStatus.ADOPTED,
        benefit_amount=Decimal("100.00"),
    )


# --- Helpers for expected values ------------------------------------------------------------


def kinds(**counts) -> dict:
    """by_kind with every kind, from kind=(count, participants)."""
    return {
        kind: dict(zip(("count", "participants"), counts.get(kind, (0, 0)), strict=True))
        for kind in ActivityKind.values
    }


def rates(received, responded_in_time, resolved, resolved_in_time, followed_up, satisfied):
    def ratio(part, whole):
        return round(100 * part / whole, 1) if whole else None

    return {
        "received": received,
        "responded_in_time": responded_in_time,
        "resolved": resolved,
        "resolved_in_time": resolved_in_time,
        "followed_up": followed_up,
        "satisfied": satisfied,
        "response_rate": ratio(responded_in_time, received),
        "resolution_rate": ratio(resolved, received),
        "satisfaction_rate": ratio(satisfied, followed_up),
    }


def statuses(**counts) -> dict:
    return {status: counts.get(status, 0) for status in TaskStatus.values}


@dataclass
class Finished:
    done: int
    done_on_time: int
    due: int
    due_done_on_time: int

    def as_dict(self):
        rate = round(100 * self.due_done_on_time / self.due, 1) if self.due else None
        return {**self.__dict__, "on_time_rate": rate}


# --- The monthly district report --------------------------------------------------------------


def test_the_header_names_the_scope_both_periods_and_the_day_figures_stand_at(world):
    snapshot = build_snapshot(report())

    assert snapshot["schema_version"] == SCHEMA_VERSION
    assert snapshot["scope"] == {
        "kind": "district",
        "subdistrict": None,
        "park": None,
        "name": "梁溪区",
    }
    assert snapshot["period"] == {"kind": "month", "start": "2026-06-01", "end": "2026-06-30"}
    assert snapshot["previous_period"] == {"start": "2026-05-01", "end": "2026-05-31"}
    # Task statuses and warnings are as they stand on the day the report is built; the overdue
    # list as it stood on the period's last day.
    assert snapshot["as_of"] == "2026-07-15"
    assert snapshot["tasks"]["as_of"] == "2026-07-15"
    assert snapshot["overdue_as_of"] == "2026-06-30"
    assert set(SECTIONS) <= set(snapshot)


def test_tasks_by_status_and_warning_now_and_finished_in_each_period(world):
    tasks = build_snapshot(report())["tasks"]

    assert tasks["total"] == 10
    assert tasks["by_status"] == statuses(
        planned=1, in_progress=3, done=4, suspended=1, cancelled=1
    )
    assert tasks["by_warning"] == {"green": 3, "yellow": 1, "red": 3, "done_late": 2, "none": 1}
    # June: T1 (on time) and T2 (late) finished; T1–T5 fell due (T6, cancelled, is not chased);
    # of those only T1 was done by its due date.
    assert tasks["current"] == Finished(done=2, done_on_time=1, due=5, due_done_on_time=1).as_dict()
    # May: T9 finished on time; T7 and T9 fell due.
    assert (
        tasks["previous"] == Finished(done=1, done_on_time=1, due=2, due_done_on_time=1).as_dict()
    )


def test_overdue_by_unit_is_as_the_red_list_stood_on_the_periods_last_day(world):
    overdue = build_snapshot(report())["overdue_by_unit"]

    # 单位乙: T3, and T4 (open on 30 June though done since). 单位丙: T7 (suspended). T5, due on
    # 30 June itself, was not yet past due; T2 was done in June; T6 is cancelled.
    assert overdue == [
        {"unit": world.u2.pk, "unit_name": "单位乙", "overdue": 2},
        {"unit": world.u3.pk, "unit_name": "单位丙", "overdue": 1},
    ]


def test_overdue_by_unit_of_a_period_still_running_stands_at_today(world, time_machine):
    time_machine.move_to(wuxi(2026, 6, 16, 10, 0), tick=False)
    snapshot = build_snapshot(report())
    overdue = snapshot["overdue_by_unit"]

    # On 16 June: T2 (due 10 June, done only on the 25th), T3 (due the 15th), T4 (due the 5th)
    # and T7 are past due and open; T1 and T5 are not due yet.
    # Most first, then by name in pinyin: 丙 (bǐng) before 甲 (jiǎ).
    assert [(row["unit_name"], row["overdue"]) for row in overdue] == [
        ("单位乙", 2),
        ("单位丙", 1),
        ("单位甲", 1),
    ]
    assert snapshot["overdue_as_of"] == "2026-06-16"


def test_grievances_received_in_each_period_with_the_three_rates_and_the_survey_funnel(world):
    grievances = build_snapshot(report())["grievances"]

    # June: G1 (00:30 on the 1st), G4, G5 (23:30 on the 30th), G7, G8; G3 is withdrawn.
    assert grievances["current"] == {
        **rates(
            received=5,
            responded_in_time=3,
            resolved=3,
            resolved_in_time=2,
            followed_up=2,
            satisfied=2,
        ),
        "funnel": {"handed_out": 900, "returned": 600, "opinions": 2, "rectified": 1},
    }
    # May: G2 (23:30 on the 31st).
    assert grievances["previous"] == {
        **rates(
            received=1,
            responded_in_time=0,
            resolved=1,
            resolved_in_time=0,
            followed_up=1,
            satisfied=0,
        ),
        "funnel": {"handed_out": 100, "returned": 80, "opinions": 0, "rectified": 0},
    }


def test_activities_by_kind_in_each_period_split_at_midnight_in_wuxi(world):
    activities = build_snapshot(report())["activities"]

    assert activities["current"] == {
        "count": 6,
        "participants": 70,
        "by_kind": kinds(visit=(2, 8), care=(2, 30), forum=(1, 30), mediation=(1, 2)),
    }
    assert activities["previous"] == {
        "count": 2,
        "participants": 65,
        "by_kind": kinds(lecture=(1, 40), training=(1, 25)),
    }


def test_coverage_counts_zones_that_logged_of_the_zones_that_exist(world):
    coverage = build_snapshot(report())["coverage"]

    # Six zones; A1, B1 and C1 have a liaison (A2's has left, A3 and B2 have none). June: A1,
    # A2, B1, C1 logged; the park-wide forum covers no zone. May: A1 and C1.
    assert coverage == {
        "zones": 6,
        "zones_with_liaison": 3,
        "current": {"covered": 4, "rate": 66.7},
        "previous": {"covered": 2, "rate": 33.3},
    }


def test_ledgers_in_each_period(world):
    snapshot = build_snapshot(report())

    assert snapshot["care"] == {
        "current": {"entries": 2, "recipients": 14, "amount": "14000.50"},
        "previous": {"entries": 1, "recipients": 2, "amount": "2000.00"},
    }
    channels = dict.fromkeys(PublicityChannel.values, 0)
    assert snapshot["publicity"] == {
        "current": {
            **channels,
            "entries": 3,
            "online_platform": 1,
            "tv": 1,
            "government_website": 1,
        },
        "previous": {**channels, "entries": 1, "print": 1},
    }
    assert snapshot["training"] == {
        "current": {"entries": 2, "hours": "24.5", "trainees": 40, "certificates": 25},
        "previous": {"entries": 1, "hours": "16.0", "trainees": 30, "certificates": 25},
    }
    by_status = dict.fromkeys(ProposalStatus.values, 0)
    assert snapshot["proposals"] == {
        "current": {
            **by_status,
            "entries": 2,
            "innovations": 1,
            "benefit_amount": "5000.00",
            "reward_amount": "800.00",
            "submitted": 1,
            "rewarded": 1,
        },
        "previous": {
            **by_status,
            "entries": 1,
            "innovations": 0,
            "benefit_amount": "100.00",
            "reward_amount": "0.00",
            "adopted": 1,
        },
    }


def test_by_park_gives_each_parks_key_figures(world):
    by_park = build_snapshot(report())["by_park"]

    assert by_park == [
        {
            "park": world.a.pk,
            "park_name": "园区A",
            "grievances": rates(2, 1, 2, 2, 2, 2),
            "activities": {"count": 3, "participants": 55},
            "tasks": {"total": 4, "done": 2, "red": 0, "yellow": 1},
            "coverage": {"zones": 3, "covered": 2},
        },
        {
            "park": world.b.pk,
            "park_name": "园区B",
            "grievances": rates(2, 2, 1, 0, 0, 0),
            "activities": {"count": 1, "participants": 3},
            "tasks": {"total": 2, "done": 1, "red": 1, "yellow": 0},
            "coverage": {"zones": 2, "covered": 1},
        },
        {
            "park": world.c.pk,
            "park_name": "园区C",
            "grievances": rates(1, 0, 0, 0, 0, 0),
            "activities": {"count": 2, "participants": 12},
            "tasks": {"total": 2, "done": 0, "red": 2, "yellow": 0},
            "coverage": {"zones": 1, "covered": 1},
        },
    ]


def test_by_park_adds_up_to_the_district_where_every_row_has_a_park(world):
    snapshot = build_snapshot(report())
    by_park = snapshot["by_park"]

    assert (
        sum(p["activities"]["count"] for p in by_park)
        == Activity.objects.filter(
            occurred_at__gte=wuxi(2026, 6, 1), occurred_at__lt=wuxi(2026, 7, 1)
        ).count()
    )
    assert sum(p["grievances"]["received"] for p in by_park) == (
        Grievance.objects.filter(
            received_at__gte=wuxi(2026, 6, 1), received_at__lt=wuxi(2026, 7, 1)
        )
        .exclude(status="withdrawn")
        .count()
    )
    assert (
        sum(p["coverage"]["covered"] for p in by_park) == snapshot["coverage"]["current"]["covered"]
    )
    assert (
        sum(p["tasks"]["total"] for p in by_park) == Task.objects.filter(park__isnull=False).count()
    )


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


def test_a_district_report_costs_the_same_queries_for_2_parks_and_for_20():
    _district_of(2)
    two_parks = report()
    two = _queries(two_parks)
    assert two == 24
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
