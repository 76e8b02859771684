"""The inbox's rows are read as columns and drawn once per set of their values
({% memo row=grievance.row %}, grievances.views.inbox_rows): they print what the rows drawn
from the grievances printed before, kept here verbatim, for every status and flag, with and
without a zone, a unit, a handler, a name, likely duplicates and a late take-up, for each role
that opens the inbox, in Chinese and English; and the same kept as drawn plainly."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from grievances import selectors
from grievances.choices import Status
from grievances.duplicates import duplicate_counts
from grievances.views.common import next_deadline
from parks.templatetags import memo
from tests.factories import GridZoneFactory, GrievanceFactory
from tests.grievances import pages_helpers as shared
from tests.grievances.pages_helpers import NOW, _in

frozen_now = shared.frozen_now
union = shared.union

pytestmark = pytest.mark.django_db

# The inbox's rows as inbox.html drew them before they were kept.
ROWS = """{% load i18n grievance_badges %}{% for grievance in page %}{% with url=grievance.get_absolute_url %}
        <tr data-grievance="{{ grievance.tracking_code }}" data-flag="{{ grievance.deadline_flag }}">
          <td class="grievance-title">
            <span class="small text-secondary font-monospace">{{ grievance.tracking_code }}</span>
            <a class="fw-semibold text-reset d-block" href="{{ url }}">{{ grievance.title }}</a>
            {% if grievance.duplicates %}<a class="badge text-bg-warning text-decoration-none likely-duplicates" href="{{ url }}#duplicates">{% blocktranslate count counter=grievance.duplicates %}Possible duplicate {{ counter }}{% plural %}Possible duplicates {{ counter }}{% endblocktranslate %}</a>{% endif %}
            <div class="small text-secondary">{{ grievance.get_category_display }} · {{ grievance.get_channel_display }}</div>
            <div class="small text-secondary">{{ grievance.park.name }}{% if grievance.grid_zone %} · {{ grievance.grid_zone.code }} {{ grievance.grid_zone.name }}{% endif %}</div>
            <div class="d-md-none mt-1">{% status_badge grievance %}</div>
          </td>
          <td class="d-none d-lg-table-cell complainant">{{ grievance.masked_name|default:"—" }}</td>
          <td class="d-none d-md-table-cell">{% status_badge grievance %}<div class="small text-secondary">{{ grievance.received_at|date:"Y-m-d H:i" }}</div></td>
          <td class="d-none d-lg-table-cell">{{ grievance.handling_unit.name|default:"—" }}{% if grievance.handler %}<div class="small text-secondary">{{ grievance.handler }}</div>{% endif %}</td>
          <td class="deadline-col">{% flag_badge grievance.deadline_flag %}
            <div>{% time_left grievance.next_deadline %}</div>
            {% if grievance.response_breached and grievance.responded_at %}<div class="small text-danger">{% translate "Taken up late" %}</div>{% endif %}</td>
        </tr>
      {% endwith %}{% endfor %}"""  # noqa: E501 verbatim
TBODY = re.compile(r"<tbody>\n(.*?)      </tbody>", re.S)


@pytest.fixture
def every_kind_of_row(park, grid_zone, union, member_unit_user):
    """A grievance in each status, plus the variants a row draws differently."""
    odd_zone = GridZoneFactory(park=park, code="Z9", name="东区 <&> 西区")
    survivor = GrievanceFactory(park=park, title="合并后的案件")
    for n, status in enumerate(Status.values):
        grievance = GrievanceFactory(
            park=park,
            grid_zone=grid_zone if n % 2 else odd_zone,
            title=f"<b>诉求</b> {n}",
            complainant_name="" if n % 3 == 0 else "张三丰",
            received_at=NOW - timedelta(days=n, hours=n),
        )
        extra = {"merged_into": survivor} if status == Status.MERGED else {}
        if status != Status.RECEIVED:
            _in(status, grievance, union, handler=member_unit_user if n % 2 else None, **extra)
    # Over its 24 hours: breached; taken up late; due soon; two likely duplicates of each other.
    GrievanceFactory(park=park, grid_zone=None, received_at=NOW - timedelta(days=3))
    late = GrievanceFactory(park=park, received_at=NOW - timedelta(days=3))
    _in(Status.ACCEPTED, late, union, responded_at=NOW - timedelta(days=1))
    GrievanceFactory(park=park, received_at=NOW - timedelta(hours=23))
    GrievanceFactory.create_batch(2, park=park, title="拖欠工资 两个月", received_at=NOW)


def _as_the_view_gave_them(page, user):
    """The page's grievances with what the inbox's view set on each before its rows were read
    as columns (grievances.views.inbox_rows), as it set them."""
    duplicates = duplicate_counts(selectors.grievances_visible_to(user), [g.pk for g in page])
    for grievance in page:
        grievance.next_deadline = next_deadline(grievance, NOW)
        grievance.masked_name = selectors.mask_name(grievance.complainant_name)
        grievance.duplicates = duplicates.get(grievance.pk, 0)
    return page


def _rows_and_page(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("grievances:inbox"), {"group": "all"})
    assert response.status_code == 200
    return TBODY.search(response.content.decode()).group(1), response.context["page"]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("role", ["office_user", "park_manager", "member_unit_user"])
def test_the_kept_rows_are_the_rows_drawn_before(
    client, every_kind_of_row, request, role, language
):
    person = request.getfixturevalue(role)
    client.force_login(person)
    drawn, page = _rows_and_page(client, language)
    page = _as_the_view_gave_them(list(page), person)
    assert drawn.count("<tr data-grievance") == len(page) > 0
    with translation.override(language):
        assert drawn == "      " + Template(ROWS).render(Context({"page": page})) + "\n"
    assert _rows_and_page(client, language)[0] == drawn  # kept
    with memo.drawn_plainly():
        assert _rows_and_page(client, language)[0] == drawn


def test_every_variant_is_on_the_page(client, every_kind_of_row, office_user):
    client.force_login(office_user)
    drawn, _page = _rows_and_page(client, "en")
    for status in Status.values:
        assert f'data-status="{status}"' in drawn
    for flag in ("breached", "due_soon", "done", "ok"):
        assert f'data-flag="{flag}"' in drawn
    for piece in (
        "Taken up late",
        "likely-duplicates",
        "&lt;b&gt;",
        "东区 &lt;&amp;&gt; 西区",
        ">—</td>",
    ):
        assert piece in drawn


def test_a_kept_row_prints_the_time_left_of_the_minute_it_is_drawn(
    client, every_kind_of_row, office_user, time_machine
):
    """The time left is kept with its row (grievances.views.inbox_rows.RowDeadline): a later
    minute draws the row with that minute's time left, as the rows drawn before printed it."""
    client.force_login(office_user)
    before, _page = _rows_and_page(client, "en")
    later = NOW + timedelta(hours=1, minutes=1)
    time_machine.move_to(later, tick=False)
    drawn, page = _rows_and_page(client, "en")
    assert drawn != before
    page = _as_the_view_gave_them(list(page), office_user)
    for grievance in page:
        grievance.next_deadline = next_deadline(grievance, later)
    with translation.override("en"):
        assert drawn == "      " + Template(ROWS).render(Context({"page": page})) + "\n"
