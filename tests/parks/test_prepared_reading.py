"""A prepared query's rows are read as Django's own iterables read them (parks.core.prepared:
`_ReadInstances`, `_ReadFlatValues`, `_ReadValues`): the same instances, field for field, with
the same related objects (select_related, a missing one included), annotations, deferred fields,
converted values and dicts, by the same SQL; a chained queryset or a chunked read is Django's
own."""

import hashlib
import inspect

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import F, Value
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    RelatedPopulator,
    ValuesIterable,
    ValuesListIterable,
)
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from knox.models import AuthToken

from grievances import selectors
from grievances.models import Grievance
from parks.core import prepared as prepared_module
from parks.core.prepared import prepared, prepared_get
from parks.history.choices import AuditAction
from parks.history.models import AuditEvent
from parks.notices.models import Notification
from parks.structure import services
from tests.factories import GrievanceFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_plans")]

# The Django code the reading follows step for step. An upgrade that changes any of it fails
# here: read the new steps, follow them in parks.core.prepared, then update the digest.
FOLLOWED = {
    ModelIterable.__iter__: "c2a744b8c18e0b4a",
    FlatValuesListIterable.__iter__: "d5ef4d1d9df2c7f1",
    ValuesIterable.__iter__: "02f58ade3ac0f2ed",
    ValuesListIterable.__iter__: "0ae5e24afc01dfc9",
    SQLCompiler.results_iter: "d279d61b80a3a115",
    SQLCompiler.execute_sql: "c1be0e0faedcb93e",
    RelatedPopulator.populate: "c939cb628b0376fe",
}


def test_the_django_code_followed_is_unchanged():
    digests = {
        code: hashlib.sha256(inspect.getsource(code).encode()).hexdigest()[:16] for code in FOLLOWED
    }
    assert digests == FOLLOWED


def _seen(value, depth=0):
    """A model instance as everything it holds: its class, fields, annotations, where it was
    read from, and the related objects cached on it (likewise); other values as they are."""
    if not hasattr(value, "_state"):
        return value
    assert depth < 4
    fields = {name: _seen(held) for name, held in vars(value).items() if name != "_state"}
    cached = {name: _seen(held, depth + 1) for name, held in value._state.fields_cache.items()}
    return (type(value), fields, value._state.db, value._state.adding, cached)


def _read_both(build, *values, window=None):
    """(rows read here, their SQL) and (Django's own rows, their SQL): the same query."""
    with CaptureQueriesContext(connection) as fast_queries:
        fast = list(prepared(("reading", build.__name__), build, *values, window=window))
    plain_rows = build(*values)
    if window is not None:
        plain_rows = plain_rows[window[0] : window[1]]
    with CaptureQueriesContext(connection) as plain_queries:
        plain = list(plain_rows)
    return (
        ([_seen(row) for row in fast], [query["sql"] for query in fast_queries]),
        ([_seen(row) for row in plain], [query["sql"] for query in plain_queries]),
    )


def _grievances(park_id, now, response_warn, resolution_warn):
    """The detail's rows: four related objects (some missing), the deadline flags, and two
    annotations of our own."""
    moments = (now, response_warn, resolution_warn)
    return (
        selectors.with_deadline_flags(Grievance.objects.filter(park_id=park_id), moments=moments)
        .select_related("park__subdistrict", "grid_zone", "handling_unit", "handler")
        .annotate(same_park=F("park_id"), constant=Value("常量"))
        .order_by("pk")
    )


def _tokens(user_id):
    return AuthToken.objects.select_related("user").filter(user_id=user_id).order_by("pk")


def _titles_only(park_id):
    return Grievance.objects.filter(park_id=park_id).only("title", "park").order_by("pk")


def _unread(user_id):
    return (
        Notification.objects.filter(recipient_id=user_id, read_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _inbox_values(park_id, now, response_warn, resolution_warn):
    """Dict rows, as the inbox reads them: columns, a joined one, annotations."""
    moments = (now, response_warn, resolution_warn)
    return (
        selectors.with_deadline_flags(Grievance.objects.filter(park_id=park_id), moments=moments)
        .annotate(park_name=F("park__name"), constant=Value("常量"))
        .values("pk", "title", "received_at", "park_name", "constant", "deadline_flag")
        .order_by("pk")
    )


def _inbox_tuples(park_id, now, response_warn, resolution_warn):
    """Tuple rows (values_list), as the inbox's rows are read: a JSON column's converter too."""
    return _inbox_values(park_id, now, response_warn, resolution_warn).values_list(
        "pk", "title", "park_name", "deadline_flag", "received_at"
    )


def _changes(object_id):
    """A JSON column: its values go through its converter."""
    return AuditEvent.objects.filter(object_id=object_id).order_by("pk")


def _changes_tuples(object_id):
    return _changes(object_id).values_list("pk", "changes")


def test_instances_with_related_objects_and_annotations_are_djangos(park, office_user, liaison):
    GrievanceFactory(park=park, handler=office_user)
    GrievanceFactory(park=park, handler=None, grid_zone=None)
    GrievanceFactory(park=park, handler=liaison)
    fast, plain = _read_both(_grievances, park.pk, *selectors.deadline_moments())
    assert fast == plain
    assert len(fast[0]) == 3
    assert prepared_module._PLANS[(("reading", "_grievances"), "default", False)].reading


def test_a_window_of_rows_is_djangos(park):
    for _ in range(4):
        GrievanceFactory(park=park)
    fast, plain = _read_both(_grievances, park.pk, *selectors.deadline_moments(), window=(1, 3))
    assert fast == plain
    assert len(fast[0]) == 2


def test_a_token_with_its_user_deferred_fields_flat_values_and_json_are_djangos(office_user, park):
    services.api_token_create(owner=office_user, actor=office_user)
    services.api_token_create(owner=office_user, actor=office_user)
    Notification.objects.create(recipient=office_user, title="一", body="")
    Notification.objects.create(recipient=office_user, title="二", body="")
    GrievanceFactory(park=park)
    AuditEvent.objects.create(
        actor=office_user,
        action=AuditAction.UPDATE,
        content_type=ContentType.objects.get_for_model(park),
        object_id=park.pk,
        object_repr=str(park),
        changes={"名称": ["甲", "乙"], "面积": [1.5, None]},
    )
    for build, *values in (
        (_tokens, office_user.pk),
        (_titles_only, park.pk),
        (_unread, office_user.pk),
        (_changes, park.pk),
        (_inbox_values, park.pk, *selectors.deadline_moments()),
        (_inbox_tuples, park.pk, *selectors.deadline_moments()),
        (_changes_tuples, park.pk),
    ):
        fast, plain = _read_both(build, *values)
        assert fast == plain, build.__name__
        assert len(fast[0]) >= 1, build.__name__


def test_no_row_reads_as_none(park):
    fast, plain = _read_both(_grievances, park.pk, *selectors.deadline_moments())
    assert fast == plain == ([], fast[1])


def test_the_reading_runs_without_djangos_iterables(monkeypatch, park, office_user):
    """Its instances are not Django's iterables' under another name: those are not run."""
    GrievanceFactory(park=park)
    Notification.objects.create(recipient=office_user, title="一", body="")
    expected = (
        list(_grievances(park.pk, *selectors.deadline_moments())),
        list(_unread(office_user.pk)),
        list(_inbox_values(park.pk, *selectors.deadline_moments())),
        list(_inbox_tuples(park.pk, *selectors.deadline_moments())),
    )

    def refused(self):
        raise AssertionError("Django's iterable ran")

    monkeypatch.setattr(ModelIterable, "__iter__", refused)
    monkeypatch.setattr(FlatValuesListIterable, "__iter__", refused)
    monkeypatch.setattr(ValuesIterable, "__iter__", refused)
    monkeypatch.setattr(ValuesListIterable, "__iter__", refused)
    read = (
        list(prepared("refused", _grievances, park.pk, *selectors.deadline_moments())),
        list(prepared("refused_unread", _unread, office_user.pk)),
        list(prepared("refused_values", _inbox_values, park.pk, *selectors.deadline_moments())),
        list(prepared("refused_tuples", _inbox_tuples, park.pk, *selectors.deadline_moments())),
    )
    assert read == expected


def test_a_chained_queryset_and_a_chunked_read_are_djangos(park):
    first, second = GrievanceFactory(park=park), GrievanceFactory(park=park)
    moments = selectors.deadline_moments()
    rows = prepared("chained", _grievances, park.pk, *moments)
    assert [row.pk for row in rows.filter(pk=second.pk)] == [second.pk]
    assert [row.pk for row in rows.iterator()] == [first.pk, second.pk]
    assert _seen(prepared_get("by_id", _grievances, first.pk, park.pk, *moments)[0]) == _seen(
        _grievances(park.pk, *moments).get(pk=first.pk)
    )
