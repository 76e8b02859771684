"""REST API v1 for reforms: creating and editing tasks, field checks and stale versions."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from parks.structure.choices import Role
from reforms.tasks import services
from reforms.tasks.models import Task, TaskEvent
from tests.factories import OrganisationFactory, PlanFactory, TaskFactory, UserFactory
from tests.reforms import api_helpers as shared
from tests.reforms.api_helpers import _green

# The shared fixtures, bound here so pytest finds them by name.
unit = shared.unit


pytestmark = pytest.mark.django_db


# --- Writing tasks ----------------------------------------------------------------------------


def _task_body(plan, unit, **fields):
    return {
        "code": "2026-NEW-01",
        "plan": plan.pk,
        "category": "positions",
        "title": "新建职工之家",
        "lead_unit": unit.pk,
        "start_date": "2026-03-01",
        "due_date": "2026-09-30",
        **fields,
    }


def test_office_staff_create_a_task(api_as, office_user, park, unit):
    plan, helper = PlanFactory(), OrganisationFactory()
    response = api_as(office_user).post(
        "/api/v1/tasks/",
        _task_body(plan, unit, park=park.pk, supporting_units=[helper.pk], status="done"),
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "planned" and body["progress"] == 0
    assert body["supporting_units"] == [helper.pk]
    assert body["warning"] in ("green", "yellow", "red")
    task = Task.objects.get(code="2026-NEW-01")
    assert task.status == "planned" and list(task.supporting_units.all()) == [helper]


def test_a_due_date_before_the_start_is_a_400_on_due_date(api_as, office_user, unit):
    response = api_as(office_user).post(
        "/api/v1/tasks/", _task_body(PlanFactory(), unit, due_date="2026-02-01")
    )
    assert response.status_code == 400
    assert "due_date" in response.json()
    assert not Task.objects.exists()


def test_over_long_text_and_a_duplicate_code_are_400s(api_as, office_user, unit):
    plan = PlanFactory()
    client = api_as(office_user)
    too_long = client.post("/api/v1/tasks/", _task_body(plan, unit, title="长" * 201))
    assert too_long.status_code == 400 and "title" in too_long.json()
    _green(code="2026-NEW-01")
    duplicate = client.post("/api/v1/tasks/", _task_body(plan, unit))
    assert duplicate.status_code == 400 and "code" in duplicate.json()


def test_a_code_with_a_space_is_a_400_on_code_with_a_readable_message(api_as, office_user, unit):
    response = api_as(office_user).post(
        "/api/v1/tasks/", _task_body(PlanFactory(), unit, code="2026 NEW 01")
    )
    assert response.status_code == 400
    assert "code" in response.json(), response.json()
    assert "task_code_no_spaces" not in str(response.json())
    assert not Task.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("start_date", "1999-12-31"),
        ("start_date", "0001-01-01"),
        ("due_date", "2101-01-01"),
        ("due_date", "9999-12-31"),
    ],
)
def test_dates_outside_2000_to_2100_are_400s(api_as, office_user, unit, field, value):
    body = _task_body(PlanFactory(), unit, **{field: value})
    if field == "start_date":
        body["due_date"] = "2026-09-30"
    response = api_as(office_user).post("/api/v1/tasks/", body)
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not Task.objects.exists()


def test_a_task_of_a_park_plan_without_its_park_is_a_400_on_park(api_as, office_user, park, unit):
    plan = PlanFactory(scope="park", park=park)
    response = api_as(office_user).post("/api/v1/tasks/", _task_body(plan, unit))
    assert response.status_code == 400
    assert "park" in response.json(), response.json()


@pytest.mark.django_db(transaction=True)
def test_two_edits_of_different_fields_at_once_are_both_kept(monkeypatch):
    office = UserFactory(role=Role.OFFICE)
    task = TaskFactory(title="原标题", description="原说明")
    # Both requests have read the task before either takes the row lock: the moment in which
    # the second one used to write back the first one's field as it had read it.
    both_read = threading.Barrier(2)
    lock = services._locked

    def locked_after_both_read(row):
        both_read.wait(timeout=10)
        return lock(row)

    monkeypatch.setattr(services, "_locked", locked_after_both_read)
    errors, statuses = [], []

    def patch(body):
        try:
            client = APIClient()
            client.force_authenticate(office)
            statuses.append(client.patch(f"/api/v1/tasks/{task.pk}/", body).status_code)
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=patch, args=({"title": "新标题"},)),
        threading.Thread(target=patch, args=({"description": "新说明"},)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not errors and statuses == [200, 200]
    task.refresh_from_db()
    assert (task.title, task.description) == ("新标题", "新说明")


def test_status_and_progress_cannot_be_changed_by_editing(api_as, office_user):
    task = _green(title="旧标题")

    response = api_as(office_user).patch(
        f"/api/v1/tasks/{task.pk}/",
        {"title": "新标题", "status": "done", "progress": 100, "done_on": "2026-01-01"},
    )

    assert response.status_code == 200, response.json()
    task.refresh_from_db()
    assert task.title == "新标题"
    assert (task.status, task.progress, task.done_on) == ("planned", 0, None)
    assert response.json()["status"] == "planned"
    # The edit is in the history, as a change of details, not of status or progress.
    event = TaskEvent.objects.get(task=task)
    assert (event.from_status, event.to_status) == ("planned", "planned")
    assert (event.from_progress, event.to_progress) == (0, 0)


def test_an_edit_based_on_a_stale_version_is_refused(api_as, office_user):
    task = _green(title="旧标题")
    read_at = task.updated_at
    services.task_save(task=Task.objects.get(pk=task.pk), actor=office_user)  # someone else

    response = api_as(office_user).patch(
        f"/api/v1/tasks/{task.pk}/", {"title": "覆盖", "expected_updated_at": read_at.isoformat()}
    )

    assert response.status_code == 400
    task.refresh_from_db()
    assert task.title == "旧标题"


def test_an_edit_with_the_current_version_goes_through(api_as, office_user):
    task = _green()
    current = api_as(office_user).get(f"/api/v1/tasks/{task.pk}/").json()["updated_at"]
    response = api_as(office_user).patch(
        f"/api/v1/tasks/{task.pk}/", {"title": "改好", "expected_updated_at": current}
    )
    assert response.status_code == 200, response.json()


def test_only_the_office_creates_or_edits_tasks(api_as, member_unit_user, unit):
    task = _green(lead_unit=unit, title="原样")
    client = api_as(member_unit_user)

    assert client.post("/api/v1/tasks/", _task_body(PlanFactory(), unit)).status_code == 403
    assert client.patch(f"/api/v1/tasks/{task.pk}/", {"title": "改"}).status_code == 403
    task.refresh_from_db()
    assert task.title == "原样"
