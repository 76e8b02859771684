"""REST API v1 for reforms: moving a task through its workflow."""

import pytest
from django.utils import timezone

from reforms.tasks.models import TaskEvent
from tests.factories import TaskFactory
from tests.reforms import api_helpers as shared
from tests.reforms.api_helpers import _days, _green, _post, _red

# The shared fixtures, bound here so pytest finds them by name.
unit = shared.unit


pytestmark = pytest.mark.django_db


def test_the_lead_unit_walks_a_task_through_the_workflow(api_as, member_unit_user, unit):
    task = _green(lead_unit=unit)
    client = api_as(member_unit_user)

    started = _post(client, task, "start", note="已启动")
    assert started.status_code == 200, started.json()
    assert started.json()["status"] == "in_progress"
    assert _post(client, task, "suspend", reason="等待场地").json()["status"] == "suspended"
    assert _post(client, task, "resume").json()["status"] == "in_progress"
    done = _post(client, task, "complete").json()
    assert (done["status"], done["progress"], done["warning"]) == ("done", 100, "green")
    assert done["done_on"] == timezone.localdate().isoformat()

    history = list(TaskEvent.objects.filter(task=task).values_list("to_status", "note", "actor"))
    assert history == [
        ("in_progress", "已启动", member_unit_user.pk),
        ("suspended", "等待场地", member_unit_user.pk),
        ("in_progress", "", member_unit_user.pk),
        ("done", "", member_unit_user.pk),
    ]


@pytest.mark.parametrize("step", ["suspend", "cancel"])
def test_suspend_and_cancel_need_a_reason(api_as, office_user, step):
    task = _red()
    client = api_as(office_user)
    for body in ({}, {"reason": ""}, {"reason": "   "}):
        response = _post(client, task, step, **body)
        assert response.status_code == 400 and "reason" in response.json()
    task.refresh_from_db()
    assert task.status == "in_progress"
    assert _post(client, task, step, reason="政策调整").status_code == 200


def test_a_forbidden_move_is_a_400_and_changes_nothing(api_as, office_user):
    task = _green()
    response = _post(api_as(office_user), task, "complete")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    task.refresh_from_db()
    assert task.status == "planned"


def test_each_in_progress_action_applies_to_its_own_state(api_as, office_user):
    done = TaskFactory(status="done", progress=100, done_on=_days(0))
    client = api_as(office_user)
    assert _post(client, done, "start").status_code == 400
    assert _post(client, done, "resume").status_code == 400
    assert _post(client, _green(), "reopen").status_code == 400
    done.refresh_from_db()
    assert done.status == "done"


def test_only_the_office_reopens_a_done_task(api_as, office_user, member_unit_user, unit):
    task = TaskFactory(lead_unit=unit, status="done", progress=100, done_on=_days(0))

    assert _post(api_as(member_unit_user), task, "reopen").status_code == 403
    task.refresh_from_db()
    assert task.status == "done"

    reopened = _post(api_as(office_user), task, "reopen", note="验收未通过")
    assert reopened.status_code == 200
    assert reopened.json()["status"] == "in_progress" and reopened.json()["done_on"] is None


def test_a_unit_cannot_cancel_its_own_task(api_as, member_unit_user, unit):
    task = _red(lead_unit=unit)

    response = _post(api_as(member_unit_user), task, "cancel", reason="不想做了")

    assert response.status_code == 403
    task.refresh_from_db()
    assert task.status == "in_progress"
    assert not TaskEvent.objects.exists()


def test_the_office_reinstates_a_cancelled_task_with_a_reason(
    api_as, office_user, member_unit_user, unit
):
    task = _red(lead_unit=unit)
    office = api_as(office_user)
    assert _post(office, task, "cancel", reason="政策调整").status_code == 200
    assert _post(office, _green(), "reinstate", reason="x").status_code == 400  # not cancelled

    assert _post(api_as(member_unit_user), task, "reinstate", reason="恢复").status_code == 403
    missing_reason = _post(api_as(office_user), task, "reinstate")
    assert missing_reason.status_code == 400 and "reason" in missing_reason.json()
    reinstated = _post(api_as(office_user), task, "reinstate", reason="误撤销")

    assert reinstated.status_code == 200, reinstated.json()
    assert reinstated.json()["status"] == "planned"
    assert TaskEvent.objects.filter(task=task).last().note == "误撤销"


def test_a_unit_user_cannot_move_another_units_task(api_as, member_unit_user, park):
    task = _green(park=park)  # visible to a district-wide member unit, led by someone else
    client = api_as(member_unit_user)
    assert client.get(f"/api/v1/tasks/{task.pk}/").status_code == 200
    assert _post(client, task, "start").status_code == 403
    task.refresh_from_db()
    assert task.status == "planned"
