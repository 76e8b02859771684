"""To-many prefetches of a page of rows, each relation's rows read by SQL compiled once
(parks.core.prepared).

Django's prefetch of a to-many relation for a page of rows filters on `<fk> IN (<one value per
row>)`: its SQL changes with the number of rows, so it is built and compiled afresh on every
page (~1-1.5 ms of a list's 50 rows, normalising each row's value on the way). The same
condition written `<fk> = ANY(<one array>)` has one parameter for any number of rows, and so
one plan per relation and key; PostgreSQL reads `x IN (a, b)` as `x = ANY(ARRAY[a, b])` itself
(the same plan, the same rows in the same order). The rows are then assigned by Django's own
prefetch_one_level, as its prefetch_related_objects does.
"""

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.db import connections, router
from django.db.models import Lookup, Model, Prefetch, QuerySet, prefetch_related_objects
from django.db.models.constants import LOOKUP_SEP
from django.db.models.expressions import Col
from django.db.models.fields.related_descriptors import (
    ManyToManyDescriptor,
    ReverseManyToOneDescriptor,
    _filter_prefetch_queryset,
)
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.query import prefetch_one_level
from django.db.models.sql.compiler import SQLCompiler
from django.db.models.sql.where import WhereNode

from parks.core.prepared import prepared


class AnyOf(Lookup):
    """`<column> = ANY(<array>::<the column's type>[])`, the array given as PostgreSQL's text
    of it (`{1,2,3}`): a string, which parks.core.stand_ins takes as one value. It takes the
    place of Django's own `IN` in the query Django's prefetch builds (_filtered)."""

    lookup_name = "any_of"  # never registered on a field: put in a query's conditions only
    prepare_rhs = False

    def as_sql(self, compiler: SQLCompiler, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, params = compiler.compile(self.lhs)
        db_type = self.lhs.output_field.cast_db_type(connection)
        return f"{lhs} = ANY(%s::{db_type}[])", (*params, self.rhs)


# The one value the query Django's prefetch builds is built with here, before its condition
# becomes AnyOf: never sent (a small positive id, which no integer column's range drops).
_MARKER = 1


def _swapped(node: WhereNode, array: str) -> int:
    """Put AnyOf in the place of each `IN (_MARKER)` of the related field in `node`; how many
    there were."""
    swapped = 0
    for position, child in enumerate(node.children):
        if isinstance(child, WhereNode):
            swapped += _swapped(child, array)
        elif (
            type(child) is RelatedIn
            and isinstance(child.lhs, Col)
            and isinstance(child.rhs, list)
            and child.rhs == [_MARKER]
        ):
            node.children[position] = AnyOf(child.lhs, array)
            swapped += 1
    return swapped


# {(descriptor, field name): whether the query Django's prefetch builds of the related model's
# own queryset is one plain `IN` (_filtered is not None)}: that query is made of the model's
# fields alone, so it is asked once per relation, not on every page (~50 µs a relation).
_PLAIN_IN: dict[tuple[Any, str], bool] = {}


def _swappable(descriptor: Any, base: QuerySet, field_name: str, own: bool) -> bool:
    """Whether `_filtered(base, field_name, …)` is not None; remembered for the related
    model's own queryset (`own`), asked afresh for a Prefetch's."""
    if not own:
        return _filtered(base, field_name, "{}") is not None
    key = (descriptor, field_name)
    known = _PLAIN_IN.get(key)
    if known is None:
        known = _PLAIN_IN[key] = _filtered(base, field_name, "{}") is not None
    return known


def _filtered(base: QuerySet, field_name: str, array: str) -> QuerySet | None:
    """The query Django's prefetch runs (its own _filter_prefetch_queryset: the same joins,
    the same join types), its `<field> IN (…)` written `<column> = ANY(<array>)`; None where
    that condition is not one plain `IN` of one column."""
    rows = _filter_prefetch_queryset(base._chain(), field_name, [_MARKER])
    return rows if _swapped(rows.query.where, array) == 1 else None


def _one_level(lookup: Any) -> tuple[Prefetch, str, QuerySet | None] | None:
    """The lookup as a Prefetch (as Django normalises it), the relation and the queryset
    (None: the related model's own) of a lookup that names one relation; None for any other
    lookup."""
    if isinstance(lookup, str):
        lookup = Prefetch(lookup)
    elif not isinstance(lookup, Prefetch):
        return None
    name, queryset = lookup.prefetch_through, lookup.queryset
    if LOOKUP_SEP in name:
        return None
    if queryset is not None and (
        type(queryset) is not QuerySet
        or queryset.query.is_sliced
        or queryset._prefetch_related_lookups
        or queryset._known_related_objects
    ):
        return None  # Django's path filters it otherwise, or prefetches further
    if LOOKUP_SEP in lookup.prefetch_to:
        return None
    return lookup, name, queryset


@dataclass(frozen=True)
class _ToMany:
    """What Django's get_prefetch_querysets of a to-many relation answers besides its rows
    (related_descriptors: create_reverse_many_to_one_manager and
    create_forward_many_to_many_manager), and the queryset its rows are read by, given the
    rows' values as an array's text."""

    build: Callable[[str], QuerySet]
    using: str
    rel_obj_attr: Callable[[Model], tuple[Any, ...]]
    instance_attr: Callable[[Model], tuple[Any, ...]]
    cache_name: str
    field: Any  # a reverse foreign key's field, whose rows point back at their instance


def _to_many(instance: Model, name: str, queryset: QuerySet | None) -> _ToMany | None:
    descriptor = getattr(type(instance), name, None)
    if type(descriptor) not in (ReverseManyToOneDescriptor, ManyToManyDescriptor):
        return None
    manager = getattr(instance, name)
    # The rows' queryset as Django's prefetch starts it: the Prefetch's, else the related
    # model's manager's own (`super().get_queryset()` of the related manager).
    base = queryset if queryset is not None else super(type(manager), manager).get_queryset()
    if base._prefetch_related_lookups or base._known_related_objects or base.query.is_sliced:
        return None
    # Its database, as Django's picks it: the queryset's, the manager's, else the router's
    # for the first instance (the hint Django's prefetch adds).
    using = base._db or manager._db or router.db_for_read(base.model, instance=instance)
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None  # `= ANY(<array>)` is PostgreSQL's; SQLite (the demo) runs Django's own
    if type(descriptor) is ReverseManyToOneDescriptor:
        field = manager.field
        if not _swappable(descriptor, base, field.name, queryset is None):
            return None

        def build_reverse(array: str) -> QuerySet:
            return cast(QuerySet, _filtered(base, field.name, array))

        return _ToMany(
            build=build_reverse,
            using=using,
            rel_obj_attr=field.get_local_related_value,
            instance_attr=field.get_foreign_related_value,
            cache_name=field.remote_field.cache_name,
            field=field,
        )
    if descriptor.reverse:
        return None  # the reverse side of a many-to-many: not needed, not planned
    fk = manager.through._meta.get_field(manager.source_field_name)
    join_table = connection.ops.quote_name(fk.model._meta.db_table)
    columns = {
        f"_prefetch_related_val_{f.attname}": f"{join_table}.{connection.ops.quote_name(f.column)}"
        for f in fk.local_related_fields
    }

    if not _swappable(descriptor, base, manager.query_field_name, queryset is None):
        return None

    def build_many(array: str) -> QuerySet:
        rows = cast(QuerySet, _filtered(base, manager.query_field_name, array))
        # Django's own select of the join table's column (quoted names, no value).
        return rows.extra(select=columns)  # noqa: S610

    def rel_obj_attr(result: Model) -> tuple[Any, ...]:
        return tuple(
            f.get_db_prep_value(getattr(result, f"_prefetch_related_val_{f.attname}"), connection)
            for f in fk.local_related_fields
        )

    def instance_attr(inst: Model) -> tuple[Any, ...]:
        return tuple(
            f.get_db_prep_value(getattr(inst, f.attname), connection)
            for f in fk.foreign_related_fields
        )

    return _ToMany(
        build=build_many,
        using=using,
        rel_obj_attr=rel_obj_attr,
        instance_attr=instance_attr,
        cache_name=manager.prefetch_cache_name,
        field=None,
    )


class _Read:
    """A prefetcher for Django's prefetch_one_level whose rows were read already."""

    def __init__(self, rows: list[Model], to_many: _ToMany) -> None:
        self.answer = (rows, to_many.rel_obj_attr, to_many.instance_attr, False)
        self.answer += (to_many.cache_name, False)

    def get_prefetch_querysets(self, instances: Any, querysets: Any = None) -> tuple:
        return self.answer


def prefetch_planned(instances: list[Model], lookups: Sequence[Any], key: Hashable) -> None:
    """`prefetch_related_objects(instances, *lookups)` for freshly read rows, each to-many
    relation's rows read by a plan per `key` and relation (`<fk> = ANY(<array>)`, above) where
    every lookup names one relation (a reverse foreign key or a many-to-many) of rows whose
    values are integers; otherwise Django's own. `key` holds all the lookups' querysets depend
    on. The rows are assigned by Django's own prefetch_one_level, as Django's path does."""
    if not instances or not lookups:
        prefetch_related_objects(instances, *lookups)
        return
    first = instances[0]
    model = type(first)
    read: list[tuple[Prefetch, _ToMany, str]] = []
    seen: set[str] = set()
    for lookup in lookups:
        one = _one_level(lookup)
        if one is None or one[0].prefetch_to in seen:
            prefetch_related_objects(instances, *lookups)  # as Django would: skip, or refuse
            return
        prefetch, name, queryset = one
        to_many = _to_many(first, name, queryset)
        if to_many is None:
            prefetch_related_objects(instances, *lookups)
            return
        seen.add(prefetch.prefetch_to)
        keys = []
        for instance in instances:
            fresh = (
                not {"_prefetched_objects_cache", prefetch.prefetch_to} & instance.__dict__.keys()
            )
            if type(instance) is not model or not fresh:
                prefetch_related_objects(instances, *lookups)
                return
            value = to_many.instance_attr(instance)
            if len(value) != 1 or type(value[0]) is not int:
                prefetch_related_objects(instances, *lookups)
                return
            keys.append(value[0])
        array = "{" + ",".join(map(str, dict.fromkeys(keys))) + "}"
        read.append((prefetch, to_many, array))
    # Django's steps from here (prefetch_related_objects): every row gets its cache, then
    # each lookup in order is read and assigned by prefetch_one_level.
    for instance in instances:
        instance._prefetched_objects_cache = {}
    for prefetch, to_many, array in read:
        plan_key = (key, "prefetch", prefetch.prefetch_through)
        planned = prepared(plan_key, to_many.build, array, using=to_many.using)
        rows = list(planned)
        if to_many.field is not None:
            # As the reverse foreign key's prefetch does: each row points at its instance.
            field = to_many.field
            by_value = {to_many.instance_attr(instance): instance for instance in instances}
            for row in rows:
                if not field.is_cached(row):
                    field.set_cached_value(row, by_value[to_many.rel_obj_attr(row)])
        prefetch_one_level(instances, _Read(rows, to_many), prefetch, 0)
