"""A lost build is rebuilt within a couple of minutes, on a real Celery worker and a real beat:
a pool child killed mid-build (its message is given back and takes its own lease over), the
database out of reach mid-build (the retry resumes), a whole worker killed (beat's frequent
sweep queues the build again), a worker killed after writing its workbook (no orphan file), and
a beat restart that keeps the schedules edited in the database.

The workers come from test_report_worker.py (WORKER): the portal's Celery app on the test's own
queue, with hooks around the snapshot and the file write in the worker process only.
"""

import os
import signal
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from reforms.reporting import services
from reforms.reporting.choices import PeriodKind, ReportScope, ReportStatus
from reforms.reporting.models import Report
from tests.reforms import test_report_worker as worker_tests
from tests.reforms.test_report_worker import _no_schedules, drain, wait_for

workers = worker_tests.workers  # the fixture, shared rather than copied

# A report needs parks in its scope: the district's has the shared fixture's park.
pytestmark = pytest.mark.usefixtures("park")

# Every wait below is far shorter than the hour a lost build used to wait for the sweep.
COUPLE_OF_MINUTES = 120


def _ask_for_a_report(office_user, **kwargs):
    report, _ = services.report_request(
        actor=office_user,
        scope=ReportScope.DISTRICT,
        period_kind=PeriodKind.MONTH,
        start=timezone.localdate().replace(day=1) - timedelta(days=1),
        **kwargs,
    )
    return report


def _done(report):
    return Report.objects.filter(pk=report.pk, status=ReportStatus.DONE).exists()


@pytest.mark.django_db(transaction=True)
def test_a_build_whose_pool_process_is_killed_is_taken_over_by_its_own_redelivered_message(
    office_user, workers
):
    """kill -9 of the pool child mid-build: Celery gives the message back at once, and that
    same message resumes the build whose lease it holds, without waiting for the lease."""
    _no_schedules()
    workers.start(
        REPORT_TEST_POOL="prefork",
        REPORT_TEST_DELAY="60",
        REPORT_TEST_DELAY_FIRST_ONLY="1",
        REPORT_TEST_LEASE_SECONDS="60",
    )
    report = _ask_for_a_report(office_user)
    wait_for(
        lambda: Report.objects.filter(pk=report.pk, progress=90).exists(),
        what="the build to reach the step after the snapshot",
        workers=workers,
    )
    os.kill(workers.build_pids()[0], signal.SIGKILL)
    started = time.monotonic()

    # Well inside the 60 s lease: the message came back and took its own lease over.
    wait_for(lambda: _done(report), what="the report to be built", workers=workers, timeout=45)
    assert time.monotonic() - started < 45
    report.refresh_from_db()
    assert (report.version, report.progress, report.failure_reason) == (1, 100, "")
    assert workers.attempts() == [report.pk, report.pk]
    assert workers.files() == sorted([report.excel.name, report.briefing.name])


@pytest.mark.django_db(transaction=True)
def test_a_retry_after_the_database_was_out_of_reach_resumes_the_build(office_user, workers):
    """PostgreSQL is unreachable for three seconds mid-build, so the failed build cannot even
    let go of its lease: the retry (the same task) takes the lease over and finishes."""
    _no_schedules()
    workers.start(
        REPORT_TEST_FAULT="database-down-once",
        REPORT_TEST_OUTAGE="3",
        REPORT_TEST_LEASE_SECONDS="60",
    )
    report = _ask_for_a_report(office_user)
    wait_for(lambda: _done(report), what="the retried build to finish", workers=workers, timeout=50)
    drain(workers)
    report.refresh_from_db()
    assert workers.attempts() == [report.pk, report.pk]
    assert (report.version, report.failure_reason) == (1, "")


@pytest.mark.django_db(transaction=True)
def test_beats_sweep_rebuilds_the_report_of_a_killed_worker_within_minutes(office_user, workers):
    """The whole worker is killed: its message waits in the broker for the visibility timeout
    (an hour). Beat's sweep of lapsed leases, not the hourly catch-up, queues the build again."""
    _no_schedules()
    first = workers.start(
        REPORT_TEST_DELAY="60", REPORT_TEST_DELAY_FIRST_ONLY="1", REPORT_TEST_LEASE_SECONDS="3"
    )
    report = _ask_for_a_report(office_user)
    wait_for(
        lambda: Report.objects.filter(pk=report.pk, progress=90).exists(),
        what="the build to reach the step after the snapshot",
        workers=workers,
    )
    workers.kill(first)
    # The sweep every 2 s rather than every minute, set as the office would in the admin: beat
    # keeps the stored row rather than writing the settings' minute over it.
    PeriodicTask.objects.create(
        name="requeue-lost-progress-report-builds",
        task="reforms.tasks.requeue_lost_reports",
        interval=IntervalSchedule.objects.create(every=2, period=IntervalSchedule.SECONDS),
    )
    workers.start(REPORT_TEST_LEASE_SECONDS="3")
    workers.start_beat(REPORT_TEST_LEASE_SECONDS="3")

    wait_for(lambda: _done(report), what="the sweep's rebuild", workers=workers, timeout=60)
    report.refresh_from_db()
    assert (report.version, report.progress, report.failure_reason) == (1, 100, "")
    assert workers.files() == sorted([report.excel.name, report.briefing.name])


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_after_writing_the_workbook_leaves_no_orphan_file(office_user, workers):
    _no_schedules()
    first = workers.start(REPORT_TEST_FILE_DELAY="60", REPORT_TEST_LEASE_SECONDS="3")
    report = _ask_for_a_report(office_user)
    wait_for(lambda: workers.files() != [], what="the workbook to be written", workers=workers)
    workers.kill(first)
    report.refresh_from_db()
    assert report.status == ReportStatus.RUNNING and not report.excel  # the row never said so

    wait_for(
        lambda: Report.objects.filter(pk=report.pk, lease_until__lt=timezone.now()).exists(),
        what="the dead worker's lease to run out",
    )
    workers.start(REPORT_TEST_CATCH_UP="1", REPORT_TEST_LEASE_SECONDS="3")
    wait_for(lambda: _done(report), what="the rebuild", workers=workers)
    report.refresh_from_db()
    # One workbook and one briefing, under the build's own name: the dead build's file did not
    # push them aside.
    assert report.excel.name == f"reports/{report.period_start:%Y}/{report.pk}-v1.xlsx"
    assert report.briefing.name == f"reports/{report.period_start:%Y}/{report.pk}-v1.docx"
    assert workers.files() == sorted([report.excel.name, report.briefing.name])


@pytest.mark.django_db(transaction=True)
def test_restarting_beat_keeps_a_fixed_job_the_office_changed(workers):
    beat = workers.start_beat()
    # All of them: beat stopped while still writing them may not stop at all.
    fixed = settings.CELERY_BEAT_SCHEDULE
    wait_for(
        lambda: PeriodicTask.objects.filter(name__in=fixed).count() == len(fixed),
        what="beat to set up its fixed jobs",
        workers=workers,
    )
    reminders = PeriodicTask.objects.get(name="send-task-reminders")
    # As the office does in the admin: the reminders now go out at 09:15.
    reminders.crontab = CrontabSchedule.objects.create(
        minute="15", hour="9", timezone="Asia/Shanghai"
    )
    # An install made before a task was renamed keeps the old name in its row (review finding:
    # beat skipped existing rows entirely, so it would send that name for ever).
    reminders.task = "reforms.tasks.remind_task_owners"
    reminders.save()
    PeriodicTask.objects.filter(name="purge-expired-api-tokens").delete()
    beat.terminate()
    beat.wait(timeout=30)
    workers.processes.remove(beat)  # stopped on purpose, as an operator restarts it

    workers.start_beat()
    # A job deleted by hand is made again from the settings; one that was changed is kept.
    wait_for(
        lambda: PeriodicTask.objects.filter(name="purge-expired-api-tokens").exists(),
        what="beat to start again",
        workers=workers,
    )
    time.sleep(1)
    reminders = PeriodicTask.objects.select_related("crontab").get(name="send-task-reminders")
    assert (reminders.crontab.hour, reminders.crontab.minute) == ("9", "15")
    assert reminders.task == "reforms.tasks.send_task_reminders"
    assert reminders.enabled
