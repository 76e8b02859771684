"""The API lists read the few columns their serializers read of joined rows as columns of their
own query (parks.core.api.columns; issue 14, seventh round): rows so read are serialized with no
query and no joined instance, into what DRF's own path writes of the joined rows, byte for byte.
The rows are those of tests/parks/test_fast_reading.py (grievances with and without a zone, a
handling unit and a handler; tasks with and without a park and an owner; reports of the
district, a subdistrict and a park)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.renderers import JSONRenderer

from grievances import selectors as grievance_selectors
from grievances.api.serializers import GrievanceSerializer
from parks.core.api import columns
from parks.core.api.reading import ReadFastSerializer, read_as_columns_for
from parks.gridlog import selectors as gridlog_selectors
from parks.gridlog.api.serializers import ActivitySerializer
from parks.structure.models import User
from reforms.reporting import freshness
from reforms.reporting import selectors as report_selectors
from reforms.reporting.api.report_serializers import ReportSerializer
from reforms.reporting.choices import ReportScope
from reforms.reporting.models import Report
from reforms.tasks import selectors as task_selectors
from reforms.tasks.api.serializers import TaskSerializer
from tests.parks import test_fast_lists, test_fast_reading

varied = test_fast_reading.varied
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("varied")]


subdistrict_report = test_fast_lists.subdistrict_report


def _lists(user):
    inbox = grievance_selectors.inbox(user=user, moments=grievance_selectors.deadline_moments())
    reports = report_selectors.reports_visible_to(user).select_related("park", "subdistrict")
    return [
        (GrievanceSerializer, inbox.prefetch_related("attachments")),
        (ActivitySerializer, gridlog_selectors.activity_list(user=user)),
        (TaskSerializer, task_selectors.task_table(user=user)),
        (ReportSerializer, freshness.with_data_changed_at(reports)),
    ]


def _written(serializer_class, rows):
    return JSONRenderer().render(serializer_class(rows, many=True).data)


@pytest.mark.usefixtures("subdistrict_report")
def test_rows_read_as_columns_write_what_drf_writes_of_the_joined_rows(office_user, monkeypatch):
    for serializer_class, rows in _lists(office_user):
        read = read_as_columns_for(rows, serializer_class)
        assert read.query.annotations.keys() > rows.query.annotations.keys(), serializer_class
        as_columns = list(read.order_by("pk"))
        assert as_columns and all(not row._state.fields_cache for row in as_columns)
        with CaptureQueriesContext(connection) as queries:
            fast = _written(serializer_class, as_columns)
        assert not queries.captured_queries, serializer_class
        monkeypatch.setattr(ReadFastSerializer, "read_fast", False)
        assert fast == _written(serializer_class, list(rows.order_by("pk"))), serializer_class
        monkeypatch.setattr(ReadFastSerializer, "read_fast", True)


def test_the_names_of_empty_and_unnamed_relations(office_user, monkeypatch):
    """An empty zone, handling unit and handler, and a handler with no display name."""
    inbox = grievance_selectors.inbox(
        user=office_user, moments=grievance_selectors.deadline_moments()
    )
    rows = list(read_as_columns_for(inbox, GrievanceSerializer).order_by("pk"))
    assert any(row.grid_zone_id is None and row.handler_id is None for row in rows)
    unnamed = next(row for row in rows if row.handler_id is not None)
    User.objects.filter(pk=unnamed.handler_id).update(display_name="")
    rows = list(read_as_columns_for(inbox, GrievanceSerializer).order_by("pk"))
    fast = GrievanceSerializer(rows, many=True).data
    assert User.objects.get(pk=unnamed.handler_id).username in [g["handler_name"] for g in fast]
    monkeypatch.setattr(ReadFastSerializer, "read_fast", False)
    assert fast == GrievanceSerializer(list(inbox.order_by("pk")), many=True).data


def test_a_model_rule_reading_a_column_not_read_reads_the_relation(office_user):
    """A stand-in holds only the declared columns: a rule reading another gives the same
    answer through the relation's own row, with a query the tests' counts see."""
    rows = list(read_as_columns_for(task_selectors.task_table(user=office_user), TaskSerializer))
    with_owner = next(row for row in rows if row.owner_id is not None)
    read = columns.str_reader(type(with_owner), "owner", frozenset({"username"}))
    with CaptureQueriesContext(connection) as queries:
        assert read(with_owner) == str(User.objects.get(pk=with_owner.owner_id))
    assert len(queries.captured_queries) == 2  # the relation's row, and the one above
    with pytest.raises(ValueError):
        columns.str_reader(type(with_owner), "title", frozenset({"name"}))


@pytest.mark.usefixtures("subdistrict_report")
def test_a_property_of_the_row_reads_its_relations_columns(office_user):
    reports = _lists(office_user)[3][1]
    reads = ReportSerializer.related_reads()
    read = columns.property_reader(Report, "scope_label", reads, fallback=_never)
    as_columns = list(read_as_columns_for(reports, ReportSerializer).order_by("pk"))
    scopes = {row.scope for row in as_columns}
    assert scopes == {ReportScope.DISTRICT, ReportScope.SUBDISTRICT, ReportScope.PARK}
    with CaptureQueriesContext(connection) as queries:
        labels = [read(row) for row in as_columns]
    assert not queries.captured_queries
    assert labels == [row.scope_label for row in reports.order_by("pk")]
    # A row without the columns (a detail) is read through its own property.
    assert [read(row) for row in reports.order_by("pk")] == labels


def _never(row):
    raise AssertionError(f"{row!r} read through the field's own path")
