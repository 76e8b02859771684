"""The report's page and the API say when its data changed after it was built (数据已更新，可重新
生成), and asking again for an out-of-date report, on the form or over the API, rebuilds it."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers

from reforms.ledgers import services as reform_services
from reforms.ledgers.models import CarePayment
from reforms.reporting import freshness
from reforms.reporting.choices import ReportStatus
from reforms.reporting.models import Report
from tests.reforms import report_pages_helpers as shared
from tests.reforms.report_pages_helpers import _built, _html, _report, local

# The shared fixtures, bound here so pytest finds them by name.
in_english = shared.in_english
no_cached_dashboard = shared.no_cached_dashboard
on_wednesday_the_tenth_of_june = shared.on_wednesday_the_tenth_of_june

pytestmark = pytest.mark.django_db

API = "/api/v1/reports/"


@pytest.fixture
def reports(park, other_park):
    """May's reports of both parks, built at 10:00 on 10 June."""
    return {"park": _built(_report(park=park)), "other_park": _built(_report(park=other_park))}


@pytest.fixture
def change_park(park, office_user, time_machine):
    """An hour after the build, a care payment of May is entered in `park`."""

    def change():
        time_machine.move_to(local(2026, 6, 10, 11, 0))
        entry = CarePayment(
            park=park,
            event="留锡过节",
            paid_on=date(2026, 5, 20),
            recipients=4,
            amount=Decimal(800),
        )
        reform_services.ledger_save(entry=entry, actor=office_user)

    return change


def _form(park):
    return {"scope": "park", "park": park.pk, "period_kind": "month", "day": "2026-05-17"}


# --- The API ------------------------------------------------------------------------------------


def test_the_api_says_when_a_reports_data_changed_after_it_was_built(
    api_as, office_user, reports, change_park
):
    client = api_as(office_user)
    url = f"{API}{reports['park'].pk}/"
    fresh = client.get(url).json()
    assert (fresh["stale"], fresh["data_changed_at"]) == (False, None)
    assert datetime.fromisoformat(fresh["as_of"]) == reports["park"].as_of  # a moment
    assert fresh["as_of"].startswith("2026-06-10T10:00:")

    change_park()
    body = client.get(url).json()
    assert body["stale"] is True
    changed = datetime.fromisoformat(body["data_changed_at"])
    assert changed.replace(microsecond=0) == local(2026, 6, 10, 11, 0)
    assert body["as_of"] == fresh["as_of"]
    listed = {row["id"]: row["stale"] for row in client.get(API).json()["results"]}
    assert listed == {reports["park"].pk: True, reports["other_park"].pk: False}


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC", "America/St_Johns"])
def test_the_list_writes_data_changed_at_as_a_drf_datetime_field_writes_it(
    api_as, office_user, reports, change_park, zone
):
    """The serializer writes it by one representation per response
    (report_serializers._moment), not a DRF field made for each row: the same text."""
    change_park()
    with timezone.override(zone):
        rows = api_as(office_user).get(API).json()["results"]
        changed = freshness.changed_since_built(Report.objects.get(pk=reports["park"].pk))
        expected = serializers.DateTimeField().to_representation(changed)
    [row] = [row for row in rows if row["id"] == reports["park"].pk]
    assert row["data_changed_at"] == expected


def test_a_client_holding_the_up_to_date_answer_gets_the_out_of_date_one(
    api_as, office_user, reports, change_park
):
    client = api_as(office_user)
    url = f"{API}{reports['park'].pk}/"
    download = f"{url}download/"
    first, workbook = client.get(url), client.get(download)
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    change_park()
    by_etag = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert by_etag.status_code == 200 and by_etag.json()["stale"] is True
    assert by_etag["ETag"] != first["ETag"]
    by_date = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert by_date.status_code == 200
    # The workbook itself has not changed: its re-pull is still a 304.
    assert client.get(download, HTTP_IF_NONE_MATCH=workbook["ETag"]).status_code == 304


def test_asking_again_over_the_api_rebuilds_an_out_of_date_report(
    api_as, office_user, park, reports, change_park
):
    client = api_as(office_user)
    asked = {"scope": "park", "park": park.pk, "period_kind": "month", "start": "2026-05-01"}
    up_to_date = client.post(API, asked)
    assert up_to_date.status_code == 200 and up_to_date.json()["version"] == 1

    change_park()
    response = client.post(API, asked)
    assert response.status_code == 202, response.content
    assert response["Location"] == response.json()["url"]
    body = response.json()
    assert (body["id"], body["version"], body["status"]) == (reports["park"].pk, 2, "queued")
    assert (body["stale"], body["as_of"]) == (False, None)
    # While it is being built, asking again hands back the same build to poll.
    assert client.post(API, asked).status_code == 200
    assert Report.objects.get(pk=reports["park"].pk).versions.count() == 1


# --- The page -----------------------------------------------------------------------------------


def test_the_page_says_the_data_was_updated_and_offers_to_regenerate(
    client, office_user, liaison, reports, change_park
):
    client.force_login(office_user)
    page = reports["park"].get_absolute_url()
    html = _html(client.get(page))
    assert 'id="report-stale"' not in html
    assert 'id="report-as-of"' in html and "data as of 2026-06-10 10:00" in html

    change_park()
    html = _html(client.get(page))
    assert 'id="report-stale"' in html
    assert "The data has been updated; the report can be regenerated." in html
    assert "was changed at 2026-06-10 11:00:00" in html
    assert 'id="regenerate-stale"' in html
    assert 'id="report-stale"' not in _html(client.get(reports["other_park"].get_absolute_url()))

    client.force_login(liaison)  # reads the park's reports, may not rebuild them
    html = _html(client.get(page))
    assert "The data has been updated since this report was built." in html
    assert 'id="regenerate-stale"' not in html

    client.force_login(office_user)
    client.post(reverse("reforms:report_regenerate", args=[reports["park"].pk]))
    assert 'id="report-stale"' not in _html(client.get(page))  # being built with today's data


def test_asking_again_on_the_form_rebuilds_an_out_of_date_report(
    client, office_user, park, reports, change_park
):
    client.force_login(office_user)
    response = client.post(reverse("reforms:report_request"), _form(park), follow=True)
    assert "exists already" in _html(response)

    change_park()
    response = client.post(reverse("reforms:report_request"), _form(park), follow=True)
    assert "The data has changed since this report was built" in _html(response)
    report = Report.objects.get(pk=reports["park"].pk)
    assert (report.version, report.status) == (2, ReportStatus.QUEUED)
    assert response.redirect_chain[-1][0] == report.get_absolute_url()
