"""Building and regenerating a report: figures stored once, failures explained, versions kept, the
sweeper."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError
from django.utils import timezone

from parks.notices.deliveries import delivery_attempt
from parks.notices.models import Delivery, Notification
from reforms.reporting import schedules, services
from reforms.reporting.choices import PeriodKind, ReportScope, ReportStatus
from reforms.reporting.jobs import build_report
from reforms.reporting.models import Report, ReportVersion
from tests.factories import ActivityFactory
from tests.reforms import report_services_helpers as shared
from tests.reforms.report_services_helpers import SHANGHAI, ask, queued_builds

# The shared fixtures, bound here so pytest finds them by name.
on_wednesday = shared.on_wednesday
report_queue = shared.report_queue

# A report needs parks in its scope: the district's has the shared fixture's park.
pytestmark = pytest.mark.usefixtures("park")


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
    # The worker sends the e-mail (tests/parks/test_notice_deliveries.py): here, in-process.
    for delivery in Delivery.objects.all():
        delivery_attempt(delivery.pk)
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
