"""`{{ value|figure }}`, `{{ value|figure:True }}`: a figure as the report pages and the dashboard
print it — a dash when there is none, a percentage with its sign. reforms/reports/_figure.html
prints through it too; a table of many figures uses the filter, which costs a fraction of an
include per cell (the dashboard's ranking and months: some 350 cells)."""

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html

register = template.Library()


@register.filter
def figure(value, percent=False):
    if value is None or value == "":
        return "—"
    if percent:
        return format_html("{}%", localize(value))
    return conditional_escape(localize(value))
