"""Which workflow steps a user may take on a task: the buttons the task page draws are exactly
the steps the service accepts, for every status and every kind of user (reforms.policy)."""

import re
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from parks.structure.choices import Role
from reforms.ledgers import services as ledgers_services
from reforms.tasks import services as tasks_services
from reforms.tasks.choices import TaskStatus
from reforms.tasks.models import Task
from tests.factories import OrganisationFactory, ProposalFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(park, office_user):
    unit = OrganisationFactory(name="区人社局")
    return {
        "office": office_user,
        "owner": UserFactory(username="owner", role=Role.PARK_MANAGER, park=park),
        "lead unit": UserFactory(username="unit", role=Role.MEMBER_UNIT, organisation=unit),
        "reader": UserFactory(username="reader", role=Role.OBSERVER),
    }


def _task(people, park, status) -> Task:
    return TaskFactory(
        park=park,
        plan__park=park,
        plan__scope="park",
        owner=people["owner"],
        lead_unit=people["lead unit"].organisation,
        status=status,
        progress=100 if status == TaskStatus.DONE else 40,
        done_on=date(2026, 5, 1) if status == TaskStatus.DONE else None,
    )


def _accepted(task, user) -> set[str]:
    """The statuses the service lets `user` move `task` to, each tried and rolled back."""
    accepted = set()
    for to_status in TaskStatus.values:
        try:
            with transaction.atomic():
                tasks_services.task_transition(
                    task=task, to_status=to_status, actor=user, note="因"
                )
                accepted.add(to_status)
                transaction.set_rollback(True)
        except (PermissionDenied, ValidationError):
            pass
    return accepted


def _buttons(client, user, task) -> tuple[set[str], bool]:
    client.force_login(user)
    html = client.get(task.get_absolute_url()).content.decode()
    actions = re.search(r'id="task-actions".*?</div>', html, re.S).group(0)
    moves = set(re.findall(r'data-move="(\w+)"', actions))
    reports = reverse("reforms:progress_create", args=[task.pk]) in actions
    return moves, reports


def _may_report(task, user) -> bool:
    try:
        with transaction.atomic():
            tasks_services.progress_post(task=task, actor=user, percent=50, text="进展")
            transaction.set_rollback(True)
    except (PermissionDenied, ValidationError):
        return False
    return True


@pytest.mark.parametrize("status", TaskStatus.values)
def test_the_task_page_offers_exactly_the_steps_the_service_accepts(client, people, park, status):
    task = _task(people, park, status)
    for who, user in people.items():
        moves, reports = _buttons(client, user, task)
        assert moves == _accepted(task, user), (status, who)
        assert reports == _may_report(task, user), (status, who)


def test_only_the_office_cancels_reopens_and_reinstates(client, people, park):
    running, done, cancelled = (
        _task(people, park, status)
        for status in (TaskStatus.IN_PROGRESS, TaskStatus.DONE, TaskStatus.CANCELLED)
    )
    assert _accepted(running, people["lead unit"]) == {"done", "suspended"}
    assert _accepted(done, people["owner"]) == set()
    assert _accepted(cancelled, people["lead unit"]) == set()
    assert _accepted(running, people["office"]) == {"done", "suspended", "cancelled"}
    assert _accepted(done, people["office"]) == {"in_progress"}
    assert _accepted(cancelled, people["office"]) == {"planned"}


def test_a_proposal_page_offers_the_moves_the_service_accepts(client, park, park_manager):
    proposal = ProposalFactory(park=park, status="evaluated")
    client.force_login(park_manager)
    html = client.get(reverse("reforms:proposal_edit", args=[proposal.pk])).content
    offered = set(re.findall(r'name="to_status" value="(\w+)"', html.decode()))
    assert offered == {"adopted", "not_adopted"}
    reader = UserFactory(role=Role.OBSERVER)
    with pytest.raises(PermissionDenied):
        ledgers_services.proposal_advance(proposal=proposal, actor=reader, to_status="adopted")
    with pytest.raises(ValidationError):
        ledgers_services.proposal_advance(
            proposal=proposal, actor=park_manager, to_status="rewarded"
        )
