"""One filter bar for every list page: a FilterSet's (or a plain form's) fields as the controls
templates/_filter_bar.html draws — a search box, selects and date inputs.

The controls keep the form's names, ids and the values the user chose, so a filtered page
links and reloads the same way the API filters; the empty choice is drawn by the template
("All"), never Django's "---------".

A select naming rows (a zone among the district's hundreds, a person among its liaisons) reads
its labels from columns when the field was given them (`label_by_columns`): one query for plain
values, no model instance per option — the inbox and the feed draw about a thousand options.
With `compiled_for`, the selects naming rows of the district's small tables are read together in
one query that brings their rows back only after one of those tables changed (parks.core.watched).
"""

import html
import itertools
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe

from parks.core.prepared import prepared
from parks.core.recent import Recent
from parks.core.watched import kept_rows


def _chosen(data, name) -> list[str]:
    if hasattr(data, "getlist"):
        return [str(value) for value in data.getlist(name)]
    value = data.get(name)
    return [] if value in (None, "") else [str(value)]


def _attribute(instance, path: str):
    for name in path.split("__"):
        instance = getattr(instance, name)
    return instance


def label_by_columns(
    field: forms.ModelChoiceField, columns: Sequence[str], label: Callable[..., str]
) -> None:
    """Name `field`'s rows by `label(*columns)`: the filter bar reads the columns alone (see the
    module's docstring); any other drawing of the field names an instance the same way."""
    field.label_columns = (tuple(columns), label)
    field.label_from_instance = lambda instance: label(
        *(_attribute(instance, column) for column in columns)
    )


# (FilterSet class, field, scope, order) -> the field's queryset in the order its select lists
# it, as built (order_choices).
_ORDERED = Recent(256)


def order_choices(filterset, name: str, scope: Hashable, *order) -> None:
    """Order the select `name` of `filterset` by `order`. `scope`: a key holding everything the
    field's queryset depends on (access.scope_key of the user, for a select of what the user
    sees): the ordered queryset is kept per FilterSet class, field and scope, and each request's
    field takes a copy of it (ModelChoiceField.queryset); ordering it again on every request cost
    about a tenth of the feed's CPU. The kept queryset is never evaluated."""
    field = filterset.form.fields[name]
    key = (type(filterset), name, scope, order)  # expressions hash and compare by value
    field.queryset = _ORDERED.kept(key, lambda: field.queryset.order_by(*order))


def _choices(field, name: str = "", compiled_for: Hashable = None) -> list[tuple[str, str]]:
    return _choices_keyed(field, name, compiled_for)[0]


def _by_columns(field) -> tuple | None:
    """The field's (columns, label) when its select reads its labels from columns."""
    columns = getattr(field, "label_columns", None)
    if columns is None or field.to_field_name is not None or getattr(field, "null_label", None):
        return None
    return columns


def _column_rows(field):
    return field.queryset.values_list("pk", *field.label_columns[0])


def _choices_keyed(
    field, name: str, compiled_for: Hashable, rows=None
) -> tuple[list, "_Known | None"]:
    """The select's choices without the empty one, and their options' key when it is known
    already (_labelled). `rows`: the select's rows as read already (parks.core.watched)."""
    columns = _by_columns(field)
    if columns is not None:
        names, label = columns
        if rows is None:
            rows = (
                _column_rows(field)
                if compiled_for is None
                else prepared(
                    ("filter_bar", compiled_for, name, names), lambda: _column_rows(field)
                )
            )
        if _exact_columns(field.queryset.model, names):
            choices, key = _labelled(label, tuple(rows))
            return list(choices), key
        return [(str(pk), label(*values)) for pk, *values in rows], None
    # The empty choice ("" — or None in some widgets) is the template's "All".
    return [(str(value), text) for value, text in field.choices if value not in ("", None)], None


# Text and whole-number columns: equal values of one print the same (a numeric's 1.0 and 1.00
# are equal and do not), so rows read from them stand for their labels.
_EXACT_TYPES = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "CharField",
        "IntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SlugField",
        "SmallIntegerField",
        "TextField",
    }
)
_EXACT: dict[tuple, bool] = {}


def _exact_columns(model, names: Sequence[str]) -> bool:
    """Whether the pk and each column `names` (a path through foreign keys) of `model` read as
    plain text or whole numbers."""
    key = (model, tuple(names))
    found = _EXACT.get(key)
    if found is None:
        found = model._meta.pk.get_internal_type() in _EXACT_TYPES
        for path in names:
            target = model
            *links, last = path.split("__")
            try:
                for link in links:
                    target = target._meta.get_field(link).related_model
                found = found and target._meta.get_field(last).get_internal_type() in _EXACT_TYPES
            except (AttributeError, LookupError, FieldDoesNotExist):
                found = False
        _EXACT[key] = found
    return found


# (label, the rows as read) -> (their choices, the key of their options, _options): the labels
# and the key are pure functions of the rows (of exact columns, _exact_columns) and the label
# function; the district's few hundred zones are labelled once per process, not per page.
_LABELLED = Recent(64)


def _labelled(label, rows: tuple) -> tuple[tuple, "_Known"]:
    def made():
        choices = tuple((str(pk), label(*values)) for pk, *values in rows)
        return choices, _known(_options_key(choices))

    return _LABELLED.kept((label, rows), made)


def _options_key(choices) -> tuple:
    return tuple((type(v), v, type(t), t) for v, t in choices)


# What _options reads of a key: the key, whether every value and label is plain text, the values.
_Known = tuple[tuple, bool, frozenset]


def _known(key: tuple) -> _Known:
    plain = all(value in _PLAIN and text in _PLAIN for value, _v, text, _t in key)
    return key, plain, frozenset(value for _t, value, _tt, _text in key)


def _escaped(value) -> str:
    """conditional_escape() without its wrappers, which cost more than the escaping when called
    a thousand times: markup stays, anything else is escaped."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _options(choices, selected: set[str], known: _Known | None = None) -> str:
    """`<option>`s of `choices`, the `selected` values marked: what format_html would build,
    without its cost per option (each value and label escaped all the same). `known`: what
    _known says of the choices' _options_key, when known already."""
    return _numbered_options(choices, selected, known)[0]


def _numbered_options(choices, selected: set[str], known: _Known | None) -> tuple[str, int | None]:
    """_options and, when they are kept, their number (_kept_options)."""
    key, plain, values = known if known is not None else _known(_options_key(choices))
    if not plain:
        # A lazy label (a choice's name: it prints in the request's language) is its text in
        # that language, which it escapes to as well; anything else is drawn each time.
        choices = [
            (value, str(text) if isinstance(text, Promise) else text) for value, text in choices
        ]
        key, plain, values = _known(_options_key(choices))
        if not plain:
            return _drawn_options(choices, selected), None
    # Only the selected values among the choices mark an option: the key holds those, not
    # whatever values the request sent (which would make an entry of their own each).
    shown = frozenset(selected.intersection(values))
    return _kept_options((key, shown), choices, selected)


def _drawn_options(choices, selected) -> str:
    return mark_safe(  # noqa: S308 every value and label is escaped here
        "".join(
            f'<option value="{_escaped(value)}"'
            f"{' selected' if value in selected else ''}>{_escaped(text)}</option>"
            for value, text in choices
        )
    )


# The markup is a pure function of the choices (each value and label with its type: a safe
# string prints unescaped) and the selection, all in the key: the district's few hundred zones
# are escaped once per process, not on every page of the inbox and the feed.
_KEPT = Recent(256)
_PLAIN = frozenset({str, SafeString})


# Each markup kept is numbered when drawn, and a number is never given twice: one number names
# one markup, so a fragment drawn for the number (the bar's {% memo %}, KeptOptions) prints it.
_NUMBERS = itertools.count(1)


def _kept_options(key, choices, selected) -> tuple[str, int]:
    return _KEPT.kept(key, lambda: (_drawn_options(choices, selected), next(_NUMBERS)))


def _select(bound, data, *, label=None, choices=None, compiled_for=None, rows=None) -> dict:
    """One select: its choices without the empty one (one query for those naming rows, unless
    `rows` were read already)."""
    key = None
    if choices is None:
        choices, key = _choices_keyed(bound.field, bound.name, compiled_for, rows)
    selected = _chosen(data, bound.name)
    options, number = _numbered_options(choices, set(selected), key)
    return {
        "name": bound.name,
        "id": bound.id_for_label,
        "label": label or bound.label,
        "choices": choices,
        "selected": selected,
        # The options as markup at once: a template loop over a thousand options cost more
        # than the rest of the page (templates/_filter_bar.html).
        "options": options,
        "options_number": number,
        "errors": bound.errors,
    }


def _input(bound, data) -> dict:
    chosen = _chosen(data, bound.name)
    return {
        "name": bound.name,
        "id": bound.id_for_label,
        "label": bound.label,
        "value": chosen[-1] if chosen else "",
        "errors": bound.errors,
    }


def _is_select(field) -> bool:
    return isinstance(field, forms.ChoiceField | forms.ModelChoiceField)


def filter_bar(
    source,
    *,
    search: str | None = "q",
    selects: Iterable[str] | None = None,
    dates: Iterable[str] | None = None,
    hidden: Mapping[str, object] | None = None,
    labels: Mapping[str, str] | None = None,
    choices: Mapping[str, list] | None = None,
    compiled_for: Hashable = None,
) -> dict:
    """The bar for `source` (a FilterSet or a form). Without `selects`/`dates`, every choice
    field is a select and every date field a date input, in the form's order; `hidden` carries
    page parameters (sort order, tab, month, a value or a list of values) through a new filter,
    dropping empty ones.

    `compiled_for`: a key holding everything the selects' querysets depend on (the page, and
    access.scope_key of the user for querysets of what the user sees). With it, each select
    naming rows by their columns reads them by a query compiled once per key and field
    (parks.core.prepared), or, for rows of the small tables parks.core.watched keeps, one query
    for all of them; the caller vouches that nothing outside the key shapes them."""
    form = getattr(source, "form", source)
    data = form.data
    labels = labels or {}
    choices = choices or {}
    fields = form.fields
    if selects is None:
        selects = [name for name, field in fields.items() if name != search and _is_select(field)]
    selects = list(selects)
    if dates is None:
        dates = [name for name, field in fields.items() if isinstance(field, forms.DateField)]
    rows = {} if compiled_for is None else _kept_rows(fields, selects, choices, compiled_for)
    return {
        "search": _input(form[search], data) if search else None,
        "selects": [
            _select(
                form[name],
                data,
                label=labels.get(name),
                choices=choices.get(name),
                compiled_for=compiled_for,
                rows=rows.get(name),
            )
            for name in selects
        ],
        "dates": [_input(form[name], data) for name in dates],
        # A list carries every value of a parameter given several times (?status=a&status=b).
        "hidden": [
            {"name": name, "value": item}
            for name, value in (hidden or {}).items()
            for item in (value if isinstance(value, list | tuple) else [value])
            if item
        ],
        "non_field_errors": form.non_field_errors(),
    }


def _kept_rows(fields, selects, choices, compiled_for: Hashable) -> dict[str, tuple]:
    """The rows of the selects naming rows of the district's small tables by exact columns,
    read in one query and kept while those tables are unchanged (parks.core.watched)."""
    names = []
    for name in selects:
        field = fields[name]
        columns = None if name in choices else _by_columns(field)
        if columns is not None and _exact_columns(field.queryset.model, columns[0]):
            names.append(name)
    return kept_rows(
        ("filter_bar", compiled_for),
        names,
        lambda: {name: _column_rows(fields[name]) for name in names},
    )


# --- The bar as plain values, for its {% memo %} ----------------------------------------------
#
# templates/_filter_bar.html draws the bar once per process for each set of what it prints
# ({% memo %}, parks/templatetags/memo.py). PlainBar holds that as nested tuples of plain
# values (cheap for the memo to key on): lazy texts as their text in the request's language
# (which the memo keys on too), errors as their messages, and a select's kept options as their
# number. Options drawn each time stay markup, and any value too long or not plain makes the
# memo draw the bar every time, the same way.

_INPUT = ("name", "id", "label", "value", "errors")
_SELECT = ("name", "id", "label", "options", "errors")


@dataclass(frozen=True)
class PlainBar:
    """filter_bar()'s bar as templates/_filter_bar.html reads it: `drawn` is everything it
    prints; the properties give it the bar's shape."""

    drawn: tuple

    @property
    def search(self) -> dict | None:
        search = self.drawn[0]
        return None if search is None else dict(zip(_INPUT, search, strict=True))

    @property
    def selects(self) -> list[dict]:
        # Kept options are their number: the bar's template puts their markup in at a hole
        # (kept_options).
        return [
            {**dict(zip(_SELECT, control, strict=True)), "kept": type(control[3]) is int}
            for control in self.drawn[1]
        ]

    @property
    def dates(self) -> list[dict]:
        return [dict(zip(_INPUT, control, strict=True)) for control in self.drawn[2]]

    @property
    def hidden(self) -> list[dict]:
        return [{"name": name, "value": value} for name, value in self.drawn[3]]

    @property
    def non_field_errors(self) -> tuple:
        return self.drawn[4]

    @property
    def dates_alone(self) -> "PlainBar":
        """The bar with its date inputs alone: what the part of the template after the extra
        controls prints (a smaller key for its memo)."""
        return PlainBar((None, (), self.drawn[2], (), ()))


def _text(value):
    return str(value) if isinstance(value, Promise) else value


def _messages(errors) -> tuple:
    return tuple(_text(error) for error in errors)


def _plain_input(control) -> tuple:
    return (
        control["name"],
        control["id"],
        _text(control["label"]),
        control["value"],
        _messages(control["errors"]),
    )


def plain_bar(bar: Mapping) -> PlainBar:
    """`bar` (filter_bar's, as the view left it) as the plain values its template prints."""
    search = bar["search"]
    markups = {}
    selects = []
    for control in bar["selects"]:
        number = control.get("options_number")
        if number is not None:
            # The number names the markup (_kept_options): the key holds the number alone.
            markups[number] = control["options"]
        selects.append(
            (
                control["name"],
                control["id"],
                _text(control["label"]),
                control["options"] if number is None else number,
                _messages(control["errors"]),
            )
        )
    plain = PlainBar(
        (
            None if search is None else _plain_input(search),
            tuple(selects),
            tuple(_plain_input(control) for control in bar["dates"]),
            tuple((param["name"], param["value"]) for param in bar["hidden"]),
            _messages(bar["non_field_errors"]),
        )
    )
    object.__setattr__(plain, "_markups", markups)  # not a field: the numbers name them
    return plain


def kept_options(plain: PlainBar, number: int) -> SafeString:
    """The markup of a kept select's options, by the number that names it: the bar's fragment
    holds a {% hole %} where they go, so it stays a few kilobytes however many options (a
    request naming a value or a search of its own makes a fragment of its own: the options'
    markup, tens of kilobytes, is kept once, in _KEPT)."""
    return plain._markups[number]  # type: ignore[attr-defined]
