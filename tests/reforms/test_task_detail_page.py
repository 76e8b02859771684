"""The reform task page: facts, the moves each user may make, and milestones."""

import re
from datetime import date

import pytest
from django.urls import reverse

from reforms.tasks import services
from reforms.tasks.models import Milestone, TaskEvent
from tests.factories import MilestoneFactory, TaskFactory
from tests.reforms import pages_helpers as shared
from tests.reforms.pages_helpers import _detail, _html

# The shared fixtures, bound here so pytest finds them by name.
in_english = shared.in_english
on_the_first_of_june = shared.on_the_first_of_june
tasks = shared.tasks
union = shared.union


pytestmark = pytest.mark.django_db


# Every test runs on 1 June 2026 (Asia/Shanghai), so the warnings below are fixed.
TODAY = date(2026, 6, 1)


def _moves(html):
    return re.findall(r'data-move="([a-z_]+)"', html)


def test_the_task_page_shows_facts_milestones_history_and_updates(client, member_unit_user, tasks):
    task = tasks["red"]
    MilestoneFactory(task=task, order=1, title="发放问卷", due_date=date(2026, 3, 1))
    services.progress_post(task=task, actor=member_unit_user, percent=60, text="回收问卷八百份")
    client.force_login(member_unit_user)
    html = _detail(client, task)
    assert "满意度调查" in html and "发放问卷" in html
    assert 'class="badge badge-warning-red"' in html
    assert "回收问卷八百份" in html
    assert "50% → 60%" in html  # the history row
    assert reverse("reforms:park_roadmap", args=[task.park_id]) in html


def test_a_task_outside_the_users_scope_is_not_found(client, liaison, tasks):
    client.force_login(liaison)
    for name in ("task_detail", "progress_create", "task_transition"):
        url = reverse(f"reforms:{name}", args=[tasks["green"].pk])
        assert client.get(url).status_code == 404, name


@pytest.mark.parametrize(
    ("status", "progress", "done_on", "expected"),
    [
        # Cancelling, reopening and reinstating are the office's.
        ("planned", 0, None, ["in_progress", "suspended"]),
        ("in_progress", 40, None, ["done", "suspended"]),
        ("suspended", 40, None, ["in_progress"]),
        ("done", 100, date(2026, 5, 1), []),
        ("cancelled", 0, None, []),
    ],
)
def test_a_unit_user_sees_only_the_moves_the_workflow_allows(
    client, member_unit_user, union, status, progress, done_on, expected
):
    task = TaskFactory(lead_unit=union, status=status, progress=progress, done_on=done_on)
    client.force_login(member_unit_user)
    assert _moves(_detail(client, task)) == expected


def test_office_staff_may_reopen_a_done_task(client, office_user, tasks):
    client.force_login(office_user)
    html = _detail(client, tasks["done_late"])
    assert _moves(html) == ["in_progress"]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("planned", ["in_progress", "suspended", "cancelled"]),
        ("suspended", ["in_progress", "cancelled"]),
        ("cancelled", ["planned"]),
    ],
)
def test_office_staff_may_cancel_and_reinstate(client, office_user, status, expected):
    task = TaskFactory(status=status)
    client.force_login(office_user)
    html = _detail(client, task)
    assert _moves(html) == expected
    if status == "cancelled":
        assert 'id="move-planned"' in html  # the reason is asked for in a dialog


def test_reinstating_from_the_page_needs_a_reason(client, office_user):
    task = TaskFactory(status="cancelled")
    client.force_login(office_user)
    url = reverse("reforms:task_transition", args=[task.pk])

    html = _html(client.post(url, {"to_status": "planned", "note": ""}))
    assert "is-invalid" in html
    task.refresh_from_db()
    assert task.status == "cancelled"

    assert client.post(url, {"to_status": "planned", "note": "误撤销"}).status_code == 302
    task.refresh_from_db()
    assert task.status == "planned"


def test_a_unit_user_cannot_cancel_from_the_page(client, member_unit_user, union):
    task = TaskFactory(lead_unit=union)
    client.force_login(member_unit_user)
    url = reverse("reforms:task_transition", args=[task.pk])
    assert client.post(url, {"to_status": "cancelled", "note": "不做了"}).status_code == 403
    task.refresh_from_db()
    assert task.status == "planned"


def test_a_reader_sees_no_action_buttons(client, liaison, tasks):
    client.force_login(liaison)
    html = _detail(client, tasks["red"])
    assert _moves(html) == []
    assert reverse("reforms:progress_create", args=[tasks["red"].pk]) not in html


def test_starting_a_task_is_a_post_that_writes_history(client, member_unit_user, union):
    task = TaskFactory(lead_unit=union)
    client.force_login(member_unit_user)
    url = reverse("reforms:task_transition", args=[task.pk])
    response = client.post(url, {"to_status": "in_progress"})
    assert response.status_code == 302 and response.url == task.get_absolute_url()
    task.refresh_from_db()
    assert task.status == "in_progress"
    event = TaskEvent.objects.get(task=task)
    assert (event.actor, event.from_status, event.to_status) == (
        member_unit_user,
        "planned",
        "in_progress",
    )


def test_suspending_without_a_reason_shows_an_error_and_changes_nothing(
    client, member_unit_user, tasks
):
    task = tasks["red"]
    client.force_login(member_unit_user)
    url = reverse("reforms:task_transition", args=[task.pk])
    html = _html(client.post(url, {"to_status": "suspended", "note": "  "}))
    assert 'class="invalid-feedback d-block"' in html
    assert "is-invalid" in html
    task.refresh_from_db()
    assert task.status == "in_progress"
    assert not TaskEvent.objects.filter(task=task).exists()

    client.post(url, {"to_status": "suspended", "note": "场地改造，暂停两周"})
    task.refresh_from_db()
    assert task.status == "suspended"
    assert TaskEvent.objects.get(task=task).note == "场地改造，暂停两周"


def test_a_move_the_workflow_forbids_is_refused_with_a_message(client, member_unit_user, union):
    task = TaskFactory(lead_unit=union)  # planned: cannot become done
    client.force_login(member_unit_user)
    url = reverse("reforms:task_transition", args=[task.pk])
    html = _html(client.post(url, {"to_status": "done"}))
    assert "alert-danger" in html
    task.refresh_from_db()
    assert task.status == "planned"
    assert client.get(url, {"to": "done"}).status_code == 404


def test_a_unit_user_cannot_reopen_a_done_task(client, member_unit_user, union):
    task = TaskFactory(lead_unit=union, status="done", progress=100, done_on=date(2026, 5, 1))
    client.force_login(member_unit_user)
    url = reverse("reforms:task_transition", args=[task.pk])
    assert client.post(url, {"to_status": "in_progress"}).status_code == 403
    task.refresh_from_db()
    assert task.status == "done"


def test_a_reader_cannot_move_a_task(client, liaison, tasks):
    client.force_login(liaison)
    url = reverse("reforms:task_transition", args=[tasks["red"].pk])
    assert client.post(url, {"to_status": "done"}).status_code == 403


def test_milestones_are_ticked_and_unticked_by_those_who_may_update(
    client, member_unit_user, liaison, tasks
):
    milestone = MilestoneFactory(task=tasks["red"], order=1)
    url = reverse("reforms:milestone_toggle", args=[milestone.pk])
    client.force_login(liaison)
    assert client.post(url, {"done": "1"}).status_code == 403
    client.force_login(member_unit_user)
    assert client.get(url).status_code == 405
    client.post(url, {"done": "1"})
    milestone.refresh_from_db()
    assert milestone.done_on == TODAY
    client.post(url, {"done": "0"})
    milestone.refresh_from_db()
    assert milestone.done_on is None


def test_a_ticked_milestone_and_an_edited_due_date_show_in_the_history(
    client, office_user, member_unit_user, tasks
):
    task = tasks["red"]
    milestone = MilestoneFactory(task=task, order=1, title="发放问卷")
    client.force_login(member_unit_user)
    client.post(reverse("reforms:milestone_toggle", args=[milestone.pk]), {"done": "1"})
    task.due_date = date(2026, 6, 30)
    services.task_save(task=task, actor=office_user)

    html = _detail(client, task)

    notes = re.findall(r'<td class="small text-break event-note">(.*?)</td>', html, re.S)
    assert "2026-05-01 → 2026-06-30" in notes[0]
    assert "发放问卷" in notes[1]


def test_office_staff_add_a_milestone(client, office_user, member_unit_user, tasks):
    task = tasks["red"]
    url = reverse("reforms:milestone_create", args=[task.pk])
    client.force_login(member_unit_user)
    assert client.get(url).status_code == 403
    client.force_login(office_user)
    response = client.post(url, {"order": 1, "title": "汇总意见", "due_date": "2026-04-01"})
    assert response.status_code == 302
    assert Milestone.objects.get(task=task).title == "汇总意见"
