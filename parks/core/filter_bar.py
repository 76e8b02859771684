"""One filter bar for every list page: a FilterSet's (or a plain form's) fields as the controls
templates/_filter_bar.html draws — a search box, selects and date inputs.

The controls keep the form's names, ids and the values the user chose, so a filtered page
links and reloads the same way the API filters; the empty choice is drawn by the template
("All"), never Django's "---------".
"""

from collections.abc import Iterable, Mapping

from django import forms


def _chosen(data, name) -> list[str]:
    if hasattr(data, "getlist"):
        return [str(value) for value in data.getlist(name)]
    value = data.get(name)
    return [] if value in (None, "") else [str(value)]


def _select(bound, data, *, label=None, choices=None) -> dict:
    """One select: its choices without the empty one (one query for those naming rows)."""
    if choices is None:
        # The empty choice ("" — or None in some widgets) is the template's "All".
        choices = [
            (str(value), text) for value, text in bound.field.choices if value not in ("", None)
        ]
    return {
        "name": bound.name,
        "id": bound.id_for_label,
        "label": label or bound.label,
        "choices": choices,
        "selected": _chosen(data, bound.name),
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
) -> dict:
    """The bar for `source` (a FilterSet or a form). Without `selects`/`dates`, every choice
    field is a select and every date field a date input, in the form's order; `hidden` carries
    page parameters (sort order, tab, month, a value or a list of values) through a new filter,
    dropping empty ones."""
    form = getattr(source, "form", source)
    data = form.data
    labels = labels or {}
    choices = choices or {}
    fields = form.fields
    if selects is None:
        selects = [name for name, field in fields.items() if name != search and _is_select(field)]
    if dates is None:
        dates = [name for name, field in fields.items() if isinstance(field, forms.DateField)]
    return {
        "search": _input(form[search], data) if search else None,
        "selects": [
            _select(form[name], data, label=labels.get(name), choices=choices.get(name))
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
