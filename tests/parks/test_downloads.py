"""Stored files go out the same way from the pages and the API: one media type per extension
(parks.core.downloads, never the host's guess), saved under their own name, and a file lost from
storage is a 404, never a 500."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from grievances.models import Attachment
from parks.core.downloads import FILE_MEDIA_TYPES, UNKNOWN_FILE
from parks.gridlog.models import ActivityPhoto
from reforms.tasks import services
from reforms.tasks.models import Evidence
from tests.factories import ActivityFactory, GrievanceFactory, TaskFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
DOCX = FILE_MEDIA_TYPES[".docx"]


def _evidence(park, office_user, name):
    """An evidence file named `name`, as a row stored before file types were checked may be."""
    task = TaskFactory(park=park)
    update = services.progress_post(task=task, actor=office_user, percent=10, text="附件")
    return Evidence.objects.create(
        update=update, file=ContentFile(PDF, name="stored.bin"), original_name=name, size=len(PDF)
    )


def _attachment(park, name):
    return Attachment.objects.create(
        grievance=GrievanceFactory(park=park),
        file=ContentFile(PDF, name="stored.bin"),
        original_name=name,
        size=len(PDF),
    )


def _page_and_api(client, api_as, user, page_url, api_url):
    client.force_login(user)
    return client.get(page_url), api_as(user).get(api_url)


@pytest.mark.parametrize(
    ("name", "media_type"),
    [("会议纪要.docx", DOCX), ("旧记录.html", UNKNOWN_FILE), ("scan.PDF", "application/pdf")],
)
def test_an_evidence_file_has_the_same_type_and_name_on_the_page_and_in_the_api(
    client, api_as, park, office_user, name, media_type
):
    evidence = _evidence(park, office_user, name)

    page, api = _page_and_api(
        client,
        api_as,
        office_user,
        reverse("reforms:evidence_download", args=[evidence.pk]),
        f"/api/v1/evidence/{evidence.pk}/download/",
    )

    # A legacy .html file must not go out as text/html from the page while the API says bytes.
    assert page["Content-Type"] == api["Content-Type"] == media_type
    assert page["Content-Disposition"] == api["Content-Disposition"]
    assert page["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize(
    ("name", "media_type"),
    [("劳动合同.docx", DOCX), ("旧记录.html", UNKNOWN_FILE), ("工资条.jpg", "image/jpeg")],
)
def test_a_grievance_attachment_has_the_same_type_and_name_on_the_page_and_in_the_api(
    client, api_as, park, office_user, name, media_type
):
    attachment = _attachment(park, name)

    page, api = _page_and_api(
        client,
        api_as,
        office_user,
        reverse("grievances:attachment_download", args=[attachment.pk]),
        f"/api/v1/grievance-attachments/{attachment.pk}/download/",
    )

    assert page["Content-Type"] == api["Content-Type"] == media_type
    assert page["Content-Disposition"] == api["Content-Disposition"]


def test_a_grievance_attachment_lost_from_storage_is_not_found_in_the_api(
    client, api_as, park, office_user
):
    attachment = _attachment(park, "工资条.pdf")
    attachment.file.storage.delete(attachment.file.name)

    response = api_as(office_user).get(f"/api/v1/grievance-attachments/{attachment.pk}/download/")

    assert response.status_code == 404
    client.force_login(office_user)
    page = client.get(reverse("grievances:attachment_download", args=[attachment.pk]))
    assert page.status_code == 404


def test_an_activity_photo_has_the_same_type_and_name_on_the_page_and_in_the_api(
    client, api_as, grid_zone, office_user
):
    activity = ActivityFactory(grid_zone=grid_zone)
    photo = ActivityPhoto.objects.create(
        activity=activity,
        image=ContentFile(b"\xff\xd8full", name="phone.jpg"),
        thumbnail=ContentFile(b"\xff\xd8thumb", name="phone.jpg"),
        width=800,
        height=600,
        original_name="IMG_0001.jpg",
    )

    page, api = _page_and_api(
        client,
        api_as,
        office_user,
        reverse("parks:activity_photo", args=[photo.pk]),
        f"/api/v1/activities/{activity.pk}/photos/{photo.pk}/",
    )

    assert page["Content-Type"] == api["Content-Type"] == "image/jpeg"
    # Shown in the page, and saved under a name that carries nothing from the phone.
    assert page["Content-Disposition"] == api["Content-Disposition"]
    name = f"activity-{activity.pk}-{photo.pk}.jpg"
    assert page["Content-Disposition"] == f'inline; filename="{name}"'
