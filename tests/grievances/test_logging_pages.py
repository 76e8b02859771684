"""The grievance pages: logging a grievance with attachments, and who may download them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grievances.models import Attachment, Grievance, GrievanceEvent
from tests.factories import SurveyCampaignFactory
from tests.grievances import pages_helpers as shared
from tests.grievances.pages_helpers import NOW, PNG, _html

# The shared fixtures, bound here so pytest finds them by name.
frozen_now = shared.frozen_now
grievance = shared.grievance
in_english = shared.in_english
other_liaison = shared.other_liaison


pytestmark = pytest.mark.django_db


# --- Logging a grievance ------------------------------------------------------------------------


def test_the_office_logs_a_grievance_with_attachments(client, park, grid_zone, office_user):
    client.force_login(office_user)
    response = client.post(
        reverse("grievances:grievance_create"),
        {
            "park": park.pk,
            "grid_zone": grid_zone.pk,
            "channel": "gm_mailbox",
            "category": "wages",
            "title": "总经理信箱：工资晚发",
            "description": "三月工资晚发十天。",
            "complainant_name": "李四",
            "attachments": [
                SimpleUploadedFile("照片.png", PNG, content_type="image/png"),
                SimpleUploadedFile("b.png", PNG, content_type="image/png"),
            ],
        },
        follow=True,
    )
    html = _html(response)
    grievance = Grievance.objects.get()
    assert response.redirect_chain[-1][0] == grievance.get_absolute_url()
    assert f"Grievance {grievance.tracking_code} logged." in html
    assert (grievance.logged_by, grievance.status, grievance.received_at) == (
        office_user,
        "received",
        NOW,
    )
    assert grievance.attachments.count() == 2
    assert "照片.png" in html
    assert GrievanceEvent.objects.filter(grievance=grievance, action="receive").exists()


def test_a_liaison_logs_only_in_their_own_park(
    client, park, other_park, grid_zone, other_grid_zone, liaison
):
    client.force_login(liaison)
    html = _html(client.get(reverse("grievances:grievance_create")))
    assert park.name in html and other_park.name not in html
    data = {
        "park": other_park.pk,
        "channel": "liaison_visit",
        "category": "safety",
        "title": "消防通道堵塞",
        "description": "G01 消防通道堆放货物。",
    }
    html = _html(client.post(reverse("grievances:grievance_create"), data))
    assert "Select a valid choice" in html
    data.update(park=park.pk, grid_zone=other_grid_zone.pk)
    html = _html(client.post(reverse("grievances:grievance_create"), data))
    assert "Select a valid choice" in html
    assert not Grievance.objects.exists()
    data.update(grid_zone=grid_zone.pk)
    response = client.post(reverse("grievances:grievance_create"), data)
    assert response.status_code == 302
    assert Grievance.objects.get().logged_by == liaison


def test_a_fake_image_or_a_bad_survey_is_refused_and_nothing_is_saved(
    client, park, other_park, office_user
):
    client.force_login(office_user)
    data = {
        "park": park.pk,
        "channel": "forum",
        "category": "opinion",
        "title": "食堂",
        "description": "食堂太贵。",
        "attachments": [SimpleUploadedFile("photo.png", b"MZ not a picture")],
    }
    html = _html(client.post(reverse("grievances:grievance_create"), data))
    assert "is not a real PNG file" in html
    survey = SurveyCampaignFactory(park=other_park)
    data.update(attachments=[], channel="survey", survey=survey.pk)
    html = _html(client.post(reverse("grievances:grievance_create"), data))
    assert "This survey was held in another park." in html
    assert not Grievance.objects.exists() and not Attachment.objects.exists()


# --- Attachments --------------------------------------------------------------------------------


def test_attachments_download_only_within_scope(client, grievance, liaison, other_liaison):
    attachment = Attachment.objects.create(
        grievance=grievance,
        file=SimpleUploadedFile("合同.png", PNG),
        original_name="合同.png",
        size=len(PNG),
    )
    url = reverse("grievances:attachment_download", args=[attachment.pk])
    client.force_login(liaison)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert "attachment;" in response["Content-Disposition"]
    client.force_login(other_liaison)
    assert client.get(url).status_code == 404
