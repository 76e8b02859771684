"""Form parts every domain's forms share: Bootstrap classes, date inputs, several files at once."""

from collections.abc import Iterator
from typing import Any

from django import forms
from django.db.models.fields import BLANK_CHOICE_DASH
from django.utils.translation import gettext_lazy as _

# Django's "---------" for an empty choice. Filters say "All" (the filter bar draws that);
# a form's select with nothing chosen yet says "Choose…".
DASHES = BLANK_CHOICE_DASH[0][1]
EMPTY_CHOICE = _("Choose…")


def without_dashes(field: forms.Field) -> None:
    """Replace the "---------" of a select's empty choice with words."""
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == DASHES:
            field.empty_label = EMPTY_CHOICE
    elif isinstance(field, forms.ChoiceField) and not callable(field.choices):
        field.choices = [
            (value, EMPTY_CHOICE if label == DASHES else label) for value, label in field.choices
        ]


class ListedChoiceIterator(forms.models.ModelChoiceIterator):
    """A model select's options read by one plain query. Django reads them through
    `queryset.iterator()`, which with production's server-side cursors declares a cursor WITH
    HOLD outside a transaction: more round trips and the rows kept at commit, for a list of some
    dozen people or units (1.5 ms of the grievance page's mediator select). Same options, same
    order, one query as before."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that accepts several files at once and cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        clean_one = super().clean
        if isinstance(data, list | tuple):
            return [clean_one(item, initial) for item in data if item]
        return [clean_one(data, initial)] if data else []


class BootstrapFormMixin:
    """Give every widget Bootstrap's classes, and mark invalid fields after validation."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            without_dashes(field)
            if isinstance(field, forms.ModelChoiceField):
                field.iterator = ListedChoiceIterator
                field.widget.choices = field.choices  # the options drawn, from now on too
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def add_error(self, field, error):
        # Every error passes through here, from field cleaning, clean() and the services alike.
        super().add_error(field, error)
        for name in self.errors:
            widget = self.fields[name].widget if name in self.fields else None
            if widget is not None and "is-invalid" not in widget.attrs.get("class", ""):
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
