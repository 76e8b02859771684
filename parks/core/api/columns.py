"""A list's joined rows read as columns of its own query (parks.core.api.reading).

A serializer of a list names, in `Meta.read_related`, the relations whose rows it reads only a
few columns of: a park's name (`park.name`), a person's name (`str(handler)`: the columns
User.__str__ reads). Joining such a relation (select_related) made Django build a model
instance of each joined row of each page (a grievance page: 200 of them) for the sake of a
name. A page instead fetches those columns beside the row's own, each as an annotation (`F()`,
whose join is of the kind select_related would make: inner for a required relation, outer for
one that may be empty; `read_as_columns` drops the select_related itself), named
`<relation>__<column>`, and builds no instance of them:

- a dotted source `park.name` reads the row's `park__name` (reading._step); where the
  relation is empty (`grid_zone_id` null), what DRF's path answers then (the field's default
  or null);
- `str(handler)` is the related model's own `__str__` run on the columns it reads
  (`str_reader`): a stand-in holding those columns by name, so the rule stays the model's;
- a property of the row that reads those columns of its relations (a report's
  `scope_label`: its park's or subdistrict's name), named in `Meta.read_on_columns`, is its
  own code run on the row with each such relation a stand-in (`property_reader`).

A row without the columns (a detail, DRF's own path, a queryset the page did not shape) is
read through the relation as before, and so is one whose rule reads more than the columns
declared (a query of its own); the tests compare every list with DRF's own path, byte for byte
and query for query, so such a rule fails there.
"""

import inspect
from collections import namedtuple
from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.db.models import F, QuerySet
from django.db.models.constants import LOOKUP_SEP


def column_name(relation: str, column: str) -> str:
    """The annotation a page reads `relation.column` from."""
    return f"{relation}{LOOKUP_SEP}{column}"


def foreign_key(model: Any, relation: str) -> models.ForeignKey | None:
    """`model`'s forward foreign key (or one-to-one) `relation`, or None."""
    try:
        field = model._meta.get_field(relation)
    except (AttributeError, FieldDoesNotExist):
        return None
    return field if isinstance(field, models.ForeignKey) else None


def _paths(joined: Mapping[str, Any], prefix: str = "") -> list[str]:
    """select_related's {relation: {deeper…}} as the lookups that make it."""
    paths = []
    for relation, deeper in joined.items():
        path = prefix + relation
        paths.extend(_paths(deeper, path + LOOKUP_SEP) if deeper else [path])
    return paths


def read_as_columns(queryset: QuerySet, reads: Mapping[str, frozenset[str]]) -> QuerySet:
    """`queryset`, reading each relation of `reads` ({relation: columns}) that it joins one
    step deep as those columns of its own rows instead of as joined rows (module docstring).
    Other joins stay as they are; so does a queryset that joins none of them."""
    joined = queryset.query.select_related
    if not isinstance(joined, dict):
        return queryset
    read = [
        relation
        for relation, deeper in joined.items()
        if not deeper and reads.get(relation) and foreign_key(queryset.model, relation)
    ]
    if not read:
        return queryset
    kept = [path for path in _paths(joined) if path.split(LOOKUP_SEP)[0] not in read]
    queryset = queryset.select_related(None)
    if kept:
        queryset = queryset.select_related(*kept)
    return queryset.annotate(
        **{
            column_name(relation, column): F(column_name(relation, column))
            for relation in read
            for column in sorted(reads[relation])
        }
    )


def column_reader(
    model: Any,
    relation: str,
    column: str,
    read: Callable[[Any], Any],
    missing: Callable[[Any], Any],
) -> tuple[Callable[[Any], Any], bool] | None:
    """(a function answering `row.<relation>.<column>`: the row's column where the page
    fetched it, `missing(row)` where the relation is empty, `read(row)` where the row has no
    such column; whether the relation may be empty), or None where `relation` is no foreign
    key of `model`."""
    key = foreign_key(model, relation)
    if key is None:
        return None
    name, attname = column_name(relation, column), key.attname

    def read_column(row: Any) -> Any:
        found = row.__dict__
        if name not in found or attname not in found:
            return read(row)
        return missing(row) if found[attname] is None else found[name]

    return read_column, key.null


def _stand_in(model: Any, relation: str, columns: frozenset[str]) -> tuple[str, list[str], type]:
    """(the foreign key's attname, the row's columns of the relation, a class holding them by
    name whose str() is the related model's own __str__)."""
    key = foreign_key(model, relation)
    if key is None or not columns:
        raise ValueError(f"{relation} is not a foreign key of {model} read as columns")
    names, related = sorted(columns), key.related_model
    stand_in = type(
        f"{related.__name__}Columns",
        (namedtuple(f"{related.__name__}Columns", names),),
        {"__slots__": (), "__str__": related.__str__},
    )
    return key.attname, [column_name(relation, column) for column in names], stand_in


def str_reader(model: Any, relation: str, columns: frozenset[str]) -> Callable[[Any], Any]:
    """A function answering `str(row.<relation>)`, or None where the relation is empty: from
    the row's columns where the page fetched them (read_as_columns), by the related model's
    own __str__ run on a stand-in holding them by name; through the relation otherwise."""
    attname, keys, stand_in = _stand_in(model, relation, columns)
    first = keys[0]

    def read_str(row: Any) -> Any:
        found = row.__dict__
        if first not in found or attname not in found:
            value = getattr(row, relation)
            return None if value is None else str(value)
        if found[attname] is None:
            return None
        try:
            return str(stand_in(*[found[k] for k in keys]))
        except AttributeError:
            # The rule reads more than the columns declared: the relation's own row, with a
            # query of its own (the tests' query counts tell).
            return str(getattr(row, relation))

    return read_str


def property_reader(
    model: Any, name: str, reads: Mapping[str, frozenset[str]], fallback: Callable[[Any], Any]
) -> Callable[[Any], Any]:
    """A function answering `row.<name>`, a property of `model` that reads of the relations
    `reads` names only their columns there (`Meta.read_on_columns`): the property's own code
    run on the row with each such relation a stand-in holding its columns (None where it is
    empty), where the page fetched them; the row's own property otherwise. Where DRF's path
    would do more than take the value (an error, a callable), `fallback`: the field's own."""
    rule = inspect.getattr_static(model, name)
    if not isinstance(rule, property) or rule.fget is None:
        raise ValueError(f"{name} is not a property of {model}")
    stand_ins = {
        relation: _stand_in(model, relation, columns) for relation, columns in reads.items()
    }
    firsts = frozenset(keys[0] for _attname, keys, _stand_in in stand_ins.values())

    def related(attname: str, keys: list[str], stand_in: type) -> property:
        def get(through: Any) -> Any:
            found = through.__dict__
            return None if found[attname] is None else stand_in(*[found[k] for k in keys])

        return property(get)

    # The row's own values (its __dict__, shared, not copied), the property, and each
    # relation read as columns a stand-in; anything else of the model (a method, another
    # property) is missing here, and the field's own path answers (`fallback`).
    through = type(
        f"{model.__name__}Columns",
        (),
        {name: rule, **{relation: related(*found) for relation, found in stand_ins.items()}},
    )

    def read_property(row: Any) -> Any:
        found = row.__dict__
        try:
            if found.keys() >= firsts:
                row_of_columns = through.__new__(through)
                row_of_columns.__dict__ = found
                value = getattr(row_of_columns, name)
            else:
                value = getattr(row, name)
        except (AttributeError, ObjectDoesNotExist):
            return fallback(row)
        return fallback(row) if callable(value) else value

    return read_property
