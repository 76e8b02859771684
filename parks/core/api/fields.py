"""Serializer fields every app's API shares."""

from typing import Any

from django.db import models
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

    # bind reads the model's field and the language, to_representation the labels: a read plan
    # may share the bound field across responses of one language (parks.core.api.reading).
    context_free = True

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def bind(self, field_name: str, parent: Any) -> None:
        super().bind(field_name, parent)
        self.model_field = parent.Meta.model._meta.get_field(self.source)
        # Bound once per serializer, i.e. per request: the language is looked up once, not
        # once a row (get_language reads a context-local, ~3 µs a time).
        self.labels = choice_labels(self.model_field)

    def to_representation(self, value: Any) -> str:
        return self.labels.get(value, value)


class DateTimeField(serializers.DateTimeField):
    """DRF's DateTimeField, reading the current time zone once per serializer instead of once
    per value. DRF's looks it up (a context-local read, ~3 µs) for every time it writes: some
    250 times for a page of 50 reports. Serializers are bound within the request, so the zone
    is the one the request runs in, as before. Every ModelSerializer's model DateTimeField
    becomes one (register_model_mapping)."""

    # bind reads the current time zone alone (parks.core.api.reading shares per time zone).
    context_free = True

    def bind(self, field_name: str, parent: Any) -> None:
        super().bind(field_name, parent)
        if not hasattr(self, "timezone"):  # no default_timezone given
            self.timezone = self.default_timezone()


def register_model_mapping() -> None:
    """Make DateTimeField what every ModelSerializer builds for a model DateTimeField (called
    by ParksConfig.ready; subclasses that map it themselves keep theirs)."""
    serializers.ModelSerializer.serializer_field_mapping[models.DateTimeField] = DateTimeField
