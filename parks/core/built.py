"""Rows built as Django builds them, without Model.__init__'s general path: the rows a
prepared query reads (parks.core.prepared: the planned API pages, their prefetched rows, the
details, the session, the user, the token) and the rows they join.

Django builds each row of a list (and each row it joins by select_related) by
`Model.from_db`, which calls `Model.__init__` with one positional value per column: it sends
`pre_init` and `post_init`, makes the row's ModelState, and sets each value through the class's
attribute for it. For a model that overrides none of these, has no receiver of either signal,
and whose columns' attributes are Django's plain DeferredAttribute (or the foreign key's id's
ForeignKeyDeferredAttribute, or a file's FileDescriptor, which on a fresh row only store the
value), that comes down to putting the ModelState and the values into the row's __dict__:
~40 % of a list page's model building (some 100–200 rows a page, ~0.3 ms).

`row_builder` is that shortcut where it holds and Django's own `from_db` for any other model;
`JoinedRows` is Django's RelatedPopulator building its rows so. Everything else (which columns,
the joined rows' links, the annotations) is Django's own code, step for step, from Django 5.2
(tests/parks/test_built_rows.py fails when Django changes any of it, and compares the rows
built both ways).
"""

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.fields.files import FileDescriptor
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query import RelatedPopulator
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init

# The attributes through which Model.__init__ stores a fresh row's value in its __dict__ as it
# is (a file column's FileDescriptor wraps it only when read; an image's updates its sizes).
_STORED_AS_IS = (DeferredAttribute, ForeignKeyDeferredAttribute, FileDescriptor)


@cache
def _plain_model(model: type[Model]) -> bool:
    """Whether `model` builds a row by Django's own from_db, __init__ and __new__, storing each
    column's value through a plain attribute (module docstring). Signals are asked per page."""
    return (
        model.__init__ is Model.__init__
        and model.from_db.__func__ is Model.from_db.__func__  # type: ignore[attr-defined]
        and model.__new__ is object.__new__
        and model.__setattr__ is Model.__setattr__
        and all(
            type(getattr(model, field.attname, None)) in _STORED_AS_IS
            for field in model._meta.concrete_fields
        )
    )


@cache
def _stored_names(model: type[Model], field_names: tuple[str, ...]) -> tuple[str, ...]:
    """The attributes `model.from_db(db, field_names, values)` sets from `values`, in order:
    every column's, positionally, when there is a value for each; else those named, in the
    model's order."""
    concrete = model._meta.concrete_fields
    if len(field_names) == len(concrete):
        return tuple(field.attname for field in concrete)
    return tuple(field.attname for field in concrete if field.attname in field_names)


def row_builder(model: type[Model], db: str, field_names: Sequence[str]) -> Callable[..., Model]:
    """values -> `model.from_db(db, field_names, values)`, or the same row built plainly."""
    if (
        not _plain_model(model)
        or pre_init.has_listeners(model)
        or post_init.has_listeners(model)
        or len(field_names) > len(model._meta.concrete_fields)
    ):
        return lambda values: model.from_db(db, field_names, values)
    names = _stored_names(model, tuple(field_names))
    if len(names) != len(field_names):
        return lambda values: model.from_db(db, field_names, values)  # a name twice, or unknown
    new = object.__new__

    def build(values: Sequence[Any]) -> Model:
        row = new(model)
        state = ModelState()
        state.adding = False
        state.db = db
        stored = row.__dict__
        stored["_state"] = state
        stored.update(zip(names, values, strict=True))
        return row

    return build


class JoinedRows:
    """Django's RelatedPopulator.populate, building its row by `row_builder`."""

    def __init__(self, django: RelatedPopulator) -> None:
        self.reorder_for_init = django.reorder_for_init
        self.cols = (getattr(django, "cols_start", 0), getattr(django, "cols_end", 0))
        self.pk_idx = django.pk_idx
        self.build = row_builder(django.model_cls, django.db, django.init_list)
        self.related_populators = [JoinedRows(deeper) for deeper in django.related_populators]
        self.local_setter = django.local_setter
        self.remote_setter = django.remote_setter

    def populate(self, row: Sequence[Any], from_obj: Model) -> None:
        if self.reorder_for_init:
            obj_data = self.reorder_for_init(row)
        else:
            obj_data = row[self.cols[0] : self.cols[1]]
        if obj_data[self.pk_idx] is None:
            obj = None
        else:
            obj = self.build(obj_data)
            for rel_iter in self.related_populators:
                rel_iter.populate(row, obj)
        self.local_setter(from_obj, obj)
        if obj is not None:
            self.remote_setter(obj, from_obj)
