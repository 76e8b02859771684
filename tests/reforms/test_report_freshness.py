"""A report knows when the data in its scope changed after it was built (reporting.freshness),
and asking again for an out-of-date report builds its next version instead of handing it back."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parks.structure import services as parks_services
from reforms.ledgers import services as ledgers_services
from reforms.ledgers.models import CarePayment
from reforms.reporting import freshness, services
from reforms.reporting.choices import PeriodKind, ReportScope, ReportStatus
from reforms.reporting.models import Report
from reforms.tasks import services as tasks_services
from tests.factories import CarePaymentFactory, FacilityFactory, PlanFactory, TaskFactory
from tests.reforms.report_services_helpers import WEDNESDAY, ask

BUILT = WEDNESDAY  # 10 June 2026, 10:00 in Wuxi
LATER = WEDNESDAY + timedelta(minutes=5)


def _changed(report):
    """What a fresh read of the report says (not a value kept on an instance)."""
    return freshness.changed_since_built(Report.objects.get(pk=report.pk))


@pytest.fixture
def own_task(park):
    """A task of the park's subdistrict itself: no park, counted in the subdistrict's reports."""
    plan = PlanFactory(scope="subdistrict", subdistrict=park.subdistrict)
    return TaskFactory(plan=plan, park=None, title="街道产改联席会议")


@pytest.fixture
def built(office_user, park, other_park, own_task, time_machine):
    """Last week's reports of the district, both subdistricts and both parks, built at BUILT;
    the clock then stands at LATER."""
    time_machine.move_to(BUILT, tick=False)
    targets = {
        "district": {"scope": ReportScope.DISTRICT},
        "subdistrict": {"scope": ReportScope.SUBDISTRICT, "subdistrict": park.subdistrict},
        "other_subdistrict": {
            "scope": ReportScope.SUBDISTRICT,
            "subdistrict": other_park.subdistrict,
        },
        "park": {"scope": ReportScope.PARK, "park": park},
        "other_park": {"scope": ReportScope.PARK, "park": other_park},
    }
    reports = {}
    for name, target in targets.items():
        report, _queued = ask(office_user, **target)
        services.report_build(report.pk)
        reports[name] = Report.objects.get(pk=report.pk)
    time_machine.move_to(LATER, tick=False)
    return reports


def _out_of_date(built):
    return {name for name, report in built.items() if _changed(report) is not None}


def _care(park, office_user):
    entry = CarePayment(
        park=park, event="夏季送清凉", paid_on=date(2026, 6, 5), recipients=3, amount=Decimal(900)
    )
    return ledgers_services.ledger_save(entry=entry, actor=office_user)


# --- Knowing ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_build_records_the_moment_it_read_the_data(built):
    report = built["park"]
    assert report.as_of == BUILT  # a moment, not a day
    assert datetime.fromisoformat(report.snapshot["generated_at"]) == BUILT
    assert report.snapshot["as_of"] == "2026-06-10"
    assert _out_of_date(built) == set()


@pytest.mark.django_db
def test_a_write_in_a_park_dates_its_subdistricts_and_the_districts_reports(
    built, park, office_user
):
    _care(park, office_user)
    assert _out_of_date(built) == {"park", "subdistrict", "district"}
    assert _changed(built["park"]) == LATER


@pytest.mark.django_db
def test_a_subdistricts_own_task_dates_the_subdistrict_and_the_district_only(
    built, own_task, office_user
):
    own_task.title = "街道产改联席会议（第二次）"
    tasks_services.task_save(task=own_task, actor=office_user, fields=["title"])
    assert _out_of_date(built) == {"subdistrict", "district"}


@pytest.mark.django_db
def test_a_delete_counts_and_a_record_no_report_counts_does_not(
    built, other_park, office_user, time_machine
):
    time_machine.move_to(BUILT - timedelta(days=1), tick=False)
    payment = CarePaymentFactory(park=other_park)  # entered before the build: counted in it
    time_machine.move_to(LATER, tick=False)
    room = FacilityFactory(park=other_park)
    room.name = "职工之家"
    parks_services.facility_save(facility=room, actor=office_user)  # facilities are in no report
    assert _out_of_date(built) == set()
    ledgers_services.ledger_delete(entry=payment, actor=office_user)
    assert _out_of_date(built) == {"other_park", "other_subdistrict", "district"}


@pytest.mark.django_db
def test_writes_made_before_the_build_leave_it_up_to_date(office_user, park, time_machine):
    time_machine.move_to(BUILT - timedelta(seconds=1), tick=False)
    _care(park, office_user)
    time_machine.move_to(BUILT, tick=False)
    report, _queued = ask(office_user, scope=ReportScope.PARK, park=park)
    services.report_build(report.pk)
    time_machine.move_to(LATER, tick=False)
    assert _changed(report) is None


@pytest.mark.django_db
def test_a_report_not_built_yet_is_not_out_of_date(office_user, park, time_machine):
    time_machine.move_to(BUILT, tick=False)
    report, _queued = ask(office_user, scope=ReportScope.PARK, park=park)
    time_machine.move_to(LATER, tick=False)
    _care(park, office_user)
    assert report.status == ReportStatus.QUEUED and _changed(report) is None


@pytest.mark.django_db
def test_every_reports_freshness_is_read_in_one_query(built, park, office_user):
    _care(park, office_user)
    freshness.changed_since_built(built["park"])  # the record types are cached after once
    with CaptureQueriesContext(connection) as captured:
        reports = list(freshness.with_data_changed_at(Report.objects.order_by("pk")))
    assert len(captured) == 1
    assert sum(freshness.changed_since_built(r) is not None for r in reports) == 3
    assert len(captured) == 1


# --- Asking again -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_asking_again_for_an_up_to_date_report_returns_it(built, office_user, park):
    report, queued = ask(office_user, scope=ReportScope.PARK, park=park)
    assert report.pk == built["park"].pk and not queued
    assert report.version == 1 and report.status == ReportStatus.DONE


@pytest.mark.django_db
def test_asking_again_for_an_out_of_date_report_builds_its_next_version(
    built, office_user, subdistrict_user, park, time_machine
):
    _care(park, office_user)
    report, queued = ask(subdistrict_user, scope=ReportScope.PARK, park=park)
    assert queued and report.pk == built["park"].pk
    assert (report.version, report.status, report.as_of) == (2, ReportStatus.QUEUED, None)
    assert report.requested_by == subdistrict_user
    assert list(report.versions.values_list("version", "finished_at")) == [(1, BUILT)]
    # Asked again while it is being built: the same build, not another.
    again, queued_again = ask(office_user, scope=ReportScope.PARK, park=park)
    assert again.pk == report.pk and not queued_again and again.version == 2

    time_machine.move_to(LATER + timedelta(minutes=1), tick=False)
    services.report_build(report.pk)
    rebuilt = Report.objects.get(pk=report.pk)
    assert rebuilt.as_of == LATER + timedelta(minutes=1)
    assert rebuilt.snapshot["care"]["current"]["recipients"] == 3  # today's data
    assert _changed(rebuilt) is None
    assert ask(office_user, scope=ReportScope.PARK, park=park) == (rebuilt, False)


@pytest.mark.django_db
def test_the_other_reports_of_the_period_are_not_rebuilt(built, office_user, park):
    _care(park, office_user)
    ask(office_user, scope=ReportScope.PARK, park=park)
    assert Report.objects.filter(version=2).count() == 1
    assert Report.objects.filter(period_kind=PeriodKind.WEEK).count() == 5
