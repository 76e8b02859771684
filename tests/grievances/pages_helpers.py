"""Fixtures and helpers shared by the grievance page tests."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.urls import reverse

from grievances.models import Grievance
from parks.structure.choices import Role
from tests.factories import GrievanceFactory, UserFactory, record_follow_ups

# Every test runs at 18:00 on 2 June 2026 in Shanghai; the factory's grievances arrived the day
# before at 17:00, with 24 hours to respond and 15 days to resolve.
NOW = datetime(2026, 6, 2, 10, 0, tzinfo=UTC)


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def frozen_now(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture(autouse=True)
def in_english(client):
    """Pages in English, so the assertions hold whatever the Chinese catalogue says."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def union(member_unit_user):
    return member_unit_user.organisation


@pytest.fixture
def other_liaison(other_park):
    return UserFactory(username="other-liaison", role=Role.LIAISON, park=other_park)


@pytest.fixture
def grievance(park, grid_zone):
    return GrievanceFactory(
        park=park,
        grid_zone=grid_zone,
        title="拖欠工资",
        complainant_name="张三丰",
        complainant_phone="13812345678",
        complainant_employer="某建材商行",
    )


def _in(status, grievance, unit, **extra):
    """Put a grievance straight into a status (the services are tested on their own)."""
    fields = {"status": status, "handling_unit": unit, **extra}
    if status in ("accepted", "in_progress", "replied", "followed_up", "closed"):
        fields.setdefault("responded_at", grievance.received_at + timedelta(hours=2))
    if status in ("replied", "followed_up", "closed"):
        fields.setdefault("resolved_at", grievance.received_at + timedelta(days=2))
        fields.setdefault("reply", "已协调发放。")
    if status in ("followed_up", "closed"):
        fields.setdefault("satisfaction", "satisfied")
    Grievance.objects.filter(pk=grievance.pk).update(**fields)
    grievance.refresh_from_db()
    if grievance.satisfaction and not grievance.follow_ups.exists():
        # The follow-up call that recorded it, as the workflow keeps it.
        record_follow_ups(grievance, [grievance.satisfaction])
    return grievance


def _html(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _detail(client, grievance, **params):
    return _html(client.get(grievance.get_absolute_url(), params))


def _buttons(html):
    return re.findall(r'class="btn [^"]*action-button" data-action="([a-z_]+)"', html)


def _act(client, grievance, action, data=None, follow=True):
    url = reverse("grievances:grievance_act", args=[grievance.pk, action])
    return client.post(url, data or {}, follow=follow)


def _inbox_codes(client, **params):
    html = _html(client.get(reverse("grievances:inbox"), params))
    return re.findall(r'<tr data-grievance="([A-Z0-9]+)"', html)
