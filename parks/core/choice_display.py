"""`get_<field>_display()` without translating every choice on each call.

Django's own builds a dict of the field's (value, label) pairs on every call, hashing each lazy
label — that is, translating all of them — to show one: a page of 25 grievances showing status,
category and channel translated some 1,500 labels. The mixin keeps that dict per field (the
labels stay lazy, so each call still speaks the request's language) and returns what Django's
returns: the label of the value, or the value itself when it has none.
"""

from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


class ChoiceDisplayMixin:
    """Put before models.Model in a model's bases: its get_FOO_display() use this one."""

    def _get_FIELD_display(self, field):
        return choice_label(field, getattr(self, field.attname))


def choice_label(field, value):
    """What `get_<field>_display()` returns for `value`: for a list read as columns, without a
    model instance (parks.gridlog.views.feed_rows)."""
    labels = field.__dict__.get("_labels_by_value")
    if labels is None:
        labels = dict(make_hashable(field.flatchoices))
        if choices_fixed(field):
            field._labels_by_value = labels
    # force_str() coerces the lazy label in the current language, as Django's does.
    return force_str(labels.get(make_hashable(value), value), strings_only=True)


def choices_fixed(field) -> bool:
    """Whether a field's choices may be read once and kept: choices given as a callable may
    change, and are read again on every use."""
    return isinstance(field.choices, list | tuple)
