"""Daily reminders: owners of yellow and red tasks hear once per task, level and day."""

import time
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from parks.notices.deliveries import delivery_attempt
from parks.notices.models import Delivery, Notification
from parks.structure.choices import Role
from reforms.tasks.jobs import send_task_reminders as send_task_reminders_job
from reforms.tasks.models import TaskReminder
from reforms.tasks.services import send_task_reminders
from tests.factories import TaskFactory, UserFactory

TODAY = date(2026, 6, 1)


@pytest.fixture
def owner(db):
    return UserFactory(role=Role.OBSERVER, email="owner@example.cn")


def _overdue(owner):
    return TaskFactory(
        owner=owner, start_date=date(2026, 1, 1), due_date=date(2026, 5, 1), progress=50
    )


def _behind(owner):
    return TaskFactory(
        owner=owner, start_date=date(2026, 1, 1), due_date=date(2026, 12, 31), progress=0
    )


def _on_track(owner):
    return TaskFactory(
        owner=owner, start_date=date(2026, 1, 1), due_date=date(2026, 12, 31), progress=60
    )


@pytest.mark.django_db(transaction=True)
def test_owners_of_red_and_yellow_tasks_are_notified_in_app_and_by_mail(owner):
    red, yellow, _green = _overdue(owner), _behind(owner), _on_track(owner)
    assert send_task_reminders(today=TODAY) == 2
    titles = set(Notification.objects.filter(recipient=owner).values_list("title", flat=True))
    assert any(red.title in title for title in titles)
    assert any(yellow.title in title for title in titles)
    # The worker sends the e-mails (tests/parks/test_notice_deliveries.py): here, in-process.
    for delivery in Delivery.objects.all():
        delivery_attempt(delivery.pk)
    assert len(mail.outbox) == 2 and mail.outbox[0].to == ["owner@example.cn"]
    levels = dict(TaskReminder.objects.values_list("task_id", "level"))
    assert levels == {red.pk: "red", yellow.pk: "yellow"}


@pytest.mark.django_db
def test_running_twice_a_day_notifies_once(owner):
    _overdue(owner)
    assert send_task_reminders(today=TODAY) == 1
    assert send_task_reminders(today=TODAY) == 0
    assert Notification.objects.count() == 1


@pytest.mark.django_db
def test_the_next_day_reminds_again_and_a_new_level_reminds_the_same_day(owner):
    task = _behind(owner)
    send_task_reminders(today=TODAY)
    send_task_reminders(today=TODAY + timedelta(days=1))
    task.due_date = TODAY + timedelta(days=1)
    task.save()
    send_task_reminders(today=TODAY + timedelta(days=2))  # now past due: red
    assert list(TaskReminder.objects.order_by("day").values_list("level", flat=True)) == [
        "yellow",
        "yellow",
        "red",
    ]


@pytest.mark.django_db
def test_tasks_without_an_owner_or_done_are_skipped(owner):
    TaskFactory(start_date=date(2026, 1, 1), due_date=date(2026, 5, 1))
    TaskFactory(
        owner=owner,
        start_date=date(2026, 1, 1),
        due_date=date(2026, 5, 1),
        status="done",
        progress=100,
        done_on=date(2026, 4, 1),
    )
    assert send_task_reminders(today=TODAY) == 0


@pytest.mark.django_db
def test_the_job_uses_the_local_date_in_shanghai(owner):
    _behind(owner)
    # 23:30 UTC on 31 May is 07:30 on 1 June in Shanghai.
    with time_machine.travel(datetime(2026, 5, 31, 23, 30, tzinfo=UTC)):
        send_task_reminders()
    assert TaskReminder.objects.get().day == TODAY


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sending_the_job_twice_notifies_once(owner, worker_queue):
    today = timezone.localdate()
    TaskFactory(owner=owner, start_date=today - timedelta(days=30), due_date=today - timedelta(1))
    send_task_reminders_job.apply_async(queue=worker_queue)
    send_task_reminders_job.apply_async(queue=worker_queue)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not TaskReminder.objects.exists():
        time.sleep(0.5)
    time.sleep(2)  # give the second run its chance to (wrongly) notify again
    assert TaskReminder.objects.count() == 1
    assert Notification.objects.filter(recipient=owner).count() == 1
