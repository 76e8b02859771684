"""Time-limit reminders and escalations: once per grievance and level, however often run."""

import time
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from grievances import services
from grievances.jobs import send_grievance_reminders as send_grievance_reminders_job
from grievances.models import GrievanceReminder
from grievances.services import send_grievance_reminders
from parks.notices.models import Notification
from parks.structure.choices import Role
from tests.factories import GrievanceFactory, OrganisationFactory, UserFactory

# GrievanceFactory: received 09:00 UTC 1 June 2026; respond within 24 h, resolve within 15 days.
RECEIVED = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
RESPOND_BY = RECEIVED + timedelta(hours=24)
RESOLVE_BY = RECEIVED + timedelta(days=15)


@pytest.fixture
def unit(db):
    return OrganisationFactory(name="区人社局")


@pytest.fixture
def handler(unit):
    return UserFactory(role=Role.MEMBER_UNIT, organisation=unit, email="handler@example.cn")


@pytest.fixture
def office(db):
    return [UserFactory(role=Role.OFFICE) for _ in range(2)]


def _levels():
    return sorted(GrievanceReminder.objects.values_list("level", flat=True))


def _recipients():
    return set(Notification.objects.values_list("recipient", flat=True))


def waiting(unit, handler=None, **fields):
    return GrievanceFactory(status="assigned", handling_unit=unit, handler=handler, **fields)


def handled(unit, handler, **fields):
    return GrievanceFactory(
        status="in_progress",
        handling_unit=unit,
        handler=handler,
        responded_at=RECEIVED + timedelta(hours=1),
        **fields,
    )


@pytest.mark.django_db
def test_running_twice_reminds_once(unit, handler):
    waiting(unit, handler)
    assert send_grievance_reminders(now=RESPOND_BY - timedelta(hours=2)) == 1
    assert send_grievance_reminders(now=RESPOND_BY - timedelta(hours=1)) == 0
    assert _levels() == ["response_due_soon"]
    assert Notification.objects.filter(recipient=handler).count() == 1


@pytest.mark.django_db
def test_a_warning_goes_to_the_handler_only(unit, handler, office):
    waiting(unit, handler)
    send_grievance_reminders(now=RESPOND_BY - timedelta(hours=2))
    assert _recipients() == {handler.pk}


@pytest.mark.django_db
def test_a_breach_escalates_to_the_office_once(unit, handler, office):
    grievance = waiting(unit, handler)
    send_grievance_reminders(now=RESPOND_BY - timedelta(hours=2))
    Notification.objects.all().delete()

    assert send_grievance_reminders(now=RESPOND_BY + timedelta(hours=1)) == 1
    assert send_grievance_reminders(now=RESPOND_BY + timedelta(hours=5)) == 0

    assert _levels() == ["response_breached", "response_due_soon"]
    assert _recipients() == {handler.pk, *(user.pk for user in office)}
    assert all(
        grievance.tracking_code in n.body and n.url == grievance.get_absolute_url()
        for n in Notification.objects.all()
    )


@pytest.mark.django_db
def test_without_a_handler_the_units_staff_hear_and_without_a_unit_the_office(unit, office):
    staff = UserFactory(role=Role.MEMBER_UNIT, organisation=unit)
    waiting(unit)
    GrievanceFactory()  # received, not assigned yet
    send_grievance_reminders(now=RESPOND_BY - timedelta(hours=2))
    assert _recipients() == {staff.pk, *(user.pk for user in office)}
    assert GrievanceReminder.objects.count() == 2


@pytest.mark.django_db
def test_a_resolution_warning_is_not_taken_for_a_response_warning(unit, handler):
    # A category that must be resolved within a day: the resolution is due soon at once, the
    # response (24 h) is not.
    waiting(unit, handler, resolution_due_at=RECEIVED + timedelta(days=1))
    send_grievance_reminders(now=RECEIVED + timedelta(hours=1))
    assert _levels() == ["resolution_due_soon"]
    send_grievance_reminders(now=RESPOND_BY - timedelta(hours=3))
    assert _levels() == ["resolution_due_soon", "response_due_soon"]


@pytest.mark.django_db
def test_the_resolution_is_warned_then_escalated(unit, handler, office):
    handled(unit, handler)
    send_grievance_reminders(now=RESOLVE_BY - timedelta(days=1))
    send_grievance_reminders(now=RESOLVE_BY + timedelta(hours=1))
    send_grievance_reminders(now=RESOLVE_BY + timedelta(days=3))
    assert _levels() == ["resolution_breached", "resolution_due_soon"]


@pytest.mark.django_db
def test_an_approved_extension_earns_a_new_resolution_warning(unit, handler, office):
    grievance = handled(unit, handler)
    send_grievance_reminders(now=RESOLVE_BY - timedelta(days=1))
    assert _levels() == ["resolution_due_soon"]

    extension = services.extension_request(
        grievance=grievance, actor=handler, days=7, reason="等待仲裁结果"
    )
    services.extension_decide(extension=extension, actor=office[0], approve=True)
    assert _levels() == []

    # The new deadline is 8 days away: nothing yet; within two days of it, a new warning.
    assert send_grievance_reminders(now=RESOLVE_BY - timedelta(days=1)) == 0
    assert send_grievance_reminders(now=RESOLVE_BY + timedelta(days=6)) == 1
    assert send_grievance_reminders(now=RESOLVE_BY + timedelta(days=6, hours=1)) == 0
    assert _levels() == ["resolution_due_soon"]


@pytest.mark.django_db
def test_finished_and_answered_grievances_are_left_alone(unit, handler):
    GrievanceFactory(status="withdrawn")
    GrievanceFactory(
        status="replied",
        handling_unit=unit,
        responded_at=RECEIVED + timedelta(hours=1),
        resolved_at=RECEIVED + timedelta(days=2),
    )
    handled(unit, handler)  # accepted in time, resolution far away
    assert send_grievance_reminders(now=RECEIVED + timedelta(days=5)) == 0
    assert not GrievanceReminder.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_running_the_job_twice_reminds_once_per_level(worker_queue):
    unit = OrganisationFactory()
    handler = UserFactory(role=Role.MEMBER_UNIT, organisation=unit)
    office = UserFactory(role=Role.OFFICE)
    received = timezone.now() - timedelta(days=3)
    GrievanceFactory(
        status="assigned",
        handling_unit=unit,
        handler=handler,
        received_at=received,
        response_due_at=received + timedelta(hours=24),  # breached two days ago
        resolution_due_at=received + timedelta(days=15),  # far away
    )

    send_grievance_reminders_job.apply_async(queue=worker_queue)
    send_grievance_reminders_job.apply_async(queue=worker_queue)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not GrievanceReminder.objects.exists():
        time.sleep(0.5)
    time.sleep(2)  # give the second run its chance to (wrongly) remind again

    assert _levels() == ["response_breached"]
    assert Notification.objects.filter(recipient=handler).count() == 1
    assert Notification.objects.filter(recipient=office).count() == 1
