"""A grievance's status badge, its time-limit flag and the time left to its running limit: the
small pieces of markup every row of the inbox draws, and the grievance's page once.

Tags rather than included templates: an {% include %} per piece cost four template renders per
row of the inbox. tests/grievances/test_grievance_badges.py pins their markup.
"""

import html

from django import template
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import pgettext

from parks.core.dates import minute_text

register = template.Library()


@register.simple_tag
def status_badge(grievance):
    """The status as a coloured badge."""
    return status_badge_for(grievance.status, grievance.get_status_display())


@register.simple_tag
def status_badge_for(status, label):
    """The same badge from the status and its label: what the inbox's rows, drawn once per set
    of their values ({% memo %}), are keyed on."""
    return format_html(
        '<span class="badge gstatus gstatus-{}" data-status="{}">{}</span>', status, status, label
    )


@register.simple_tag
def flag_badge(flag):
    """The time-limit flag of grievances.selectors.with_deadline_flags: breached, due soon, done
    or on time."""
    if flag == "breached":
        return format_html(
            '<span class="badge badge-flag-breached" data-flag="breached">'
            '<i class="bi bi-exclamation-octagon-fill" aria-hidden="true"></i> {}</span>',
            pgettext("time limit", "Breached"),
        )
    if flag == "due_soon":
        return format_html(
            '<span class="badge badge-flag-due_soon" data-flag="due_soon">'
            '<i class="bi bi-hourglass-split" aria-hidden="true"></i> {}</span>',
            pgettext("time limit", "Due soon"),
        )
    if flag == "done":
        return format_html(
            '<span class="badge badge-flag-done" data-flag="done">{}</span>',
            pgettext("time limit", "Done"),
        )
    return format_html(
        '<span class="badge badge-flag-ok" data-flag="ok">{}</span>',
        pgettext("time limit", "On time"),
    )


@register.simple_tag
def time_left(deadline):
    """The running limit and the time left to it (grievances.views.common.next_deadline), or a
    dash."""
    if not deadline:
        return mark_safe('<span class="small text-secondary">—</span>')  # noqa: S308 constant
    # What format_html builds, without its per-argument wrappers (every grievance page and
    # each inbox row's fragment draws this): each value escaped as conditional_escape escapes it.
    kind = _escaped(deadline["kind"])
    return mark_safe(  # noqa: S308 every value is escaped here
        f'<span class="small{" text-danger fw-semibold" if deadline["overdue"] else ""}"'
        f' title="{kind} {_escaped(minute_text(deadline["at"]))}">'
        f"{kind}: {_escaped(deadline['text'])}</span>"
    )


def _escaped(value) -> str:
    """conditional_escape(value) as text: markup stays, anything else is escaped."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))
