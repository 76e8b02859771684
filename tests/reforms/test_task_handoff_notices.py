"""A task handed to a unit, a due date moved and a milestone coming due reach exactly the people
who answer for the task (its lead unit's active staff and its owner), once.

The world: the office (two people), 区总工会 (two staff, a departed one), 区人社局 (one), and an
owner who works at 区司法局. Each test names everyone who must hear.
"""

import time
from datetime import date, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from parks.notices.models import Notification
from parks.structure.choices import Role
from reforms.tasks import services
from reforms.tasks.jobs import send_milestone_reminders as send_milestone_reminders_job
from reforms.tasks.models import MilestoneReminder, Task
from tests.factories import (
    MilestoneFactory,
    OrganisationFactory,
    PlanFactory,
    TaskFactory,
    UserFactory,
)

TODAY = date(2026, 6, 1)


@pytest.fixture
def union(db):
    return OrganisationFactory(name="区总工会")


@pytest.fixture
def hrss(db):
    return OrganisationFactory(name="区人社局")


@pytest.fixture
def people(union, hrss):
    office = OrganisationFactory(name="区产改办", kind="district_office")
    justice = OrganisationFactory(name="区司法局")
    specs = {
        "office_a": {"role": Role.OFFICE, "organisation": office},
        "office_b": {"role": Role.OFFICE, "organisation": office},
        "union_a": {"role": Role.MEMBER_UNIT, "organisation": union},
        "union_b": {"role": Role.MEMBER_UNIT, "organisation": union},
        "union_gone": {"role": Role.MEMBER_UNIT, "organisation": union, "is_active": False},
        "hrss_a": {"role": Role.MEMBER_UNIT, "organisation": hrss},
        "owner": {"role": Role.MEMBER_UNIT, "organisation": justice},
    }
    return {name: UserFactory(username=name, **values) for name, values in specs.items()}


def told():
    """{username: [titles]} of every notice in every bell."""
    heard = {}
    for name, title in Notification.objects.order_by("pk").values_list(
        "recipient__username", "title"
    ):
        heard.setdefault(name, []).append(title)
    return heard


def each_once(names, title):
    return {name: [title] for name in names}


def new_task(people, unit, **fields):
    values = {
        "code": "2026-GH-01",
        "plan": PlanFactory(),
        "category": "care",
        "title": "建设职工之家",
        "lead_unit": unit,
        "owner": people["owner"],
        "start_date": date(2026, 1, 1),
        "due_date": date(2026, 9, 30),
    }
    task = Task(**{**values, **fields})
    return services.task_save(task=task, actor=people["office_a"])


def edit(task, actor, **changes):
    for name, value in changes.items():
        setattr(task, name, value)
    return services.task_save(task=task, actor=actor, fields=list(changes))


# --- A task handed to a unit ---------------------------------------------------------------------


def test_a_new_task_reaches_its_units_staff_and_its_owner(people, union):
    task = new_task(people, union)
    title = "Task for 区总工会: 2026-GH-01 建设职工之家"
    assert told() == each_once({"union_a", "union_b", "owner"}, title)
    notice = Notification.objects.filter(recipient=people["union_a"]).get()
    assert (notice.url, notice.body) == (task.get_absolute_url(), "Due 2026-09-30.")


def test_the_office_is_not_told_of_a_task_it_gives_itself(people):
    office = people["office_a"].organisation
    new_task(people, office, owner=None)
    assert told() == each_once({"office_b"}, "Task for 区产改办: 2026-GH-01 建设职工之家")


def test_a_task_moved_to_another_unit_reaches_the_new_unit_only(people, union, hrss):
    task = new_task(people, union)
    Notification.objects.all().delete()
    edit(task, people["office_a"], lead_unit=hrss)
    # The owner already answered for it: the move is no news to them.
    assert told() == each_once({"hrss_a"}, "Task for 区人社局: 2026-GH-01 建设职工之家")


def test_a_new_owner_from_outside_the_unit_is_told(people, union, hrss):
    task = new_task(people, union)
    Notification.objects.all().delete()
    edit(task, people["office_a"], owner=people["hrss_a"])
    assert told() == each_once({"hrss_a"}, "Task for 区总工会: 2026-GH-01 建设职工之家")


def test_a_new_owner_from_the_unit_already_knew(people, union):
    task = new_task(people, union)
    Notification.objects.all().delete()
    edit(task, people["office_a"], owner=people["union_b"])
    assert told() == {}


# --- Its due date moved ---------------------------------------------------------------------------


def test_a_new_due_date_reaches_everyone_who_answers_for_the_task(people, union):
    task = new_task(people, union)
    Notification.objects.all().delete()
    edit(task, people["office_a"], due_date=date(2026, 12, 31))
    assert told() == each_once(
        {"union_a", "union_b", "owner"}, "Due date changed: 2026-GH-01 建设职工之家"
    )
    assert Notification.objects.filter(recipient=people["owner"]).get().body == (
        "Due 2026-09-30 → 2026-12-31."
    )


def test_a_move_and_a_new_date_at_once_tell_each_person_one_thing(people, union, hrss):
    task = new_task(people, union)
    Notification.objects.all().delete()
    edit(task, people["office_a"], lead_unit=hrss, due_date=date(2026, 12, 31))
    assert told() == {
        "hrss_a": ["Task for 区人社局: 2026-GH-01 建设职工之家"],
        "owner": ["Due date changed: 2026-GH-01 建设职工之家"],
    }


def test_other_changes_tell_no_one(people, union):
    task = new_task(people, union)
    Notification.objects.all().delete()
    edit(task, people["office_a"], title="建设职工之家（二期）", due_date=task.due_date)
    edit(task, people["office_a"], lead_unit=union)
    assert told() == {}


def test_the_api_edit_of_a_due_date_is_announced(api_as, people, union):
    task = new_task(people, union)
    Notification.objects.all().delete()
    response = api_as(people["office_b"]).patch(
        f"/api/v1/tasks/{task.pk}/", {"due_date": "2026-11-30"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert set(told()) == {"union_a", "union_b", "owner"}


# --- Milestones coming due: the daily job ---------------------------------------------------------


def _milestone(task, due, **fields):
    return MilestoneFactory(task=task, due_date=due, **fields)


@pytest.fixture
def task(people, union):
    task = TaskFactory(
        code="2026-GH-02",
        title="职工书屋",
        lead_unit=union,
        owner=people["owner"],
        start_date=date(2026, 1, 1),
        due_date=date(2026, 12, 31),
    )
    return task


@override_settings(REFORM_DUE_SOON_DAYS=7)
def test_a_milestone_due_within_the_week_is_announced_once(people, task):
    _milestone(task, TODAY + timedelta(days=7), title="选址")
    _milestone(task, TODAY + timedelta(days=8), title="装修")  # not yet
    _milestone(task, TODAY + timedelta(days=2), title="采购", done_on=TODAY)  # reached
    assert services.send_milestone_reminders(today=TODAY) == 1
    assert services.send_milestone_reminders(today=TODAY) == 0
    assert told() == each_once({"union_a", "union_b", "owner"}, "Milestone due soon: 选址")
    notice = Notification.objects.filter(recipient=people["owner"]).get()
    assert notice.body == "Due 2026-06-08, task 2026-GH-02 职工书屋."
    assert notice.url == task.get_absolute_url()


def test_an_overdue_milestone_is_announced_once_more(people, task):
    milestone = _milestone(task, TODAY + timedelta(days=1), title="选址")
    services.send_milestone_reminders(today=TODAY)
    services.send_milestone_reminders(today=TODAY + timedelta(days=1))  # due today: still soon
    services.send_milestone_reminders(today=TODAY + timedelta(days=2))
    services.send_milestone_reminders(today=TODAY + timedelta(days=3))
    assert told() == {
        name: ["Milestone due soon: 选址", "Milestone overdue: 选址"]
        for name in ("union_a", "union_b", "owner")
    }
    assert sorted(milestone.reminders.values_list("level", flat=True)) == ["due_soon", "overdue"]


def test_a_milestone_given_a_new_date_is_warned_again(people, task):
    milestone = _milestone(task, TODAY + timedelta(days=3), title="选址")
    services.send_milestone_reminders(today=TODAY)
    milestone.due_date = TODAY + timedelta(days=5)
    services.milestone_save(milestone=milestone, actor=people["office_a"])
    assert services.send_milestone_reminders(today=TODAY) == 1
    assert len(told()["owner"]) == 2


def test_milestones_of_done_or_cancelled_tasks_are_not_chased(people, union):
    for status, done_on, progress in (("done", TODAY, 100), ("cancelled", None, 0)):
        finished = TaskFactory(lead_unit=union, status=status, done_on=done_on, progress=progress)
        _milestone(finished, TODAY - timedelta(days=3))
    assert services.send_milestone_reminders(today=TODAY) == 0
    assert told() == {} and not MilestoneReminder.objects.exists()


def test_the_job_uses_the_local_date(people, task):
    _milestone(task, timezone.localdate() + timedelta(days=1), title="选址")
    assert services.send_milestone_reminders() == 1
    assert set(told()) == {"union_a", "union_b", "owner"}


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sending_the_job_twice_announces_once(people, task, worker_queue):
    _milestone(task, timezone.localdate() + timedelta(days=2), title="选址")
    send_milestone_reminders_job.apply_async(queue=worker_queue)
    send_milestone_reminders_job.apply_async(queue=worker_queue)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and Notification.objects.count() < 3:
        time.sleep(0.5)
    time.sleep(2)  # give the second run its chance to (wrongly) announce again
    # The worker words notices in the portal's language, Chinese ("Milestone due soon: 选址").
    assert told() == each_once({"union_a", "union_b", "owner"}, "节点即将到期：选址")
    assert MilestoneReminder.objects.count() == 1
