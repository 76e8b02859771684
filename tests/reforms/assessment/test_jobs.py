"""The worker scores each closed period once: the monthly job on a real Celery worker, run
twice; the periods that have just closed; the catch-up of missed periods."""

import time
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from reforms.assessment import schedules
from reforms.assessment.choices import ScoreAction
from reforms.assessment.jobs import catch_up_scores, score_closed_periods
from reforms.assessment.models import Score, ScoreEvent
from reforms.reporting.periods import last_complete_period
from reforms.tasks.choices import TaskStatus
from tests.factories import OrganisationFactory, TaskFactory
from tests.reforms.assessment.factories import scheme_with_rows

ONLY_TASKS = (("task_on_time", "100", "100", "60"),)


def done_in(unit, day):
    TaskFactory(
        lead_unit=unit,
        start_date=date(day.year, 1, 1),
        due_date=day,
        status=TaskStatus.DONE,
        done_on=day,
        progress=100,
    )


def periods(scheme):
    return sorted(
        Score.objects.filter(scheme=scheme).values_list("period_kind", "period_start").distinct()
    )


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_running_the_monthly_job_twice_scores_the_month_once(worker_queue):
    month_start, month_end = last_complete_period("month", timezone.localdate())
    scheme = scheme_with_rows(year=month_start.year, indicators=ONLY_TASKS)
    units = [OrganisationFactory(name=name) for name in ("区总工会", "区人社局", "区住建局")]
    for unit in units:
        done_in(unit, month_end)
    expected = len(schedules.just_closed(timezone.localdate())) * len(units)

    score_closed_periods.apply_async(queue=worker_queue)
    score_closed_periods.apply_async(queue=worker_queue)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and Score.objects.count() < expected:
        time.sleep(0.5)
    time.sleep(2)  # give the second run its chance to (wrongly) score again
    assert Score.objects.filter(scheme=scheme).count() == expected
    month = Score.objects.filter(period_kind="month", period_start=month_start)
    assert sorted(month.values_list("unit__name", "total", "rank")) == [
        ("区人社局", 100, 1),
        ("区住建局", 100, 1),
        ("区总工会", 100, 1),
    ]
    events = ScoreEvent.objects.filter(score__scheme=scheme)
    assert set(events.values_list("action", flat=True)) == {ScoreAction.COMPUTED}
    assert events.count() == expected and not events.exclude(actor=None).exists()


@pytest.mark.django_db
def test_the_jobs_are_on_beat():
    schedule = settings.CELERY_BEAT_SCHEDULE
    monthly = schedule["score-closed-assessment-periods"]
    assert monthly["task"] == score_closed_periods.name
    assert monthly["schedule"].day_of_month == {1}
    assert schedule["catch-up-assessment-scores"]["task"] == catch_up_scores.name


def test_the_periods_that_close_with_a_month():
    assert schedules.just_closed(date(2026, 5, 1)) == [("month", date(2026, 4, 1))]
    assert schedules.just_closed(date(2026, 4, 1)) == [
        ("month", date(2026, 3, 1)),
        ("quarter", date(2026, 1, 1)),
    ]
    assert schedules.just_closed(date(2027, 1, 1)) == [
        ("month", date(2026, 12, 1)),
        ("quarter", date(2026, 10, 1)),
        ("year", date(2026, 1, 1)),
    ]


def test_the_closed_periods_of_a_year():
    assert schedules.closed_periods(2026, date(2026, 4, 10)) == [
        ("month", date(2026, 1, 1)),
        ("month", date(2026, 2, 1)),
        ("month", date(2026, 3, 1)),
        ("quarter", date(2026, 1, 1)),
    ]
    assert len(schedules.closed_periods(2025, date(2026, 4, 10))) == 12 + 4 + 1


@pytest.mark.django_db
def test_on_the_first_the_month_and_its_quarter_are_scored():
    scheme = scheme_with_rows(indicators=ONLY_TASKS)
    unit = OrganisationFactory()
    done_in(unit, date(2026, 2, 10))
    done_in(unit, date(2026, 3, 10))
    # 02:30 on 1 April in Shanghai.
    with time_machine.travel(datetime(2026, 3, 31, 18, 30, tzinfo=UTC)):
        assert schedules.score_just_closed() == 2
        assert schedules.score_just_closed() == 2  # the same scores, not new ones
    assert periods(scheme) == [("month", date(2026, 3, 1)), ("quarter", date(2026, 1, 1))]


@pytest.mark.django_db
def test_the_catch_up_scores_the_missed_periods_once():
    scheme = scheme_with_rows(indicators=ONLY_TASKS)
    unit = OrganisationFactory()
    for month in (1, 2, 3):
        done_in(unit, date(2026, month, 10))
    with time_machine.travel(datetime(2026, 4, 10, 2, tzinfo=UTC)):
        assert schedules.catch_up() == 4
        assert schedules.catch_up() == 0
    assert periods(scheme) == [
        ("month", date(2026, 1, 1)),
        ("month", date(2026, 2, 1)),
        ("month", date(2026, 3, 1)),
        ("quarter", date(2026, 1, 1)),
    ]
    assert ScoreEvent.objects.count() == 4
