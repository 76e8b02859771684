"""The task workflow, progress updates, evidence checks and concurrent writes, in the services."""

import threading
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings

from parks.structure.choices import Role
from reforms.tasks import services
from reforms.tasks.choices import TaskStatus
from reforms.tasks.models import Evidence, Plan, ProgressUpdate, Task, TaskEvent
from tests.factories import (
    MilestoneFactory,
    OrganisationFactory,
    ParkFactory,
    PlanFactory,
    TaskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

# The workflow of the issue, written out rather than read from ALLOWED_TRANSITIONS.
ALLOWED = {
    ("planned", "in_progress"),
    ("planned", "suspended"),
    ("planned", "cancelled"),
    ("in_progress", "done"),
    ("in_progress", "suspended"),
    ("in_progress", "cancelled"),
    ("suspended", "in_progress"),
    ("suspended", "cancelled"),
    ("done", "in_progress"),  # reopening: office staff only
    ("cancelled", "planned"),  # reinstating: office staff only, with a reason
}
EVERY_MOVE = [(a, b) for a in TaskStatus.values for b in TaskStatus.values]


def _task_in(status, **fields):
    if status == TaskStatus.DONE:
        return TaskFactory(status=status, progress=100, done_on=date(2026, 5, 1), **fields)
    return TaskFactory(status=status, progress=40 if status != "planned" else 0, **fields)


@pytest.fixture
def unit_user():
    return UserFactory(role=Role.MEMBER_UNIT, organisation=OrganisationFactory(name="区人社局"))


@pytest.mark.parametrize(("from_status", "to_status"), sorted(ALLOWED))
def test_an_allowed_move_succeeds_and_writes_history(office_user, from_status, to_status):
    task = _task_in(from_status)
    before = task.progress

    moved = services.task_transition(
        task=task, to_status=to_status, actor=office_user, note="因场地调整"
    )

    task.refresh_from_db()
    assert moved.status == task.status == to_status
    event = TaskEvent.objects.get(task=task)
    assert (event.actor, event.from_status, event.to_status) == (
        office_user,
        from_status,
        to_status,
    )
    assert event.note == "因场地调整"
    assert event.from_progress == before and event.to_progress == task.progress


@pytest.mark.parametrize(
    ("from_status", "to_status"), [move for move in EVERY_MOVE if move not in ALLOWED]
)
def test_a_forbidden_move_is_refused_and_changes_nothing(office_user, from_status, to_status):
    task = _task_in(from_status)
    snapshot = Task.objects.values().get(pk=task.pk)

    with pytest.raises(ValidationError):
        services.task_transition(task=task, to_status=to_status, actor=office_user, note="原因")

    assert Task.objects.values().get(pk=task.pk) == snapshot
    assert not TaskEvent.objects.exists()


def test_the_matrix_covers_every_pair_of_statuses():
    assert len(EVERY_MOVE) == len(TaskStatus.values) ** 2 == 25
    assert ALLOWED <= set(EVERY_MOVE)


def test_an_unknown_status_is_refused(office_user):
    task = _task_in("planned")
    with pytest.raises(ValidationError):
        services.task_transition(task=task, to_status="archived", actor=office_user)


def test_completing_sets_full_progress_and_the_date(office_user):
    task = _task_in("in_progress")
    services.task_transition(task=task, to_status="done", actor=office_user)
    task.refresh_from_db()
    assert task.progress == 100 and task.done_on is not None
    event = TaskEvent.objects.get(task=task)
    assert (event.from_progress, event.to_progress) == (40, 100)


@pytest.mark.parametrize("to_status", ["suspended", "cancelled"])
@pytest.mark.parametrize("note", ["", "   "])
def test_suspending_or_cancelling_needs_a_reason(office_user, to_status, note):
    task = _task_in("in_progress")
    with pytest.raises(ValidationError) as error:
        services.task_transition(task=task, to_status=to_status, actor=office_user, note=note)
    assert "note" in error.value.message_dict
    task.refresh_from_db()
    assert task.status == "in_progress"
    assert not TaskEvent.objects.exists()


def test_only_the_office_reopens_a_done_task(office_user, unit_user):
    task = _task_in("done", lead_unit=unit_user.organisation)

    with pytest.raises(PermissionDenied):
        services.task_transition(task=task, to_status="in_progress", actor=unit_user)
    task.refresh_from_db()
    assert task.status == "done"

    services.task_transition(task=task, to_status="in_progress", actor=office_user, note="返工")
    task.refresh_from_db()
    assert task.status == "in_progress" and task.done_on is None


@pytest.mark.parametrize("from_status", ["planned", "in_progress", "suspended"])
def test_only_the_office_cancels_a_task(office_user, unit_user, from_status):
    task = _task_in(from_status, lead_unit=unit_user.organisation)

    with pytest.raises(PermissionDenied):
        services.task_transition(task=task, to_status="cancelled", actor=unit_user, note="不做了")
    task.refresh_from_db()
    assert task.status == from_status
    assert not TaskEvent.objects.exists()

    services.task_transition(task=task, to_status="cancelled", actor=office_user, note="政策调整")
    task.refresh_from_db()
    assert task.status == "cancelled"


def test_only_the_office_reinstates_a_cancelled_task_and_says_why(office_user, unit_user):
    task = _task_in("cancelled", lead_unit=unit_user.organisation)

    with pytest.raises(PermissionDenied):
        services.task_transition(task=task, to_status="planned", actor=unit_user, note="恢复")
    with pytest.raises(ValidationError) as error:
        services.task_transition(task=task, to_status="planned", actor=office_user, note=" ")
    assert "note" in error.value.message_dict
    task.refresh_from_db()
    assert task.status == "cancelled" and not TaskEvent.objects.exists()

    services.task_transition(task=task, to_status="planned", actor=office_user, note="误撤销")
    task.refresh_from_db()
    assert task.status == "planned"
    event = TaskEvent.objects.get(task=task)
    assert (event.from_status, event.to_status, event.note) == ("cancelled", "planned", "误撤销")


def test_a_lead_unit_user_moves_their_own_task_but_not_another(unit_user):
    mine = _task_in("planned", lead_unit=unit_user.organisation)
    theirs = _task_in("planned")

    services.task_transition(task=mine, to_status="in_progress", actor=unit_user)
    with pytest.raises(PermissionDenied):
        services.task_transition(task=theirs, to_status="in_progress", actor=unit_user)
    theirs.refresh_from_db()
    assert theirs.status == "planned"


def test_the_owner_may_update_a_task_another_unit_leads():
    owner = UserFactory(role=Role.OBSERVER)
    task = _task_in("planned", owner=owner)
    services.progress_post(task=task, actor=owner, percent=10, text="已召开推进会")
    task.refresh_from_db()
    assert task.progress == 10


# --- Progress updates ---------------------------------------------------------------------


def test_the_first_progress_on_a_planned_task_starts_it(office_user):
    task = _task_in("planned")

    update = services.progress_post(task=task, actor=office_user, percent=30, text="完成调研")

    task.refresh_from_db()
    assert task.status == "in_progress" and task.progress == 30
    assert (update.author, update.percent, update.text) == (office_user, 30, "完成调研")
    event = TaskEvent.objects.get(task=task)
    assert (event.from_status, event.to_status) == ("planned", "in_progress")
    assert (event.from_progress, event.to_progress) == (0, 30)


def test_progress_does_not_finish_a_task(office_user):
    task = _task_in("in_progress")
    services.progress_post(task=task, actor=office_user, percent=100, text="全部完成")
    task.refresh_from_db()
    assert task.status == "in_progress" and task.progress == 100 and task.done_on is None


@pytest.mark.parametrize("percent", [-1, 101, 1000])
def test_progress_outside_0_to_100_is_refused(office_user, percent):
    task = _task_in("in_progress")
    with pytest.raises(ValidationError) as error:
        services.progress_post(task=task, actor=office_user, percent=percent, text="进展")
    assert "percent" in error.value.message_dict
    assert not ProgressUpdate.objects.exists()
    task.refresh_from_db()
    assert task.progress == 40


@pytest.mark.parametrize("status", ["suspended", "cancelled", "done"])
def test_progress_on_a_stopped_task_is_refused(office_user, status):
    task = _task_in(status)
    with pytest.raises(ValidationError):
        services.progress_post(task=task, actor=office_user, percent=50, text="进展")
    assert not ProgressUpdate.objects.exists()


def test_a_progress_update_cannot_be_edited(office_user):
    update = services.progress_post(
        task=_task_in("in_progress"), actor=office_user, percent=50, text="过半"
    )
    update.text = "改写历史"
    with pytest.raises(ValidationError):
        update.save()
    assert ProgressUpdate.objects.get().text == "过半"


# --- Evidence -------------------------------------------------------------------------------


def test_a_renamed_executable_is_refused(office_user):
    task = _task_in("in_progress")
    fake = SimpleUploadedFile("x.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64)

    with pytest.raises(ValidationError) as error:
        services.progress_post(task=task, actor=office_user, percent=50, text="附件", files=[fake])

    assert "files" in error.value.message_dict
    assert not ProgressUpdate.objects.exists() and not Evidence.objects.exists()


@pytest.mark.parametrize("name", ["run.exe", "page.html", "noextension"])
def test_a_forbidden_type_is_refused(name):
    with pytest.raises(ValidationError):
        services.validate_evidence_file(SimpleUploadedFile(name, PDF))


@override_settings(EVIDENCE_MAX_BYTES=1000)
def test_a_file_over_the_size_limit_is_refused(office_user):
    task = _task_in("in_progress")
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 1000)

    with pytest.raises(ValidationError) as error:
        services.progress_post(task=task, actor=office_user, percent=50, text="附件", files=[big])

    assert "files" in error.value.message_dict
    assert not ProgressUpdate.objects.exists()


def test_a_real_small_pdf_is_kept_with_its_name_and_size(office_user):
    task = _task_in("in_progress")
    pdf = SimpleUploadedFile("会议纪要.pdf", PDF, content_type="application/pdf")

    update = services.progress_post(
        task=task, actor=office_user, percent=60, text="附会议纪要", files=[pdf]
    )

    evidence = Evidence.objects.get(update=update)
    assert evidence.original_name == "会议纪要.pdf" and evidence.size == len(PDF)
    with evidence.file.open("rb") as stored:
        assert stored.read() == PDF


# --- Editing tasks --------------------------------------------------------------------------


def test_task_save_ignores_status_and_progress_sent_by_the_editor(office_user):
    task = _task_in("in_progress")
    task.title = "新标题"
    task.status, task.progress = "done", 100

    services.task_save(task=task, actor=office_user)

    task.refresh_from_db()
    assert (task.title, task.status, task.progress) == ("新标题", "in_progress", 40)


def test_task_save_with_a_stale_version_is_refused(office_user):
    task = _task_in("planned", title="原标题")
    read_at = task.updated_at
    other = Task.objects.get(pk=task.pk)
    other.description = "别人先保存了"
    services.task_save(task=other, actor=office_user, expected_updated_at=read_at)

    task.title = "我的修改"
    with pytest.raises(ValidationError):
        services.task_save(task=task, actor=office_user, expected_updated_at=read_at)

    task.refresh_from_db()
    assert (task.title, task.description) == ("原标题", "别人先保存了")


def test_task_save_refuses_a_due_date_before_the_start(office_user):
    task = _task_in("planned")
    task.due_date = task.start_date - timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.task_save(task=task, actor=office_user)
    assert "due_date" in error.value.message_dict


def test_task_save_writes_only_the_fields_it_is_told_about(office_user):
    task = _task_in("planned", title="原标题", description="原说明")
    mine = Task.objects.get(pk=task.pk)  # read before a colleague's save
    colleague = Task.objects.get(pk=task.pk)
    colleague.description = "同事的说明"
    services.task_save(task=colleague, actor=office_user)

    mine.title = "我的标题"
    services.task_save(task=mine, actor=office_user, fields=["title"])

    task.refresh_from_db()
    assert (task.title, task.description) == ("我的标题", "同事的说明")


def test_task_save_refuses_workflow_fields(office_user):
    task = _task_in("planned")
    task.status = "done"
    with pytest.raises(ValueError, match="status"):
        services.task_save(task=task, actor=office_user, fields=["status"])


def test_only_the_office_saves_tasks(unit_user):
    task = _task_in("planned", lead_unit=unit_user.organisation)
    task.title = "越权修改"
    with pytest.raises(PermissionDenied):
        services.task_save(task=task, actor=unit_user)


# --- History of details and milestones -----------------------------------------------------


def test_editing_a_due_date_writes_a_history_row(office_user):
    task = _task_in("in_progress", due_date=date(2026, 4, 21))
    task.due_date = date(2026, 5, 21)

    services.task_save(task=task, actor=office_user, fields=["due_date"])

    event = TaskEvent.objects.get(task=task)
    assert event.actor == office_user
    assert (event.from_status, event.to_status) == ("in_progress", "in_progress")
    assert (event.from_progress, event.to_progress) == (40, 40)
    assert "2026-04-21 → 2026-05-21" in event.note


def test_a_whole_form_save_records_each_change_and_the_units(office_user):
    helper = OrganisationFactory(name="区妇联")
    task = _task_in("planned", title="旧标题", weight=1)

    task.title, task.weight = "新标题", 5
    services.task_save(task=task, actor=office_user, supporting_units=[helper])

    note = TaskEvent.objects.get(task=task).note
    assert "旧标题 → 新标题" in note and "1 → 5" in note and "区妇联" in note


def test_saving_a_task_unchanged_writes_no_history(office_user):
    task = _task_in("planned")
    services.task_save(task=task, actor=office_user)
    assert not TaskEvent.objects.exists()


def test_ticking_and_unticking_a_milestone_writes_history(office_user):
    milestone = MilestoneFactory(task=_task_in("in_progress"), title="完成选址")

    services.milestone_set_done(milestone=milestone, actor=office_user, done=True)
    services.milestone_set_done(milestone=milestone, actor=office_user, done=False)

    ticked, unticked = TaskEvent.objects.filter(task=milestone.task).order_by("pk")
    for event in (ticked, unticked):
        assert event.actor == office_user
        assert (event.from_status, event.to_status) == ("in_progress", "in_progress")
        assert (event.from_progress, event.to_progress) == (40, 40)
        assert "完成选址" in event.note
    assert ticked.note != unticked.note


def test_ticking_a_milestone_twice_keeps_the_first_date_and_one_history_row(office_user):
    milestone = MilestoneFactory(task=_task_in("in_progress"), done_on=date(2026, 3, 1))

    services.milestone_set_done(milestone=milestone, actor=office_user, done=True)

    milestone.refresh_from_db()
    assert milestone.done_on == date(2026, 3, 1)
    assert not TaskEvent.objects.exists()


# --- Plans and the tasks under them ---------------------------------------------------------


def test_a_task_of_a_park_plan_must_be_in_that_park(office_user, park, other_park):
    plan = PlanFactory(scope="park", park=park)
    for wrong in (None, other_park):
        task = TaskFactory.build(
            code="T-PARK", plan=plan, park=wrong, lead_unit=OrganisationFactory()
        )
        with pytest.raises(ValidationError) as error:
            services.task_save(task=task, actor=office_user)
        assert "park" in error.value.message_dict
    assert not Task.objects.exists()

    task = TaskFactory.build(code="T-PARK", plan=plan, park=park, lead_unit=OrganisationFactory())
    services.task_save(task=task, actor=office_user)
    assert Task.objects.get().park == park


def test_a_plan_cannot_become_the_plan_of_a_park_its_tasks_are_not_in(office_user, park):
    plan = PlanFactory(scope="district")
    TaskFactory(code="T-ELSEWHERE", plan=plan, park=ParkFactory())
    TaskFactory(code="T-DISTRICT", plan=plan, park=None)

    changed = Plan.objects.get(pk=plan.pk)
    changed.scope, changed.park = "park", park
    with pytest.raises(ValidationError) as error:
        services.plan_save(plan=changed, actor=office_user)

    assert "T-ELSEWHERE" in " ".join(error.value.messages)
    plan.refresh_from_db()
    assert (plan.scope, plan.park) == ("district", None)


def test_a_park_plan_moves_to_another_park_only_with_its_tasks(office_user, park, other_park):
    plan = PlanFactory(scope="park", park=park)
    task = TaskFactory(plan=plan, park=park)

    moved = Plan.objects.get(pk=plan.pk)
    moved.park = other_park
    with pytest.raises(ValidationError):
        services.plan_save(plan=moved, actor=office_user)
    plan.refresh_from_db()
    assert plan.park == park

    Task.objects.filter(pk=task.pk).delete()
    services.plan_save(plan=moved, actor=office_user)
    plan.refresh_from_db()
    assert plan.park == other_park


def test_a_plan_of_a_park_may_become_district_wide_over_its_tasks(office_user, park):
    plan = PlanFactory(scope="park", park=park)
    TaskFactory(plan=plan, park=park)

    plan.scope, plan.park = "district", None
    services.plan_save(plan=plan, actor=office_user)

    plan.refresh_from_db()
    assert plan.scope == "district"


# --- Two people at once ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_progress_updates_at_once_are_both_kept():
    office = UserFactory(role=Role.OFFICE)
    unit = UserFactory(role=Role.MEMBER_UNIT, organisation=OrganisationFactory())
    task = TaskFactory(lead_unit=unit.organisation, status="in_progress", progress=10)
    start = threading.Barrier(2)
    errors = []

    def post(actor, percent):
        try:
            start.wait(timeout=10)
            services.progress_post(
                task=Task.objects.get(pk=task.pk), actor=actor, percent=percent, text="同时提交"
            )
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=post, args=(office, 30)),
        threading.Thread(target=post, args=(unit, 70)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not errors
    assert sorted(ProgressUpdate.objects.values_list("percent", flat=True)) == [30, 70]
    first, second = TaskEvent.objects.filter(task=task).order_by("at", "pk")
    assert first.from_progress == 10
    assert second.from_progress == first.to_progress  # the second saw the first's write
    task.refresh_from_db()
    assert task.progress == second.to_progress and task.progress in (30, 70)
