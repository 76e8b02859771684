"""The reform task page: reporting progress with evidence."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parks.structure.choices import Role
from reforms.tasks.models import Evidence, ProgressUpdate
from tests.factories import UserFactory
from tests.reforms import pages_helpers as shared
from tests.reforms.pages_helpers import _detail, _html

# The shared fixtures, bound here so pytest finds them by name.
in_english = shared.in_english
on_the_first_of_june = shared.on_the_first_of_june
tasks = shared.tasks
union = shared.union


pytestmark = pytest.mark.django_db


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# --- Progress --------------------------------------------------------------------------------


def _progress(client, task, **data):
    return client.post(reverse("reforms:progress_create", args=[task.pk]), data)


def test_progress_above_100_is_refused_beside_the_field(client, member_unit_user, tasks):
    client.force_login(member_unit_user)
    html = _html(_progress(client, tasks["red"], percent=120, text="超额完成"))
    assert re.search(r'id="id_percent"[^>]*aria-invalid="true"', html) or re.search(
        r'aria-invalid="true"[^>]*id="id_percent"', html
    )
    assert "100" in re.search(r'invalid-feedback d-block">([^<]+)<', html).group(1)
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.exe", b"MZ\x90\x00"),
        ("renamed.pdf", b"just some text, not a PDF"),
    ],
)
def test_evidence_of_the_wrong_type_is_refused_beside_the_field(
    client, member_unit_user, tasks, name, content
):
    client.force_login(member_unit_user)
    upload = SimpleUploadedFile(name, content)
    html = _html(_progress(client, tasks["red"], percent=60, text="见附件", files=upload))
    assert name in re.search(r'invalid-feedback d-block">([^<]+)<', html).group(1)
    assert not ProgressUpdate.objects.exists()


def test_evidence_over_the_size_limit_is_refused(client, member_unit_user, tasks, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    client.force_login(member_unit_user)
    upload = SimpleUploadedFile("big.pdf", PDF + b"0" * 2048)
    html = _html(_progress(client, tasks["red"], percent=60, text="见附件", files=upload))
    assert "big.pdf" in html and "invalid-feedback" in html
    assert not ProgressUpdate.objects.exists()


def test_progress_with_pdfs_is_posted_and_its_evidence_downloads(
    client, member_unit_user, liaison, other_park, tasks
):
    task = tasks["red"]
    client.force_login(member_unit_user)
    form = _html(client.get(reverse("reforms:progress_create", args=[task.pk])))
    assert 'type="file"' in form and "multiple" in form and 'enctype="multipart/form-data"' in form
    files = [SimpleUploadedFile("问卷汇总.pdf", PDF), SimpleUploadedFile("照片.pdf", PDF)]
    response = _progress(client, task, percent=70, text="回收问卷八百份", files=files)
    assert response.status_code == 302 and response.url == task.get_absolute_url()
    task.refresh_from_db()
    assert task.progress == 70
    update = ProgressUpdate.objects.get(task=task)
    assert sorted(e.original_name for e in update.evidence.all()) == ["照片.pdf", "问卷汇总.pdf"]

    evidence = Evidence.objects.get(original_name="问卷汇总.pdf")
    html = _detail(client, task)
    url = reverse("reforms:evidence_download", args=[evidence.pk])
    assert url in html and "问卷汇总.pdf" in html
    download = client.get(url)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert "%E9%97%AE%E5%8D%B7%E6%B1%87%E6%80%BB.pdf" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PDF

    # Someone who cannot see the task cannot fetch its evidence either.
    client.force_login(UserFactory(role=Role.LIAISON, park=other_park))
    assert client.get(url).status_code == 404


def test_a_reader_cannot_report_progress(client, liaison, tasks):
    client.force_login(liaison)
    url = reverse("reforms:progress_create", args=[tasks["red"].pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"percent": 60, "text": "x"}).status_code == 403


def test_progress_on_a_closed_task_is_not_offered(client, office_user, tasks):
    client.force_login(office_user)
    html = _html(client.get(reverse("reforms:progress_create", args=[tasks["done_late"].pk])))
    assert 'id="progress-form"' not in html
    _progress(client, tasks["done_late"], percent=90, text="补报")
    assert not ProgressUpdate.objects.exists()
