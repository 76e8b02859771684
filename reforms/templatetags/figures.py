"""`{{ value|figure }}`, `{{ value|figure:True }}`: a figure as the report pages and the dashboard
print it — a dash when there is none, a percentage with its sign. reforms/reports/_figure.html
prints through it too; a table of many figures uses the filter, which costs a fraction of an
include per cell (the dashboard's ranking and months: some 350 cells)."""

from django import template
from django.template.base import render_value_in_context
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def figure(value, percent=False):
    if value is None or value == "":
        return "—"
    if percent:
        return format_html("{}%", localize(value))
    return conditional_escape(localize(value))


# The whitespace around each cell, as the ranking's loop over its cells left it.
_CELL = '\n          <td class="text-end{}" data-col="{}">{}</td>\n          '


@register.simple_tag(takes_context=True)
def ranking_cells(context, cells, rank_key):
    """A ranking row's cells (dashboard_cards.park_cells), the ranked column in bold: the very
    HTML of a template loop over them, without rendering some ten template nodes per cell
    (the ranking prints about 450)."""
    return mark_safe(  # noqa: S308 - each value is escaped by render_value_in_context
        "".join(
            _CELL.format(
                " fw-semibold" if cell["key"] == rank_key else "",
                render_value_in_context(cell["key"], context),
                render_value_in_context(
                    figure(cell["value"], True) if cell["percent"] else cell["value"], context
                ),
            )
            for cell in cells
        )
    )
