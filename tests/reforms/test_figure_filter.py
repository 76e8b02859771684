"""The `figure` filter (reforms.templatetags.figures) prints a figure as
reforms/reports/_figure.html printed it before issue 14 (OLD, its text then): the dashboard
prints its tables' cells with the filter instead of including the template for each one, and
the template prints through the filter."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation

OLD = Template(
    '{% if value is None or value == "" %}—{% elif percent %}{{ value }}%'
    "{% else %}{{ value }}{% endif %}"
)
VALUES = [None, "", 0, 7, 12.5, 100.0, 33.3, Decimal("42000.00"), "16.0", "<b>3</b>"]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("percent", [True, False, None])
def test_the_filter_and_the_template_print_what_the_template_printed(language, percent):
    filtered = Template("{% load figures %}{{ value|figure:percent }}")
    with translation.override(language):
        for value in VALUES:
            context = {"value": value, "percent": percent}
            old = OLD.render(Context(context))
            assert filtered.render(Context(context)) == old
            # The template ends with its file's newline, as it always did.
            assert render_to_string("reforms/reports/_figure.html", context) == old + "\n"


def test_what_it_prints():
    template = Template("{% load figures %}{{ a|figure:True }} {{ b|figure }} {{ c|figure:True }}")
    shown = template.render(Context({"a": 12.5, "b": "<b>", "c": None}))
    assert shown == "12.5% &lt;b&gt; —"


# The dashboard's ranking printed a row's cells with this loop before the tag (issue 14).
OLD_CELLS = Template(
    "{% load figures %}{% for cell in cells %}\n"
    '          <td class="text-end{% if cell.key == rank_key %} fw-semibold{% endif %}"'
    ' data-col="{{ cell.key }}">{% if cell.percent %}{{ cell.value|figure:True }}'
    "{% else %}{{ cell.value }}{% endif %}</td>\n"
    "          {% endfor %}"
)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("rank_key", ["a", "b", "<k>", ""])
def test_ranking_cells_print_what_the_loop_printed(language, rank_key):
    cells = [
        {"key": key, "value": value, "percent": percent}
        for key in ("a", "b", "<k>")
        for value in VALUES
        for percent in (True, False)
    ]
    tag = Template("{% load figures %}{% ranking_cells cells rank_key %}")
    with translation.override(language):
        context = {"cells": cells, "rank_key": rank_key}
        assert tag.render(Context(context)) == OLD_CELLS.render(Context(context))
        assert tag.render(Context({"cells": [], "rank_key": rank_key})) == ""
