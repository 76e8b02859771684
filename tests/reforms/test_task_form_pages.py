"""The reform task form: creating and editing tasks in the browser."""

import re

import pytest
from django.urls import reverse

from reforms.tasks import services
from reforms.tasks.models import Task
from tests.factories import OrganisationFactory, PlanFactory
from tests.reforms import pages_helpers as shared
from tests.reforms.pages_helpers import _html

# The shared fixtures, bound here so pytest finds them by name.
in_english = shared.in_english
on_the_first_of_june = shared.on_the_first_of_june
tasks = shared.tasks
union = shared.union


pytestmark = pytest.mark.django_db


# --- Create and edit -------------------------------------------------------------------------


def _task_form_data(task=None, **changes):
    plan = task.plan if task else PlanFactory()
    data = {
        "code": task.code if task else "2026-NEW-01",
        "plan": plan.pk,
        "park": task.park_id if task and task.park_id else "",
        "category": "care",
        "title": task.title if task else "新任务",
        "description": "",
        "lead_unit": task.lead_unit_id if task else OrganisationFactory().pk,
        "owner": "",
        "start_date": "2026-06-01",
        "due_date": "2026-09-30",
        "weight": 1,
    }
    data.update(changes)
    return data


def test_only_office_staff_create_and_edit_tasks(client, member_unit_user, tasks):
    client.force_login(member_unit_user)
    assert client.get(reverse("reforms:task_create")).status_code == 403
    assert client.get(reverse("reforms:task_edit", args=[tasks["red"].pk])).status_code == 403


def test_office_staff_create_a_task_without_status_or_progress(client, office_user):
    client.force_login(office_user)
    form = _html(client.get(reverse("reforms:task_create")))
    assert 'name="status"' not in form and 'name="progress"' not in form
    data = _task_form_data(status="done", progress=100)
    response = client.post(reverse("reforms:task_create"), data)
    task = Task.objects.get(code="2026-NEW-01")
    assert response.status_code == 302 and response.url == task.get_absolute_url()
    assert (task.status, task.progress) == ("planned", 0)


def test_a_due_date_before_the_start_is_shown_beside_the_field(client, office_user):
    client.force_login(office_user)
    data = _task_form_data(start_date="2026-09-30", due_date="2026-06-01")
    html = _html(client.post(reverse("reforms:task_create"), data))
    assert re.search(r'id="id_due_date"[^>]*is-invalid|is-invalid[^>]*id="id_due_date"', html)
    assert not Task.objects.filter(code="2026-NEW-01").exists()


def test_a_code_with_a_space_is_shown_beside_the_field_in_words(client, office_user):
    client.force_login(office_user)
    html = _html(client.post(reverse("reforms:task_create"), _task_form_data(code="2026 NEW 01")))
    assert re.search(r'id="id_code"[^>]*is-invalid|is-invalid[^>]*id="id_code"', html)
    assert "task_code_no_spaces" not in html
    assert "spaces" in html
    assert not Task.objects.exists()


def test_dates_outside_2000_to_2100_are_shown_beside_the_fields(client, office_user):
    client.force_login(office_user)
    data = _task_form_data(start_date="1999-12-31", due_date="9999-12-31")
    html = _html(client.post(reverse("reforms:task_create"), data))
    for field in ("start_date", "due_date"):
        assert re.search(rf'id="id_{field}"[^>]*is-invalid|is-invalid[^>]*id="id_{field}"', html)
    assert not Task.objects.exists()


def test_an_edit_on_top_of_someone_elses_change_is_refused(client, office_user, tasks):
    task = tasks["red"]
    client.force_login(office_user)
    url = reverse("reforms:task_edit", args=[task.pk])
    form = _html(client.get(url))
    version = re.search(r'name="updated_at" value="([^"]+)"', form).group(1)

    # A colleague saves the task meanwhile.
    task.title = "满意度调查（修订）"
    services.task_save(task=task, actor=office_user)

    data = _task_form_data(task, title="满意度调查（我的版本）", updated_at=version)
    html = _html(client.post(url, data))
    assert "alert-danger" in html
    task.refresh_from_db()
    assert task.title == "满意度调查（修订）"

    # Reloading gives the new version, and the edit goes through.
    version = re.search(r'name="updated_at" value="([^"]+)"', _html(client.get(url))).group(1)
    data["updated_at"] = version
    assert client.post(url, data).status_code == 302
    task.refresh_from_db()
    assert (task.title, task.status, task.progress) == ("满意度调查（我的版本）", "in_progress", 50)
