"""Shared set-up of the supervision order tests: an office, a unit with two staff, another unit,
a task led by the unit and a grievance it handles."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from parks.structure.choices import Role
from reforms.supervision import services
from tests.factories import GrievanceFactory, OrganisationFactory, TaskFactory, UserFactory


@dataclass
class World:
    office: object
    unit: object
    staff: object
    colleague: object
    other_unit: object
    outsider: object
    task: object
    grievance: object


@pytest.fixture
def world(park):
    unit = OrganisationFactory(name="区总工会")
    other_unit = OrganisationFactory(name="区人社局")
    return World(
        office=UserFactory(username="office", role=Role.OFFICE, email="office@example.cn"),
        unit=unit,
        staff=UserFactory(username="unit1", role=Role.MEMBER_UNIT, organisation=unit),
        colleague=UserFactory(username="unit2", role=Role.MEMBER_UNIT, organisation=unit),
        other_unit=other_unit,
        outsider=UserFactory(username="other", role=Role.MEMBER_UNIT, organisation=other_unit),
        task=TaskFactory(park=park, lead_unit=unit, title="建设职工书屋"),
        grievance=GrievanceFactory(park=park, handling_unit=unit, title="车间空调坏了三天"),
    )


def issue(world, *, days=5, colour="yellow", **subject):
    subject = subject or {"task": world.task}
    return services.order_issue(
        actor=world.office,
        unit=None,
        colour=colour,
        requirement="请书面反馈整改情况。",
        reply_due=timezone.localdate() + timedelta(days=days),
        **subject,
    )


def make_overdue(order, days=3):
    """History the services cannot write: the reply date passed `days` days ago."""
    type(order).objects.filter(pk=order.pk).update(
        reply_due=timezone.localdate() - timedelta(days=days)
    )
    order.refresh_from_db()
    return order
