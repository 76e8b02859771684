"""The Django admin of reform tasks: the workflow's fields stay read-only, and a task with a
history cannot be deleted there."""

import pytest
from django.urls import reverse

from reforms.tasks import services
from tests.factories import MilestoneFactory, TaskFactory

pytestmark = pytest.mark.django_db


def test_a_milestones_done_date_is_read_only_in_the_task_admin(admin_client):
    milestone = MilestoneFactory()

    html = admin_client.get(reverse("admin:reforms_task_change", args=[milestone.task_id]))

    assert html.status_code == 200
    content = html.content.decode()
    assert 'name="milestones-0-title"' in content
    assert 'name="milestones-0-done_on"' not in content


def test_a_task_with_progress_or_history_cannot_be_deleted_in_the_admin(admin_client, office_user):
    reported = TaskFactory(status="in_progress", progress=10)
    services.progress_post(task=reported, actor=office_user, percent=20, text="进展")
    moved = TaskFactory()
    services.task_transition(task=moved, to_status="in_progress", actor=office_user)

    for task in (reported, moved):
        url = reverse("admin:reforms_task_delete", args=[task.pk])
        assert admin_client.get(url).status_code == 403
        assert admin_client.post(url, {"post": "yes"}).status_code == 403
        change = admin_client.get(reverse("admin:reforms_task_change", args=[task.pk]))
        assert url not in change.content.decode()
    assert reported.__class__.objects.filter(pk__in=[reported.pk, moved.pk]).count() == 2


def test_a_task_nobody_has_worked_on_can_be_deleted_in_the_admin(admin_client):
    task = TaskFactory()
    url = reverse("admin:reforms_task_delete", args=[task.pk])

    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not task.__class__.objects.filter(pk=task.pk).exists()


def test_bulk_delete_in_the_admin_spares_tasks_with_history(admin_client, office_user):
    worked_on, untouched = TaskFactory(), TaskFactory()
    services.task_transition(task=worked_on, to_status="in_progress", actor=office_user)

    admin_client.post(
        reverse("admin:reforms_task_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [worked_on.pk, untouched.pk],
            "post": "yes",
        },
    )

    assert worked_on.__class__.objects.filter(pk=worked_on.pk).exists()
