"""The feed's and the calendar's kind badge is a tag (parks/templatetags/activity_badges.py)
drawing what the included template it replaced drew, kept here verbatim: every kind, with and
without a count, in Chinese and English, a label needing escaping."""

import pytest
from django.template import Context, Template
from django.utils import translation

from parks.gridlog.choices import ActivityKind
from parks.gridlog.views.office import kind_list

# parks/activity_office/_kind_badge.html as it was, without its comment.
KIND_BADGE = (
    '<span class="badge activity-kind activity-kind-{{ kind }}" data-kind="{{ kind }}"'
    '{% if n %} title="{{ label }}: {{ n }}"{% endif %}><i class="bi {{ icon }}" '
    'aria-hidden="true"></i>{% if n %} <span class="visually-hidden">{{ label }}</span>{{ n }}'
    "{% else %} {{ label }}{% endif %}</span>\n"
)
TAG = "{% load activity_badges %}{% kind_badge kind label icon n %}\n"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_kind_badge_is_the_included_one(language):
    with translation.override(language):
        kinds = [*kind_list(), {"value": "x<y", "label": 'a & "b"', "icon": "bi-<i>"}]
        for kind in kinds:
            for n in [None, 0, 1, 23, 12345]:
                context = {"kind": kind["value"], "label": kind["label"], "icon": kind["icon"]}
                context["n"] = n
                old = Template(KIND_BADGE).render(Context(context))
                assert Template(TAG).render(Context(context)) == old, (kind, n)
    assert len(kinds) == len(ActivityKind.choices) + 1


def test_the_feed_row_draws_it_without_a_count():
    shown = Template("{% load activity_badges %}{% kind_badge 'visit' 'Visit' 'bi-x' %}").render(
        Context({})
    )
    assert shown == (
        '<span class="badge activity-kind activity-kind-visit" data-kind="visit">'
        '<i class="bi bi-x" aria-hidden="true"></i> Visit</span>'
    )
