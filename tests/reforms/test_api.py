"""REST API v1 for reforms: plans, tasks, workflow actions, progress, evidence, milestones."""

import io
import threading
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from parks.choices import Role
from reforms import services
from reforms.choices import PlanScope, WarningLevel
from reforms.models import Evidence, Milestone, Plan, ProgressUpdate, Task, TaskEvent
from tests.factories import (
    MilestoneFactory,
    OrganisationFactory,
    PlanFactory,
    TaskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _days(n):
    return timezone.localdate() + timedelta(days=n)


def _green(**fields):
    # Started today, due in 100 days: nothing is expected yet.
    return TaskFactory(start_date=_days(0), due_date=_days(100), **fields)


def _red(**fields):
    return TaskFactory(
        start_date=_days(-60), due_date=_days(-1), status="in_progress", progress=50, **fields
    )


def _yellow(**fields):
    # Due in three days: inside the default seven-day "due soon" window.
    return TaskFactory(
        start_date=_days(-60), due_date=_days(3), status="in_progress", progress=95, **fields
    )


def _codes(response):
    assert response.status_code == 200, response.json()
    return sorted(row["code"] for row in response.json()["results"])


@pytest.fixture
def unit(member_unit_user):
    return member_unit_user.organisation


@pytest.fixture
def other_liaison(other_park):
    return UserFactory(role=Role.LIAISON, park=other_park)


# --- Reading tasks ----------------------------------------------------------------------------


def test_anonymous_clients_are_refused(api_client):
    assert api_client.get("/api/v1/tasks/").status_code == 401


def test_the_task_list_carries_warning_units_and_owner(api_as, office_user, park, unit):
    helper = OrganisationFactory(name="区妇联")
    owner = UserFactory(display_name="王科长")
    task = _red(code="2026-HX-01", park=park, lead_unit=unit, owner=owner)
    task.supporting_units.set([helper])

    body = api_as(office_user).get("/api/v1/tasks/").json()

    [row] = body["results"]
    assert row["code"] == "2026-HX-01"
    assert (row["warning"], row["warning_display"]) == ("red", str(WarningLevel.RED.label))
    assert row["days_left"] == -1
    assert (row["lead_unit"], row["lead_unit_name"]) == (unit.pk, "区总工会")
    assert row["supporting_units"] == [helper.pk]
    assert (row["owner"], row["owner_name"]) == (owner.pk, "王科长")
    assert (row["park"], row["park_name"]) == (park.pk, park.name)
    assert (row["status"], row["progress"], row["done_on"]) == ("in_progress", 50, None)
    assert "milestones" not in row


def test_the_task_list_is_paginated(api_as, office_user):
    TaskFactory.create_batch(5)
    body = api_as(office_user).get("/api/v1/tasks/", {"page_size": 2}).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 5 and len(body["results"]) == 2 and body["next"]


def test_task_detail_lists_its_milestones_in_order(api_as, office_user):
    task = _green()
    MilestoneFactory(task=task, order=2, title="验收")
    MilestoneFactory(task=task, order=1, title="启动")

    body = api_as(office_user).get(f"/api/v1/tasks/{task.pk}/").json()

    assert [m["title"] for m in body["milestones"]] == ["启动", "验收"]
    assert body["warning"] == "green"


def test_tasks_can_be_sorted_by_warning_and_due_date(api_as, office_user):
    late, soon = _red(code="LATE"), _yellow(code="SOON")
    rows = api_as(office_user).get("/api/v1/tasks/", {"ordering": "-due_date"}).json()["results"]
    assert [row["code"] for row in rows] == [soon.code, late.code]


def test_sorting_by_warning_puts_the_worst_first(api_as, office_user):
    _green(code="GREEN")
    _red(code="RED")
    TaskFactory(code="NONE", status="cancelled")
    _yellow(code="YELLOW")
    TaskFactory(
        code="LATE",
        status="done",
        progress=100,
        start_date=_days(-60),
        due_date=_days(-10),
        done_on=_days(-5),
    )
    client = api_as(office_user)

    worst_first = client.get("/api/v1/tasks/", {"ordering": "warning"}).json()["results"]
    best_first = client.get("/api/v1/tasks/", {"ordering": "-warning"}).json()["results"]

    expected = ["RED", "YELLOW", "LATE", "GREEN", "NONE"]
    assert [row["code"] for row in worst_first] == expected
    assert [row["code"] for row in best_first] == expected[::-1]


# --- Filters ----------------------------------------------------------------------------------


def test_filter_by_warning_and_overdue(api_as, office_user):
    red, yellow, green = _red(), _yellow(), _green()
    client = api_as(office_user)

    assert _codes(client.get("/api/v1/tasks/", {"warning": "red"})) == [red.code]
    assert _codes(client.get("/api/v1/tasks/", {"warning": "yellow"})) == [yellow.code]
    assert _codes(client.get("/api/v1/tasks/", {"overdue": "true"})) == [red.code]
    assert _codes(client.get("/api/v1/tasks/", {"overdue": "false"})) == sorted(
        [yellow.code, green.code]
    )


def test_an_unknown_warning_value_is_a_400_naming_the_filter(api_as, office_user):
    response = api_as(office_user).get("/api/v1/tasks/", {"warning": "purple"})
    assert response.status_code == 400
    assert "warning" in response.json()


def test_filter_by_unit_matches_lead_or_supporting_once(api_as, office_user, unit):
    led = _green(lead_unit=unit)
    supported = _green()
    supported.supporting_units.set([unit, OrganisationFactory()])
    both = _green(lead_unit=unit)
    both.supporting_units.set([unit])
    _green()

    response = api_as(office_user).get("/api/v1/tasks/", {"unit": unit.pk})

    assert _codes(response) == sorted([led.code, supported.code, both.code])
    assert response.json()["count"] == 3


def test_filter_by_status_park_search_and_due_dates(api_as, office_user, park, other_park):
    planned = _green(park=park, title="职工书屋建设")
    running = _red(park=other_park, description="建设户外劳动者驿站")
    stopped = _green(status="suspended")
    client = api_as(office_user)

    def codes(**params):
        return _codes(client.get("/api/v1/tasks/", params))

    assert codes(status=["planned", "suspended"]) == sorted([planned.code, stopped.code])
    assert codes(park=park.pk) == [planned.code]
    assert codes(q="书屋") == [planned.code]
    assert codes(q="驿站") == [running.code]
    assert codes(q=running.code.lower()) == [running.code]
    assert codes(due_before=_days(0).isoformat()) == [running.code]
    assert codes(due_after=_days(1).isoformat(), category="care") == sorted(
        [planned.code, stopped.code]
    )


def test_a_hidden_park_cannot_be_used_as_a_filter(api_as, liaison, other_park):
    response = api_as(liaison).get("/api/v1/tasks/", {"park": other_park.pk})
    assert response.status_code == 400 and "park" in response.json()


def test_the_owner_filter_offers_only_owners_of_visible_tasks(api_as, liaison, park, other_park):
    here, there = UserFactory(), UserFactory()
    task = _green(park=park, owner=here)
    _green(park=other_park, owner=there)
    client = api_as(liaison)

    assert _codes(client.get("/api/v1/tasks/", {"owner": here.pk})) == [task.code]
    # Someone who owns only hidden tasks looks exactly like nobody at all.
    hidden = client.get("/api/v1/tasks/", {"owner": there.pk})
    missing = client.get("/api/v1/tasks/", {"owner": 999_999})
    assert hidden.status_code == missing.status_code == 400
    assert "owner" in hidden.json()


def test_mine_lists_the_tasks_i_may_update(api_as, member_unit_user, unit):
    led = _green(lead_unit=unit)
    owned = _green(owner=member_unit_user)
    supported = _green()
    supported.supporting_units.set([unit])

    response = api_as(member_unit_user).get("/api/v1/tasks/", {"mine": "true"})

    assert _codes(response) == sorted([led.code, owned.code])


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


# --- Workflow actions -------------------------------------------------------------------------


def _post(client, task, step, **body):
    return client.post(f"/api/v1/tasks/{task.pk}/{step}/", body)


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


# --- Progress and evidence --------------------------------------------------------------------


def _pdf(name="纪要.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_progress_is_posted_with_files_and_listed_newest_first(api_as, member_unit_user, unit):
    task = _green(lead_unit=unit)
    client = api_as(member_unit_user)

    first = client.post(
        f"/api/v1/tasks/{task.pk}/progress/",
        {"percent": 20, "text": "完成选址", "files": [_pdf("选址.pdf"), _pdf("照片.pdf")]},
        format="multipart",
    )
    assert first.status_code == 201, first.json()
    body = first.json()
    assert (body["percent"], body["text"], body["author"]) == (20, "完成选址", member_unit_user.pk)
    assert sorted(e["original_name"] for e in body["evidence"]) == ["照片.pdf", "选址.pdf"]
    assert body["evidence"][0]["download_url"].startswith("http://testserver/api/v1/evidence/")
    client.post(
        f"/api/v1/tasks/{task.pk}/progress/", {"percent": 45, "text": "开工"}, format="json"
    )

    listed = client.get(f"/api/v1/tasks/{task.pk}/progress/").json()
    assert [u["percent"] for u in listed["results"]] == [45, 20]
    assert listed["results"][1]["evidence"][0]["size"] == len(PDF)
    task.refresh_from_db()
    assert (task.status, task.progress) == ("in_progress", 45)


def test_php_style_file_fields_are_accepted(api_as, office_user):
    task = _green()
    response = api_as(office_user).post(
        f"/api/v1/tasks/{task.pk}/progress/",
        {"percent": 10, "text": "附件", "files[]": [_pdf()]},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert len(response.json()["evidence"]) == 1


@pytest.mark.parametrize("percent", [-1, 101, "half"])
def test_progress_outside_0_to_100_is_a_400_on_percent(api_as, office_user, percent):
    task = _green()
    response = api_as(office_user).post(
        f"/api/v1/tasks/{task.pk}/progress/", {"percent": percent, "text": "进展"}
    )
    assert response.status_code == 400 and "percent" in response.json()
    assert not ProgressUpdate.objects.exists()


def test_a_renamed_executable_is_a_400_on_files(api_as, office_user):
    task = _green()
    response = api_as(office_user).post(
        f"/api/v1/tasks/{task.pk}/progress/",
        {"percent": 10, "text": "附件", "files": [_pdf("x.pdf", b"MZ\x90\x00" + b"\x00" * 60)]},
        format="multipart",
    )
    assert response.status_code == 400 and "files" in response.json()
    assert not ProgressUpdate.objects.exists()


@override_settings(EVIDENCE_MAX_BYTES=1000)
def test_a_too_big_file_is_a_400_on_files(api_as, office_user):
    task = _green()
    response = api_as(office_user).post(
        f"/api/v1/tasks/{task.pk}/progress/",
        {"percent": 10, "text": "附件", "files": [_pdf("big.pdf", PDF + b"0" * 2000)]},
        format="multipart",
    )
    assert response.status_code == 400 and "files" in response.json()
    assert not ProgressUpdate.objects.exists()


def test_a_unit_user_cannot_report_on_another_units_task(api_as, member_unit_user, park):
    task = _green(park=park)
    response = api_as(member_unit_user).post(
        f"/api/v1/tasks/{task.pk}/progress/", {"percent": 10, "text": "越权"}
    )
    assert response.status_code == 403
    assert not ProgressUpdate.objects.exists()


def test_evidence_downloads_only_within_scope(api_as, office_user, liaison, other_liaison, park):
    task = _green(park=park)
    update = services.progress_post(
        task=task, actor=office_user, percent=10, text="附件", files=[_pdf("会议纪要.pdf")]
    )
    evidence = update.evidence.get()
    url = f"/api/v1/evidence/{evidence.pk}/download/"

    response = api_as(liaison).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert (
        "filename*=utf-8''%E4%BC%9A%E8%AE%AE%E7%BA%AA%E8%A6%81.pdf"
        in response["Content-Disposition"]
    )
    assert api_as(other_liaison).get(url).status_code == 404
    assert api_as(other_liaison).get(f"/api/v1/tasks/{task.pk}/progress/").status_code == 404


def test_an_evidence_file_missing_on_disk_is_a_404(api_as, office_user):
    update = ProgressUpdate.objects.create(
        task=_green(), author=office_user, percent=10, text="文件已丢失"
    )
    evidence = Evidence.objects.create(
        update=update, file="evidence/2026/01/gone.pdf", original_name="gone.pdf", size=10
    )

    response = api_as(office_user).get(f"/api/v1/evidence/{evidence.pk}/download/")

    assert response.status_code == 404


# --- Scope per role ---------------------------------------------------------------------------


def test_each_role_reads_its_scope(
    api_as, office_user, subdistrict_user, liaison, other_liaison, park, other_park
):
    here, there, district_wide = _green(park=park), _green(park=other_park), _green()

    assert _codes(api_as(office_user).get("/api/v1/tasks/")) == sorted(
        [here.code, there.code, district_wide.code]
    )
    assert _codes(api_as(subdistrict_user).get("/api/v1/tasks/")) == [here.code]
    assert _codes(api_as(liaison).get("/api/v1/tasks/")) == [here.code]
    assert _codes(api_as(other_liaison).get("/api/v1/tasks/")) == [there.code]


def test_a_liaison_of_another_park_gets_404s(api_as, other_liaison, park):
    task = _green(park=park)
    client = api_as(other_liaison)
    assert client.get(f"/api/v1/tasks/{task.pk}/").status_code == 404
    assert _post(client, task, "start").status_code == 404
    report = client.post(f"/api/v1/tasks/{task.pk}/progress/", {"percent": 1, "text": "x"})
    assert report.status_code == 404
    task.refresh_from_db()
    assert task.status == "planned"


def test_readers_in_scope_cannot_act_on_tasks(api_as, liaison, subdistrict_user, park):
    task = _green(park=park)
    for user in (liaison, subdistrict_user):
        client = api_as(user)
        assert client.get(f"/api/v1/tasks/{task.pk}/").status_code == 200
        assert _post(client, task, "start").status_code == 403
        assert client.patch(f"/api/v1/tasks/{task.pk}/", {"title": "改"}).status_code == 403


# --- Plans ------------------------------------------------------------------------------------


def test_office_staff_create_and_edit_plans(api_as, office_user, park):
    issuer = OrganisationFactory(kind="district_office")
    client = api_as(office_user)

    created = client.post(
        "/api/v1/plans/",
        {
            "title": "园区产改方案",
            "issuer": issuer.pk,
            "year": 2026,
            "scope": "park",
            "park": park.pk,
        },
    )
    assert created.status_code == 201, created.json()
    assert created.json()["issuer_name"] == issuer.name
    plan_id = created.json()["id"]
    updated = client.patch(f"/api/v1/plans/{plan_id}/", {"title": "园区产改实施方案"})
    assert updated.status_code == 200
    assert Plan.objects.get(pk=plan_id).title == "园区产改实施方案"
    detail = client.get(f"/api/v1/plans/{plan_id}/").json()
    assert detail["scope_display"] == str(PlanScope.PARK.label)


def test_a_plan_whose_scope_does_not_match_its_target_is_a_400(api_as, office_user, park):
    response = api_as(office_user).post(
        "/api/v1/plans/",
        {
            "title": "方案",
            "issuer": OrganisationFactory().pk,
            "year": 2026,
            "scope": "district",
            "park": park.pk,
        },
    )
    assert response.status_code == 400
    assert not Plan.objects.exists()


def test_plans_are_read_in_scope_and_written_by_the_office(
    api_as, liaison, park, other_park, office_user
):
    district = PlanFactory(scope="district")
    mine = PlanFactory(scope="park", park=park)
    PlanFactory(scope="park", park=other_park)
    client = api_as(liaison)

    titles = [p["title"] for p in client.get("/api/v1/plans/").json()["results"]]
    assert sorted(titles) == sorted([district.title, mine.title])
    assert client.patch(f"/api/v1/plans/{mine.pk}/", {"title": "改"}).status_code == 403
    body = {"title": "新方案", "issuer": district.issuer_id, "year": 2026, "scope": "district"}
    assert client.post("/api/v1/plans/", body).status_code == 403
    assert (
        api_as(office_user).get("/api/v1/plans/", {"park": park.pk}).json()["results"][0]["id"]
        == mine.pk
    )


# --- Milestones -------------------------------------------------------------------------------


def test_office_staff_create_and_edit_milestones(api_as, office_user):
    task = _green()
    client = api_as(office_user)

    created = client.post(
        "/api/v1/milestones/",
        {"task": task.pk, "order": 1, "title": "完成选址", "due_date": "2026-06-30"},
    )
    assert created.status_code == 201, created.json()
    assert created.json()["done"] is False
    updated = client.patch(
        f"/api/v1/milestones/{created.json()['id']}/",
        {"title": "完成选址与设计", "done_on": "2026-01-01"},
    )
    assert updated.status_code == 200
    milestone = Milestone.objects.get()
    assert milestone.title == "完成选址与设计" and milestone.done_on is None
    assert client.get("/api/v1/milestones/", {"task": task.pk}).json()["count"] == 1


def test_the_lead_unit_ticks_milestones_off(api_as, member_unit_user, unit):
    milestone = MilestoneFactory(task=_green(lead_unit=unit))
    client = api_as(member_unit_user)

    done = client.post(f"/api/v1/milestones/{milestone.pk}/done/")
    assert done.status_code == 200
    assert done.json()["done_on"] == timezone.localdate().isoformat()
    assert client.get("/api/v1/milestones/", {"done": "true"}).json()["count"] == 1
    assert client.post(f"/api/v1/milestones/{milestone.pk}/undone/").json()["done"] is False
    assert client.patch(f"/api/v1/milestones/{milestone.pk}/", {"title": "改"}).status_code == 403


def test_milestones_of_other_tasks_cannot_be_ticked(api_as, member_unit_user, other_liaison, park):
    milestone = MilestoneFactory(task=_green(park=park))
    url = f"/api/v1/milestones/{milestone.pk}/done/"
    assert api_as(member_unit_user).post(url).status_code == 403  # sees it, does not lead it
    assert api_as(other_liaison).post(url).status_code == 404
    milestone.refresh_from_db()
    assert milestone.done_on is None


# --- Query counts -----------------------------------------------------------------------------


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _tasks_with_everything(n):
    owner, helper = UserFactory(), OrganisationFactory()
    for _ in range(n):
        task = _red(owner=owner, park=None)
        task.supporting_units.set([helper])


def test_the_task_list_runs_the_same_queries_for_2_and_50_rows(api_as, office_user):
    client = api_as(office_user)
    _tasks_with_everything(2)
    few = _queries(client, "/api/v1/tasks/")
    _tasks_with_everything(48)
    assert client.get("/api/v1/tasks/").json()["count"] == 50
    assert _queries(client, "/api/v1/tasks/") == few


def test_the_progress_list_runs_the_same_queries_for_2_and_50_updates(api_as, office_user):
    task = _green()
    client = api_as(office_user)

    def post(n):
        for i in range(n):
            services.progress_post(
                task=task, actor=office_user, percent=i % 100, text="进展", files=[_pdf()]
            )

    post(2)
    few = _queries(client, f"/api/v1/tasks/{task.pk}/progress/")
    post(48)
    assert len(client.get(f"/api/v1/tasks/{task.pk}/progress/").json()["results"]) == 50
    assert _queries(client, f"/api/v1/tasks/{task.pk}/progress/") == few


# --- Excel export -----------------------------------------------------------------------------


def test_the_export_is_an_xlsx_honouring_the_filters(api_as, office_user, other_liaison, park):
    from openpyxl import load_workbook

    red, green = _red(code="RED-01", park=park), _green(code="GREEN-01", park=park)

    response = api_as(office_user).get("/api/v1/tasks/export/", {"warning": "red"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith(XLSX)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(content)).active
    cells = {str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell}
    assert red.code in cells and green.code not in cells

    # Scope still applies: another park's liaison exports nothing of this park.
    other = api_as(other_liaison).get("/api/v1/tasks/export/")
    content = b"".join(other.streaming_content) if other.streaming else other.content
    sheet = load_workbook(io.BytesIO(content)).active
    cells = {str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell}
    assert red.code not in cells
