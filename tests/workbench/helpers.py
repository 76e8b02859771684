"""A hand-made day for the workbench tests: Wednesday 3 June 2026, 10:00 in Shanghai.

One park with two grid zones (G01 silent this week, G02 logged on Tuesday), the unit 区总工会
(the member-unit user's) and another unit, grievances in every queue, tasks red, yellow and
green, milestones and a report built yesterday.
"""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.conf import settings

from grievances.models import Grievance
from reforms.reporting.models import Report
from tests.factories import (
    ActivityFactory,
    GridZoneFactory,
    GrievanceFactory,
    MilestoneFactory,
    OrganisationFactory,
    TaskFactory,
)

NOW = datetime(2026, 6, 3, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, a Wednesday
TODAY = date(2026, 6, 3)


@pytest.fixture(autouse=True)
def frozen_now(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture(autouse=True)
def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def put(grievance, status, unit=None, **extra):
    """A grievance straight into a status (the workflow's services are tested on their own)."""
    fields = {"status": status, "handling_unit": unit, **extra}
    if status in ("accepted", "in_progress", "replied", "followed_up", "closed"):
        fields.setdefault("responded_at", grievance.received_at + timedelta(minutes=20))
    if status in ("replied", "followed_up", "closed"):
        fields.setdefault("resolved_at", grievance.received_at + timedelta(minutes=40))
        fields.setdefault("reply", "已协调处理。")
    if status in ("followed_up", "closed"):
        fields.setdefault("satisfaction", "satisfied")
    Grievance.objects.filter(pk=grievance.pk).update(**fields)
    grievance.refresh_from_db()
    return grievance


def received(park, title, *, hours_left=20, **extra):
    """A grievance received this morning with `hours_left` to respond."""
    return GrievanceFactory(
        park=park,
        title=title,
        received_at=NOW - timedelta(hours=1),
        response_due_at=NOW + timedelta(hours=hours_left),
        resolution_due_at=NOW + timedelta(days=14),
        **extra,
    )


@pytest.fixture
def day(park, grid_zone, member_unit_user, liaison):
    """Everything waiting on Wednesday; returns the named rows."""
    union = member_unit_user.organisation
    other_unit = OrganisationFactory(name="区人社局")
    logged_zone = GridZoneFactory(park=park, code="G02", name="卫浴区")
    ActivityFactory(grid_zone=logged_zone, occurred_at=NOW - timedelta(days=1), logged_by=liaison)
    # Logged last week only: still silent this week.
    ActivityFactory(grid_zone=grid_zone, occurred_at=NOW - timedelta(days=5), logged_by=liaison)
    rows = {
        # The office's: to assign (received, returned) and to follow up (replied).
        "new": received(park, "空调坏了"),
        "returned": put(received(park, "退回的诉求"), "returned"),
        "replied": put(received(park, "已答复待回访"), "replied", union),
        # The union's: to accept (two assigned, the urgent one first) and to handle (two).
        "assigned_late": put(received(park, "快到期的派单", hours_left=2), "assigned", union),
        "assigned": put(received(park, "新派单"), "assigned", union),
        "accepted": put(received(park, "已签收"), "accepted", union),
        "in_progress": put(received(park, "办理中"), "in_progress", union),
        # Another unit's, and a closed one: nobody's work on this workbench.
        "elsewhere": put(received(park, "别的单位的"), "assigned", other_unit),
        "closed": put(received(park, "已办结"), "closed", union),
    }
    red = TaskFactory(title="逾期任务", park=park, lead_unit=union, due_date=date(2026, 6, 1))
    yellow = TaskFactory(
        title="临期任务",
        park=park,
        lead_unit=union,
        start_date=date(2026, 6, 1),
        due_date=date(2026, 6, 6),
    )
    TaskFactory(
        title="正常任务",
        park=park,
        lead_unit=union,
        start_date=date(2026, 6, 1),
        due_date=date(2026, 12, 31),
    )
    TaskFactory(title="别人的逾期任务", park=park, lead_unit=other_unit, due_date=date(2026, 5, 1))
    MilestoneFactory(task=yellow, title="本周节点", due_date=date(2026, 6, 5))
    MilestoneFactory(task=yellow, title="已完成节点", due_date=date(2026, 6, 4), done_on=TODAY)
    MilestoneFactory(task=red, title="下月节点", due_date=date(2026, 7, 20))
    Report.objects.create(
        scope="park",
        park=park,
        period_kind="week",
        period_start=date(2026, 5, 25),
        period_end=date(2026, 5, 31),
        status="done",
        finished_at=NOW - timedelta(days=1),
    )
    return {**rows, "union": union, "other_unit": other_unit, "red": red, "yellow": yellow}


def counts(html):
    """Each section or panel's count, by key: {"grievances_to_accept": 2, …}."""
    return {
        key: int(count)
        for key, count in re.findall(r'id="panel-([a-z_]+)" data-count="(\d+)"', html)
    }


def panel(html, key):
    """The markup of one panel."""
    start = html.index(f'id="panel-{key}"')
    return html[start : html.index("</section>", start)]
