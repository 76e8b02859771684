"""A record's history read by a query compiled once per kind of record (parks.history.selectors
.object_history over parks.core.prepared) is the plain query's, statement and rows; and an
integer field's value, which Django's PostgreSQL backend wraps (psycopg's Int2, Int4, Int8),
takes its slot wrapped the same way, while a value Django changed stays compiled afresh."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from psycopg.types.numeric import Int2, Int8

from parks.core import prepared as prepared_module
from parks.core.prepared import prepared
from parks.history.models import AuditEvent
from parks.history.selectors import HISTORY_LIMIT, _of_type, audit_events, object_history
from parks.structure import services
from parks.structure.models import Park
from tests.factories import GrievanceFactory, ParkFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_plans")]


def _plain_history(instance):
    events = audit_events().filter(_of_type(type(instance)), object_id=instance.pk)
    return list(events[:HISTORY_LIMIT])


def _statements(read):
    with CaptureQueriesContext(connection) as captured:
        rows = read()
    return rows, [(query["sql"]) for query in captured]


def test_a_records_history_is_the_plain_querys(park, other_park, office_user):
    for n in range(HISTORY_LIMIT + 3):  # more than a page shows
        park.motto = f"口号{n}"
        services.park_save(park=park, industries=[], actor=office_user)
    grievance = GrievanceFactory(park=park)
    for _round in range(2):
        for instance in (park, other_park, grievance, ParkFactory()):
            fast, fast_sql = _statements(lambda instance=instance: object_history(instance))
            plain, plain_sql = _statements(lambda instance=instance: _plain_history(instance))
            assert fast == plain
            assert [event.changes for event in fast] == [event.changes for event in plain]
            assert [event.actor for event in fast] == [event.actor for event in plain]
            assert fast_sql == plain_sql
    assert len(object_history(park)) == HISTORY_LIMIT
    assert all(prepared_module._PLANS.values())  # a plan for each kind, none compiled afresh


def test_an_integer_fields_value_takes_its_slot_wrapped_as_django_wraps_it(park, office_user):
    services.park_save(park=park, industries=[], actor=office_user)
    ids = sorted(AuditEvent.objects.values_list("object_id", flat=True))

    def of_record(pk):
        return AuditEvent.objects.filter(object_id=pk).order_by("pk")

    for pk in (*ids, 10**12):
        found = prepared(("test", "of record"), of_record, pk)
        params = found.query.get_compiler("default").as_sql()[1]
        assert params == (Int8(pk),) and type(params[0]) is Int8
        assert list(found) == list(of_record(pk))
    assert prepared_module._PLANS[(("test", "of record"), "default", False)] is not None

    def since(year):  # a small integer field: Int2
        return Park.objects.filter(designation_year__gte=year).order_by("pk")

    ParkFactory(designation_year=2019)
    for year in (2018, 2020):
        found = prepared(("test", "since"), since, year)
        assert type(found.query.get_compiler("default").as_sql()[1][0]) is Int2
        assert list(found) == list(since(year))


def test_a_wrapped_value_django_changed_is_compiled_afresh(park, office_user):
    services.park_save(park=park, industries=[], actor=office_user)

    def after(pk):  # the value Django binds is pk + 1, no stand-in
        return AuditEvent.objects.filter(object_id=pk + 1).order_by("pk")

    assert list(prepared(("test", "after"), after, park.pk - 1)) == list(after(park.pk - 1))
    assert prepared_module._PLANS[(("test", "after"), "default", False)] is None


def test_a_value_beyond_its_columns_range_is_read_the_plain_way(park, office_user):
    # Found in review: the plan sent a value its column cannot hold (Int8(2**63), an out-of-range
    # small integer) where Django's own path knows no row matches and runs no SQL.
    services.park_save(park=park, industries=[], actor=office_user)

    def of_record(pk):
        return AuditEvent.objects.filter(object_id=pk).order_by("pk")

    def since(year):
        return Park.objects.filter(designation_year__gte=year).order_by("pk")

    assert list(prepared(("test", "range"), of_record, 10**12)) == []  # the plan is made
    assert list(prepared(("test", "small range"), since, 2000)) == list(since(2000))
    with CaptureQueriesContext(connection) as queries:
        assert list(prepared(("test", "range"), of_record, 2**63)) == []
        assert list(prepared(("test", "range"), of_record, -(2**63) - 1)) == []
        assert list(prepared(("test", "small range"), since, 2**15)) == []
    assert len(queries) == 0
    assert prepared_module._PLANS[(("test", "range"), "default", False)] is not None
