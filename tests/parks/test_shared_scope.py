"""The office's people share one scope key (access.shared_scope): every rule of parks.access
answers two office users of equal keys the same (the same SQL for a queryset or a condition),
so a query compiled once for one may serve the other. Everyone else keeps their own id in it."""

import inspect

import pytest

from grievances.models import Grievance, SurveyCampaign
from parks import access
from parks.gridlog.models import Activity
from parks.structure.choices import Role
from reforms.assessment.models import Scheme, Score
from reforms.ledgers.models import Publicity
from reforms.reporting.models import Report
from reforms.supervision.models import SupervisionOrder
from reforms.tasks.models import Plan, Task
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

# The rules that read the id of whoever they are given, office or not: a query built with one
# keys on the user's id itself (their docstrings say so); no page compiles them once.
READ_THE_ID = {"task_updatable_condition"}


def _arguments(park, grid_zone, user):
    """A value for each argument a rule may take, by its name."""
    return {
        "schemes": Scheme.objects.all(),
        "scores": Score.objects.all(),
        "tasks": Task.objects.all(),
        "plans": Plan.objects.all(),
        "visible_tasks": Task.objects.all(),
        "rows": Publicity.objects.all(),
        "reports": Report.objects.all(),
        "grievances": Grievance.objects.all(),
        "surveys": SurveyCampaign.objects.all(),
        "orders": SupervisionOrder.objects.all(),
        "case": Grievance(park=park, handling_unit_id=user.organisation_id),
        "park": park,
        "grid_zone": grid_zone,
        "activities": [Activity(pk=1, park=park, grid_zone=grid_zone, logged_by_id=user.pk)],
        "activity": Activity(pk=1, park=park, grid_zone=grid_zone, logged_by_id=user.pk),
        "task": Task(owner_id=user.pk, lead_unit_id=None),
        "scope": access.Level.PARK,
        "subdistrict": park.subdistrict,
        "unit_id": user.organisation_id,
    }


def _said(answer):
    """What a rule answers, as comparable text: a queryset's or a condition's SQL."""
    if isinstance(answer, tuple | list):
        return [_said(part) for part in answer]
    if hasattr(answer, "query"):
        return str(answer.query)
    return str(answer) if not isinstance(answer, bool | dict) else answer


def _answers(user, park, grid_zone, first):
    arguments = _arguments(park, grid_zone, first)
    found = {}
    for name in access.__all__:
        rule = getattr(access, name)
        if not inspect.isfunction(rule) or name in ("scope_of", "scope_key", "shared_scope"):
            continue
        parameters = list(inspect.signature(rule).parameters.values())
        if not parameters or parameters[0].name != "user":
            continue
        given = {p.name: arguments[p.name] for p in parameters[1:] if p.name in arguments}
        missing = [p.name for p in parameters[1:] if p.name not in given and p.default is p.empty]
        assert not missing, f"{name}: give the test a value for {missing}"
        found[name] = _said(rule(user, **given))
    return found


@pytest.mark.parametrize("superuser", [False, True])
def test_two_office_users_of_one_key_get_the_same_answer_from_every_rule(
    superuser, park, grid_zone, office_user
):
    unit = OrganisationFactory(name="区改革办")
    first, second = (
        UserFactory(role=Role.OFFICE, organisation=unit, is_superuser=superuser, is_staff=True)
        for _ in range(2)
    )
    assert first.pk != second.pk
    assert access.scope_key(first) == access.scope_key(second)
    assert access.scope_key(first) != access.scope_key(office_user)  # another organisation
    one, other = (_answers(user, park, grid_zone, first) for user in (first, second))
    assert one.keys() == other.keys()
    differ = {name for name in one if one[name] != other[name]}
    assert differ == READ_THE_ID


def test_everyone_else_keeps_their_own_id_in_the_key(park, liaison, park_manager, member_unit_user):
    for user in (liaison, park_manager, member_unit_user):
        twin = UserFactory(
            role=user.role,
            park=user.park,
            subdistrict=user.subdistrict,
            organisation=user.organisation,
        )
        assert access.scope_of(twin).area == access.scope_of(user).area
        assert access.scope_key(twin) != access.scope_key(user)
    # A liaison's zones are theirs: the reason they keep it.
    twin = UserFactory(role=Role.LIAISON, park=park)
    assert str(access.grid_zones_user_can_log(twin).query) != str(
        access.grid_zones_user_can_log(liaison).query
    )
