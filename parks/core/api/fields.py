"""Serializer fields every app's API shares."""

from typing import Any

from rest_framework import serializers


class ChoiceLabelField(serializers.CharField):
    """The label of a model field's choice (what `get_<field>_display()` gives), read-only:
    `kind_display = ChoiceLabelField(source="kind")`.

    Django's `get_<field>_display()` hashes the field's whole list of choices, labels and all,
    on every call, and hashing a lazy label translates it: a page of 50 tasks translated ~700
    labels to show 100. Here the labels are looked up by value and only the one shown is
    translated, in the request's language as before.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def bind(self, field_name: str, parent: Any) -> None:
        super().bind(field_name, parent)
        model_field = parent.Meta.model._meta.get_field(self.source)
        # {value: lazy label}: building it hashes the values only.
        self.labels = dict(model_field.flatchoices)

    def to_representation(self, value: Any) -> str:
        return str(self.labels.get(value, value))
