"""The steps a grievance's page offers are those step_refusal allows, its roles asked once per
page (grievances.policy.allowed_steps and offered_steps): the same steps as asking
step_refusal for each, over every role, status, satisfaction and handling unit."""

import itertools

import pytest

from grievances import policy
from grievances.choices import (
    ALLOWED_TRANSITIONS,
    OFFICE_ACTIONS,
    SATISFIED_LEVELS,
    Action,
    Satisfaction,
    Status,
)
from grievances.models import Grievance
from parks import access
from parks.structure.choices import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

USERS = ["office_user", "park_manager", "liaison", "subdistrict_user", "member_unit_user"]


def _refused_before(user, grievance, action) -> bool:
    """step_refusal's checks as they were written before this round (a copy, so that the rule
    now shared by step_refusal and allowed_steps is compared with something else)."""
    if action in OFFICE_ACTIONS:
        if not access.is_district_office(user):
            return True
    elif not access.handles(user, grievance):
        return True
    sources, _target = ALLOWED_TRANSITIONS[Action(action)]
    if grievance.status not in sources:
        return True
    return action == Action.CLOSE and grievance.satisfaction not in SATISFIED_LEVELS


def _asked_each_time(user, grievance):
    """The steps as the page asked for them before: step_refusal's checks for each (as they
    were), then the user's own steps (the office's for the office, the unit's for the handling
    unit)."""
    allowed = [
        action for action in policy.STEP_ORDER if not _refused_before(user, grievance, action)
    ]
    assert allowed == [
        action
        for action in policy.STEP_ORDER
        if policy.step_refusal(user, grievance, action) is None
    ]
    offered = [
        action
        for action in allowed
        if (
            access.is_district_office(user)
            if action in OFFICE_ACTIONS
            else access.is_handling_unit(user, grievance)
        )
    ]
    return allowed, offered


@pytest.mark.parametrize("who", [*USERS, "superuser"])
def test_the_steps_are_those_step_refusal_allows(request, member_unit_user, park, who):
    if who == "superuser":
        user = UserFactory(username="root", role=Role.LIAISON, park=park, is_superuser=True)
    else:
        user = request.getfixturevalue(who)
    units = [None, member_unit_user.organisation_id, member_unit_user.organisation_id + 1000]
    satisfactions = ["", *Satisfaction.values]
    seen = set()
    for status, satisfaction, unit in itertools.product(Status.values, satisfactions, units):
        grievance = Grievance(
            park=park, status=status, satisfaction=satisfaction, handling_unit_id=unit
        )
        allowed, offered = _asked_each_time(user, grievance)
        assert policy.allowed_steps(user, grievance) == allowed
        assert policy.offered_steps(user, grievance) == offered
        seen.update(offered)
    # The office and the unit are offered steps; the others none, here as before.
    assert bool(seen) == (who in ("office_user", "member_unit_user", "superuser"))


def test_a_refusal_still_names_what_stands_in_the_way(office_user, member_unit_user, park):
    called = Grievance(park=park, status=Status.FOLLOWED_UP, satisfaction="unsatisfied")
    assert "not satisfied" in str(policy.step_refusal(office_user, called, "close"))
    replied = Grievance(park=park, status=Status.REPLIED)
    assert "cannot be given the step" in str(policy.step_refusal(office_user, replied, "accept"))
    assert "district reform office" in str(policy.step_refusal(member_unit_user, replied, "close"))
    assert "unit handling" in str(policy.step_refusal(member_unit_user, replied, "reply"))
    assert "Unknown" in str(policy.step_refusal(office_user, replied, "fly"))
