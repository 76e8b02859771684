"""Exports written by the worker (parks.exports): a list's export link answers at once with the
export's page, the job writes the rows the list shows its requester, the bar moves, the file is
theirs alone, bad requests are refused before anything is queued, and old files are deleted.
The job runs here in the test's process; tests/parks/test_exports_worker.py runs a real one."""

import os
import time
from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from grievances.models import PersonalDataView
from parks.exports import registry, services
from parks.exports.models import Export
from parks.gridlog.exports import HEADERS as ACTIVITY_HEADERS
from tests.export_helpers import content, export_via_page, run_queued_exports
from tests.factories import ActivityFactory, GrievanceFactory, UserFactory

pytestmark = pytest.mark.django_db

EXPORTS = "/api/v1/exports/"


@pytest.fixture
def grievances(park, other_park):
    return [
        GrievanceFactory(park=park, title="拖欠工资", complainant_name="张三丰"),
        GrievanceFactory(park=park, title="宿舍漏水", complainant_name="李四"),
        GrievanceFactory(park=other_park, title="食堂太贵", complainant_name="王五"),
    ]


def _rows(data: bytes) -> list[dict]:
    sheet = load_workbook(BytesIO(data)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


# --- The pages --------------------------------------------------------------------------------


def test_the_export_link_answers_at_once_with_a_page_that_follows_the_job(
    client, office_user, grievances
):
    client.force_login(office_user)
    response = client.get(reverse("grievances:export"), {"group": "all"})

    [export] = Export.objects.all()
    assert response.status_code == 302 and response["Location"] == export.get_absolute_url()
    assert (export.status, export.requested_by, export.filters) == (
        "queued",
        office_user,
        {"group": ["all"]},
    )
    page = client.get(export.get_absolute_url()).content.decode()
    assert 'id="export-progress"' in page and "js/export_progress.js" in page
    assert f'href="{reverse("grievances:inbox")}?group=all"' in page  # back to the same list
    assert client.get(reverse("parks:export_download", args=[export.pk])).status_code == 404

    run_queued_exports()
    export.refresh_from_db()
    assert (export.status, export.progress, export.rows_done, export.rows_total) == (
        "done",
        100,
        3,
        3,
    )
    page = client.get(export.get_absolute_url()).content.decode()
    assert "js/export_progress.js" not in page
    assert reverse("parks:export_download", args=[export.pk]) in page
    status = client.get(reverse("parks:export_status", args=[export.pk])).json()
    assert status["status"] == "done" and status["download_url"]
    mine = client.get(reverse("parks:export_list")).content.decode()
    assert f'data-export="{export.pk}"' in mine


def test_the_bar_moves_as_rows_are_written(client, office_user, grievances, monkeypatch):
    monkeypatch.setattr(services, "PROGRESS_EVERY", 1)
    seen = []
    original = registry.Progress.rows

    def watched(self, rows):
        for row in original(self, rows):
            yield row
            seen.append(Export.objects.values_list("rows_done", "rows_total", "progress").get())

    monkeypatch.setattr(registry.Progress, "rows", watched)
    client.force_login(office_user)
    export_via_page(client, reverse("grievances:export"), {"group": "all"})

    assert seen == [(0, 3, 0), (1, 3, 33), (2, 3, 66)]
    assert Export.objects.values_list("rows_done", "progress").get() == (3, 100)


def test_a_park_managers_export_holds_only_their_parks_rows(client, park_manager, grievances):
    client.force_login(park_manager)
    rows = _rows(content(export_via_page(client, reverse("grievances:export"), {"group": "all"})))
    assert sorted(row["标题"] for row in rows) == ["宿舍漏水", "拖欠工资"]


def test_another_persons_export_is_a_404_everywhere(client, api_as, office_user, grievances):
    client.force_login(office_user)
    export_via_page(client, reverse("grievances:export"), {"unmask": "1"})
    [export] = Export.objects.all()
    other = UserFactory(role="office")
    client.force_login(other)
    for name in ("export_detail", "export_status", "export_download"):
        assert client.get(reverse(f"parks:{name}", args=[export.pk])).status_code == 404, name
    assert (
        f'data-export="{export.pk}"'
        not in client.get(reverse("parks:export_list")).content.decode()
    )
    api = api_as(other)
    assert api.get(f"{EXPORTS}{export.pk}/").status_code == 404
    assert api.get(f"{EXPORTS}{export.pk}/download/").status_code == 404
    assert api.get(EXPORTS).json()["count"] == 0


def test_a_job_run_twice_writes_and_logs_once(client, office_user, grievances):
    client.force_login(office_user)
    client.get(reverse("grievances:export"), {"group": "all", "unmask": "1"})
    [export] = Export.objects.all()

    first = services.export_build(export.pk)
    again = services.export_build(export.pk)

    assert first is not None and again is None
    assert PersonalDataView.objects.count() == 3
    export.refresh_from_db()
    assert export.file == first.file and services.export_path(export).is_file()


def test_a_failed_build_logs_nothing_and_says_why(client, office_user, grievances, monkeypatch):
    from grievances import excel

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(excel, "write_grievances", broken)
    client.force_login(office_user)
    client.get(reverse("grievances:export"), {"unmask": "1"})
    [export] = Export.objects.all()
    with pytest.raises(RuntimeError):
        services.export_build(export.pk)
    export.refresh_from_db()
    assert export.status == "queued" and not export.file  # let go, for the job's retry
    services.export_fail(export.pk, "The export could not be written (RuntimeError).")
    export.refresh_from_db()
    assert export.status == "failed" and "RuntimeError" in export.error
    assert not PersonalDataView.objects.exists()
    assert not list((services.exports_root() / services.TEMPORARY_DIR).glob(f"*{export.pk}*"))


def test_the_feed_exports_what_it_shows_and_no_personal_data(client, office_user, grid_zone):
    ActivityFactory(
        grid_zone=grid_zone,
        title="=HYPERLINK(1)",
        place="三号门",
        participants=12,
        occurred_at=datetime(2026, 6, 3, 2, 0, tzinfo=UTC),
    )
    ActivityFactory(park=grid_zone.park, grid_zone=None, title="园区宣讲", participants=40)
    client.force_login(office_user)
    feed = client.get(reverse("parks:activity_feed")).content.decode()
    assert f'href="{reverse("parks:activity_export")}"' in feed
    response = export_via_page(client, reverse("parks:activity_export"), {"q": "HYPERLINK"})
    assert "filename*=utf-8''%E7%BD%91%E6%A0%BC" in response["Content-Disposition"]  # 网格…
    [row] = _rows(content(response))
    assert list(row) == ACTIVITY_HEADERS
    assert row["时间"] == datetime(2026, 6, 3, 10, 0)  # noqa: DTZ001  (the portal's wall clock)
    assert (row["类别"], row["标题"], row["园区"]) == (
        "巡查走访",
        "=HYPERLINK(1)",
        grid_zone.park.name,
    )
    assert (row["网格"], row["地点"], row["参与人数"]) == (
        f"{grid_zone.code} {grid_zone.name}",
        "三号门",
        12,
    )


# --- Bad requests -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"kind": "everything"}, "kind", "Unknown kind of export"),
        ({"kind": "grievances", "filters": {"parkk": 1}}, "filters", "Unknown filters: parkk"),
        ({"kind": "grievances", "filters": {"park": 987654}}, "filters", "park:"),
        ({"kind": "activities", "filters": {"date_from": "2026-13-40"}}, "filters", "date_from:"),
        ({"kind": "ledger-care", "filters": {"park": "x"}}, "filters", "park:"),
        ({"filters": {}}, "kind", "required"),
        # A NUL cannot be stored in the saved filters (PostgreSQL's jsonb): it was a 500.
        ({"kind": "ledger-care", "filters": {"period": "\x00"}}, "filters", "NUL"),
        ({"kind": "grievances", "filters": {"q": ["a\x00b"]}}, "filters", "NUL"),
    ],
)
def test_bad_kinds_and_filters_are_a_400_before_anything_is_queued(
    api_as, office_user, body, field, words
):
    response = api_as(office_user).post(EXPORTS, body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert words in " ".join(response.json()[field])
    assert not Export.objects.exists()


def test_a_nul_in_an_export_link_goes_back_to_the_list(client, office_user):
    client.force_login(office_user)
    response = client.get(reverse("reforms:ledger_export", args=["care"]), {"period": "\x00"})
    assert response.status_code == 302
    assert not Export.objects.exists()


def test_a_filter_the_list_refuses_goes_back_to_the_list_with_the_reason(client, office_user):
    client.force_login(office_user)
    response = client.get(
        reverse("reforms:ledger_export", args=["care"]), {"park": "x"}, follow=True
    )
    assert response.redirect_chain[0][0].startswith(reverse("reforms:care_payment_list"))
    assert not Export.objects.exists()


# --- The API ----------------------------------------------------------------------------------


def test_the_api_answers_202_then_polls_and_downloads(api_as, park_manager, grievances):
    api = api_as(park_manager)
    response = api.post(EXPORTS, {"kind": "grievances", "filters": {"group": "all"}}, format="json")
    assert response.status_code == 202
    body = response.json()
    assert response["Location"] == body["url"] and body["url"].endswith(f"{EXPORTS}{body['id']}/")
    assert set(body) == {
        "id", "kind", "status", "progress", "rows_done", "rows_total", "url", "download_url",
        "created_at", "finished_at", "expires_at", "error",
    }  # fmt: skip
    assert (body["status"], body["download_url"], body["finished_at"]) == ("queued", None, None)
    assert api.get(f"{EXPORTS}{body['id']}/download/").status_code == 409

    run_queued_exports()
    polled = api.get(body["url"]).json()
    assert (polled["status"], polled["progress"], polled["rows_total"]) == ("done", 100, 2)
    download = api.get(polled["download_url"])
    assert download.status_code == 200
    assert sorted(row["标题"] for row in _rows(content(download))) == ["宿舍漏水", "拖欠工资"]


# --- Lost builds and expiry -------------------------------------------------------------------


def test_a_lost_build_is_queued_again_and_a_held_one_is_left_alone(
    client, office_user, grievances, monkeypatch
):
    sent = []
    monkeypatch.setattr(services.queue, "send", lambda name, *args: sent.append((name, args)))
    client.force_login(office_user)
    client.get(reverse("grievances:export"))
    client.get(reverse("grievances:export"), {"group": "all"})
    lost, held = Export.objects.order_by("pk")
    now = timezone.now()
    Export.objects.filter(pk=lost.pk).update(
        status="running", lease_until=now - timedelta(seconds=1), build_token="dead"
    )
    Export.objects.filter(pk=held.pk).update(
        status="running", lease_until=now + timedelta(minutes=1), build_token="alive"
    )

    assert services.requeue_stale_exports() == 1
    assert sent == [(services.BUILD_EXPORT, (lost.pk,))]
    assert services.export_build(held.pk, token="another") is None  # held: not run twice
    assert services.export_build(lost.pk, token="new").status == "done"


def test_expired_exports_and_orphan_files_are_deleted(client, office_user, grievances):
    client.force_login(office_user)
    export_via_page(client, reverse("grievances:export"))
    export_via_page(client, reverse("grievances:export"), {"group": "all"})
    old, fresh = Export.objects.order_by("pk")
    old_file, fresh_file = services.export_path(old), services.export_path(fresh)
    Export.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    orphan = old_file.parent / "orphan.xlsx"
    orphan.write_bytes(b"left by a killed build")
    day_old = time.time() - 2 * 24 * 3600
    os.utime(orphan, (day_old, day_old))

    assert services.delete_expired_exports() == 1

    assert list(Export.objects.all()) == [fresh]
    assert not old_file.exists() and not orphan.exists() and fresh_file.exists()


@pytest.mark.parametrize("unmask", ["", "1"])
def test_the_grievance_job_runs_the_same_queries_for_2_and_20_rows(
    client, office_user, park, unmask
):
    """No query per row, masked or not (the sheet reads only the columns it shows)."""

    def job_queries():
        client.get(reverse("grievances:export"), {"group": "all", "unmask": unmask})
        with CaptureQueriesContext(connection) as captured:
            run_queued_exports()
        return len(captured)

    client.force_login(office_user)
    for number in range(2):
        GrievanceFactory(park=park, complainant_name=f"张{number}")
    few = job_queries()
    for number in range(18):
        GrievanceFactory(park=park, complainant_name=f"李{number}", handling_unit=None)
    assert job_queries() == few
