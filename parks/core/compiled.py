"""Annotations whose SQL is built and compiled once per process, then reused with each
request's values.

A long annotation such as the grievance deadline flags (grievances.selectors) cost a list or a
detail some milliseconds of Python on every request — building its Q objects into lookups and
compiling them — for SQL whose text never changes: only its values do (the moment "now", the
day "today"). `compiled_once` keeps the definition where it is, a function that annotates a
queryset, and turns its annotations into expressions that compile it the first time, with
stand-in values, and afterwards only put the request's values into the remembered
parameters. The SQL is the very text Django compiles from the definition, so indexes, plans and
results are the same; filtering and ordering on the annotations work as on any other.

Rows of a queryset used inside another (`pk__in=…`, Exists) have their table renamed by
Django; there the definition is compiled afresh, renamed the same way, as before.

`compiled_aggregates` does the same for aggregates (the grievance figures of grievances.rates:
some fifteen COUNT … FILTER columns a query, built and compiled on every rates answer and five
times in a cold dashboard), setting up the joins their definition needs on each query.
"""

from collections.abc import Callable, Hashable, Sequence
from datetime import date, datetime
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Expression, Model, QuerySet
from django.utils.functional import cached_property

from parks.core.recent import forgotten_with_the_database
from parks.core.stand_ins import Slots, filled, fits, stand_ins
from parks.core.stand_ins import slots as stand_in_slots

# (key, annotation name, database vendor) -> (sql, params: a value's position or a constant)
# (None: compiled afresh each time, see parks.core.stand_ins). Its SQL may hold constants read
# from the database (content types' ids): forgotten when the database is made anew.
_COMPILED: dict[tuple[Hashable, str, str], tuple[str, Slots] | None] = forgotten_with_the_database(
    {}
)
_UNKNOWN: Any = object()
# key -> [(annotation name, output field)], in the order the definition adds them
_ANNOTATIONS: dict[Hashable, list[tuple[str, Any]]] = {}


class CompiledOnce(Expression):
    """One annotation of `build(queryset, *values)`, compiled once per key (module docstring)."""

    def __init__(self, build, name, values, key, output_field):
        super().__init__(output_field=output_field)
        self.build, self.name, self.values, self.key = build, name, tuple(values), key
        self.model: type[Model] | None = None
        self.alias: str | None = None

    def __repr__(self) -> str:
        return f"CompiledOnce({self.name!r}, {self.values!r})"

    def get_source_expressions(self):
        return []

    def resolve_expression(
        self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False
    ):
        resolved = self.copy()
        resolved.model = query.model
        resolved.alias = query.get_initial_alias()
        resolved.is_summary = summarize
        return resolved

    def relabeled_clone(self, change_map):
        clone = self.copy()
        clone.alias = change_map.get(self.alias, self.alias)
        return clone

    def _defined(self, values: Sequence[Any]) -> Expression:
        """The annotation as the definition builds it, resolved on a fresh query whose table
        keeps its own name."""
        return self.build(self.model._default_manager.all(), *values).query.annotations[self.name]

    def as_sql(self, compiler, connection):
        table = self.model._meta.db_table
        if self.alias != table:
            return compiler.compile(self._defined(self.values).relabeled_clone({table: self.alias}))
        cache_key = (self.key, self.name, connection.vendor)
        cached = _COMPILED.get(cache_key, _UNKNOWN)
        if cached is _UNKNOWN:
            first, second = (stand_ins(self.values, second) for second in (False, True))
            compiled = compiler.compile(self._defined(first))
            slots = stand_in_slots(compiled, compiler.compile(self._defined(second)), first, second)
            cached = _COMPILED[cache_key] = None if slots is None else (compiled[0], slots)
        if cached is None or not fits(cached[1], self.values):
            return compiler.compile(self._defined(self.values))
        sql, slots = cached
        return sql, filled(slots, self.values)


def compiled_once(
    queryset: QuerySet,
    build: Callable[..., QuerySet],
    values: Sequence[datetime | date],
    *,
    key: Hashable,
) -> QuerySet:
    """`build(queryset, *values)`, with each annotation it adds compiled once per `key` and
    process. `build` must depend on nothing but its arguments and `key` (put any setting it
    reads into the key), and its annotations may name only the model's own columns."""
    annotations = _ANNOTATIONS.get(key)
    if annotations is None:
        defined = build(queryset.model._default_manager.none(), *values).query.annotations
        annotations = _ANNOTATIONS[key] = [
            (name, annotation.output_field) for name, annotation in defined.items()
        ]
    return queryset.annotate(
        **{
            name: CompiledOnce(build, name, values, key, output_field)
            for name, output_field in annotations
        }
    )


# --- Aggregates ------------------------------------------------------------------------------
# (key, name, vendor) -> the definition's joins: [(relation name, table, join type)], or None
# when it joins otherwise than one hop from the model's table (then never compiled once)
_JOINS: dict[tuple[Hashable, str, str], list[tuple[str, str, str]] | None] = {}
# key -> {aggregate name: (output field, value over no rows)}, in the order `build` returns them
_AGGREGATE_FIELDS: dict[Hashable, dict[str, tuple[Any, Any]]] = {}


# CompiledAggregate's constructor arguments, in order (its identity).
_AGGREGATE_ARGUMENTS = ("model", "build", "name", "values", "key", "output_field")


class CompiledAggregate(Expression):
    """One aggregate of `build(*values)` (a dict of aggregate expressions over `model`),
    resolved and compiled once per key, name and database vendor; see compiled_aggregates."""

    contains_aggregate = True

    def __init__(self, model, build, name, values, key, output_field):
        super().__init__(output_field=output_field)
        self.model, self.build, self.name = model, build, name
        self.values, self.key = tuple(values), key
        self.vendor = ""
        # The aliases the compiled SQL names: the model's table and each joined table.
        self.aliases: dict[str, str] = {}

    def __repr__(self) -> str:
        return f"CompiledAggregate({self.name!r}, {self.values!r})"

    @cached_property
    def identity(self) -> tuple[Any, ...]:
        # Django's identity (Expression.identity) binds the constructor's arguments through
        # inspect.signature; get_aggregation hashes each aggregate (as itself and inside its
        # Ref), some 40 bindings a rates answer. The same tuple, built without binding where
        # the arguments came positionally, as compiled_aggregates passes them (pinned equal to
        # Django's in tests/parks/test_compiled_identity.py).
        args, kwargs = self._constructor_args  # type: ignore[attr-defined]
        if kwargs or len(args) != len(_AGGREGATE_ARGUMENTS):
            return super().identity
        return (
            self.__class__,
            *(
                (name, Expression._identity(value))  # type: ignore[attr-defined]
                for name, value in zip(_AGGREGATE_ARGUMENTS, args, strict=True)
            ),
        )

    def get_source_expressions(self):
        return []

    def get_group_by_cols(self):
        return []

    def _defined(self):
        return self.build(*self.values)[self.name]

    def _joins(self, vendor: str) -> list[tuple[str, str, str]] | None:
        """The joins the definition adds, learnt once by resolving it on a fresh query."""
        cache_key = (self.key, self.name, vendor)
        if cache_key not in _JOINS:
            query = self.model._default_manager.all().query.chain()
            base = query.get_initial_alias()
            self._defined().resolve_expression(query, allow_joins=True, summarize=False)
            joins = []
            for alias, join in query.alias_map.items():
                # A join trimmed away (`handling_unit__isnull`) stays unreferenced, out of the SQL.
                if alias == base or not query.alias_refcount[alias]:
                    continue
                if getattr(join, "parent_alias", None) != base or alias != join.table_name:
                    joins = None
                    break
                joins.append((join.join_field.name, join.table_name, join.join_type))
            _JOINS[cache_key] = joins
        return _JOINS[cache_key]

    def resolve_expression(
        self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False
    ):
        # Compiled once only where the SQL is the definition's very text: the query is of the
        # model, its table and the joined tables keep their own names, and subqueries are named
        # from "U" (a query not itself nested). Anywhere else the definition, as it always was.
        if self.aliases:
            # Resolved already (an annotation of a query nested in another is resolved again,
            # against the outer query): its columns are its own query's, as a Col's are.
            return self.copy()
        vendor = connections[DEFAULT_DB_ALIAS].vendor
        table = self.model._meta.db_table
        joins = self._joins(vendor) if query is not None and query.model is self.model else None
        if (
            joins is None
            or not allow_joins
            or query.alias_prefix != "T"
            or query.get_initial_alias() != table
            # Django aggregates such a query in a subquery of its own, moving each aggregate's
            # columns into it (get_aggregation): not an aggregate whose SQL is already written.
            or (
                summarize
                and (
                    query.group_by is not None
                    or query.is_sliced
                    or query.distinct
                    or query.combinator
                )
            )
        ):
            return self._defined().resolve_expression(query, allow_joins, reuse, summarize)
        aliases = {table: table}
        for relation, joined_table, join_type in joins:
            info = query.setup_joins([relation], self.model._meta, table)
            alias = info.joins[-1]
            if alias != joined_table or query.alias_map[alias].join_type != join_type:
                return self._defined().resolve_expression(query, allow_joins, reuse, summarize)
            aliases[joined_table] = alias
        resolved = self.copy()
        resolved.vendor, resolved.aliases, resolved.is_summary = vendor, aliases, summarize
        return resolved

    def relabeled_clone(self, change_map):
        clone = self.copy()
        clone.aliases = {
            table: change_map.get(alias, alias) for table, alias in self.aliases.items()
        }
        return clone

    def as_sql(self, compiler, connection):
        prefix = compiler.query.alias_prefix
        renamed = any(table != alias for table, alias in self.aliases.items())
        if renamed or connection.vendor != self.vendor or prefix != "T":
            # Nested in another query since it was resolved (its tables renamed, its subqueries
            # to be named after the query's): the definition compiled afresh, named as the
            # query names its tables now.
            return self._compile_fresh(self.values, connection, prefix, compiler)
        cache_key = (self.key, self.name, connection.vendor)
        cached = _COMPILED.get(cache_key, _UNKNOWN)
        if cached is _UNKNOWN:
            first, second = (stand_ins(self.values, second) for second in (False, True))
            compiled = [self._compile_fresh(values, connection) for values in (first, second)]
            slots = stand_in_slots(compiled[0], compiled[1], first, second)
            cached = _COMPILED[cache_key] = None if slots is None else (compiled[0][0], slots)
        if cached is None or not fits(cached[1], self.values):
            return self._compile_fresh(self.values, connection)
        sql, slots = cached
        return sql, filled(slots, self.values)

    def _compile_fresh(self, values, connection, prefix="T", compiler=None):
        """The definition with `values`, resolved on a fresh query of the model whose aliases
        start with `prefix` (so its subqueries are named past the query's own), compiled with
        its tables named as this expression's query names them."""
        query = self.model._default_manager.all().query.chain()
        query.alias_prefix = prefix
        defined = self.build(*values)[self.name].resolve_expression(
            query, allow_joins=True, summarize=self.is_summary
        )
        # The query's own compiler, where given: it tells its aliases from table names.
        compiler = compiler or query.get_compiler(connection=connection)
        renamed = {table: alias for table, alias in self.aliases.items() if table != alias}
        return compiler.compile(defined.relabeled_clone(renamed) if renamed else defined)


def compiled_aggregates(
    model: type[Model],
    build: Callable[..., dict[str, Expression]],
    values: Sequence[datetime | date],
    *,
    key: Hashable,
) -> dict[str, Expression]:
    """`build(*values)`, a dict of aggregate expressions over `model` (`queryset.aggregate(**…)`
    or a grouped `.annotate(**…)`), each resolved and compiled once per `key` and process: the
    joins the definition needs are set up on each query, and the SQL remembered with the first
    compilation, with only `values` put in afresh. `build` must depend on nothing but its
    arguments and `key` (put anything else it reads, such as a setting, into the key)."""
    fields = _AGGREGATE_FIELDS.get(key)
    if fields is None:
        # Each aggregate's output field, as resolving it on a fresh query gives it.
        query = model._default_manager.all().query.chain()
        fields = _AGGREGATE_FIELDS[key] = {
            name: (resolved.output_field, resolved.empty_result_set_value)
            for name, expression in build(*values).items()
            for resolved in [expression.resolve_expression(query, summarize=False)]
        }
    aggregates: dict[str, Expression] = {}
    for name, (output_field, empty) in fields.items():
        aggregate = aggregates[name] = CompiledAggregate(
            model, build, name, values, key, output_field
        )
        # What the definition is over no rows (0 for a Count): Django answers a query that
        # cannot match (EmptyResultSet) with these values and runs no SQL, as it did for the
        # definition; NotImplemented (Django's default) would make it run `WHERE 0 = 1`.
        aggregate.empty_result_set_value = empty
    return aggregates
