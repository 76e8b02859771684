"""`{% duplicate_rows cases grievance can_merge %}`: the likely duplicates' rows of a grievance's
page (grievances/_duplicates.html), printed by Python.

A row was some forty template nodes, ten rows a page: 1.5 ms of the page's CPU for text whose
parts are a handful of values. It prints what the template printed, byte for byte: each
value escaped as the template escapes it, the time as its `date:"Y-m-d H:i"` (minute_text), the
addresses as `row_url` and the CSRF inputs by Django's own tag, with the request's token (never
kept: nothing here is kept). tests/grievances/test_grievance_page_kept.py pins it against the
template's row, kept there verbatim.

Each row is then kept per process (parks.core.recent.Recent), keyed on all it prints from: the
case's id, code, title, time of receipt and status, this grievance's id, whether merging is
offered, and the ambient inputs (language, time zone, URL conf: parks.core.kept.ambient).
The request's CSRF input is never kept: a kept row holds CSRF_MARK where it goes, replaced on
every request (an escaped value never holds a "<", so no value can forge the mark).
"""

import html

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from parks.core.dates import minute_text
from parks.core.kept import ambient
from parks.core.recent import Recent
from parks.core.row_urls import pk_url

register = template.Library()

ROW = """
    <li class="list-group-item likely-duplicate" data-grievance="{code}">
      <div class="d-flex flex-wrap justify-content-between align-items-center gap-2">
        <div>
          <span class="badge text-bg-warning">{possible}</span>
          <a href="{url}"><span class="font-monospace small">{code}</span> {title}</a>
          <div class="small text-secondary">{received} · {status}</div>
        </div>
        {merge}
      </div>
    </li>
    """
MERGE = """
        <div class="d-flex flex-wrap gap-1">
          <form method="post" action="{here_url}">{csrf}
            <input type="hidden" name="into" value="{this}">
            <button type="submit" class="btn btn-sm btn-outline-primary merge-here">{here}</button>
          </form>
          <form method="post" action="{there_url}">{csrf}
            <input type="hidden" name="into" value="{case}">
            <button type="submit" class="btn btn-sm btn-outline-secondary merge-there">{there}</button>
          </form>
        </div>
        """  # noqa: E501 the template's lines, verbatim
MERGE_URL = "grievances:grievance_merge"


def _e(value) -> str:
    """conditional_escape's text, without its lazy-argument wrapper (a third of a row's time)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


@register.simple_tag(takes_context=True)
def duplicate_rows(context, cases, grievance, can_merge) -> SafeString:
    """`{% for case in cases %}<the row>{% endfor %}`; what every row prints alike (the words,
    the CSRF input, this case's merge address) is made once."""
    if not cases:
        return mark_safe("")  # noqa: S308 nothing
    can_merge = bool(can_merge)
    page = (ambient(), grievance.pk, can_merge)
    rows = "".join(
        kept(
            (page, case.pk, *_typed(case.tracking_code, case.title, case.status), case.received_at),
            lambda case=case: _drawn_row(case, grievance, can_merge),
        )
        for case in cases
    )
    if can_merge:
        rows = rows.replace(CSRF_MARK, CsrfTokenNode().render(context))
    return mark_safe(rows)  # noqa: S308 every value escaped


# Ten rows a page, one per (page, likely duplicate): the least recently drawn forgotten first.
_rows = Recent(4096)
kept = _rows.kept  # the tests' plain path draws every row instead
CSRF_MARK = "<csrf-input>"


def _typed(*values) -> tuple:
    # A safe string prints unescaped: never the same key as the plain string of that text.
    return tuple((type(value), value) for value in values)


def _drawn_row(case, grievance, can_merge) -> str:
    possible = _e(gettext("Possible duplicate"))
    merge = ""
    if can_merge:
        merge = (
            _e(gettext("Merge it into this case")),
            CSRF_MARK,
            _e(grievance.pk),
            _e(pk_url(MERGE_URL, grievance.pk)),
            _e(gettext("Merge this case into it")),
        )
    return _row(case, possible, merge)


def _row(case, possible, merge) -> str:
    if merge:
        here, csrf, this, there_url, there = merge
        merge = MERGE.format(
            here_url=_e(pk_url(MERGE_URL, case.pk)),
            csrf=csrf,
            this=this,
            here=here,
            there_url=there_url,
            case=_e(case.pk),
            there=there,
        )
    return ROW.format(
        code=_e(case.tracking_code),
        possible=possible,
        url=_e(case.get_absolute_url()),
        title=_e(case.title),
        received=_e(minute_text(case.received_at)),
        status=_e(case.get_status_display()),
        merge=merge,
    )
