"""The inbox's and the grievance page's status badge, time-limit flag and time left are tags
(grievances/templatetags/grievance_badges.py) drawing what the included templates they replaced
drew, kept here verbatim: every status, every flag, a limit overdue, running and none, in
Chinese and English, text needing escaping."""

from datetime import UTC, datetime, timedelta

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from grievances.choices import Status
from grievances.models import Grievance
from grievances.views.common import next_deadline

# The included templates as they were (grievances/_status_badge.html, _flag_badge.html,
# _time_left.html).
STATUS_BADGE = (
    '<span class="badge gstatus gstatus-{{ grievance.status }}" '
    'data-status="{{ grievance.status }}">{{ grievance.get_status_display }}</span>'
)
FLAG_BADGE = (
    "{% load i18n %}{% if flag == 'breached' %}<span class=\"badge badge-flag-breached\" "
    'data-flag="breached"><i class="bi bi-exclamation-octagon-fill" aria-hidden="true"></i> '
    '{% translate "Breached" context "time limit" %}</span>{% elif flag == \'due_soon\' %}<span '
    'class="badge badge-flag-due_soon" data-flag="due_soon"><i class="bi bi-hourglass-split" '
    'aria-hidden="true"></i> {% translate "Due soon" context "time limit" %}</span>{% elif flag '
    '== \'done\' %}<span class="badge badge-flag-done" data-flag="done">{% translate "Done" '
    'context "time limit" %}</span>{% else %}<span class="badge badge-flag-ok" data-flag="ok">'
    '{% translate "On time" context "time limit" %}</span>{% endif %}'
)
TIME_LEFT = (
    '{% load i18n %}{% if deadline %}<span class="small{% if deadline.overdue %} text-danger '
    'fw-semibold{% endif %}" title="{{ deadline.kind }} {{ deadline.at|date:\'Y-m-d H:i\' }}">'
    '{{ deadline.kind }}: {{ deadline.text }}</span>{% else %}<span class="small '
    'text-secondary">—</span>{% endif %}'
)
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def render(source, **context):
    return Template(source).render(Context(context))


def tag(call, **context):
    return render("{% load grievance_badges %}" + call, **context)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_status_badge_is_the_included_one(language):
    with translation.override(language):
        for status in [*Status.values, "<b>unknown</b>"]:
            grievance = Grievance(status=status)
            assert tag("{% status_badge grievance %}", grievance=grievance) == render(
                STATUS_BADGE, grievance=grievance
            ), status


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_flag_badge_is_the_included_one(language):
    with translation.override(language):
        for flag in ["breached", "due_soon", "done", "ok", None, ""]:
            assert tag("{% flag_badge flag %}", flag=flag) == render(FLAG_BADGE, flag=flag), flag


def deadlines():
    """Overdue by days and hours, running for minutes, a resolution limit, none, and one whose
    texts need escaping."""
    received = Grievance(
        status=Status.RECEIVED,
        response_due_at=NOW - timedelta(days=3, hours=5),
        resolution_due_at=NOW + timedelta(days=15),
    )
    soon = Grievance(
        status=Status.RECEIVED,
        response_due_at=NOW + timedelta(minutes=42),
        resolution_due_at=NOW + timedelta(days=15),
    )
    accepted = Grievance(
        status=Status.IN_PROGRESS,
        responded_at=NOW,
        response_due_at=NOW,
        resolution_due_at=NOW + timedelta(days=2, hours=1),
    )
    closed = Grievance(status=Status.CLOSED)
    found = [next_deadline(grievance, NOW) for grievance in (received, soon, accepted, closed)]
    odd = {"at": NOW, "kind": "<响应>", "text": 'a & "b"', "overdue": False}
    # Markup stays markup and a lazy text prints in the language, as format_html has them.
    marked = {
        "at": NOW,
        "kind": mark_safe("<b>响应</b>"),  # noqa: S308 a literal
        "text": gettext_lazy("Respond"),
        "overdue": True,
    }
    return [*found, marked, odd, None]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_time_left_is_the_included_one(language):
    with translation.override(language):
        for deadline in deadlines():
            shown = tag("{% time_left deadline %}", deadline=deadline)
            assert shown == render(TIME_LEFT, deadline=deadline), deadline
    assert "&lt;响应&gt;" in tag("{% time_left deadline %}", deadline=deadlines()[-2])
