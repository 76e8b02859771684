"""The warning level of a task, computed in SQL, around every threshold (margin 20, 7 days)."""

from datetime import date

import pytest
from django.test import override_settings

from reforms.tasks.models import Task
from reforms.tasks.selectors import with_warning
from tests.factories import TaskFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("warning_thresholds"),
]

# A 100-day task: 1 January to 11 April 2026. Each day elapsed is 1% of the span.
START, DUE = date(2026, 1, 1), date(2026, 4, 11)


@pytest.fixture
def warning_thresholds():
    with override_settings(REFORM_PACE_MARGIN=20, REFORM_DUE_SOON_DAYS=7):
        yield


def _warning(task, today):
    return with_warning(Task.objects.filter(pk=task.pk), today=today).get().warning


def _task(**fields):
    return TaskFactory(start_date=START, due_date=DUE, **fields)


@pytest.mark.parametrize(
    ("progress", "today", "expected"),
    [
        (0, date(2026, 1, 1), "green"),  # day 0: nothing is expected yet
        (0, date(2026, 1, 21), "green"),  # 20% elapsed, 0% done: exactly at the margin
        (0, date(2026, 1, 22), "yellow"),  # 21% elapsed: one point past the margin
        (30, date(2026, 2, 20), "green"),  # 50% elapsed, 30% done: at the margin
        (29, date(2026, 2, 20), "yellow"),  # 50% elapsed, 29% done: behind pace
        (90, date(2026, 4, 3), "green"),  # 8 days left, on pace
        (90, date(2026, 4, 4), "yellow"),  # 7 days left: due soon
        (99, date(2026, 4, 11), "yellow"),  # due today, not done
        (99, date(2026, 4, 12), "red"),  # one day past due
    ],
)
def test_open_task_warning_boundaries(progress, today, expected):
    task = _task(status="in_progress", progress=progress)
    assert _warning(task, today) == expected


def test_a_task_done_on_time_is_green_even_after_its_due_date():
    task = _task(status="done", progress=100, done_on=DUE)
    assert _warning(task, date(2027, 1, 1)) == "green"


def test_a_task_done_after_its_due_date_is_marked_done_late():
    task = _task(status="done", progress=100, done_on=date(2026, 4, 12))
    assert _warning(task, date(2027, 1, 1)) == "done_late"


def test_a_cancelled_task_is_not_chased():
    assert _warning(_task(status="cancelled"), date(2027, 1, 1)) == "none"


def test_a_suspended_task_past_due_is_still_red():
    assert _warning(_task(status="suspended"), date(2026, 5, 1)) == "red"


def test_a_one_day_task_is_yellow_on_its_day_and_red_after():
    task = TaskFactory(start_date=START, due_date=START)
    assert _warning(task, START) == "yellow"
    assert _warning(task, date(2026, 1, 2)) == "red"


def test_the_thresholds_are_settings():
    task = _task(status="in_progress", progress=0)
    with override_settings(REFORM_PACE_MARGIN=30):
        assert _warning(task, date(2026, 1, 22)) == "green"
    with override_settings(REFORM_DUE_SOON_DAYS=100):
        assert _warning(task, date(2026, 1, 1)) == "yellow"


def test_the_filter_uses_the_same_expression():
    behind = _task(status="in_progress", progress=0)
    _task(status="in_progress", progress=100)
    yellow = with_warning(Task.objects.all(), today=date(2026, 2, 1)).filter(warning="yellow")
    assert list(yellow) == [behind]
