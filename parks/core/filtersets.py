"""A FilterSet that copies its filters, and hands its form their fields, without deep copies.

Each FilterSet (one per request) deep-copies its class's filters, and django-filter makes it a
form class of its own from fields those copies build for it (a select's queryset is the
request's user's); Django's form then deep-copies those fields again, widgets and choices
included, as it would fields shared by every form of a class. On a list page the two copies
were about half of building the filter form. Here:

- each filter is copied as a Filter's own state needs: its attributes, its `extra` (the field's
  arguments, which building the field writes the request's queryset into) as a dict of its own,
  and its `method` bound to the copy (django-filter's FilterMethod points at its filter);
  nothing a filter holds is changed in place by django-filter (it assigns), and the pages'
  filters hold no mutable state of their own;
- the first form of a FilterSet takes its fields uncopied; any later form of the same FilterSet
  (django-filter builds one, but a caller may ask for another) copies them as Django does, so
  no two forms share a field.

Building the fields themselves (a Field, its widget and its queryset per filter, and a form
class) was still ~0.4 ms of the inbox and of the feed. A FilterSet whose fields depend on
nothing of the request but a key (`fields_key`: the user's scope, for selects of what the user
sees) builds its form class once per key; each form takes its own copy of each field as far as
a request changes one (the field, its widget, and its queryset as Django's own copy takes it),
the rest (labels, choices, validators, messages: never changed in place) shared.
"""

import copy
from collections.abc import Hashable

import django_filters
from django import forms
from django_filters.filters import FilterMethod

from parks.core.recent import Recent


def _copied(filter_):
    """`filter_` as deepcopy would leave it for one FilterSet (see the module's docstring)."""
    made = copy.copy(filter_)
    for state in ("parent", "model"):  # set on the copy by the FilterSet
        made.__dict__.pop(state, None)
    if "_field" in filter_.__dict__:
        # A field built on the class's filter (the API schema's generator builds those of
        # choice filters) is deep-copied with it, as deepcopy would.
        made._field = copy.deepcopy(filter_._field)
    made.extra = dict(filter_.extra)
    if isinstance(filter_.__dict__.get("filter"), FilterMethod):
        made.filter = FilterMethod(made)
    return made


class _Filters(dict):
    """A FilterSet class's filters, copied per FilterSet by `_copied` (FilterSet.__init__
    deep-copies base_filters)."""

    def __deepcopy__(self, memo):
        return {name: _copied(filter_) for name, filter_ in self.items()}


class _OwnFields(dict):
    """A form class's fields, handed to its one form as they are (Form.__init__ deep-copies
    base_fields: a shallow copy of the dict is what that copy comes to here)."""

    def __deepcopy__(self, memo):
        return dict(self)


def _field_copy(field: forms.Field) -> forms.Field:
    """`field` for one form: what a request changes (the field's attributes, its widget's: a
    select's queryset sets the widget's choices) its own; a queryset as Field.__deepcopy__
    leaves it (`.all()`: no rows cached on the kept field's)."""
    made = copy.copy(field)
    made.widget = copy.copy(field.widget)
    if isinstance(field, forms.ModelChoiceField) and field.queryset is not None:
        made.queryset = field.queryset  # the setter takes `.all()` of it
    return made


class _CopiedFields(dict):
    """A kept form class's fields, copied for each form by `_field_copy` (Form.__init__
    deep-copies base_fields)."""

    def __deepcopy__(self, memo):
        return {name: _field_copy(field) for name, field in self.items()}


# (FilterSet class, fields_key) -> its form class, its fields as the first FilterSet built them.
_FORM_CLASSES = Recent(256)


class OwnFieldsFilterSet(django_filters.FilterSet):
    def __init__(self, *args, **kwargs):
        self.base_filters = _Filters(type(self).base_filters)
        try:
            super().__init__(*args, **kwargs)
        finally:
            del self.base_filters

    def fields_key(self) -> Hashable | None:
        """A key holding everything this FilterSet's fields depend on, or None (built for each
        FilterSet): a subclass whose fields read nothing of the request but its user's scope
        returns access.scope_key of the user."""
        return None

    def _built_form_class(self):
        form_class = super().get_form_class()
        if not getattr(self, "_fields_handed", False):
            self._fields_handed = True
            form_class.base_fields = _OwnFields(form_class.base_fields)
        return form_class

    def get_form_class(self):
        key = self.fields_key()
        if key is None:
            return self._built_form_class()

        def made():
            form_class = super(OwnFieldsFilterSet, self).get_form_class()
            form_class.base_fields = _CopiedFields(form_class.base_fields)
            return form_class

        return _FORM_CLASSES.kept((type(self), key), made)
