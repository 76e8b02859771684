"""Progress reports on a real Celery worker (and a real beat) against the test suite's Redis:
scheduled runs, catching up after downtime, retries, failures, and a worker killed mid-build.

Each test starts its workers through WORKER below: the portal's Celery app with the test's own
default queue (so the builds a scheduled run fans out reach this test's worker and no other) and
optional test hooks around the report's snapshot, set by environment variables. The hooks live
only in that worker process; the portal's code is not changed for them.
"""

import importlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from celery import current_app
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from knox.models import AuthToken

from parks.notices.models import Notification
from parks.structure import services as parks_services
from parks.structure.choices import Role
from parks.structure.jobs import purge_expired_api_tokens
from parks.structure.models import Park
from reforms.reporting import schedules, services
from reforms.reporting.choices import PeriodKind, ReportScope, ReportStatus
from reforms.reporting.jobs import catch_up_reports, produce_scheduled_reports
from reforms.reporting.models import Report
from reforms.reporting.periods import last_complete_period
from tests.factories import UserFactory
from tests.reforms.report_services_helpers import LONG_AGO

ROOT = Path(__file__).resolve().parents[2]
schedules_migration = importlib.import_module("reforms.migrations.0006_report_schedules")

# A report needs parks in its scope: the district's has the shared fixture's park.
pytestmark = pytest.mark.usefixtures("park")

WORKER = r"""
import os, sys, threading, time

import django

django.setup()
from django.core.files.storage import FileSystemStorage
from django.db import OperationalError, connection
from django.test import override_settings

from config.celery import app
from reforms.reporting import services

env = os.environ
app.conf.task_default_queue = env["REPORT_TEST_QUEUE"]
lease = {}
if env.get("REPORT_TEST_LEASE_SECONDS"):
    lease["REPORTS_BUILD_LEASE_SECONDS"] = float(env["REPORT_TEST_LEASE_SECONDS"])
override_settings(
    **lease,
    REPORTS_CATCH_UP_ON_WORKER_START=env.get("REPORT_TEST_CATCH_UP") == "1",
    STORAGES={
        **django.conf.settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": env["REPORT_TEST_MEDIA"]},
        },
    },
).enable()
real_build_snapshot = services.build_snapshot
attempts = []


def build_snapshot(report, progress):
    attempts.append(report.pk)
    with open(env["REPORT_TEST_LOG"], "a") as log:
        log.write(f"{report.pk}\n")
    with open(env["REPORT_TEST_LOG"] + ".pids", "a") as log:
        log.write(f"{os.getpid()}\n")
    fault = env.get("REPORT_TEST_FAULT", "")
    if fault == "database-down-once" and len(attempts) == 1:
        # PostgreSQL is out of reach for a few seconds: every connection is refused, the
        # release of the lease too, until the port is given back.
        database = connection.settings_dict
        port, database["PORT"] = database["PORT"], "1"
        connection.close()
        outage = float(env.get("REPORT_TEST_OUTAGE", "3"))
        threading.Timer(outage, database.__setitem__, ("PORT", port)).start()
        raise OperationalError("could not connect to server: Connection refused")
    if fault == "database-blinks-once" and len(attempts) == 1:
        raise OperationalError("server closed the connection unexpectedly")
    if fault == "broken-once" and len(attempts) == 1:
        raise ValueError("a figure cannot be computed")
    snapshot = real_build_snapshot(report, progress)
    # Between the snapshot and the save: where a killed worker hurts most. With
    # REPORT_TEST_DELAY_FIRST_ONLY, only the first attempt of all the workers is slow.
    with open(env["REPORT_TEST_LOG"]) as log:
        first = len(log.read().split()) == 1
    if first or env.get("REPORT_TEST_DELAY_FIRST_ONLY") != "1":
        time.sleep(float(env.get("REPORT_TEST_DELAY", "0")))
    return snapshot


services.build_snapshot = build_snapshot
real_save = FileSystemStorage._save


def save_then_wait(storage, name, content):
    # After a report's workbook is written, before its row is: where a kill leaves a file.
    name = real_save(storage, name, content)
    if name.startswith("reports/"):
        time.sleep(float(env.get("REPORT_TEST_FILE_DELAY", "0")))
    return name


FileSystemStorage._save = save_then_wait
common = ["--loglevel=WARNING"]
if sys.argv[1] == "beat":
    # The scheduler the settings name, as production's beat runs it.
    app.start(["beat", "--max-interval", "1", *common])
else:
    pool = env.get("REPORT_TEST_POOL", "solo")
    app.worker_main(["worker", f"--pool={pool}", "--concurrency=1", "-Q",
                     env["REPORT_TEST_QUEUE"], "--without-mingle", "--without-gossip", *common])
"""


class Workers:
    """Celery workers (and a beat) for one test, on a queue of its own."""

    def __init__(self, tmp_path: Path):
        self.queue = f"test-reports-{uuid.uuid4().hex[:8]}"
        self.media = tmp_path / "media"
        self.media.mkdir()
        self.log = tmp_path / "attempts.log"
        self.log.touch()
        self.processes = []

    def _start(self, mode, env):
        database = connection.settings_dict
        environment = dict(
            os.environ,
            DJANGO_SETTINGS_MODULE="config.settings.test",
            TEST_DATABASE_URL=(
                f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
                f"{database['NAME']}"
            ),
            REPORT_TEST_QUEUE=self.queue,
            REPORT_TEST_MEDIA=str(self.media),
            REPORT_TEST_LOG=str(self.log),
            **env,
        )
        process = subprocess.Popen([sys.executable, "-c", WORKER, mode], cwd=ROOT, env=environment)
        self.processes.append(process)
        return process

    def start(self, **env):
        return self._start("worker", env)

    def start_beat(self, **env):
        return self._start("beat", env)

    def kill(self, process):
        """As the kernel's OOM killer or a power cut would: no chance to clean up."""
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)

    def files(self):
        return sorted(str(p.relative_to(self.media)) for p in self.media.rglob("*") if p.is_file())

    def attempts(self):
        return [int(line) for line in self.log.read_text().split()]

    def build_pids(self):
        """The process that ran each build attempt (a prefork pool's child, or the worker)."""
        pids = self.log.with_name(self.log.name + ".pids")
        return [int(line) for line in pids.read_text().split()] if pids.exists() else []

    def stop(self):
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
        client.delete(self.queue)
        # The killed worker's message waits in kombu's unacked set for its visibility timeout;
        # drop ours so it is never given back to a queue nobody reads.
        for tag, raw in client.hscan_iter("unacked"):
            try:
                routing_key = json.loads(raw)[2]
            except (ValueError, LookupError, TypeError):
                continue  # not a kombu entry of ours
            if routing_key == self.queue:
                client.hdel("unacked", tag)
                client.zrem("unacked_index", tag)


@pytest.fixture
def workers(tmp_path):
    workers = Workers(tmp_path)
    conf = current_app.conf
    previous = conf.task_default_queue
    conf.task_default_queue = workers.queue  # builds queued from this test go to its workers
    yield workers
    conf.task_default_queue = previous
    workers.stop()


def wait_for(condition, *, what, workers=None, timeout=90):
    """Poll until `condition()` holds; fail with `what` when the deadline passes or a worker
    dies on its own."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        for process in workers.processes if workers else []:
            code = process.poll()
            assert code is None or code == -signal.SIGKILL, f"a worker exited ({code})"
        time.sleep(0.3)
    pytest.fail(f"timed out after {timeout}s waiting for {what}")


def drain(workers):
    """Wait until the worker has handled everything sent before: it runs one message at a time
    in order, so once a job sent last has run, the earlier ones have too."""
    owner = UserFactory(role=Role.OFFICE)
    token, _ = parks_services.api_token_create(owner=owner, actor=owner, days=1)
    AuthToken.objects.filter(pk=token.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    purge_expired_api_tokens.apply_async(queue=workers.queue)
    wait_for(
        lambda: not AuthToken.objects.filter(pk=token.pk).exists(),
        what="the worker to reach the end of its queue",
        workers=workers,
    )


def _statuses():
    return sorted(Report.objects.values_list("status", flat=True))


def _no_schedules():
    """Only the reports a test makes: no enabled schedule for the catch-up to fill in."""
    PeriodicTask.objects.filter(task=schedules.SCHEDULE_TASK).delete()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_produces_the_weeks_scheduled_reports(
    park, other_park, office_user, subdistrict_user, park_manager, workers
):
    workers.start()
    # What beat sends on Monday morning.
    produce_scheduled_reports.apply_async(kwargs={"period_kind": "week"}, queue=workers.queue)

    wait_for(
        lambda: _statuses() == [ReportStatus.DONE] * 5,
        what="five reports to be done",
        workers=workers,
    )
    start, end = last_complete_period(PeriodKind.WEEK, timezone.localdate())
    reports = Report.objects.all()
    assert {(r.period_kind, r.period_start, r.period_end) for r in reports} == {
        (PeriodKind.WEEK, start, end)
    }
    assert sorted(r.scope for r in reports) == sorted(
        [ReportScope.DISTRICT] + [ReportScope.SUBDISTRICT] * 2 + [ReportScope.PARK] * 2
    )
    assert all(r.snapshot["period"]["start"] == start.isoformat() for r in reports)
    # Each report's workbook and Word briefing.
    assert workers.files() == sorted(
        f"reports/{start:%Y}/{r.pk}-v1.{extension}"
        for r in reports
        for extension in ("xlsx", "docx")
    )
    told = sorted(Notification.objects.values_list("recipient__username", flat=True))
    assert told == ["manager", "office", "subdistrict"]


@pytest.mark.django_db(transaction=True)
def test_beat_runs_a_schedule_the_office_set_for_the_next_minute(park, office_user, workers):
    """django-celery-beat's DatabaseScheduler reads the crontab the page writes, in Shanghai
    time, and the worker builds what it sends."""
    schedules_migration.create_schedules(apps, None)
    PeriodicTask.objects.filter(task=schedules.SCHEDULE_TASK).update(enabled=False)
    now = timezone.localtime()
    # The next whole minute, with room for beat to start before it.
    at = (now + timedelta(minutes=2 if now.second > 40 else 1)).replace(second=0, microsecond=0)
    schedules.report_schedule_update(
        actor=office_user,
        period_kind=PeriodKind.WEEK,
        enabled=True,
        hour=at.hour,
        minute=at.minute,
        day=at.isoweekday(),
    )
    workers.start()
    workers.start_beat()

    wait_for(
        lambda: _statuses() == [ReportStatus.DONE] * 3,
        what=f"beat's {at:%H:%M} run to produce three weekly reports",
        workers=workers,
        timeout=180,
    )
    start, end = last_complete_period(PeriodKind.WEEK, at.date())
    assert set(Report.objects.values_list("period_kind", "period_start", "period_end")) == {
        (PeriodKind.WEEK, start, end)
    }
    assert not Report.objects.filter(created_at__lt=at).exists()  # not before its time


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_build_leaves_no_half_report_and_it_is_built_once(
    office_user, park, workers
):
    _no_schedules()
    report, _ = services.report_request(
        actor=office_user,
        scope=ReportScope.PARK,
        park=park,
        period_kind=PeriodKind.MONTH,
        start=timezone.localdate().replace(day=1) - timedelta(days=1),
    )
    first = workers.start(REPORT_TEST_DELAY="120", REPORT_TEST_LEASE_SECONDS="3")
    wait_for(
        lambda: Report.objects.filter(
            pk=report.pk, status=ReportStatus.RUNNING, progress=90
        ).exists(),
        what="the build to reach the step after the snapshot",
        workers=workers,
    )
    workers.kill(first)

    report.refresh_from_db()
    assert report.status == ReportStatus.RUNNING
    assert report.snapshot is None and not report.excel  # nothing half-written
    assert workers.files() == []
    wait_for(
        lambda: Report.objects.filter(pk=report.pk, lease_until__lt=timezone.now()).exists(),
        what="the dead worker's lease to run out",
    )
    # A new worker catches up as it starts: the sweeper queues the lost build again.
    workers.start(REPORT_TEST_CATCH_UP="1", REPORT_TEST_LEASE_SECONDS="3")
    wait_for(
        lambda: Report.objects.filter(pk=report.pk, status=ReportStatus.DONE).exists(),
        what="the report to be built by the new worker",
        workers=workers,
    )
    drain(workers)

    report.refresh_from_db()
    assert (report.version, report.progress, report.failure_reason) == (1, 100, "")
    assert not report.versions.exists()
    assert workers.attempts() == [report.pk, report.pk]  # the killed build and the one that held
    assert workers.files() == sorted([report.excel.name, report.briefing.name])
    assert list(Notification.objects.values_list("recipient", "url")) == [
        (office_user.pk, report.get_absolute_url())
    ]


@pytest.mark.django_db(transaction=True)
def test_missed_runs_are_caught_up_once_when_a_worker_starts_and_every_hour(
    park, other_park, workers
):
    schedules_migration.create_schedules(apps, None)
    kinds = (PeriodKind.WEEK, PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR)
    Park.objects.update(created_at=LONG_AGO)  # the parks were there when the runs were due
    workers.start(REPORT_TEST_CATCH_UP="1")  # the system comes back: nothing was produced

    wait_for(
        lambda: _statuses() == [ReportStatus.DONE] * 5 * len(kinds),
        what="a district, two subdistrict and two park reports for each of four kinds",
        workers=workers,
    )
    assert sorted(set(Report.objects.values_list("period_kind", flat=True))) == sorted(kinds)
    # The hourly run, twice: everything exists, nothing more is made.
    catch_up_reports.apply_async(queue=workers.queue)
    catch_up_reports.apply_async(queue=workers.queue)
    drain(workers)
    assert Report.objects.count() == 5 * len(kinds)
    assert Report.objects.filter(version=1).count() == 5 * len(kinds)
    assert len(workers.attempts()) == 5 * len(kinds)


@pytest.mark.django_db(transaction=True)
def test_a_build_hit_by_a_passing_database_error_is_retried_and_succeeds(office_user, workers):
    _no_schedules()
    workers.start(REPORT_TEST_FAULT="database-blinks-once")
    report, _ = services.report_request(
        actor=office_user,
        scope=ReportScope.DISTRICT,
        period_kind=PeriodKind.WEEK,
        start=timezone.localdate() - timedelta(days=7),
    )
    wait_for(
        lambda: Report.objects.filter(pk=report.pk, status=ReportStatus.DONE).exists(),
        what="the retried build to finish",
        workers=workers,
    )
    drain(workers)
    report.refresh_from_db()
    assert workers.attempts() == [report.pk, report.pk]
    assert (report.version, report.failure_reason) == (1, "")
    assert Notification.objects.filter(recipient=office_user).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_build_that_cannot_succeed_fails_with_a_reason_and_can_be_regenerated(
    office_user, workers
):
    _no_schedules()
    workers.start(REPORT_TEST_FAULT="broken-once")
    report, _ = services.report_request(
        actor=office_user,
        scope=ReportScope.DISTRICT,
        period_kind=PeriodKind.YEAR,
        start=timezone.localdate().replace(month=1, day=1) - timedelta(days=1),
    )
    wait_for(
        lambda: Report.objects.filter(pk=report.pk, status=ReportStatus.FAILED).exists(),
        what="the build to fail",
        workers=workers,
    )
    report.refresh_from_db()
    assert "ValueError" in report.failure_reason
    assert "a figure cannot be computed" not in report.failure_reason  # kept in the log only
    assert report.lease_until is None and report.snapshot is None
    assert workers.attempts() == [report.pk]  # not retried: it would fail the same way
    assert not Notification.objects.exists()

    services.report_regenerate(report=report, actor=office_user)
    wait_for(
        lambda: Report.objects.filter(pk=report.pk, status=ReportStatus.DONE).exists(),
        what="the regenerated report to be built",
        workers=workers,
    )
    report.refresh_from_db()
    assert report.failure_reason == "" and report.snapshot is not None
    assert Notification.objects.filter(recipient=office_user).count() == 1
