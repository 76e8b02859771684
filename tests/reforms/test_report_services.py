"""Asking for, building, regenerating and scheduling progress reports (reforms.reporting.services),
and the office's schedules page. Builds run in the test process here; test_report_worker.py runs
them on a real Celery worker."""

import base64
import importlib
import json
import re
import threading
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import kombu.exceptions
import pytest
import redis
from celery import current_app
from django.apps import apps as django_apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, connection
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask, PeriodicTasks

from parks.choices import Role
from parks.models import Notification
from reforms.choices import PeriodKind, ReportScope, ReportStatus
from reforms.models import Report, ReportVersion
from reforms.reporting import queue, schedules, services
from reforms.tasks import build_report
from tests.factories import ActivityFactory, ParkFactory, UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Wednesday: last week is 1–7 June, last month May, last quarter Q1, last year 2025.
WEDNESDAY = datetime(2026, 6, 10, 10, 0, tzinfo=SHANGHAI)
schedules_migration = importlib.import_module("reforms.migrations.0006_report_schedules")


@pytest.fixture
def on_wednesday(time_machine):
    time_machine.move_to(WEDNESDAY, tick=False)


@pytest.fixture
def observer():
    return UserFactory(username="observer", role=Role.OBSERVER)


@pytest.fixture
def default_schedules(db):
    """The four schedules of migration 0006 (a transactional test before may have flushed them)."""
    schedules_migration.create_schedules(django_apps, None)
    return {task.name: task for task in PeriodicTask.objects.filter(task=schedules.SCHEDULE_TASK)}


@pytest.fixture
def report_queue():
    """Messages the code under test sends go to a queue of this test's own, read back here."""
    queue = f"test-reports-{uuid.uuid4().hex[:8]}"
    conf = current_app.conf
    previous = conf.task_default_queue
    conf.task_default_queue = queue
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    yield queue
    conf.task_default_queue = previous
    client.delete(queue)


def queued_builds(queue):
    """The report ids of the build_report messages waiting in `queue`, oldest first."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    ids = []
    for raw in reversed(client.lrange(queue, 0, -1)):
        message = json.loads(raw)
        assert message["headers"]["task"] == "reforms.tasks.build_report"
        args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        ids.append(args[0])
    return ids


def ask(actor, scope=ReportScope.DISTRICT, kind=PeriodKind.WEEK, start=date(2026, 6, 3), **kw):
    return services.report_request(actor=actor, scope=scope, period_kind=kind, start=start, **kw)


# --- Asking once ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_asking_again_for_the_same_period_returns_the_first_report(office_user, on_wednesday):
    first, created = ask(office_user, start=date(2026, 6, 3))
    again, created_again = ask(office_user, start=date(2026, 6, 7))  # same week, another day
    assert created and not created_again
    assert again.pk == first.pk
    assert Report.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_requests_in_a_row_queue_one_build(office_user, on_wednesday, report_queue):
    report, _ = ask(office_user)
    ask(office_user)
    assert Report.objects.count() == 1
    assert queued_builds(report_queue) == [report.pk]


@pytest.mark.django_db(transaction=True)
def test_two_people_asking_at_the_same_moment_get_one_report(
    office_user, subdistrict_user, subdistrict, report_queue
):
    barrier = threading.Barrier(2)
    results, errors = [], []

    def request(actor):
        try:
            barrier.wait(timeout=10)
            results.append(
                services.report_request(
                    actor=actor,
                    scope=ReportScope.SUBDISTRICT,
                    subdistrict=subdistrict,
                    period_kind=PeriodKind.MONTH,
                    start=date(2026, 5, 1),
                )
            )
        except Exception as error:  # shown by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=request, args=(who,)) for who in (office_user, subdistrict_user)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(created for _report, created in results) == [False, True]
    assert len({report.pk for report, _created in results}) == 1
    assert Report.objects.count() == 1
    assert queued_builds(report_queue) == [results[0][0].pk]


@pytest.mark.django_db
def test_a_request_made_while_the_broker_is_down_is_kept_for_the_sweeper(
    office_user, on_wednesday, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise kombu.exceptions.OperationalError("Error 111 connecting to 127.0.0.1:6379")

    # The services send the build by name (reforms.reporting.queue), not through the task
    # object: the task module imports them, and an import circle is what issue 11 removes.
    monkeypatch.setattr(queue, "send_build", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        report, created = ask(office_user)  # no error for the person asking
    assert created and Report.objects.get().status == ReportStatus.QUEUED
    # Once the lease has passed without a worker taking it, the sweeper sends it again.
    Report.objects.filter(pk=report.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    sent = []
    monkeypatch.setattr(queue, "send_build", sent.append)
    assert services.requeue_stale_reports() == 1 and sent == [report.pk]


# --- Periods ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "day", "start", "end"),
    [
        (PeriodKind.WEEK, date(2026, 6, 3), date(2026, 6, 1), date(2026, 6, 7)),
        (PeriodKind.MONTH, date(2026, 5, 17), date(2026, 5, 1), date(2026, 5, 31)),
        (PeriodKind.QUARTER, date(2026, 2, 10), date(2026, 1, 1), date(2026, 3, 31)),
        (PeriodKind.YEAR, date(2025, 7, 1), date(2025, 1, 1), date(2025, 12, 31)),
    ],
)
def test_a_calendar_period_is_the_whole_week_month_quarter_or_year(
    office_user, on_wednesday, kind, day, start, end
):
    report, _ = ask(office_user, kind=kind, start=day, end=date(2026, 1, 1))  # end ignored
    assert (report.period_start, report.period_end) == (start, end)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "start", "end", "field"),
    [
        (PeriodKind.WEEK, date(2026, 6, 9), None, "start"),  # this week: still running
        (PeriodKind.MONTH, date(2026, 6, 1), None, "start"),
        (PeriodKind.YEAR, date(2026, 1, 1), None, "start"),
        (PeriodKind.WEEK, date(2026, 6, 20), None, "start"),  # next week
        (PeriodKind.YEAR, date(9999, 12, 31), None, "start"),  # no 500 at the calendar's end
        (PeriodKind.CUSTOM, date(2026, 6, 1), date(2026, 6, 10), "end"),  # ends today
        (PeriodKind.CUSTOM, date(2026, 7, 1), date(2026, 7, 5), "start"),
    ],
)
def test_a_period_not_over_yet_is_refused(office_user, on_wednesday, kind, start, end, field):
    with pytest.raises(ValidationError) as error:
        ask(office_user, kind=kind, start=start, end=end)
    assert field in error.value.message_dict
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_a_custom_period_runs_from_its_first_to_its_last_day(office_user, on_wednesday):
    report, _ = ask(
        office_user, kind=PeriodKind.CUSTOM, start=date(2026, 3, 15), end=date(2026, 6, 9)
    )
    assert (report.period_start, report.period_end) == (date(2026, 3, 15), date(2026, 6, 9))
    same, created = ask(
        office_user, kind=PeriodKind.CUSTOM, start=date(2026, 3, 15), end=date(2026, 6, 9)
    )
    assert same.pk == report.pk and not created


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2026, 5, 10), date(2026, 5, 9)),  # ends before it starts
        (date(2026, 5, 10), None),
        (date(2020, 1, 1), date(2025, 12, 31)),  # six years
        (date(1999, 12, 1), date(2000, 1, 31)),  # before the portal's dates
    ],
)
def test_a_custom_period_out_of_bounds_is_refused(office_user, on_wednesday, start, end):
    with pytest.raises(ValidationError):
        ask(office_user, kind=PeriodKind.CUSTOM, start=start, end=end)
    assert not Report.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("scope", "kind"), [("county", PeriodKind.WEEK), ("district", "decade")])
def test_an_unknown_scope_or_period_kind_is_a_validation_error(
    office_user, on_wednesday, scope, kind
):
    with pytest.raises(ValidationError):
        ask(office_user, scope=scope, kind=kind)


@pytest.mark.django_db
def test_a_park_report_without_a_park_is_a_validation_error(subdistrict_user, office_user):
    with pytest.raises(ValidationError):
        ask(office_user, scope=ReportScope.PARK)
    # Subdistrict staff are told the same, not met with a crash in the permission check.
    with pytest.raises(PermissionDenied):
        ask(subdistrict_user, scope=ReportScope.PARK)


# --- Who may ask ------------------------------------------------------------------------------


def _targets(park, other_park):
    return {
        "district": {"scope": ReportScope.DISTRICT},
        "own subdistrict": {"scope": ReportScope.SUBDISTRICT, "subdistrict": park.subdistrict},
        "other subdistrict": {
            "scope": ReportScope.SUBDISTRICT,
            "subdistrict": other_park.subdistrict,
        },
        "own park": {"scope": ReportScope.PARK, "park": park},
        "park in own subdistrict": {
            "scope": ReportScope.PARK,
            "park": ParkFactory(name="广益第二园区", subdistrict=park.subdistrict),
        },
        "other park": {"scope": ReportScope.PARK, "park": other_park},
    }


ALLOWED = {
    "office_user": {
        "district",
        "own subdistrict",
        "other subdistrict",
        "own park",
        "park in own subdistrict",
        "other park",
    },
    "subdistrict_user": {"own subdistrict", "own park", "park in own subdistrict"},
    "park_manager": {"own park"},
    "liaison": set(),
    "observer": set(),
    "member_unit_user": set(),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(ALLOWED))
def test_who_may_ask_for_which_report(request, role, park, other_park, on_wednesday):
    actor = request.getfixturevalue(role)
    for name, target in _targets(park, other_park).items():
        if name in ALLOWED[role]:
            report, _ = ask(actor, **target)
            assert report.requested_by == actor, name
        else:
            with pytest.raises(PermissionDenied):
                ask(actor, **target)
    assert Report.objects.count() == len(ALLOWED[role])


@pytest.mark.django_db
def test_an_inactive_account_may_not_ask(office_user, on_wednesday):
    office_user.is_active = False
    office_user.save()
    with pytest.raises(PermissionDenied):
        ask(office_user)


# --- Building ---------------------------------------------------------------------------------


def _built(actor, **kw):
    report, _ = ask(actor, **kw)
    services.report_build(report.pk)
    report.refresh_from_db()
    return report


@pytest.mark.django_db
def test_a_build_stores_figures_and_workbook_and_tells_who_asked(
    office_user, park, on_wednesday, mailoutbox, django_capture_on_commit_callbacks
):
    office_user.email = "office@example.com"
    office_user.save()
    ActivityFactory(park=park, occurred_at=datetime(2026, 6, 2, 9, 0, tzinfo=SHANGHAI))
    with django_capture_on_commit_callbacks(execute=True):
        report = _built(office_user)
    assert report.status == ReportStatus.DONE and report.progress == 100
    assert report.snapshot["period"]["start"] == "2026-06-01"
    assert report.excel.name == f"reports/2026/{report.pk}-v1.xlsx"
    assert report.excel.read()[:2] == b"PK"  # an xlsx is a zip
    assert report.finished_at is not None and report.lease_until is None
    notification = Notification.objects.get()
    assert notification.recipient == office_user
    assert notification.url == report.get_absolute_url()
    assert [message.to for message in mailoutbox] == [["office@example.com"]]


@pytest.mark.django_db
def test_building_twice_builds_once(office_user, on_wednesday):
    report = _built(office_user)
    assert services.report_build(report.pk) is None
    assert Notification.objects.count() == 1
    report.refresh_from_db()
    assert report.version == 1


@pytest.mark.django_db
def test_a_report_held_by_a_live_worker_is_left_to_it(office_user, on_wednesday):
    report, _ = ask(office_user)
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.RUNNING, lease_until=timezone.now() + timedelta(minutes=5)
    )
    assert services.report_build(report.pk) is None
    report.refresh_from_db()
    assert report.status == ReportStatus.RUNNING and report.snapshot is None


@pytest.mark.django_db
def test_a_scheduled_report_tells_the_people_of_its_scope(
    office_user, subdistrict_user, park_manager, liaison, park, on_wednesday
):
    schedules.produce_scheduled_reports(period_kind=PeriodKind.WEEK)
    for report in Report.objects.all():
        services.report_build(report.pk)
    told = {(n.recipient.username, n.url) for n in Notification.objects.select_related("recipient")}
    district = Report.objects.get(scope=ReportScope.DISTRICT)
    own_subdistrict = Report.objects.get(subdistrict=park.subdistrict)
    own_park = Report.objects.get(park=park)
    assert told == {
        ("office", district.get_absolute_url()),
        ("subdistrict", own_subdistrict.get_absolute_url()),
        ("manager", own_park.get_absolute_url()),
    }


@pytest.mark.django_db
def test_a_transient_error_lets_go_of_the_report_so_the_retry_can_build_it(
    office_user, on_wednesday, monkeypatch
):
    report, _ = ask(office_user)
    real = services.build_snapshot

    def database_gone(report, progress):
        progress(40)
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "build_snapshot", database_gone)
    with pytest.raises(OperationalError):
        services.report_build(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.QUEUED and report.lease_until is None

    monkeypatch.setattr(services, "build_snapshot", real)
    assert services.report_build(report.pk) is not None  # the retry, at once
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE and report.version == 1


@pytest.mark.django_db
def test_a_database_error_that_outlasts_the_retries_fails_the_report(
    office_user, on_wednesday, monkeypatch
):
    """The retries themselves run on a real worker in test_report_worker.py; here the task runs
    in this process (its retries at once) to count them."""
    report, _ = ask(office_user)
    attempts = []

    def database_down(report, progress):
        attempts.append(report.pk)
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(services, "build_snapshot", database_down)
    build_report.apply(args=[report.pk])
    assert len(attempts) == 1 + build_report.max_retries
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "OperationalError" in report.failure_reason
    assert "could not connect" not in report.failure_reason  # kept in the log only


@pytest.mark.django_db
def test_a_failed_report_says_why_and_can_be_regenerated(office_user, on_wednesday, monkeypatch):
    report, _ = ask(office_user)
    real = services.build_snapshot
    monkeypatch.setattr(services, "build_snapshot", lambda *a: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        services.report_build(report.pk)
    services.report_fail(report.pk, "ZeroDivisionError: division by zero")
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "ZeroDivisionError" in report.failure_reason

    monkeypatch.setattr(services, "build_snapshot", real)
    report = services.report_regenerate(report=report, actor=office_user)
    assert not report.versions.exists()  # nothing was built to keep
    services.report_build(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE and report.failure_reason == ""


# --- Regenerating -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_regenerating_keeps_the_old_build_and_builds_the_next_version(
    office_user, park, on_wednesday
):
    report = _built(office_user, scope=ReportScope.PARK, park=park)
    old_snapshot, old_file = report.snapshot, report.excel.name
    ActivityFactory(park=park, occurred_at=datetime(2026, 6, 3, 9, 0, tzinfo=SHANGHAI))

    report = services.report_regenerate(report=report, actor=office_user)
    assert (report.status, report.version, report.snapshot) == (ReportStatus.QUEUED, 2, None)
    kept = ReportVersion.objects.get(report=report)
    assert (kept.version, kept.snapshot, kept.excel.name) == (1, old_snapshot, old_file)

    services.report_build(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE and report.version == 2
    assert report.excel.name == f"reports/2026/{report.pk}-v2.xlsx"
    assert report.snapshot["activities"]["current"] != old_snapshot["activities"]["current"]
    assert kept.excel.read()[:2] == b"PK"  # the old workbook is still there
    assert Notification.objects.filter(recipient=office_user).count() == 2


@pytest.mark.django_db
def test_a_report_being_built_is_not_regenerated(office_user, on_wednesday):
    report, _ = ask(office_user)
    with pytest.raises(ValidationError):
        services.report_regenerate(report=report, actor=office_user)
    assert report.versions.count() == 0


@pytest.mark.django_db
def test_a_report_whose_worker_was_lost_can_be_regenerated_at_once(office_user, on_wednesday):
    report, _ = ask(office_user)
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.RUNNING, lease_until=timezone.now() - timedelta(seconds=1)
    )
    report = services.report_regenerate(report=report, actor=office_user)
    assert (report.status, report.version) == (ReportStatus.QUEUED, 2)
    services.report_build(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE


@pytest.mark.django_db
def test_only_who_may_ask_for_a_report_may_regenerate_it(office_user, park_manager, on_wednesday):
    report = _built(office_user)
    with pytest.raises(PermissionDenied):
        services.report_regenerate(report=report, actor=park_manager)
    report.refresh_from_db()
    assert report.version == 1 and report.status == ReportStatus.DONE


@pytest.mark.django_db
def test_a_stale_build_does_not_overwrite_the_regenerated_version(
    office_user, on_wednesday, monkeypatch
):
    """A worker still busy with version 1 when version 2 is asked for throws its work away."""
    report = _built(office_user)
    real = services.build_snapshot

    def regenerated_meanwhile(report, progress):
        snapshot = real(report, progress)
        Report.objects.filter(pk=report.pk).update(version=report.version + 1)
        return snapshot

    Report.objects.filter(pk=report.pk).update(status=ReportStatus.QUEUED)
    monkeypatch.setattr(services, "build_snapshot", regenerated_meanwhile)
    assert services.report_build(report.pk) is None
    assert Notification.objects.count() == 1


# --- The sweeper ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_sweeper_queues_again_builds_whose_lease_ran_out(
    office_user, park, on_wednesday, report_queue
):
    lost, _ = ask(office_user)
    held, _ = ask(office_user, scope=ReportScope.PARK, park=park)
    waiting, _ = ask(office_user, kind=PeriodKind.MONTH, start=date(2026, 5, 1))
    forgotten, _ = ask(office_user, kind=PeriodKind.YEAR, start=date(2025, 1, 1))
    now = timezone.now()
    Report.objects.filter(pk=lost.pk).update(
        status=ReportStatus.RUNNING, lease_until=now - timedelta(seconds=1)
    )
    Report.objects.filter(pk=held.pk).update(
        status=ReportStatus.RUNNING, lease_until=now + timedelta(minutes=5)
    )
    Report.objects.filter(pk=forgotten.pk).update(updated_at=now - timedelta(hours=1))

    assert services.requeue_stale_reports() == 2
    assert sorted(queued_builds(report_queue)) == sorted([lost.pk, forgotten.pk])
    assert waiting.pk not in queued_builds(report_queue)


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
    park, default_schedules, on_wednesday
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
def test_a_switched_off_schedule_is_not_caught_up(park, default_schedules, on_wednesday):
    PeriodicTask.objects.exclude(name="progress-reports-weekly").update(enabled=False)
    schedules.catch_up_scheduled_reports()
    assert _periods() == {(PeriodKind.WEEK, date(2026, 6, 1), date(2026, 6, 7))}


@pytest.mark.django_db
def test_catching_up_waits_for_the_scheduled_time(park, default_schedules, time_machine):
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
    park, office_user, default_schedules, time_machine
):
    PeriodicTask.objects.exclude(name="progress-reports-weekly").update(enabled=False)
    time_machine.move_to(datetime(2026, 6, 8, 10, 0, tzinfo=SHANGHAI), tick=False)  # Monday
    schedules.report_schedule_update(
        actor=office_user, period_kind=PeriodKind.WEEK, enabled=True, hour=9, minute=0, day=2
    )
    schedules.catch_up_scheduled_reports()
    assert _periods() == {(PeriodKind.WEEK, date(2026, 5, 25), date(2026, 5, 31))}


@pytest.mark.django_db
def test_a_schedule_reads_its_own_kind_even_with_other_arguments(park, on_wednesday):
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
    schedules_migration.remove_schedules(django_apps, None)
    assert not PeriodicTask.objects.filter(task=schedules.SCHEDULE_TASK).exists()
    assert PeriodicTask.objects.filter(pk=other.pk).exists()  # its crontab was kept for it
    schedules_migration.create_schedules(django_apps, None)
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


# --- The schedules page -----------------------------------------------------------------------


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _card(html, kind):
    return html.split(f'id="schedule-{kind}"', 1)[1].split("</section>", 1)[0]


def _invalid_fields(html):
    """The ids of the inputs marked invalid."""
    tags = re.findall(r"<(?:input|select)[^>]*>", html)
    return [re.search(r'\sid="([^"]+)"', tag)[1] for tag in tags if "is-invalid" in tag]


@pytest.mark.django_db
def test_office_staff_see_the_four_schedules_with_their_runs(
    english, office_user, default_schedules, on_wednesday
):
    PeriodicTask.objects.filter(name="progress-reports-weekly").update(
        last_run_at=datetime(2026, 6, 8, 6, 0, 1, tzinfo=SHANGHAI)
    )
    english.force_login(office_user)
    response = english.get(reverse("reforms:report_schedules"))
    assert response.status_code == 200
    html = response.content.decode()
    weekly = _card(html, "week")
    assert "Every Monday at 06:00" in weekly
    assert "2026-06-08 06:00" in weekly  # last run
    assert "2026-06-15 06:00" in weekly  # next run
    assert "Day 1 of every month at 06:30" in _card(html, "month")
    assert "Day 1 of January, April, July and October at 07:00" in _card(html, "quarter")
    assert "1 January every year at 07:30" in _card(html, "year")
    assert "2027-01-01 07:30" in _card(html, "year")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", ["subdistrict_user", "park_manager", "liaison", "member_unit_user", "observer"]
)
def test_the_schedules_page_is_for_office_staff_only(client, request, role, default_schedules):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("reforms:report_schedules")).status_code == 403
    response = client.post(
        reverse("reforms:report_schedules"),
        {"period_kind": "week", "week-hour": "6", "week-minute": "0", "week-day": "1"},
    )
    assert response.status_code == 403
    assert PeriodicTask.objects.get(name="progress-reports-weekly").enabled


@pytest.mark.django_db
def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("reforms:report_schedules"))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.django_db
def test_office_staff_move_the_monthly_run_in_the_browser(
    english, office_user, default_schedules, on_wednesday
):
    english.force_login(office_user)
    response = english.post(
        reverse("reforms:report_schedules"),
        {
            "period_kind": "month",
            "month-enabled": "on",
            "month-hour": "9",
            "month-minute": "5",
            "month-day": "3",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Monthly reports: saved." in html
    assert "Day 3 of every month at 09:05" in _card(html, "month")
    assert "2026-07-03 09:05" in _card(html, "month")
    crontab = PeriodicTask.objects.get(name="progress-reports-monthly").crontab
    assert (crontab.hour, crontab.minute, crontab.day_of_month) == ("9", "5", "3")


@pytest.mark.django_db
def test_office_staff_switch_the_weekly_run_off(english, office_user, default_schedules):
    english.force_login(office_user)
    english.post(
        reverse("reforms:report_schedules"),
        {"period_kind": "week", "week-hour": "6", "week-minute": "0", "week-day": "1"},
    )
    assert not PeriodicTask.objects.get(name="progress-reports-weekly").enabled
    html = english.get(reverse("reforms:report_schedules")).content.decode()
    assert 'data-enabled="false"' in _card(html, "week")
    assert "None: switched off" in _card(html, "week")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "data", "field"),
    [
        ("week", {"hour": "25", "minute": "0", "day": "1"}, "hour"),
        ("week", {"hour": "6", "minute": "0", "day": "8"}, "day"),
        ("month", {"hour": "6", "minute": "0", "day": "32"}, "day"),
        ("quarter", {"hour": "6", "minute": "75", "day": "1"}, "minute"),
        ("year", {"hour": "six", "minute": "0", "day": "1"}, "hour"),
        ("month", {"hour": "", "minute": "0", "day": "1"}, "hour"),
    ],
)
def test_a_bad_schedule_in_the_browser_shows_errors_and_saves_nothing(
    english, office_user, default_schedules, kind, data, field
):
    english.force_login(office_user)
    before = list(
        CrontabSchedule.objects.values_list("pk", "minute", "hour", "day_of_week", "day_of_month")
    )
    posted = {"period_kind": kind, f"{kind}-enabled": "on"}
    posted.update({f"{kind}-{name}": value for name, value in data.items()})
    response = english.post(reverse("reforms:report_schedules"), posted)
    assert response.status_code == 200  # the page again, with the errors, like every form
    card = _card(response.content.decode(), kind)
    assert "Nothing was saved" in card
    assert _invalid_fields(card) == [f"id_{kind}-{field}"]
    assert (
        list(
            CrontabSchedule.objects.values_list(
                "pk", "minute", "hour", "day_of_week", "day_of_month"
            )
        )
        == before
    )


@pytest.mark.django_db
def test_an_unknown_schedule_is_a_bad_request(english, office_user, default_schedules):
    english.force_login(office_user)
    response = english.post(reverse("reforms:report_schedules"), {"period_kind": "decade"})
    assert response.status_code == 400


@pytest.mark.django_db
def test_a_late_failure_of_an_old_build_leaves_the_regenerated_report_alone(
    office_user, on_wednesday, monkeypatch
):
    report, _ = ask(office_user)
    services.report_build(report.pk)
    report = services.report_regenerate(report=report, actor=office_user)  # version 2

    def fails(report, progress):
        raise ValueError("v2 cannot be computed")

    monkeypatch.setattr(services, "build_snapshot", fails)
    with pytest.raises(ValueError) as failed:
        services.report_build(report.pk)
    assert failed.value.report_version == 2
    # Version 2's build is taken as lost; someone regenerates again before its failure lands.
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.DONE)
    report = services.report_regenerate(report=report, actor=office_user)  # version 3
    services.report_fail(report.pk, "late", version=failed.value.report_version)

    report.refresh_from_db()
    assert (report.version, report.status) == (3, ReportStatus.QUEUED)
    services.report_fail(report.pk, "now", version=3)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
