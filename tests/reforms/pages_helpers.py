"""Fixtures and helpers shared by the reform task page tests."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import OrganisationFactory, TaskFactory


@pytest.fixture(autouse=True)
def on_the_first_of_june(time_machine):
    time_machine.move_to(datetime(2026, 6, 1, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai")))


@pytest.fixture(autouse=True)
def in_english(client):
    """Pages in English, so the assertions hold whatever the Chinese catalogue says."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def union(member_unit_user):
    return member_unit_user.organisation


@pytest.fixture
def tasks(park, other_park, union):
    """One task of each warning level, in two parks and two units."""
    other_unit = OrganisationFactory(name="区人社局")
    return {
        # Past due, not done.
        "red": TaskFactory(
            code="T-RED",
            title="满意度调查",
            park=park,
            lead_unit=union,
            category="rights",
            status="in_progress",
            progress=50,
            start_date=date(2026, 1, 1),
            due_date=date(2026, 5, 1),
        ),
        # 41% of the span gone, nothing done: behind the scheduled pace.
        "yellow": TaskFactory(
            code="T-YELLOW",
            title="技能培训",
            park=park,
            lead_unit=other_unit,
            category="skills",
            start_date=date(2026, 1, 1),
            due_date=date(2026, 12, 31),
        ),
        "green": TaskFactory(
            code="T-GREEN",
            title="职工书屋",
            park=other_park,
            lead_unit=union,
            category="positions",
            status="in_progress",
            progress=10,
            start_date=date(2026, 5, 1),
            due_date=date(2026, 12, 31),
        ),
        "done_late": TaskFactory(
            code="T-LATE",
            title="文化长廊",
            park=other_park,
            lead_unit=other_unit,
            category="publicity",
            status="done",
            progress=100,
            start_date=date(2026, 1, 1),
            due_date=date(2026, 3, 31),
            done_on=date(2026, 4, 10),
        ),
    }


def _html(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _codes(html):
    return re.findall(r'<tr data-task="([^"]+)"', html)


def _detail(client, task):
    return _html(client.get(reverse("reforms:task_detail", args=[task.pk])))
