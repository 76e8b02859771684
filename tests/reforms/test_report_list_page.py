"""The progress report list: who sees which reports, its filters and queries, and asking for a
report."""

import re
from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse

from reforms.reporting.choices import ReportScope, ReportStatus
from reforms.reporting.models import Report
from tests.factories import ParkFactory, SubdistrictFactory
from tests.reforms import report_pages_helpers as shared
from tests.reforms.report_pages_helpers import _built, _html, _queries, _report

# The shared fixtures, bound here so pytest finds them by name.
district = shared.district
in_english = shared.in_english
no_cached_dashboard = shared.no_cached_dashboard
observer = shared.observer
on_wednesday_the_tenth_of_june = shared.on_wednesday_the_tenth_of_june


pytestmark = pytest.mark.django_db


# --- Who sees which report --------------------------------------------------------------------


@pytest.fixture
def reports(park, other_park, subdistrict):
    return {
        "district": _report(ReportScope.DISTRICT),
        "subdistrict": _report(ReportScope.SUBDISTRICT, subdistrict=subdistrict),
        "park": _report(park=park),
        "other_park": _report(park=other_park),
    }


def _listed(client):
    html = _html(client.get(reverse("reforms:report_list")))
    return {int(pk) for pk in re.findall(r'data-report="(\d+)"', html)}


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("office_user", {"district", "subdistrict", "park", "other_park"}),
        ("subdistrict_user", {"subdistrict", "park"}),
        ("park_manager", {"park"}),
        ("liaison", {"park"}),
        ("observer", {"district", "subdistrict", "park", "other_park"}),
    ],
)
def test_each_role_lists_and_opens_only_the_reports_of_its_scope(
    client, request, reports, role, sees
):
    client.force_login(request.getfixturevalue(role))
    assert _listed(client) == {reports[key].pk for key in sees}
    for key, report in reports.items():
        expected = 200 if key in sees else 404
        for name in ("report_detail", "report_status"):
            assert client.get(reverse(f"reforms:{name}", args=[report.pk])).status_code == expected
        download = client.get(reverse("reforms:report_download", args=[report.pk]))
        # Queued reports have nothing to download yet; hidden ones do not exist.
        assert download.status_code == 404


def test_a_park_manager_cannot_regenerate_another_parks_report(client, park_manager, reports, park):
    _built(reports["park"])
    _built(reports["other_park"])
    client.force_login(park_manager)
    url = reverse("reforms:report_regenerate", args=[reports["other_park"].pk])
    assert client.post(url).status_code == 404
    # Their own park's report they may build again; the first build is kept as version 1.
    response = client.post(reverse("reforms:report_regenerate", args=[reports["park"].pk]))
    assert response.status_code == 302
    reports["park"].refresh_from_db()
    assert reports["park"].version == 2 and reports["park"].status == ReportStatus.QUEUED
    assert list(reports["park"].versions.values_list("version", flat=True)) == [1]


def test_readers_who_may_not_ask_for_reports_get_no_form_and_no_regenerate(
    client, liaison, observer, reports
):
    report = _built(reports["park"])
    for user in (liaison, observer):
        client.force_login(user)
        assert client.get(reverse("reforms:report_request")).status_code == 403
        html = _html(client.get(report.get_absolute_url()))
        assert 'id="regenerate"' not in html and 'id="request-report"' not in html
        url = reverse("reforms:report_regenerate", args=[report.pk])
        assert client.post(url).status_code == 403
    report.refresh_from_db()
    assert report.version == 1


def test_regenerate_is_post_only(client, office_user, reports):
    client.force_login(office_user)
    url = reverse("reforms:report_regenerate", args=[reports["park"].pk])
    assert client.get(url).status_code == 405


def test_signed_out_visitors_are_sent_to_sign_in(client, reports):
    for name, args in [
        ("report_list", []),
        ("report_request", []),
        ("report_detail", [reports["park"].pk]),
        ("report_status", [reports["park"].pk]),
        ("report_download", [reports["park"].pk]),
        ("dashboard", []),
    ]:
        response = client.get(reverse(f"reforms:{name}", args=args))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- The list -------------------------------------------------------------------------------


def test_the_list_filters_by_scope_park_kind_status_and_period(client, office_user, reports, park):
    _built(reports["park"])
    april = _report(park=park, start=date(2026, 4, 1))
    client.force_login(office_user)

    def listed(**params):
        html = _html(client.get(reverse("reforms:report_list"), params))
        return [int(pk) for pk in re.findall(r'data-report="(\d+)"', html)]

    assert listed(scope="park", park=park.pk) == [reports["park"].pk, april.pk]  # newest first
    assert listed(scope="district") == [reports["district"].pk]
    assert listed(status="done") == [reports["park"].pk]
    assert listed(period_kind="week") == []
    # Reports whose period overlaps the dates asked for.
    assert listed(park=park.pk, date_from="2026-04-15", date_to="2026-04-20") == [april.pk]
    html = _html(client.get(reverse("reforms:report_list")))
    assert "Done" in html and "Queued" in html


def test_the_list_runs_the_same_queries_for_2_and_30_reports(client, office_user):
    client.force_login(office_user)
    subdistrict = SubdistrictFactory()
    parks = [ParkFactory(subdistrict=subdistrict) for _n in range(15)]
    for park in parks[:2]:
        _report(park=park)
    few = _queries(client, reverse("reforms:report_list"))
    for park in parks[2:]:
        _report(park=park)
        _report(park=park, start=date(2026, 4, 1))
    _report(ReportScope.SUBDISTRICT, subdistrict=subdistrict)
    _report(ReportScope.DISTRICT)
    assert Report.objects.count() == 30
    assert _queries(client, reverse("reforms:report_list")) == few


# --- Asking for a report --------------------------------------------------------------------


def test_asking_twice_makes_one_report_and_shows_it_the_second_time(client, office_user, park):
    client.force_login(office_user)
    form = {"scope": "park", "park": park.pk, "period_kind": "month", "day": "2026-05-17"}
    first = client.post(reverse("reforms:report_request"), form)
    report = Report.objects.get()
    assert first.status_code == 302 and first["Location"] == report.get_absolute_url()
    assert (report.period_start, report.period_end) == (date(2026, 5, 1), date(2026, 5, 31))
    assert report.requested_by == office_user and report.status == ReportStatus.QUEUED
    second = client.post(reverse("reforms:report_request"), form, follow=True)
    assert Report.objects.count() == 1
    assert "exists already" in second.content.decode()


def test_a_custom_period_runs_from_its_first_to_its_last_day(client, subdistrict_user, park):
    client.force_login(subdistrict_user)
    form = {
        "scope": "park",
        "park": park.pk,
        "period_kind": "custom",
        "start": "2026-03-03",
        "end": "2026-04-12",
    }
    assert client.post(reverse("reforms:report_request"), form).status_code == 302
    report = Report.objects.get()
    assert (report.period_start, report.period_end) == (date(2026, 3, 3), date(2026, 4, 12))


def test_the_form_offers_only_what_the_user_may_ask_for(
    client, park_manager, park, other_park, subdistrict
):
    client.force_login(park_manager)
    html = _html(client.get(reverse("reforms:report_request")))
    assert park.name in html and other_park.name not in html
    assert 'value="district"' not in html and 'value="subdistrict"' not in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # Anything else is answered as the API and the service answer it: a park out of reach as
    # one that does not exist (issue 12).
    for form, field, message in (
        ({"scope": "park", "park": other_park.pk}, "park", "No such park."),
        ({"scope": "park", "park": 987654321}, "park", "No such park."),
        ({"scope": "district"}, "scope", "You may not ask for a report of this scope."),
        (
            {"scope": "subdistrict", "subdistrict": subdistrict.pk},
            "scope",
            "You may not ask for a report of this scope.",
        ),
    ):
        response = client.post(
            reverse("reforms:report_request"),
            {**form, "period_kind": "month", "day": "2026-05-01"},
        )
        assert response.status_code == 200
        assert response.context["form"].errors[field] == [message]
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"period_kind": "month"}, "Pick a day in the period."),
        ({"period_kind": "month", "day": "2026-07-01"}, "The period has not started yet."),
        ({"period_kind": "month", "day": "9999-12-31"}, "Dates run from 2000-01-01"),
        ({"period_kind": "month", "day": "2026-02-30"}, "Enter a valid date."),
        ({"period_kind": "custom", "start": "2026-05-10"}, "needs its first and last day"),
        (
            {"period_kind": "custom", "start": "2026-05-10", "end": "2026-05-01"},
            "The period ends before it starts.",
        ),
        ({"period_kind": "fortnight", "day": "2026-05-01"}, "Select a valid choice"),
        ({"scope": "park", "period_kind": "month", "day": "2026-05-01"}, "Choose the park."),
        ({"scope": "park", "park": "abc", "period_kind": "month"}, "No such park."),
        (
            {"period_kind": "custom", "start": "2025-05-01", "end": "2026-05-01"},
            "A custom period is at most a year long.",
        ),
    ],
)
def test_bad_requests_are_form_errors_and_make_nothing(client, office_user, form, message):
    client.force_login(office_user)
    response = client.post(reverse("reforms:report_request"), {"scope": "district", **form})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Report.objects.exists()


def test_bad_list_parameters_never_fail(client, office_user, reports):
    client.force_login(office_user)
    for params in (
        {"date_from": "garbage"},
        {"date_to": "9999-12-31"},
        {"park": "999999"},
        {"park": "x"},
        {"scope": "galaxy"},
        {"page": "abc"},
        {"page": "9999"},
    ):
        assert client.get(reverse("reforms:report_list"), params).status_code == 200
    for pk in (999999,):
        assert client.get(reverse("reforms:report_detail", args=[pk])).status_code == 404


def test_office_staff_find_the_schedules_from_the_report_list(client, office_user, park_manager):
    client.force_login(office_user)
    html = client.get(reverse("reforms:report_list")).content.decode()
    assert f'id="report-schedules" href="{reverse("reforms:report_schedules")}"' in html
    client.force_login(park_manager)
    html = client.get(reverse("reforms:report_list")).content.decode()
    assert 'id="report-schedules"' not in html


@pytest.mark.parametrize("kind", ["week", "month", "year"])
def test_a_period_not_yet_ended_is_an_error_on_the_day_asked_for(client, office_user, kind):
    client.force_login(office_user)
    form = {"scope": "district", "period_kind": kind, "day": "2026-06-09"}  # "today" is the 10th
    response = client.post(reverse("reforms:report_request"), form)
    assert response.status_code == 200
    assert "has not ended yet" in " ".join(response.context["form"].errors.get("day", []))
    assert not Report.objects.exists()
