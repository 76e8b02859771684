"""The report schedules: the migration, the crontab in Shanghai time, and the office moving them."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django_celery_beat.models import CrontabSchedule, PeriodicTask, PeriodicTasks

from reforms.reporting import schedules
from reforms.reporting.choices import PeriodKind
from tests.reforms import report_services_helpers as shared
from tests.reforms.report_services_helpers import SHANGHAI, WEDNESDAY, schedules_migration

# The shared fixtures, bound here so pytest finds them by name.
default_schedules = shared.default_schedules
on_wednesday = shared.on_wednesday


# --- The schedules ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_migration_sets_up_four_schedules_in_shanghai_time(default_schedules):
    expected = {
        "progress-reports-weekly": ("week", "0", "6", "1", "*", "*"),
        "progress-reports-monthly": ("month", "30", "6", "*", "1", "*"),
        "progress-reports-quarterly": ("quarter", "0", "7", "*", "1", "1,4,7,10"),
        "progress-reports-yearly": ("year", "30", "7", "*", "1", "1"),
    }
    found = {}
    for name, task in default_schedules.items():
        c = task.crontab
        assert task.enabled and str(c.timezone) == "Asia/Shanghai"
        kind = json.loads(task.kwargs)["period_kind"]
        found[name] = (kind, c.minute, c.hour, c.day_of_week, c.day_of_month, c.month_of_year)
    assert found == expected


@pytest.mark.django_db
def test_the_schedules_migration_can_be_undone_and_redone(default_schedules):
    other = PeriodicTask.objects.create(
        name="someone else's",
        task="parks.tasks.purge_expired_api_tokens",
        crontab=default_schedules["progress-reports-weekly"].crontab,
    )
    schedules_migration.remove_schedules(apps, None)
    assert not PeriodicTask.objects.filter(task=schedules.SCHEDULE_TASK).exists()
    assert PeriodicTask.objects.filter(pk=other.pk).exists()  # its crontab was kept for it
    schedules_migration.create_schedules(apps, None)
    assert PeriodicTask.objects.filter(task=schedules.SCHEDULE_TASK, enabled=True).count() == 4


@pytest.mark.django_db
def test_the_next_and_last_runs_follow_the_crontab_in_shanghai_time(
    default_schedules, on_wednesday
):
    weekly = default_schedules["progress-reports-weekly"].crontab
    quarterly = default_schedules["progress-reports-quarterly"].crontab
    assert schedules.crontab_next_run(weekly, WEDNESDAY) == datetime(
        2026, 6, 15, 6, 0, tzinfo=SHANGHAI
    )
    assert schedules.crontab_previous_run(weekly, WEDNESDAY) == datetime(
        2026, 6, 8, 6, 0, tzinfo=SHANGHAI
    )
    assert schedules.crontab_next_run(quarterly, WEDNESDAY) == datetime(
        2026, 7, 1, 7, 0, tzinfo=SHANGHAI
    )
    # 23:00 UTC on Sunday is 07:00 on Monday in Shanghai: past the weekly run.
    sunday_utc = datetime(2026, 6, 14, 23, 0, tzinfo=ZoneInfo("UTC"))
    assert schedules.crontab_previous_run(weekly, sunday_utc) == datetime(
        2026, 6, 15, 6, 0, tzinfo=SHANGHAI
    )
    # Celery's own arithmetic agrees about the next run.
    schedule = weekly.schedule
    assert WEDNESDAY + schedule.remaining_estimate(WEDNESDAY) == schedules.crontab_next_run(
        weekly, WEDNESDAY
    )


@pytest.mark.django_db
def test_the_office_moves_a_schedule_and_beat_is_told(office_user, default_schedules):
    before = PeriodicTasks.last_change()
    task = schedules.report_schedule_update(
        actor=office_user, period_kind=PeriodKind.WEEK, enabled=True, hour=8, minute=15, day=7
    )
    crontab = CrontabSchedule.objects.get(periodictask=task)
    assert (crontab.minute, crontab.hour, crontab.day_of_week, crontab.day_of_month) == (
        "15",
        "8",
        "0",  # Sunday, as cron counts it
        "*",
    )
    assert str(crontab.timezone) == "Asia/Shanghai"
    assert PeriodicTasks.last_change() > before  # what DatabaseScheduler polls
    schedule = schedules.report_schedules(now=WEDNESDAY)[0]
    assert schedule.description == "Every Sunday at 08:15"
    assert schedule.next_run_at == datetime(2026, 6, 14, 8, 15, tzinfo=SHANGHAI)


@pytest.mark.django_db
def test_a_crontab_set_by_hand_in_the_admin_is_shown_in_crons_words(default_schedules):
    crontab = default_schedules["progress-reports-weekly"].crontab
    crontab.hour = "6,18"
    crontab.save()
    weekly = schedules.report_schedules(now=WEDNESDAY)[0]
    assert weekly.description == crontab.human_readable
    assert weekly.next_run_at == datetime(2026, 6, 15, 6, 0, tzinfo=SHANGHAI)


@pytest.mark.django_db
def test_switching_a_schedule_off(office_user, default_schedules):
    schedules.report_schedule_update(
        actor=office_user, period_kind=PeriodKind.YEAR, enabled=False, hour=7, minute=30, day=2
    )
    task = PeriodicTask.objects.get(name="progress-reports-yearly")
    assert not task.enabled
    assert (task.crontab.day_of_month, task.crontab.month_of_year) == ("2", "1")
    yearly = schedules.report_schedules(now=WEDNESDAY)[3]
    assert not yearly.enabled and yearly.next_run_at is None


@pytest.mark.django_db
def test_a_shared_crontab_is_not_moved_under_another_task(office_user, default_schedules):
    shared = default_schedules["progress-reports-monthly"].crontab
    other = PeriodicTask.objects.create(name="other", task="x.y", crontab=shared)
    schedules.report_schedule_update(
        actor=office_user, period_kind=PeriodKind.MONTH, enabled=True, hour=9, minute=0, day=3
    )
    other.refresh_from_db()
    assert (other.crontab.hour, other.crontab.day_of_month) == ("6", "1")
    monthly = PeriodicTask.objects.get(name="progress-reports-monthly")
    assert (monthly.crontab.hour, monthly.crontab.day_of_month) == ("9", "3")


@pytest.mark.django_db
def test_a_deleted_schedule_is_made_again_when_saved(office_user, default_schedules):
    PeriodicTask.objects.filter(name="progress-reports-quarterly").delete()
    quarterly = schedules.report_schedules(now=WEDNESDAY)[2]
    assert quarterly.task is None and not quarterly.enabled
    schedules.report_schedule_update(
        actor=office_user, period_kind=PeriodKind.QUARTER, enabled=True, hour=7, minute=0, day=1
    )
    task = PeriodicTask.objects.get(name="progress-reports-quarterly")
    assert json.loads(task.kwargs) == {"period_kind": "quarter"}
    assert task.crontab.month_of_year == "1,4,7,10"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "values", "field"),
    [
        (PeriodKind.WEEK, {"hour": 25, "minute": 0, "day": 1}, "hour"),
        (PeriodKind.WEEK, {"hour": 6, "minute": 60, "day": 1}, "minute"),
        (PeriodKind.WEEK, {"hour": 6, "minute": 0, "day": 8}, "day"),
        (PeriodKind.WEEK, {"hour": 6, "minute": 0, "day": 0}, "day"),
        (PeriodKind.MONTH, {"hour": 6, "minute": 0, "day": 32}, "day"),
        (PeriodKind.MONTH, {"hour": 6, "minute": 0, "day": 31}, "day"),  # not in every month
        (PeriodKind.QUARTER, {"hour": -1, "minute": 0, "day": 1}, "hour"),
    ],
)
def test_an_impossible_schedule_is_refused_and_nothing_changes(
    office_user, default_schedules, kind, values, field
):
    crontabs = list(
        CrontabSchedule.objects.values_list("pk", "minute", "hour", "day_of_week", "day_of_month")
    )
    with pytest.raises(ValidationError) as error:
        schedules.report_schedule_update(
            actor=office_user, period_kind=kind, enabled=True, **values
        )
    assert field in error.value.message_dict
    assert (
        list(
            CrontabSchedule.objects.values_list(
                "pk", "minute", "hour", "day_of_week", "day_of_month"
            )
        )
        == crontabs
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", ["subdistrict_user", "park_manager", "liaison", "member_unit_user"]
)
def test_only_office_staff_change_schedules(request, role, default_schedules):
    with pytest.raises(PermissionDenied):
        schedules.report_schedule_update(
            actor=request.getfixturevalue(role),
            period_kind=PeriodKind.WEEK,
            enabled=False,
            hour=6,
            minute=0,
            day=1,
        )
    assert PeriodicTask.objects.get(name="progress-reports-weekly").enabled
