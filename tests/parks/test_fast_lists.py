"""The API lists' fast paths (issue 14, third round) answer byte for byte what DRF's own path
answers, in as many queries: the read plan's shorter ways to each value
(parks.core.api.reading._representer) and a page's prefetched rows kept as lists
(prefetched_as_lists). The rows are those of tests/parks/test_fast_reading.py."""

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.db.models import Prefetch
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, set_script_prefix

from grievances.api.serializers import GrievanceEventSerializer, GrievanceSerializer
from grievances.api.views.grievances import _one_shown
from grievances.models import Grievance
from parks.core.api import reading
from parks.core.api.reading import (
    PREFETCHED,
    ReadFastSerializer,
    prefetched_as_lists,
    read_as_columns_for,
)
from parks.gridlog.api.serializers import ActivitySerializer
from parks.gridlog.models import Activity, ActivityPhoto
from reforms.reporting.choices import PeriodKind, ReportScope
from reforms.reporting.models import Report
from reforms.tasks.api.serializers import TaskSerializer
from reforms.tasks.models import Task
from tests.parks import test_fast_reading
from tests.parks.test_fast_reading import NOW, USERS

# The rows of test_fast_reading, for every test here, and a subdistrict's report.
varied = test_fast_reading.varied
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("varied", "subdistrict_report")]


@pytest.fixture
def subdistrict_report(subdistrict):
    return Report.objects.create(
        scope=ReportScope.SUBDISTRICT,
        subdistrict=subdistrict,
        period_kind=PeriodKind.MONTH,
        period_start=date(2026, 4, 1),
        period_end=date(2026, 4, 30),
    )


LISTS = [
    "/api/v1/grievances/",
    "/api/v1/grievances/?unmask=1",
    "/api/v1/grievances/?page_size=2&page=2",
    "/api/v1/grievances/?status=merged",
    "/api/v1/activities/",
    "/api/v1/activities/?page_size=1",
    "/api/v1/tasks/",
    "/api/v1/tasks/?ordering=-due_date",
    "/api/v1/reports/",
]


def _answers(client, language):
    answers = []
    with time_machine.travel(NOW, tick=False):
        for path in LISTS:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
            answers.append((path, response.status_code, response.content, len(queries)))
    return answers


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("who", USERS)
def test_lists_answer_what_drf_answers_in_as_many_queries(
    request, api_as, monkeypatch, who, language
):
    client = api_as(request.getfixturevalue(who))
    _answers(client, language)  # once first: what a process reads once is not counted
    fast = _answers(client, language)
    monkeypatch.setattr(ReadFastSerializer, "read_fast", False)
    plain = _answers(client, language)
    for one, other in zip(fast, plain, strict=True):
        assert one == other, one[0]
    assert any(b'"attachments":[{' in body for _path, _status, body, _n in fast)
    if who == "office_user":
        assert any(b'"scope":"subdistrict"' in body for _path, _status, body, _n in fast)


def test_the_shorter_ways_are_taken(api_as, office_user, monkeypatch):
    """The comparison above compares the shorter ways with DRF's, not DRF's with itself."""
    taken = []
    original = reading._datetime_representer

    def counted(field, represent):
        taken.append(field.field_name)
        return original(field, represent)

    monkeypatch.setattr(reading, "_datetime_representer", counted)
    # Steps are shared by a class's responses (reading._shared_plan): make them afresh here.
    monkeypatch.setattr(GrievanceSerializer, "_shared_plans", {}, raising=False)
    api_as(office_user).get("/api/v1/grievances/")
    assert "received_at" in taken


def _lookups(queryset):
    return [
        (lookup, None, None)
        if isinstance(lookup, str)
        else (lookup.prefetch_through, lookup.to_attr, lookup.queryset)
        for lookup in queryset._prefetch_related_lookups
    ]


def test_a_page_keeps_a_to_many_fields_rows_as_a_list():
    photos = ActivityPhoto.objects.order_by("pk")
    activities = Activity.objects.prefetch_related(Prefetch("photos", queryset=photos))
    kept = prefetched_as_lists(activities, ActivitySerializer)
    assert _lookups(kept) == [("photos", PREFETCHED + "photos", photos)]
    assert str(kept.query) == str(activities.query)
    with_photo = next(row for row in kept if getattr(row, PREFETCHED + "photos"))
    assert getattr(with_photo, PREFETCHED + "photos") == list(with_photo.photos.order_by("pk"))
    grievances = prefetched_as_lists(
        Grievance.objects.prefetch_related("attachments"), GrievanceSerializer
    )
    assert _lookups(grievances) == [("attachments", PREFETCHED + "attachments", None)]


def test_other_lookups_and_serializers_are_left_as_they_are(monkeypatch):
    tasks = Task.objects.prefetch_related("milestones", "supporting_units__members")
    assert prefetched_as_lists(tasks, TaskSerializer) is tasks
    named = Task.objects.prefetch_related(Prefetch("supporting_units", to_attr="units"))
    assert prefetched_as_lists(named, TaskSerializer) is named
    events = Grievance.objects.prefetch_related("events")
    assert prefetched_as_lists(events, GrievanceEventSerializer) is events
    grievances = Grievance.objects.prefetch_related("attachments")
    monkeypatch.setattr(ReadFastSerializer, "read_fast", False)
    assert prefetched_as_lists(grievances, GrievanceSerializer) is grievances


def test_a_page_reads_of_the_joined_rows_the_columns_the_serializer_reads():
    inbox = Grievance.objects.select_related("park", "grid_zone", "handling_unit", "handler")
    read = read_as_columns_for(inbox, GrievanceSerializer)
    sql = str(read.query)
    assert '"parks_park"."name"' in sql and '"parks_user"."display_name"' in sql
    assert '"parks_user"."password"' not in sql and '"parks_park"."address"' not in sql
    # The grievance itself keeps every column.
    for field in Grievance._meta.concrete_fields:
        assert f'"grievances_grievance"."{field.column}"' in sql
    assert GrievanceSerializer.related_reads()["park"] == {"name"}
    # As columns of the row: no joined row is built.
    assert not read.query.select_related
    rows = list(read.order_by("pk"))
    assert rows and all(not row._state.fields_cache for row in rows)
    assert [row.park__name for row in rows] == [row.park.name for row in inbox.order_by("pk")]
    # An empty relation's columns are null (an outer join, as select_related's).
    assert any(row.grid_zone_id is None and row.grid_zone__code is None for row in rows)
    assert len(rows) == Grievance.objects.count()


def test_joins_the_serializer_does_not_read_as_columns_stay_joined(monkeypatch):
    deeper = Grievance.objects.select_related("park__subdistrict", "handler", "survey")
    read = read_as_columns_for(deeper, GrievanceSerializer)
    assert read.query.select_related == {"park": {"subdistrict": {}}, "survey": {}}
    assert '"parks_user"."display_name"' in str(read.query)
    assert "handler__display_name" in read.query.annotations
    everything = Grievance.objects.select_related()
    assert read_as_columns_for(everything, GrievanceSerializer) is everything
    monkeypatch.setattr(ReadFastSerializer, "read_fast", False)
    plain = Grievance.objects.select_related("park")
    assert read_as_columns_for(plain, GrievanceSerializer) is plain


def test_the_detail_keeps_its_attachments_as_a_list_page_keeps_them(
    varied, office_user, monkeypatch
):
    attached = 0
    for grievance in varied["grievances"]:
        (fast,) = _one_shown(office_user, grievance.pk)
        kept = getattr(fast, PREFETCHED + "attachments")
        assert kept == list(grievance.attachments.order_by("pk"))
        monkeypatch.setattr(ReadFastSerializer, "read_fast", False)
        (plain,) = _one_shown(office_user, grievance.pk)
        monkeypatch.setattr(ReadFastSerializer, "read_fast", True)
        assert PREFETCHED + "attachments" not in plain.__dict__
        assert list(plain.attachments.all()) == kept
        attached += bool(kept)
    assert attached  # some grievance has attachments


def test_a_nested_list_is_copied_only_for_a_response_showing_rows(
    varied, api_as, office_user, monkeypatch
):
    """parks.core.api.nested: the detail of a grievance without attachments writes `[]` with no
    copy of the nested serializer; one with attachments copies and binds it, as DRF does (the
    bytes are compared with DRF's in test_fast_reading)."""
    copied = []
    original = reading._copy

    def counted(field):
        copied.append(type(field).__name__)
        return original(field)

    monkeypatch.setattr(reading, "_copy", counted)
    client = api_as(office_user)
    shown = {}
    for grievance in varied["grievances"]:
        copied.clear()
        body = client.get(f"/api/v1/grievances/{grievance.pk}/").json()
        shown[bool(body["attachments"])] = "ListSerializer" in copied
    assert shown == {False: False, True: True}


@pytest.mark.parametrize("prefix", ["/", "/portal/"])
def test_the_report_lists_links_are_reverses_made_absolute(api_as, office_user, prefix):
    """ReportSerializer._links makes the address before the id absolute once a list
    (parks.core.row_urls.pk_url_parts): the same as each row's address reversed and made
    absolute."""
    set_script_prefix(prefix)
    try:
        response = api_as(office_user).get("/api/v1/reports/")
        rows = response.json()["results"]
        expected = {
            row["id"]: [
                response.wsgi_request.build_absolute_uri(reverse(name, args=[row["id"]]))
                for name in ("report-detail", "report-download")
            ]
            for row in rows
        }
    finally:
        set_script_prefix("/")
    assert rows and all(row["url"].startswith(f"http://testserver{prefix}api/") for row in rows)
    for row in rows:
        detail, download = expected[row["id"]]
        assert row["url"] == detail
        assert row["xlsx_url"] in (None, f"{download}?format=xlsx")
    assert any(row["xlsx_url"] for row in rows)  # a done report's links compared too
