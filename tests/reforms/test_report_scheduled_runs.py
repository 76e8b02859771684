"""Scheduled report runs: one report per scope and period, and catching up missed runs."""

import json
from datetime import date, datetime

import pytest
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from reforms.reporting import schedules
from reforms.reporting.choices import PeriodKind, ReportScope
from reforms.reporting.models import Report
from tests.factories import ParkFactory
from tests.reforms import report_services_helpers as shared
from tests.reforms.report_services_helpers import SHANGHAI

# The shared fixtures, bound here so pytest finds them by name.
default_schedules = shared.default_schedules
on_wednesday = shared.on_wednesday
parks_entered_long_ago = shared.parks_entered_long_ago


# --- Scheduled runs and catching up -----------------------------------------------------------


@pytest.mark.django_db
def test_a_scheduled_run_makes_the_district_each_subdistrict_and_each_park_report_once(
    park, other_park, on_wednesday
):
    assert schedules.produce_scheduled_reports(period_kind=PeriodKind.MONTH) == 5
    assert schedules.produce_scheduled_reports(period_kind=PeriodKind.MONTH) == 0
    reports = Report.objects.all()
    assert {(r.period_start, r.period_end) for r in reports} == {
        (date(2026, 5, 1), date(2026, 5, 31))
    }
    assert sorted(r.scope_key for r in reports) == sorted(
        [
            "district",
            f"subdistrict:{park.subdistrict_id}",
            f"subdistrict:{other_park.subdistrict_id}",
            f"park:{park.pk}",
            f"park:{other_park.pk}",
        ]
    )
    assert all(r.requested_by is None for r in reports)


@pytest.mark.django_db
def test_a_new_park_gets_its_report_from_the_next_run(park, on_wednesday):
    schedules.produce_scheduled_reports(period_kind=PeriodKind.WEEK)
    newcomer = ParkFactory(name="新园区", subdistrict=park.subdistrict)
    assert schedules.produce_scheduled_reports(period_kind=PeriodKind.WEEK) == 1
    assert Report.objects.filter(park=newcomer).count() == 1


def _periods():
    return {
        (r.period_kind, r.period_start, r.period_end)
        for r in Report.objects.filter(scope=ReportScope.DISTRICT)
    }


@pytest.mark.django_db
def test_catching_up_produces_each_enabled_schedules_missed_run_once(
    park, parks_entered_long_ago, default_schedules, on_wednesday
):
    created = schedules.catch_up_scheduled_reports()
    assert created == 4 * 3  # district, the subdistrict and the park, for four kinds
    assert _periods() == {
        (PeriodKind.WEEK, date(2026, 6, 1), date(2026, 6, 7)),
        (PeriodKind.MONTH, date(2026, 5, 1), date(2026, 5, 31)),
        (PeriodKind.QUARTER, date(2026, 1, 1), date(2026, 3, 31)),
        (PeriodKind.YEAR, date(2025, 1, 1), date(2025, 12, 31)),
    }
    assert schedules.catch_up_scheduled_reports() == 0
    assert Report.objects.count() == 12


@pytest.mark.django_db
def test_a_switched_off_schedule_is_not_caught_up(
    park, parks_entered_long_ago, default_schedules, on_wednesday
):
    PeriodicTask.objects.exclude(name="progress-reports-weekly").update(enabled=False)
    schedules.catch_up_scheduled_reports()
    assert _periods() == {(PeriodKind.WEEK, date(2026, 6, 1), date(2026, 6, 7))}


@pytest.mark.django_db
def test_catching_up_waits_for_the_scheduled_time(
    park, parks_entered_long_ago, default_schedules, time_machine
):
    """At 05:00 on Monday the weekly run (06:00) has not come: last week is not made early."""
    PeriodicTask.objects.exclude(name="progress-reports-weekly").update(enabled=False)
    time_machine.move_to(datetime(2026, 6, 8, 5, 0, tzinfo=SHANGHAI), tick=False)
    schedules.catch_up_scheduled_reports()
    assert _periods() == {(PeriodKind.WEEK, date(2026, 5, 25), date(2026, 5, 31))}
    time_machine.move_to(datetime(2026, 6, 8, 6, 0, tzinfo=SHANGHAI), tick=False)
    schedules.catch_up_scheduled_reports()
    assert (PeriodKind.WEEK, date(2026, 6, 1), date(2026, 6, 7)) in _periods()


@pytest.mark.django_db
def test_catching_up_follows_a_schedule_moved_by_the_office(
    park, parks_entered_long_ago, office_user, default_schedules, time_machine
):
    PeriodicTask.objects.exclude(name="progress-reports-weekly").update(enabled=False)
    time_machine.move_to(datetime(2026, 6, 8, 10, 0, tzinfo=SHANGHAI), tick=False)  # Monday
    schedules.report_schedule_update(
        actor=office_user, period_kind=PeriodKind.WEEK, enabled=True, hour=9, minute=0, day=2
    )
    schedules.catch_up_scheduled_reports()
    assert _periods() == {(PeriodKind.WEEK, date(2026, 5, 25), date(2026, 5, 31))}


@pytest.mark.django_db
def test_a_schedule_reads_its_own_kind_even_with_other_arguments(
    park, parks_entered_long_ago, on_wednesday
):
    crontab = CrontabSchedule.objects.create(
        minute="0", hour="6", day_of_week="1", timezone=SHANGHAI
    )
    PeriodicTask.objects.all().delete()
    PeriodicTask.objects.create(
        name="hand-made",
        task=schedules.SCHEDULE_TASK,
        crontab=crontab,
        kwargs=json.dumps({"period_kind": "month", "note": "week"}),
    )
    PeriodicTask.objects.create(
        name="broken", task=schedules.SCHEDULE_TASK, crontab=crontab, kwargs="{not json"
    )
    schedules.catch_up_scheduled_reports()
    # The kwargs are read as JSON, not searched for a word: the "week" in the note means nothing.
    assert {kind for kind, _start, _end in _periods()} == {PeriodKind.MONTH}
