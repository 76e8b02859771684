"""The grievance page's step and panel forms, drawn once per process for each set of what they
are made from, then copied.

A grievance's page draws up to five unbound forms in its modals (a step's note, assigning,
replying, the follow-up call, more time, mediation) through Django's widget templates: some 2 ms
of its CPU for HTML that changes only with a handful of values. A form opts in by saying what it
is made from, `drawing_inputs()`: everything its constructor reads (its arguments, the rows its
choices list, the day, the settings it prints) as plain values. `drawn(form)` keys `_form.html`
drawn for the form on its class, those inputs and the ambient inputs every template reads (the
language, the time zone, the URL conf: parks.core.kept.ambient).

Correct by construction as far as the form goes: `_form.html` is drawn with the form alone in its
context (nothing else exists for it), and only for an unbound form (a bound one prints its
data and errors, and is drawn every time). A select's options are read once, as the key needs
them, and the form then draws those very options (`read_options`), so a key never holds rows
other than the ones drawn. tests/grievances/test_grievance_page_kept.py pins every form of the
page against the form drawn plainly, for each input that changes it, in Chinese and English.
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django import forms
from django.template.loader import get_template
from django.utils.safestring import SafeData, SafeString, mark_safe

from parks.core import kept as keeping
from parks.core.recent import Recent

# Each kind of form times the languages, the days and the options it is drawn with: a few
# hundred; the least recently drawn are forgotten first (a miss costs one ordinary drawing).
_drawn = Recent(512)


def _plain(form: forms.BaseForm) -> SafeString:
    return mark_safe(get_template("_form.html").render({"form": form}))  # noqa: S308 the engine's


def drawn(form: forms.BaseForm) -> SafeString:
    """`{% include "_form.html" %}` for `form`, kept per process for each set of its inputs."""
    inputs = getattr(form, "drawing_inputs", None)
    if inputs is None or form.is_bound:
        return _plain(form)
    made = _made(form)
    if made is None:
        return _plain(form)
    return keeping.kept(_drawn, (type(form), made, inputs()), lambda: _plain(form))


PLAIN_TYPES = frozenset({str, int, bool, type(None), date})


def _made(form: forms.BaseForm) -> tuple | None:
    """What any form is made from besides its class and its own inputs: the arguments every
    form takes that change what it prints; None when an initial value is not a plain one."""
    initial = []
    for name, value in sorted(form.initial.items()):
        if type(value) not in PLAIN_TYPES:
            return None
        initial.append((name, type(value), value))
    return (
        tuple(form.fields),  # their order (a form may be given one)
        form.auto_id,
        form.prefix,
        tuple(initial),
        _text(form.label_suffix),
        form.use_required_attribute,
        type(form.renderer),
    )


def forget() -> None:
    """Drop every kept form (tests)."""
    _drawn.clear()


def _text(label: Any) -> tuple[bool, str]:
    # A safe label prints as it is, a plain one escaped: the two never share a key.
    return isinstance(label, SafeData), str(label)


def read_options(field: forms.ChoiceField) -> tuple:
    """The options `field`'s select draws, read now (a model select's query runs here, once),
    as a key: each value as the select prints it and each label. The select then draws these
    very options; its field's choices, which validate a posted form, are left alone."""
    # iter(): list() of a model select's choices would ask their len(), a COUNT query.
    options = list(iter(field.widget.choices))
    field.widget.choices = options
    return tuple(_option_key(value, label) for value, label in options)


def listed_options(field: forms.ModelChoiceField, rows: list) -> tuple:
    """read_options for a model select whose rows the caller has read (the field's own query,
    compiled once): the options parks.core.forms.ListedChoiceIterator makes of them."""
    iterator = field.iterator(field)
    empty = [("", field.empty_label)] if field.empty_label is not None else []
    options = [*empty, *(iterator.choice(row) for row in rows)]
    field.widget.choices = options
    return tuple(_option_key(value, label) for value, label in options)


def _option_key(value: Any, label: Any) -> tuple:
    if isinstance(label, list | tuple):  # a group: its name, then its options
        return ("group", str(value), tuple(_option_key(v, text) for v, text in label))
    return (str(value), _text(label))


def texts(values: Iterable[Any]) -> tuple:
    """Labels, help texts and other printed words as a key (lazy ones in today's language)."""
    return tuple(_text(value) for value in values)
