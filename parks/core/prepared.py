"""Querysets compiled once per process, then run with each request's values.

A busy endpoint reading one row (the API's token, a grievance's detail) spent most of its Python
time on the ORM turning the same queryset into the same SQL again: building the filters,
listing some sixty columns of five joined tables, quoting each name. Only the values change (the
token's digest, the grievance's id, the moment "now"). `prepared(key, build, *values)` builds
and compiles `build(*values)` the first time a key is seen, with stand-in values, and afterwards
returns a queryset that runs the remembered SQL with the request's values in their places; its
rows are read by Django's own iterable into model instances, related objects and annotations as
before. A queryset that prefetches, or that comes from a related manager, is built afresh on
every use (its prefetches and known objects would be the first build's); to prefetch with a
remembered query, see parks.core.prefetched. `prepared_aggregate(key, build, *values)` does the
same for `queryset.aggregate(...)` (the rates of a period, a list's count): the SQL Django's
get_aggregation compiles is captured without running it, and each use runs it with the
aggregation's own converters.

Correct by construction, as parks.core.compiled is:

- The SQL is the very text Django compiles from `build`: it is compiled twice, with two sets of
  stand-in values that differ in every part, and each parameter is matched to the value it came
  from in both compilations; a parameter that is neither a value nor the same constant both
  times (a value Django rewrote, as `%value%` for a `contains`, or shifted, as `day + 1`) means
  the key is compiled afresh on every use (parks.core.stand_ins).
- `build` may depend on nothing but its values and `key`: whatever else shapes the SQL (the
  user's scope, a setting, the language) belongs in the key (the callers say what theirs holds).
- The queryset returned is meant to be evaluated as it is. Chaining it (`filter`, `count`,
  `get`…) gives the ordinary queryset of `build(*values)`, compiled as usual: no other query
  ever runs the remembered SQL.
- A page of rows (`window=(low, high)`: `build(*values)[low:high]`) runs the plan of the whole
  `build` with Django's LIMIT/OFFSET clause for the window after it, where Django's own SQL
  for a window of that build is the whole build's SQL followed by that clause (checked when the
  plan is made, with a window of stand-in bounds; Django inlines the bounds into the text,
  so one plan serves every page).

Its rows are read the way Django's iterable reads them (ModelIterable for instances,
FlatValuesListIterable for `values_list(..., flat=True)`, ValuesListIterable and ValuesIterable
for `values_list()` and `values()`), by a
statement PostgreSQL plans once per connection (parks.core.server_plans), with what that
iterable works out again for every query (where each model's columns start, the related
objects' populators, the annotations' columns, the converters, the dicts' keys) worked out once
with the plan (`_Reading`): ~50 µs less per query, several queries on every request (the
session, the user, the API token, the unread count, a detail), and each row and joined row is
built as Django builds it, without Model.__init__'s general path where the model allows
(parks.core.built). Any other iterable, a chunked read (`iterator()`) or a chained queryset is
Django's own, its SQL planned on every use (a related manager's rows are never planned: _plan).
tests/parks/test_prepared_reading.py pins the instances to Django's, and holds the source of
the Django code followed, so that an upgrade that changes it fails there first.
"""

import copy
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.query import (
    MAX_GET_RESULTS,
    FlatValuesListIterable,
    ModelIterable,
    ValuesIterable,
    ValuesListIterable,
    get_related_populators,
)
from django.db.models.sql import Query
from django.db.models.sql.compiler import SQLCompiler

from parks.core.built import JoinedRows, row_builder
from parks.core.recent import Recent
from parks.core.server_plans import ServerBinding, fetch_all
from parks.core.stand_ins import Slots, filled, fits, stand_ins
from parks.core.stand_ins import slots as stand_in_slots

M = TypeVar("M", bound=Model)

# (key, database alias, windowed) -> the plan, or None: compiled afresh each time; bounded
# (parks.core.recent). The bounds, from the memory each kind of plan keeps (measured with
# tracemalloc): 5-71 KB (a session's 7, a filter's choices 8, an inbox page 29, a grievance
# page 71), some 23 KB on average over the pages one user visits in a day (inbox tabs, orders
# and pages, feed pages, a park, a grievance, the API lists: ~50 keys, ~40 of them their
# scope's own); an aggregate ~25 KB. A worker spends at most ~64 MB on them: 2048 plans (~47 MB
# at the measured mix) and 256 aggregates (~6 MB), the pages of some 50 scopes (all of the
# office's people are one: access.shared_scope). 128 thrashed with three scopes, and each miss
# compiles twice what the plain path compiles once.
MAX_PLANS = 2048
MAX_AGGREGATE_PLANS = 256
_PLANS = Recent(MAX_PLANS)
# The window a windowed plan is checked with: bounds no page of 50, 25 or 200 rows has.
_CHECKED_WINDOW = (1_013, 1_042)


@dataclass(frozen=True)
class _Reading:
    """What Django's iterable derives from the compiled query before reading its rows
    (ModelIterable.__iter__, SQLCompiler.results_iter), derived once per plan and database."""

    iterable: type  # _ReadInstances or _ReadFlatValues
    model: Any
    start: int  # the model's own columns: row[start:end]
    end: int
    init_list: tuple[str, ...]  # the model's attnames
    populators: tuple[Any, ...]  # Django's RelatedPopulators (select_related), stateless
    annotations: tuple[tuple[str, int], ...]
    names: tuple[str, ...] = ()  # a dict row's keys (_ReadValues)


@dataclass(frozen=True)
class _Plan:
    queryset: QuerySet  # built with the first stand-ins: the model, the lookups to prefetch
    compiler: SQLCompiler  # compiled once: the columns, the related objects, the annotations
    sql: str
    # Per parameter: (True, the position of the value it is) or (False, a constant).
    slots: Slots
    # What each column's value goes through as it is read: a function of the columns and the
    # database's kind alone (the functions are handed the connection as they are applied).
    converters: dict[int, Any]
    reading: "_Reading | None"  # None: read by Django's own iterable
    # Whether its SQL runs as a prepared statement (parks.core.server_plans).
    binding: ServerBinding


def _compiled(queryset: QuerySet, using: str) -> tuple[SQLCompiler, str, tuple[Any, ...]] | None:
    compiler = queryset.query.get_compiler(using=using)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return None
    return compiler, sql, tuple(params)


def _plan(
    build: Callable[..., QuerySet], values: Sequence[Any], using: str, windowed: bool
) -> "_Plan | None":
    first, second = (stand_ins(values, second) for second in (False, True))
    queryset = build(*first)
    if queryset._prefetch_related_lookups or queryset._known_related_objects or queryset._hints:
        # Every use would copy these parts of the first build (a Prefetch's queryset with the
        # stand-ins, a related manager's instance): only the main SQL is checked, so such a
        # queryset is built afresh each time.
        return None
    one = _compiled(queryset, using)
    other = _compiled(build(*second), using)
    if one is None or other is None:
        return None
    slots = stand_in_slots(one[1:], other[1:], first, second)
    if slots is None:
        return None
    if windowed:
        low, high = _CHECKED_WINDOW
        window = _compiled(build(*first)[low:high], using)
        tail = connections[using].ops.limit_offset_sql(low, high)
        if window is None or window[1:] != (f"{one[1]} {tail}", one[2]):
            return None
    compiler = one[0]
    fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
    converters = compiler.get_converters(fields)
    return _Plan(
        queryset=queryset,
        compiler=compiler,
        sql=one[1],
        slots=slots,
        converters=converters,
        reading=_reading(queryset, compiler, fields, using),
        binding=ServerBinding(),
    )


def _reading(
    queryset: QuerySet, compiler: SQLCompiler, fields: list, using: str
) -> "_Reading | None":
    """ModelIterable's (and results_iter's) preparations, for the iterables read here; None for
    any other iterable, or rows Django reshapes (extra columns cut off, composite keys)."""
    if compiler.has_extra_select or compiler.has_composite_fields(fields):
        return None
    if queryset._iterable_class is FlatValuesListIterable:
        return _Reading(_ReadFlatValues, None, 0, 0, (), (), ())
    if queryset._iterable_class is ValuesListIterable:
        return _Reading(_ReadValuesList, None, 0, 0, (), (), ())
    if queryset._iterable_class is ValuesIterable:
        # ValuesIterable's names, as it works them out (its extra columns are refused above).
        query = queryset.query
        names = query.selected or [*query.values_select, *query.annotation_select]
        return _Reading(_ReadValues, None, 0, 0, (), (), (), names=tuple(names))
    if queryset._iterable_class is not ModelIterable:
        return None
    select, klass_info = compiler.select, compiler.klass_info
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    return _Reading(
        iterable=_ReadInstances,
        model=klass_info["model"],
        start=start,
        end=end,
        init_list=tuple(f[0].target.attname for f in select[start:end]),
        # django-stubs describe a later Django's signature (a fetch mode): this is 5.2's.
        populators=tuple(get_related_populators(klass_info, select, using)),  # type: ignore[call-arg]
        annotations=tuple(compiler.annotation_col_map.items()),
    )


class PreparedQuery(Query):
    """A clone of a plan's query that compiles to the plan's SQL with one use's values.

    Its own parts (the filters, the annotations' values) are the plan's stand-ins: cloning it
    (any further queryset method: `filter`, `count`, `get`…) gives instead the plain query of
    `build(*values)`, built afresh with this use's values."""

    # The plan, this use's SQL and parameters, and what the plain query is made of: the build,
    # its values and the window, if any.
    prepared: tuple[
        "_Plan",
        str,
        tuple[Any, ...],
        Callable[..., QuerySet],
        tuple[Any, ...],
        tuple[int, int] | None,
    ]

    def clone(self) -> Query:
        _plan, _sql, _params, build, values, window = self.prepared
        query = build(*values).query.clone()
        if window is not None:
            query.set_limits(*window)
        return query

    def get_compiler(
        self, using: str | None = None, connection: Any = None, elide_empty: bool = True
    ) -> SQLCompiler:
        plan, sql, params, _build, _values, _window = self.prepared
        compiler = copy.copy(plan.compiler)
        compiler.query = self
        compiler.connection = (
            connection if connection is not None else connections[using or DEFAULT_DB_ALIAS]
        )
        compiler.using = using
        # The remembered SQL and converters, for this compiler alone.
        compiler.as_sql = lambda *args, **kwargs: (sql, params)  # type: ignore[method-assign]
        compiler.get_converters = lambda expressions: plan.converters  # type: ignore[method-assign]
        return compiler


def _rows(query: "PreparedQuery", using: str) -> tuple["_Reading", Any]:
    """The plan's rows for this use, through the columns' converters (SQLCompiler.execute_sql
    and results_iter: every row read at once, as a non-chunked read does)."""
    plan, sql, params, _build, _values, _window = query.prepared
    connection = connections[using]
    # A statement PostgreSQL plans once per connection (parks.core.server_plans).
    rows: Any = fetch_all(connection, plan.binding, sql, params)
    if plan.converters:
        compiler = copy.copy(plan.compiler)
        compiler.connection = connection
        rows = compiler.apply_converters(rows, plan.converters)
    return cast(_Reading, plan.reading), rows


def _planned(iterable: Any) -> "tuple[_Reading, Any] | None":
    """The plan's reading and rows for `iterable` (one of the _Read… below), or None where it
    is Django's own: a chained queryset (a plain query) or a chunked read."""
    query = iterable.queryset.query
    if iterable.chunked_fetch or not isinstance(query, PreparedQuery):
        return None
    return _rows(query, iterable.queryset.db)


class _ReadInstances(ModelIterable):
    """ModelIterable over a prepared query's rows, its preparations done once (_Reading).
    A chained queryset (a plain query) or a chunked read is ModelIterable's own."""

    def __iter__(self) -> Iterator[Any]:
        if (planned := _planned(self)) is None:
            yield from super().__iter__()
            return
        reading, rows = planned
        using = self.queryset.db
        if not rows:  # most of a page's reads find nothing: no builders made for them
            return
        start, end = reading.start, reading.end
        # Each row and each joined row built as Django builds it, faster (parks.core.built).
        build = row_builder(reading.model, using, reading.init_list)
        populators = [JoinedRows(populator) for populator in reading.populators]
        for row in rows:
            obj = build(row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in reading.annotations:
                setattr(obj, name, row[position])
            yield obj


class _ReadFlatValues(FlatValuesListIterable):
    """FlatValuesListIterable over a prepared query's rows (as _ReadInstances)."""

    def __iter__(self) -> Iterator[Any]:
        if (planned := _planned(self)) is None:
            yield from super().__iter__()
            return
        _reading, rows = planned
        for row in rows:
            yield row[0]


class _ReadValuesList(ValuesListIterable):
    """ValuesListIterable over a prepared query's rows (as _ReadInstances): a tuple a row."""

    def __iter__(self) -> Iterator[Any]:
        if (planned := _planned(self)) is None:
            yield from super().__iter__()
            return
        _reading, rows = planned
        # Rows through converters are lists (SQLCompiler.apply_converters).
        yield from map(tuple, rows)


class _ReadValues(ValuesIterable):
    """ValuesIterable over a prepared query's rows (as _ReadInstances): a dict a row, by the
    names the plan worked out once (_Reading.names)."""

    def __iter__(self) -> Iterator[Any]:
        if (planned := _planned(self)) is None:
            yield from super().__iter__()
            return
        reading, rows = planned
        names = reading.names
        for row in rows:
            yield dict(zip(names, row, strict=False))


def prepared(
    key: Hashable,
    build: Callable[..., QuerySet[M]],
    *values: Any,
    using: str = DEFAULT_DB_ALIAS,
    window: tuple[int, int] | None = None,
) -> QuerySet[M]:
    """`build(*values)`, or its rows `low` to `high` with `window=(low, high)`, compiled once
    per `key` and database (module docstring), to be evaluated as it is (iterated, listed)."""
    if window is not None and not 0 <= window[0] < window[1]:
        # An empty window reads nothing in Django's path; an open one is not planned.
        low, high = window
        return build(*values).using(using)[low:high]
    windowed = window is not None
    plan = _PLANS.kept((key, using, windowed), lambda: _plan(build, values, using, windowed))
    if plan is None or not fits(plan.slots, values):
        queryset = build(*values).using(using)
        return queryset if window is None else queryset[window[0] : window[1]]
    queryset = plan.queryset.using(using)
    queryset.query.__class__ = PreparedQuery
    query = cast(PreparedQuery, queryset.query)
    params = tuple(filled(plan.slots, values))
    sql = plan.sql
    if window is not None:
        query.set_limits(*window)
        sql = f"{sql} {connections[using].ops.limit_offset_sql(*window)}"
    query.prepared = (plan, sql, params, build, values, window)
    if plan.reading is not None:
        queryset._iterable_class = plan.reading.iterable
    return queryset


# The largest id a BigAutoField holds. A primary key's value reaches the SQL unwrapped (not as
# an Int8 that stand_ins.fits could check), so a longer one is answered here, as Django's own
# lookup answers it: no row, no query.
LARGEST_ID = 2**63 - 1


def prepared_get(key: Hashable, rows: Callable[..., QuerySet[M]], pk: int, *values: Any) -> list[M]:
    """The rows `rows(*values).get(pk=pk)` reads (none, one, or more for a query that repeats
    rows), by the query Django's `get` runs, compiled once per `key` (`prepared`)."""
    if not -LARGEST_ID - 1 <= pk <= LARGEST_ID:
        return []

    def build(pk: int, *values: Any) -> QuerySet[M]:
        return rows(*values).filter(pk=pk).order_by()[:MAX_GET_RESULTS]

    return list(prepared(key, build, pk, *values))


# --- Aggregates ------------------------------------------------------------------------------
# A queryset's `aggregate(...)` is not a queryset to iterate: Django builds its query in
# get_aggregation (resolving every aggregate, hashing each, deciding on a subquery) before
# compiling it, ~1 ms of a rates answer for SQL that only changes in its values.


class _Captured(Exception):  # noqa: N818 (not an error: the compiled aggregation, caught below)
    def __init__(self, compiler: SQLCompiler | None, sql: str = "", params: tuple = ()):
        super().__init__()
        self.compiler, self.sql, self.params = compiler, sql, params


class _Unplanned(Exception):  # noqa: N818 (not an error: a query other than the one expected)
    pass


class _CapturingQuery(Query):
    """A query whose compiler, asked to run, hands over its SQL instead (_aggregate_plan)."""

    def get_compiler(
        self, using: str | None = None, connection: Any = None, elide_empty: bool = True
    ) -> SQLCompiler:
        if self.subquery:
            # Django aggregates in a subquery of its own (a sliced, distinct or grouped query):
            # the SQL is another compiler's, run by it. Not planned, and nothing run here.
            raise _Captured(None)
        compiler = super().get_compiler(using, connection, elide_empty)

        def capture(*args: Any, **kwargs: Any) -> Any:
            try:
                sql, params = compiler.as_sql()
            except EmptyResultSet:
                raise _Captured(None) from None
            raise _Captured(compiler, sql, tuple(params))

        compiler.execute_sql = capture
        return compiler


@dataclass(frozen=True)
class _AggregatePlan:
    compiler: SQLCompiler  # the aggregation's, to apply its converters
    sql: str
    slots: Slots
    names: tuple[str, ...]  # the aggregates, in the order of the SQL's columns
    converters: dict[int, Any]
    empty: list[Any]  # the answer over no row, as Django's


def _captured(queryset: QuerySet, aggregates: dict[str, Any], using: str) -> _Captured | None:
    """What `queryset.aggregate(**aggregates)` would run, without running anything: None where
    Django would aggregate in a subquery of its own (another compiler runs it) or the query
    cannot match (EmptyResultSet: Django answers without SQL). Should anything else try to run
    a query meanwhile, it is refused (never sent) and no plan is made."""
    query = queryset.query.chain()
    if type(query) is not Query:  # a query of its own kind (a prepared one...): left as it is
        return None
    query.__class__ = _CapturingQuery

    def refuse(*args: Any) -> Any:
        raise _Unplanned

    with connections[using].execute_wrapper(refuse):
        try:
            query.get_aggregation(using, aggregates)
        except _Captured as captured:
            return captured if captured.compiler is not None else None
        except _Unplanned:
            return None
    return None


def _aggregate_plan(
    build: Callable[..., tuple[QuerySet, dict[str, Any]]], values: Sequence[Any], using: str
) -> "_AggregatePlan | None":
    first, second = (stand_ins(values, second) for second in (False, True))
    one, other = (_captured(*build(*made), using) for made in (first, second))
    if one is None or other is None or one.compiler is None:
        return None
    slots = stand_in_slots((one.sql, one.params), (other.sql, other.params), first, second)
    if slots is None:
        return None
    compiler = one.compiler
    columns = list(compiler.query.annotation_select.values())
    if compiler.has_composite_fields(columns):
        return None
    return _AggregatePlan(
        compiler=compiler,
        sql=one.sql,
        slots=slots,
        names=tuple(compiler.query.annotation_select),
        converters=compiler.get_converters(columns),
        empty=[column.empty_result_set_value for column in columns],
    )


_AGGREGATE_PLANS = Recent(MAX_AGGREGATE_PLANS)


def prepared_aggregate(
    key: Hashable,
    build: Callable[..., tuple[QuerySet, dict[str, Any]]],
    *values: Any,
    using: str = DEFAULT_DB_ALIAS,
) -> dict[str, Any]:
    """`queryset.aggregate(**aggregates)` for `(queryset, aggregates) = build(*values)`: the
    same SQL, run with the same converters, its query built and compiled once per `key` and
    database, with the same proofs as `prepared` (module docstring): `build` depends on nothing
    but its values and `key`. Where no plan can be made (the query cannot match, Django would
    aggregate in a subquery, a value is rewritten), `build`'s aggregate, as it is."""
    plan = _AGGREGATE_PLANS.kept((key, using), lambda: _aggregate_plan(build, values, using))
    if plan is None or not fits(plan.slots, values):
        queryset, aggregates = build(*values)
        return queryset.using(using).aggregate(**aggregates)
    connection = connections[using]
    # Django's steps after compiling (SQLCompiler.execute_sql, get_aggregation): one row,
    # its columns through the aggregates' converters, named in order.
    with connection.cursor() as cursor:
        cursor.execute(plan.sql, filled(plan.slots, values))
        row = cursor.fetchone()
    if row is None:
        return dict(zip(plan.names, plan.empty, strict=True))
    compiler = copy.copy(plan.compiler)
    compiler.connection = connection
    (converted,) = compiler.apply_converters((row[: len(plan.names)],), plan.converters)
    return dict(zip(plan.names, converted, strict=True))


def forget() -> None:
    """Drop every plan (tests that change what a key stands for)."""
    _PLANS.clear()
    _AGGREGATE_PLANS.clear()
