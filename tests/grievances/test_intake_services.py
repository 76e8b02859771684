"""Receiving a grievance: deadlines from the policy, who logs where, and attachments."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from grievances import services
from grievances.models import Attachment, Grievance, GrievanceEvent, TimeLimitPolicy
from tests.factories import GridZoneFactory, SurveyCampaignFactory
from tests.grievances.services_helpers import RECEIVED_AT

pytestmark = pytest.mark.django_db


JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


# --- Intake and deadlines ---------------------------------------------------------------------


def _new(park, **fields):
    values = {
        "park": park,
        "channel": "gm_mailbox",
        "category": "wages",
        "title": "拖欠工资",
        "description": "两个月没发工资。",
        "received_at": RECEIVED_AT,
    }
    values.update(fields)
    return Grievance(**values)


def test_deadlines_come_from_the_categorys_policy_at_receipt(office_user, park):
    policy = TimeLimitPolicy.objects.create(
        category="wages", respond_within_hours=8, resolve_within_days=5
    )

    grievance = services.grievance_receive(grievance=_new(park), actor=office_user)

    assert grievance.response_due_at == RECEIVED_AT + timedelta(hours=8)
    assert grievance.resolution_due_at == RECEIVED_AT + timedelta(days=5)
    # A later change of the policy applies to grievances received from then on.
    policy.resolve_within_days = 30
    services.policy_save(policy=policy, actor=office_user)
    grievance.refresh_from_db()
    assert grievance.resolution_due_at == RECEIVED_AT + timedelta(days=5)


@override_settings(GRIEVANCE_DEFAULT_RESPOND_HOURS=24, GRIEVANCE_DEFAULT_RESOLVE_DAYS=15)
def test_without_a_policy_the_defaults_apply(office_user, park):
    TimeLimitPolicy.objects.create(category="safety", respond_within_hours=2, resolve_within_days=1)

    grievance = services.grievance_receive(grievance=_new(park), actor=office_user)

    assert grievance.response_due_at == RECEIVED_AT + timedelta(hours=24)
    assert grievance.resolution_due_at == RECEIVED_AT + timedelta(days=15)


def test_receiving_writes_the_first_event_and_who_logged_it(liaison, park):
    grievance = services.grievance_receive(
        grievance=_new(park, channel="liaison_visit"), actor=liaison
    )
    assert (grievance.status, grievance.logged_by, grievance.channel) == (
        "received",
        liaison,
        "liaison_visit",
    )
    event = GrievanceEvent.objects.get(grievance=grievance)
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        "receive",
        "",
        "received",
        liaison,
    )


def test_a_worker_on_the_public_page_always_comes_in_online(park):
    grievance = services.grievance_receive(grievance=_new(park, channel="forum"), actor=None)
    assert grievance.channel == "online" and grievance.logged_by is None
    assert GrievanceEvent.objects.get().actor is None


def test_liaisons_log_only_in_their_own_park(liaison, other_park, subdistrict_user, park):
    with pytest.raises(PermissionDenied):
        services.grievance_receive(grievance=_new(other_park), actor=liaison)
    with pytest.raises(PermissionDenied):
        services.grievance_receive(grievance=_new(park), actor=subdistrict_user)
    assert not Grievance.objects.exists()


def test_a_grid_zone_or_survey_of_another_park_is_refused(office_user, park, other_park):
    zone = GridZoneFactory(park=other_park)
    survey = SurveyCampaignFactory(park=other_park)
    with pytest.raises(ValidationError) as wrong_zone:
        services.grievance_receive(grievance=_new(park, grid_zone=zone), actor=office_user)
    with pytest.raises(ValidationError) as wrong_survey:
        services.grievance_receive(
            grievance=_new(park, channel="survey", survey=survey), actor=office_user
        )
    assert "grid_zone" in wrong_zone.value.message_dict
    assert "survey" in wrong_survey.value.message_dict
    assert not Grievance.objects.exists()


# --- Attachments ------------------------------------------------------------------------------


def test_real_photos_and_pdfs_are_attached(office_user, park):
    grievance = services.grievance_receive(
        grievance=_new(park),
        actor=office_user,
        files=[
            SimpleUploadedFile("工资条.jpg", JPG, content_type="image/jpeg"),
            SimpleUploadedFile("合同.pdf", PDF, content_type="application/pdf"),
        ],
    )
    assert sorted(grievance.attachments.values_list("original_name", "size")) == sorted(
        [("工资条.jpg", len(JPG)), ("合同.pdf", len(PDF))]
    )


@pytest.mark.parametrize(
    "upload",
    [
        pytest.param(lambda: SimpleUploadedFile("x.jpg", b"MZ\x90\x00" * 16), id="fake-image"),
        pytest.param(lambda: SimpleUploadedFile("x.exe", b"MZ\x90\x00" * 16), id="program"),
        pytest.param(
            lambda: SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"\0" * (50 * 1024 * 1024)),
            id="50MB",
        ),
    ],
)
def test_a_bad_file_refuses_the_whole_grievance(office_user, park, upload):
    good = SimpleUploadedFile("ok.pdf", PDF)

    with pytest.raises(ValidationError) as refused:
        services.grievance_receive(grievance=_new(park), actor=office_user, files=[good, upload()])

    assert "attachments" in refused.value.message_dict
    assert not Grievance.objects.exists()
    assert not Attachment.objects.exists()
    assert not GrievanceEvent.objects.exists()


@override_settings(GRIEVANCE_ATTACHMENT_MAX_BYTES=1024)
def test_the_size_limit_comes_from_the_settings(office_user, park):
    with pytest.raises(ValidationError):
        services.grievance_receive(
            grievance=_new(park),
            actor=office_user,
            files=[SimpleUploadedFile("big.pdf", PDF + b"\0" * 2048)],
        )
    assert not Grievance.objects.exists()


def test_more_than_five_files_are_refused(office_user, park):
    files = [SimpleUploadedFile(f"{n}.pdf", PDF) for n in range(6)]
    with pytest.raises(ValidationError):
        services.grievance_receive(grievance=_new(park), actor=office_user, files=files)
    assert not Grievance.objects.exists()
