"""Serializer fields every app's API shares."""

from typing import Any

from django.db.models import Field
from django.utils.translation import get_language
from rest_framework import serializers

# {(model field, language): {value: translated label}}: a field's labels are translated once per
# language and process (the catalogues do not change while the process runs).
_LABELS: dict[tuple[Field, str | None], dict[Any, str]] = {}


def choice_labels(model_field: Field) -> dict[Any, str]:
    """{value: label} of a model field's choices, translated into the active language."""
    key = (model_field, get_language())
    labels = _LABELS.get(key)
    if labels is None:
        labels = _LABELS[key] = {value: str(label) for value, label in model_field.flatchoices}
    return labels


class ChoiceLabelField(serializers.CharField):
    """The label of a model field's choice (what `get_<field>_display()` gives; a value outside
    the choices, such as a blank satisfaction, as itself), read-only:
    `kind_display = ChoiceLabelField(source="kind")`.

    Django's `get_<field>_display()` hashes the field's whole list of choices, labels and all,
    on every call, and hashing a lazy label translates it: a page of 50 grievances translated
    some 1,600 labels to show 200. Here the labels are translated once per language.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def bind(self, field_name: str, parent: Any) -> None:
        super().bind(field_name, parent)
        self.model_field = parent.Meta.model._meta.get_field(self.source)

    def to_representation(self, value: Any) -> str:
        return choice_labels(self.model_field).get(value, value)
