"""Pages and lists that show reports as rows never read their snapshots (tens of kB of JSON
each, parsed for nothing): the report list page and API, the park page's panel, the workbench."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from parks.core.api import pagination
from reforms.reporting.api import reports
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


def test_the_api_list_reads_none_of_the_columns_its_rows_never_show(
    api_as, office_user, park, subdistrict, built, monkeypatch
):
    """The list's rows leave out what they never show (reports.LIST_UNREAD) and answer, in as
    many queries, what the whole rows answer: reports done, queued, running (lease held or
    run out) and failed, of each scope, in both languages."""
    now = timezone.now()
    hour = timedelta(hours=1)
    for month, (status, extra) in enumerate(
        (
            ("queued", {}),
            ("queued", {"started_at": now - hour}),
            ("running", {"started_at": now, "lease_until": now + hour}),
            ("running", {"started_at": now - hour, "lease_until": now - hour}),
            ("failed", {"failure_reason": "出错了", "started_at": now}),
        ),
        start=1,
    ):
        Report.objects.create(
            scope="subdistrict" if status == "failed" else "district",
            subdistrict=subdistrict if status == "failed" else None,
            period_kind="month",
            period_start=f"2026-0{month}-01",
            period_end=f"2026-0{month}-28",
            status=status,
            excel="reports/x.xlsx",
            build_token="t",
            build_attempts=2,
            **extra,
        )
    client = api_as(office_user)
    for language in ("zh-hans", "en"):
        with CaptureQueriesContext(connection) as narrow:
            answer = client.get("/api/v1/reports/", HTTP_ACCEPT_LANGUAGE=language)
        reads = [q["sql"] for q in narrow.captured_queries if '"reforms_report"' in q["sql"]]
        assert reads and not [sql for sql in reads if '"reforms_report"."build_token"' in sql]
        with monkeypatch.context() as patch:
            patch.setattr(reports, "LIST_UNREAD", ())
            # Read by the plain queryset, not by the plan the first read made.
            patch.setattr(pagination, "list_plan", lambda view, request, queryset, shaped: None)
            with CaptureQueriesContext(connection) as whole:
                plain = client.get("/api/v1/reports/", HTTP_ACCEPT_LANGUAGE=language)
            assert '"reforms_report"."build_token"' in whole.captured_queries[-1]["sql"]
        assert answer.status_code == 200 and len(answer.json()["results"]) == 6
        assert answer.content == plain.content
        assert len(narrow.captured_queries) == len(whole.captured_queries)
