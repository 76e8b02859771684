"""REST API v1 for reforms: progress updates with evidence files."""

import pytest
from django.test import override_settings

from reforms.tasks import services
from reforms.tasks.models import Evidence, ProgressUpdate
from tests.reforms import api_helpers as shared
from tests.reforms.api_helpers import PDF, _green, _pdf

# The shared fixtures, bound here so pytest finds them by name.
other_liaison = shared.other_liaison
unit = shared.unit


pytestmark = pytest.mark.django_db


def test_progress_is_posted_with_files_and_listed_newest_first(api_as, member_unit_user, unit):
    task = _green(lead_unit=unit)
    client = api_as(member_unit_user)

    first = client.post(
        f"/api/v1/tasks/{task.pk}/progress/",
        {"percent": 20, "text": "完成选址", "files": [_pdf("选址.pdf"), _pdf("照片.pdf")]},
        format="multipart",
    )
    assert first.status_code == 201, first.json()
    body = first.json()
    assert (body["percent"], body["text"], body["author"]) == (20, "完成选址", member_unit_user.pk)
    assert sorted(e["original_name"] for e in body["evidence"]) == ["照片.pdf", "选址.pdf"]
    assert body["evidence"][0]["download_url"].startswith("http://testserver/api/v1/evidence/")
    client.post(
        f"/api/v1/tasks/{task.pk}/progress/", {"percent": 45, "text": "开工"}, format="json"
    )

    listed = client.get(f"/api/v1/tasks/{task.pk}/progress/").json()
    assert [u["percent"] for u in listed["results"]] == [45, 20]
    assert listed["results"][1]["evidence"][0]["size"] == len(PDF)
    task.refresh_from_db()
    assert (task.status, task.progress) == ("in_progress", 45)


def test_php_style_file_fields_are_accepted(api_as, office_user):
    task = _green()
    response = api_as(office_user).post(
        f"/api/v1/tasks/{task.pk}/progress/",
        {"percent": 10, "text": "附件", "files[]": [_pdf()]},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert len(response.json()["evidence"]) == 1


@pytest.mark.parametrize("percent", [-1, 101, "half"])
def test_progress_outside_0_to_100_is_a_400_on_percent(api_as, office_user, percent):
    task = _green()
    response = api_as(office_user).post(
        f"/api/v1/tasks/{task.pk}/progress/", {"percent": percent, "text": "进展"}
    )
    assert response.status_code == 400 and "percent" in response.json()
    assert not ProgressUpdate.objects.exists()


def test_a_renamed_executable_is_a_400_on_files(api_as, office_user):
    task = _green()
    response = api_as(office_user).post(
        f"/api/v1/tasks/{task.pk}/progress/",
        {"percent": 10, "text": "附件", "files": [_pdf("x.pdf", b"MZ\x90\x00" + b"\x00" * 60)]},
        format="multipart",
    )
    assert response.status_code == 400 and "files" in response.json()
    assert not ProgressUpdate.objects.exists()


@override_settings(EVIDENCE_MAX_BYTES=1000)
def test_a_too_big_file_is_a_400_on_files(api_as, office_user):
    task = _green()
    response = api_as(office_user).post(
        f"/api/v1/tasks/{task.pk}/progress/",
        {"percent": 10, "text": "附件", "files": [_pdf("big.pdf", PDF + b"0" * 2000)]},
        format="multipart",
    )
    assert response.status_code == 400 and "files" in response.json()
    assert not ProgressUpdate.objects.exists()


def test_a_unit_user_cannot_report_on_another_units_task(api_as, member_unit_user, park):
    task = _green(park=park)
    response = api_as(member_unit_user).post(
        f"/api/v1/tasks/{task.pk}/progress/", {"percent": 10, "text": "越权"}
    )
    assert response.status_code == 403
    assert not ProgressUpdate.objects.exists()


def test_evidence_downloads_only_within_scope(api_as, office_user, liaison, other_liaison, park):
    task = _green(park=park)
    update = services.progress_post(
        task=task, actor=office_user, percent=10, text="附件", files=[_pdf("会议纪要.pdf")]
    )
    evidence = update.evidence.get()
    url = f"/api/v1/evidence/{evidence.pk}/download/"

    response = api_as(liaison).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert (
        "filename*=utf-8''%E4%BC%9A%E8%AE%AE%E7%BA%AA%E8%A6%81.pdf"
        in response["Content-Disposition"]
    )
    assert api_as(other_liaison).get(url).status_code == 404
    assert api_as(other_liaison).get(f"/api/v1/tasks/{task.pk}/progress/").status_code == 404


def test_an_evidence_file_missing_on_disk_is_a_404(api_as, office_user):
    update = ProgressUpdate.objects.create(
        task=_green(), author=office_user, percent=10, text="文件已丢失"
    )
    evidence = Evidence.objects.create(
        update=update, file="evidence/2026/01/gone.pdf", original_name="gone.pdf", size=10
    )

    response = api_as(office_user).get(f"/api/v1/evidence/{evidence.pk}/download/")

    assert response.status_code == 404
