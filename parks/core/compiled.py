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
"""

from collections.abc import Callable, Hashable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db.models import Expression, Model, QuerySet

# (key, annotation name, database vendor) -> (sql, params: a value's position or a constant)
# (None: compiled afresh each time, see _template)
_COMPILED: dict[tuple[Hashable, str, str], tuple[str, list[tuple[bool, Any]]] | None] = {}
# key -> [(annotation name, output field)], in the order the definition adds them
_ANNOTATIONS: dict[Hashable, list[tuple[str, Any]]] = {}


def _stand_ins(values: Sequence[Any], second: bool) -> list[Any]:
    """Values of the same types that no real request uses, told apart by their position; the
    second set differs from the first in every part (year, month, day, time)."""
    stand_ins = []
    for position, value in enumerate(values):
        if isinstance(value, datetime):
            start = datetime(1972, 11, 25, 17, 43, 29, tzinfo=UTC) if second else _FIRST_MOMENT
            stand_ins.append(start + timedelta(days=position, microseconds=position + 1))
        elif isinstance(value, date):
            stand_ins.append(
                (date(1972, 11, 10) if second else date(1901, 2, 1)) + timedelta(position)
            )
        else:
            raise TypeError(f"compiled_once takes datetimes and dates, not {type(value).__name__}")
    return stand_ins


_FIRST_MOMENT = datetime(1901, 2, 3, 4, 5, 6, tzinfo=UTC)


def _template(first, second, stand_ins) -> list[tuple[bool, Any]] | None:
    """The parameters as slots — a value's position, or a constant — from two compilations
    with different stand-ins; None when a parameter follows the values in another way (a
    backend that adapts dates into text), which is then compiled afresh every time."""
    (first_sql, first_params), (second_sql, second_params) = first, second
    if first_sql != second_sql or len(first_params) != len(second_params):
        return None
    slots = []
    for one, other in zip(first_params, second_params, strict=True):
        if type(one) is type(other) and one == other:
            slots.append((False, one))
            continue
        position = next(
            (
                i
                for i, stand_in in enumerate(stand_ins)
                if type(one) is type(stand_in) and one == stand_in
            ),
            None,
        )
        if position is None:
            return None
        slots.append((True, position))
    return slots


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
        if cache_key not in _COMPILED:
            first, second = (_stand_ins(self.values, second) for second in (False, True))
            compiled = compiler.compile(self._defined(first))
            slots = _template(compiled, compiler.compile(self._defined(second)), first)
            _COMPILED[cache_key] = None if slots is None else (compiled[0], slots)
        cached = _COMPILED[cache_key]
        if cached is None:
            return compiler.compile(self._defined(self.values))
        sql, slots = cached
        return sql, [self.values[value] if is_value else value for is_value, value in slots]


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
