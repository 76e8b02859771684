"""get_<field>_display() of the models drawn on the busy pages (parks.core.choice_display) say
what Django's own says, in each language, for every choice, a value without a choice and none."""

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from parks.core.choice_display import ChoiceDisplayMixin

MODELS = [model for model in apps.get_models() if issubclass(model, ChoiceDisplayMixin)]


def test_the_busy_pages_models_use_it():
    names = {model._meta.label for model in MODELS}
    assert {
        "grievances.Grievance",
        "grievances.GrievanceEvent",
        "parks.Activity",
        "parks.Park",
        "parks.User",
        "parks.AuditEvent",
    } <= names


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_each_label_is_djangos(model, language):
    fields = [field for field in model._meta.concrete_fields if field.choices]
    assert fields, model
    for field in fields:
        values = [value for value, _label in field.flatchoices]
        for value in [*values, "no-such-choice", "", None]:
            instance = model()
            setattr(instance, field.attname, value)
            with translation.override(language):
                # Twice: the first call keeps the field's labels, the second reads them.
                shown = [getattr(instance, f"get_{field.name}_display")() for _ in range(2)]
                expected = models.Model._get_FIELD_display(instance, field)
            assert shown == [expected, expected], (field, value, language)


def test_a_label_follows_the_language_after_it_was_kept():
    grievance_model = apps.get_model("grievances", "Grievance")
    grievance = grievance_model(status="received")
    with translation.override("zh-hans"):
        chinese = grievance.get_status_display()
    with translation.override("en"):
        english = grievance.get_status_display()
    assert chinese != english
    assert english == "Received"
