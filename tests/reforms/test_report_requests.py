"""Asking for a report: one report per period, the periods allowed, and who may ask."""

import threading
from datetime import date, timedelta

import kombu.exceptions
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from reforms.reporting import queue, services
from reforms.reporting.choices import PeriodKind, ReportScope, ReportStatus
from reforms.reporting.models import Report
from tests.factories import ParkFactory
from tests.reforms import report_services_helpers as shared
from tests.reforms.report_services_helpers import ask, queued_builds

# The shared fixtures, bound here so pytest finds them by name.
observer = shared.observer
on_wednesday = shared.on_wednesday
report_queue = shared.report_queue

# A report needs parks in its scope: the district's has the shared fixture's park.
pytestmark = pytest.mark.usefixtures("park")


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
    # Subdistrict staff are told the same, not met with a crash in the permission check (it
    # was a PermissionDenied, a 403, before issue 12 made targets out of reach read as absent).
    with pytest.raises(ValidationError) as error:
        ask(subdistrict_user, scope=ReportScope.PARK)
    assert error.value.message_dict == {"park": ["Choose the park."]}


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


NO_PARK = {"park": ["No such park."]}
NO_SUBDISTRICT = {"subdistrict": ["No such subdistrict."]}
NOT_YOURS = {"scope": ["You may not ask for a report of this scope."]}
# What a role that asks for reports is told of each target out of its reach.
_OUT_OF_REACH = {
    "subdistrict_user": {
        "district": NOT_YOURS,
        "other subdistrict": NO_SUBDISTRICT,
        "other park": NO_PARK,
    },
    "park_manager": {
        "district": NOT_YOURS,
        "own subdistrict": NOT_YOURS,
        "other subdistrict": NOT_YOURS,
        "park in own subdistrict": NO_PARK,
        "other park": NO_PARK,
    },
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(ALLOWED))
def test_who_may_ask_for_which_report(request, role, park, other_park, on_wednesday):
    actor = request.getfixturevalue(role)
    for name, target in _targets(park, other_park).items():
        if name in ALLOWED[role]:
            report, _ = ask(actor, **target)
            assert report.requested_by == actor, name
        elif ALLOWED[role]:
            # A target out of reach reads as one that does not exist: the field's error, as
            # for a made-up id, never a 403 that tells it exists (issue 12).
            with pytest.raises(ValidationError) as error:
                ask(actor, **target)
            assert error.value.message_dict == _OUT_OF_REACH[role][name], name
        else:
            # A role that asks for no reports at all is refused outright.
            with pytest.raises(PermissionDenied):
                ask(actor, **target)
    assert Report.objects.count() == len(ALLOWED[role])


@pytest.mark.django_db
def test_an_inactive_account_may_not_ask(office_user, on_wednesday):
    office_user.is_active = False
    office_user.save()
    with pytest.raises(PermissionDenied):
        ask(office_user)
