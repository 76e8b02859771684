"""Fixtures and helpers shared by the grievance service tests."""

from datetime import UTC, datetime, timedelta

import pytest

from grievances.choices import Status
from parks.structure.choices import Role
from tests.factories import GrievanceFactory, OrganisationFactory, UserFactory

RECEIVED_AT = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def unit():
    return OrganisationFactory(name="区人社局")


@pytest.fixture
def unit_user(unit):
    return UserFactory(role=Role.MEMBER_UNIT, organisation=unit)


@pytest.fixture
def other_unit_user():
    return UserFactory(role=Role.MEMBER_UNIT, organisation=OrganisationFactory(name="区总工会"))


def grievance_in(status, unit, **fields):
    """A grievance in `status` carrying what that status implies (unit, times, satisfaction)."""
    values = {"status": status, "received_at": RECEIVED_AT}
    if status != Status.RECEIVED:
        values["handling_unit"] = unit
    if status in (Status.ACCEPTED, Status.IN_PROGRESS, Status.REPLIED, Status.FOLLOWED_UP):
        values["responded_at"] = RECEIVED_AT + timedelta(hours=2)
    if status in (Status.REPLIED, Status.FOLLOWED_UP, Status.CLOSED):
        values.update(
            responded_at=RECEIVED_AT + timedelta(hours=2),
            resolved_at=RECEIVED_AT + timedelta(days=3),
            reply="已补发工资。",
        )
    if status in (Status.FOLLOWED_UP, Status.CLOSED):
        values["satisfaction"] = "satisfied"
    if status == Status.CLOSED:
        values["closed_at"] = RECEIVED_AT + timedelta(days=4)
    if status == Status.MERGED:
        values.pop("handling_unit")
        values["merged_into"] = GrievanceFactory(received_at=RECEIVED_AT)
        values["closed_at"] = RECEIVED_AT + timedelta(days=1)
    values.update(fields)
    return GrievanceFactory(**values)
