"""Getting a lost build back quickly and saying so: a build's own message resumes its lease, a
stuck report can be regenerated within minutes, the page says the build was interrupted, the
sweep sends a lost build once, missed scheduled periods are all made (within a window), and
report files no row names are removed. Builds run in the test process here; the same on a real
worker is in test_report_worker_recovery.py."""

import os
import time
from datetime import date, timedelta

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone, translation

from reforms.reporting import schedules, services
from reforms.reporting.choices import PeriodKind, ReportScope, ReportStatus
from reforms.reporting.models import Report
from tests.reforms import report_services_helpers as service_tests
from tests.reforms.report_services_helpers import WEDNESDAY, ask, queued_builds

# The fixtures of the services' tests, shared rather than copied.
default_schedules = service_tests.default_schedules
on_wednesday = service_tests.on_wednesday
report_queue = service_tests.report_queue
parks_entered_long_ago = service_tests.parks_entered_long_ago

# A report needs parks in its scope: the district's has the shared fixture's park.
pytestmark = pytest.mark.usefixtures("park")

# --- A build's own message resumes it -----------------------------------------------------------


@pytest.mark.django_db
def test_a_redelivered_message_takes_over_its_own_lease_and_no_other(office_user, on_wednesday):
    report, _ = ask(office_user)
    services._claim(report.pk, token="task-1")  # the build starts; its process then dies

    assert services.report_build(report.pk, token="task-2") is None  # another message waits
    built = services.report_build(report.pk, token="task-1")  # its own message comes back
    assert built is not None and built.status == ReportStatus.DONE
    assert built.version == 1 and built.snapshot is not None


# --- A stuck report: regenerate, and what the page says ---------------------------------------


def _status(client, report):
    return client.get(reverse("reforms:report_status", args=[report.pk])).json()


def _said(state):
    """A build state's words as the pages say them: in Chinese, the UI's default language."""
    with translation.override("zh-hans"):
        return str(services.BuildState.LABELS[state])


@pytest.mark.django_db
def test_a_build_whose_worker_died_can_be_regenerated_two_minutes_later(
    office_user, client, api_as, time_machine
):
    time_machine.move_to(WEDNESDAY, tick=False)
    report, _ = ask(office_user)
    services._claim(report.pk)  # a worker took it, then was killed
    client.force_login(office_user)
    assert _status(client, report)["state"] == "building"

    time_machine.move_to(WEDNESDAY + timedelta(minutes=2), tick=False)
    status = _status(client, report)
    assert status["state"] == "restarting" and status["regenerable"]
    assert status["state_label"] == _said("restarting")
    html = client.get(report.get_absolute_url()).content.decode()
    assert _said("restarting") in html
    assert 'id="regenerate"' in html

    response = api_as(office_user).post(reverse("report-regenerate", args=[report.pk]))
    assert response.status_code == 202  # not 409 "being built already"
    report.refresh_from_db()
    assert (report.status, report.version) == (ReportStatus.QUEUED, 2)
    assert _status(client, report)["state"] == "waiting"


@pytest.mark.django_db
def test_a_report_no_worker_takes_says_so_and_can_be_regenerated(office_user, client, time_machine):
    time_machine.move_to(WEDNESDAY, tick=False)
    report, _ = ask(office_user)
    client.force_login(office_user)
    status = _status(client, report)
    assert (status["state"], status["state_label"]) == ("waiting", _said("waiting"))
    assert not status["regenerable"]

    time_machine.move_to(WEDNESDAY + timedelta(minutes=10), tick=False)
    status = _status(client, report)
    assert status["state"] == "stalled" and status["regenerable"]
    assert status["state_label"] == _said("stalled")
    response = client.post(reverse("reforms:report_regenerate", args=[report.pk]), follow=True)
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.version == 2


@pytest.mark.django_db
def test_a_report_being_built_by_a_live_worker_is_still_not_regenerated(
    office_user, api_as, on_wednesday
):
    report, _ = ask(office_user)
    services._claim(report.pk, token="task-1")
    response = api_as(office_user).post(reverse("report-regenerate", args=[report.pk]))
    assert response.status_code == 409
    with translation.override("zh-hans"):
        assert response.json()["detail"] == translation.gettext(
            "The report is being built already."
        )


# --- The sweep ----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_sweep_sends_a_lost_build_once_and_the_page_says_it_restarts(
    office_user, client, report_queue, time_machine
):
    time_machine.move_to(WEDNESDAY, tick=False)
    report, _ = ask(office_user)
    queued_builds(report_queue)  # the request's own message
    services._claim(report.pk, token="task-1")
    Report.objects.filter(pk=report.pk).update(progress=18)
    time_machine.move_to(WEDNESDAY + timedelta(minutes=2), tick=False)

    sent_before = len(queued_builds(report_queue))
    assert services.requeue_stale_reports() == 1
    assert services.requeue_stale_reports() == 0  # sent once, not every minute
    assert len(queued_builds(report_queue)) == sent_before + 1
    report.refresh_from_db()
    assert (report.status, report.progress, report.lease_until) == (ReportStatus.QUEUED, 0, None)
    client.force_login(office_user)
    assert _status(client, report)["state"] == "restarting"  # not a bar frozen at 18 %

    services.report_build(report.pk, token="task-2")
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE


# --- Catching up several missed periods ---------------------------------------------------------


def _district_periods(kind):
    return sorted(
        (r.period_start, r.period_end)
        for r in Report.objects.filter(scope=ReportScope.DISTRICT, period_kind=kind)
    )


def _made(kind, start, end):
    services.report_get_or_create(
        scope=ReportScope.DISTRICT, period_kind=kind, start=start, end=end
    )


@pytest.mark.django_db
def test_catching_up_makes_every_period_missed_since_the_last_run(
    park, parks_entered_long_ago, default_schedules, on_wednesday
):
    # The system was down from early May: the last reports made were for 4–10 May and April.
    _made(PeriodKind.WEEK, date(2026, 5, 4), date(2026, 5, 10))
    _made(PeriodKind.MONTH, date(2026, 3, 1), date(2026, 3, 31))

    schedules.catch_up_scheduled_reports()
    assert _district_periods(PeriodKind.WEEK) == [
        (date(2026, 5, 4), date(2026, 5, 10)),
        (date(2026, 5, 11), date(2026, 5, 17)),
        (date(2026, 5, 18), date(2026, 5, 24)),
        (date(2026, 5, 25), date(2026, 5, 31)),
        (date(2026, 6, 1), date(2026, 6, 7)),
    ]
    assert _district_periods(PeriodKind.MONTH) == [
        (date(2026, 3, 1), date(2026, 3, 31)),
        (date(2026, 4, 1), date(2026, 4, 30)),
        (date(2026, 5, 1), date(2026, 5, 31)),
    ]
    # Each missed period for the subdistrict and the park too.
    assert Report.objects.filter(park=park, period_kind=PeriodKind.WEEK).count() == 4
    # No schedule had run before: only the last period, not years of history.
    assert len(_district_periods(PeriodKind.QUARTER)) == 1
    assert len(_district_periods(PeriodKind.YEAR)) == 1
    assert schedules.catch_up_scheduled_reports() == 0


@pytest.mark.django_db
def test_catching_up_after_a_long_outage_goes_back_a_bounded_window(
    park, parks_entered_long_ago, default_schedules, on_wednesday
):
    _made(PeriodKind.WEEK, date(2025, 6, 2), date(2025, 6, 8))  # a year ago
    _made(PeriodKind.YEAR, date(2019, 1, 1), date(2019, 12, 31))
    schedules.catch_up_scheduled_reports()
    weeks = _district_periods(PeriodKind.WEEK)[1:]
    assert len(weeks) == schedules.CATCH_UP_PERIODS[PeriodKind.WEEK] == 12
    assert weeks[0] == (date(2026, 3, 16), date(2026, 3, 22))
    assert weeks[-1] == (date(2026, 6, 1), date(2026, 6, 7))
    assert _district_periods(PeriodKind.YEAR)[1:] == [
        (date(2023, 1, 1), date(2023, 12, 31)),
        (date(2024, 1, 1), date(2024, 12, 31)),
        (date(2025, 1, 1), date(2025, 12, 31)),
    ]


# --- Report files no row names ------------------------------------------------------------------


@pytest.fixture
def disk_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return tmp_path


def _aged(path, hours):
    moment = time.time() - hours * 3600
    os.utime(path, (moment, moment))


@pytest.mark.django_db
def test_report_files_no_row_names_are_removed_once_they_are_old(office_user, disk_storage):
    report, _ = ask(office_user, start=timezone.localdate() - timedelta(days=7))
    services.report_build(report.pk)
    report.refresh_from_db()
    kept = disk_storage / report.excel.name
    orphan = kept.with_name("999-v1.xlsx")  # a killed build's workbook
    fresh = kept.with_name("998-v1.xlsx")  # a build committing just now
    for path in (orphan, fresh):
        path.write_bytes(b"PK")
    for path in (kept, orphan):
        _aged(path, 3)

    assert services.remove_orphan_report_files() == 1
    assert kept.exists() and fresh.exists() and not orphan.exists()
    assert default_storage.exists(report.excel.name)


# --- Review findings: a released build is not "stalled"; a build that keeps dying is given up --


@pytest.mark.django_db
def test_a_build_that_failed_and_let_go_is_being_retried_not_stalled_nor_sent_again(
    office_user, time_machine, report_queue
):
    """_release used a queryset update, which leaves updated_at alone: a build claimed six
    minutes earlier that failed and let go read as "no worker has taken it" at once, and the
    next sweep sent it a second time beside the task's own retry."""
    time_machine.move_to(WEDNESDAY, tick=False)
    report, _ = ask(office_user)
    claimed = services._claim(report.pk, token="task-1")
    time_machine.move_to(WEDNESDAY + timedelta(minutes=6), tick=False)
    services._held_by(claimed).update(lease_until=WEDNESDAY + timedelta(minutes=7))  # heartbeat

    services._release(claimed)  # a transient error: the task will retry

    report.refresh_from_db()
    assert report.status == ReportStatus.QUEUED
    assert services.report_build_state(report) == services.BuildState.RESTARTING
    assert services.requeue_stale_reports() == 0


@pytest.mark.django_db
def test_a_build_that_kills_its_worker_every_time_is_given_up_with_a_reason(
    office_user, time_machine, report_queue
):
    """A build that runs out of memory or past the hard time limit never reaches report_fail:
    the sweep used to send it again every couple of minutes, for ever."""
    time_machine.move_to(WEDNESDAY, tick=False)
    report, _ = ask(office_user)
    for attempt in range(services.MAX_BUILD_ATTEMPTS):
        assert services._claim(report.pk, token=f"task-{attempt}") is not None  # then killed
        time_machine.shift(timedelta(minutes=2))  # the lease runs out
        assert services.requeue_stale_reports() == 1

    assert services._claim(report.pk, token="task-last") is None

    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert str(services.MAX_BUILD_ATTEMPTS) in report.failure_reason
    assert services.requeue_stale_reports() == 0
    # Regenerating (after the workers were looked at) starts counting afresh.
    regenerated = services.report_regenerate(report=report, actor=office_user)
    assert regenerated.build_attempts == 0
    assert services._claim(report.pk, token="task-new") is not None


@pytest.mark.django_db
def test_builds_that_fail_and_let_go_are_retried_without_being_given_up(
    office_user, on_wednesday, report_queue
):
    report, _ = ask(office_user)
    for attempt in range(services.MAX_BUILD_ATTEMPTS + 2):  # more retries than lost builds
        claimed = services._claim(report.pk, token="task-1")
        assert claimed is not None, f"given up on retry {attempt}"
        services._release(claimed)
