"""The Word briefing (情况通报) beside the workbook: built by the worker and kept with each
version, downloaded from the report's page and from the API, within the reader's scope."""

import os
import time
from io import BytesIO

import pytest
from django.conf import settings
from django.urls import reverse
from docx import Document

from reforms.reporting import services
from reforms.reporting.models import Report, ReportVersion
from tests.reforms import report_pages_helpers as shared
from tests.reforms.report_pages_helpers import _built, _html, _report

# The shared fixtures, bound here so pytest finds them by name.
in_english = shared.in_english
on_wednesday_the_tenth_of_june = shared.on_wednesday_the_tenth_of_june

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _docx(response) -> Document:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == DOCX
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return Document(BytesIO(body))


def _download(report, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{reverse('reforms:report_download', args=[report.pk])}?{query}"


# --- Built by the worker, kept with each version ----------------------------------------------


def test_the_worker_writes_the_briefing_with_the_workbook(park):
    report = _built(_report(park=park))
    assert report.briefing.name == f"reports/2026/{report.pk}-v1.docx"
    assert report.excel.name == f"reports/2026/{report.pk}-v1.xlsx"
    with report.briefing.open("rb") as handle:
        texts = [p.text for p in Document(handle).paragraphs]
    # Built in the test process, whose language is English (the worker's is the portal's).
    assert texts[1] == "(May 2026)" and "1. Work progress" in texts


def test_regenerating_keeps_the_earlier_briefing_with_its_version(client, office_user, park):
    report = _built(_report(park=park))
    first = report.briefing.name
    services.report_regenerate(report=report, actor=office_user)
    assert ReportVersion.objects.get(report=report, version=1).briefing.name == first
    report = _built(report)
    assert report.briefing.name == f"reports/2026/{report.pk}-v2.docx"
    client.force_login(office_user)
    earlier = client.get(_download(report, format="docx", version=1))
    assert _docx(earlier).paragraphs[1].text == "(May 2026)"
    assert "-v1.docx" in earlier["Content-Disposition"]


@pytest.fixture
def disk_storage(settings, tmp_path):
    """Report files on disk, where the sweep reads their age."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return tmp_path


def test_the_file_sweep_keeps_named_briefings_and_removes_a_killed_builds(
    office_user, park, disk_storage
):
    report = _built(_report(park=park))
    kept = disk_storage / report.briefing.name
    orphan = kept.with_name("999-v1.docx")  # written by a build killed before its commit
    orphan.write_bytes(b"PK")
    hours_ago = time.time() - 3 * 3600
    for path in (kept, orphan):
        os.utime(path, (hours_ago, hours_ago))

    assert services.remove_orphan_report_files() == 1
    assert kept.exists() and not orphan.exists()


# --- The report's page ------------------------------------------------------------------------


def test_the_page_links_the_word_briefing(client, office_user, park):
    report = _built(_report(park=park))
    client.force_login(office_user)
    html = _html(client.get(report.get_absolute_url()))
    url = _download(report, format="docx")
    assert f'id="download-docx" href="{url}"' in html
    response = client.get(url)
    # The same name as the workbook's, and as the API gives.
    assert "-20260501-20260531-v1.docx" in response["Content-Disposition"]
    assert _docx(response).paragraphs[0].text.startswith(park.name)


def test_no_link_before_the_report_is_done(client, office_user, park):
    report = _report(park=park)
    client.force_login(office_user)
    assert 'id="download-docx"' not in _html(client.get(report.get_absolute_url()))
    assert client.get(_download(report, format="docx")).status_code == 404


def test_the_page_answers_404_outside_the_readers_scope(client, park_manager, other_park):
    report = _built(_report(park=other_park))
    client.force_login(park_manager)
    assert client.get(_download(report, format="docx")).status_code == 404


def test_the_page_refuses_an_unknown_format(client, office_user, park):
    report = _built(_report(park=park))
    client.force_login(office_user)
    response = client.get(_download(report, format="doc"))
    assert response.status_code == 400
    assert "format=docx" in response.content.decode()


def test_a_report_built_before_briefings_has_one_written_in_the_portals_language(
    client, office_user, park
):
    report = _built(_report(park=park))
    report.briefing.delete(save=False)
    Report.objects.filter(pk=report.pk).update(briefing="")
    client.force_login(office_user)
    document = _docx(client.get(_download(report, format="docx")))
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert document.paragraphs[1].text.endswith("2026年5月）")  # the portal's, not the reader's
    assert document.core_properties.language == "zh-CN"


# --- The API ----------------------------------------------------------------------------------


def _api(report, extra=""):
    return f"/api/v1/reports/{report.pk}/{extra}"


def test_the_api_downloads_the_briefing_beside_the_workbook(api_as, park_manager, park):
    report = _built(_report(park=park))
    client = api_as(park_manager)
    detail = client.get(_api(report)).json()
    assert detail["docx_url"].endswith(f"/api/v1/reports/{report.pk}/download/?format=docx")
    assert detail["xlsx_url"].endswith("/download/?format=xlsx")
    response = client.get(_api(report, "download/"), {"format": "docx"})
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "-20260501-20260531-v1.docx" in disposition
    assert "ETag" in response and "private" in response["Cache-Control"]
    document = _docx(response)
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"][0] == (
        "1. Work progress"
    )
    # A re-pull of the unchanged report is a 304, as for the workbook.
    again = client.get(
        _api(report, "download/"), {"format": "docx"}, HTTP_IF_NONE_MATCH=response["ETag"]
    )
    assert again.status_code == 304


def test_the_api_answers_404_outside_the_readers_scope(api_as, park_manager, other_park):
    report = _built(_report(park=other_park))
    response = api_as(park_manager).get(_api(report, "download/"), {"format": "docx"})
    assert response.status_code == 404


def test_the_api_refuses_an_unknown_format(api_as, office_user, park):
    report = _built(_report(park=park))
    response = api_as(office_user).get(_api(report, "download/"), {"format": "doc"})
    assert response.status_code == 400
    assert "docx" in response.json()["format"][0]


def test_the_api_has_no_briefing_link_before_the_report_is_done(api_as, office_user, park):
    report = _report(park=park)
    client = api_as(office_user)
    assert client.get(_api(report)).json()["docx_url"] is None
    assert client.get(_api(report, "download/"), {"format": "docx"}).status_code == 409
