"""The data set behind the progress report content tests, shared with the definition and spec
tests."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from parks.gridlog.choices import ActivityKind
from parks.structure.choices import Role
from reforms.ledgers.choices import ProposalKind, ProposalStatus, PublicityChannel
from reforms.reporting.choices import PeriodKind, ReportScope
from reforms.reporting.models import Report
from reforms.tasks.choices import TaskStatus
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
        # A title of its own: the factory's numbers its titles in the order tests create tasks.
        fields.setdefault("title", f"任务{code}")
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


def statuses(**counts) -> dict:
    return {status: counts.get(status, 0) for status in TaskStatus.values}


@dataclass
class Finished:
    done: int
    done_on_time: int
    due: int
    due_done_on_time: int
    # Due in the period, not done and not yet due at the build: left out of the on-time rate
    # (reforms.tasks.selectors.on_time_conditions); none in a period over before the build.
    due_pending: int = 0

    def as_dict(self):
        counted = self.due - self.due_pending
        rate = round(100 * self.due_done_on_time / counted, 1) if counted else None
        return {
            "done": self.done,
            "done_on_time": self.done_on_time,
            "due": self.due,
            "due_pending": self.due_pending,
            "due_counted": counted,
            "due_done_on_time": self.due_done_on_time,
            "on_time_rate": rate,
        }
