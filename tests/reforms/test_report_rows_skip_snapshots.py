"""Pages and lists that show reports as rows never read their snapshots (tens of kB of JSON
each, parsed for nothing): the report list page and API, the park page's panel, the workbench."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reforms.reporting.models import Report

pytestmark = pytest.mark.django_db

SNAPSHOT_COLUMN = '"reforms_report"."snapshot"'


@pytest.fixture
def built(park):
    now = timezone.now()
    return Report.objects.create(
        scope="park",
        park=park,
        period_kind="month",
        period_start="2026-05-01",
        period_end="2026-05-31",
        status="done",
        progress=100,
        snapshot={"parks": [{"name": "园区"}] * 100},
        started_at=now,
        finished_at=now,
        as_of=now,
    )


def _report_reads(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries if '"reforms_report"' in q["sql"]]


def test_report_rows_are_read_without_their_snapshots(client, api_as, office_user, park, built):
    client.force_login(office_user)
    pages = [reverse("reforms:report_list"), park.get_absolute_url(), "/"]
    for url in pages:
        reads = _report_reads(client, url)
        assert reads, url  # the page does list the report
        assert not [sql for sql in reads if SNAPSHOT_COLUMN in sql], url
        assert built.get_absolute_url() in client.get(url).content.decode(), url
    api_reads = _report_reads(api_as(office_user), "/api/v1/reports/")
    assert api_reads and not [sql for sql in api_reads if SNAPSHOT_COLUMN in sql]
    # The detail still reads it.
    detail = _report_reads(client, built.get_absolute_url())
    assert [sql for sql in detail if SNAPSHOT_COLUMN in sql]
