"""A kind of grid activity as a coloured badge with its icon: each row of the feed draws one,
each day of the calendar a few. A tag rather than an included template (one template render
per badge); tests/parks/test_activity_badges.py pins its markup."""

from django import template
from django.utils.formats import localize
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def kind_badge(kind, label, icon, n=None):
    """`kind` (its value), `label` and `icon` (a bootstrap-icons class); `n` adds a count, with
    the label then read out to screen readers only."""
    if n:
        return format_html(
            '<span class="badge activity-kind activity-kind-{}" data-kind="{}" title="{}: {}">'
            '<i class="bi {}" aria-hidden="true"></i> <span class="visually-hidden">{}</span>{}'
            "</span>",
            kind,
            kind,
            label,
            localize(n),
            icon,
            label,
            localize(n),
        )
    return format_html(
        '<span class="badge activity-kind activity-kind-{}" data-kind="{}">'
        '<i class="bi {}" aria-hidden="true"></i> {}</span>',
        kind,
        kind,
        icon,
        label,
    )
