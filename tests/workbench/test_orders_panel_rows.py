"""The supervision-order panels draw their rows once per set of values ({% memo %} over
panels.OrderRow, _orders_panel.html): the panel prints, byte for byte, what the template drew
from the orders themselves on every page (ORDERS_FROM_MODELS, its text before), kept or drawn
plainly, for each colour, status, reply date, urge count and overdue mark, a task's and a
grievance's, named or not, in both languages."""

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation

from parks.templatetags import memo
from reforms.supervision import panels as order_panels
from reforms.supervision.models import SupervisionOrder
from reforms.supervision.services import order_issue
from tests.factories import GrievanceFactory, TaskFactory
from tests.workbench import helpers

day = helpers.day
frozen_now = helpers.frozen_now

pytestmark = pytest.mark.django_db

# _orders_panel.html as it drew each order from the model, every time.
ORDERS_FROM_MODELS = """{% extends "_panel.html" %}
{% load i18n %}
{% block actions %}
  {% if panel.extra.issue_url %}<a class="btn btn-sm btn-outline-danger ms-auto" href="{{ panel.extra.issue_url }}" id="issue-order"><i class="bi bi-megaphone" aria-hidden="true"></i> {% translate "Issue supervision order" %}</a>{% endif %}
{% endblock %}
{% block rows %}
  <ul class="list-group list-group-flush orders-panel">
    {% for order in orders %}
      <li class="list-group-item order-row{% if order.is_overdue %} order-row-overdue{% endif %}" data-order="{{ order.pk }}">
        <div class="d-flex flex-wrap justify-content-between gap-1">
          <span>{% include "reforms/supervision/_colour_badge.html" %} <a href="{{ order.get_absolute_url }}">{{ order.code }}</a></span>
          <span>{% include "reforms/supervision/_status_badge.html" %}</span>
        </div>
        {% if panel.extra.show_subject %}<div class="small text-break">{{ order.subject }}</div>{% endif %}
        <div class="small {% if order.is_overdue %}text-danger fw-semibold{% else %}text-secondary{% endif %}">
          {% blocktranslate with date=order.reply_due|date:"Y-m-d" %}reply by {{ date }}{% endblocktranslate %}
          {% if order.urge_count %}· {% blocktranslate count counter=order.urge_count %}urged {{ counter }} time{% plural %}urged {{ counter }} times{% endblocktranslate %}{% endif %}
        </div>
      </li>
    {% empty %}
      <li class="list-group-item small text-secondary">{{ panel.empty_text|default:_("No supervision orders.") }}</li>
    {% endfor %}
  </ul>
{% endblock %}
"""  # noqa: E501


def _orders(park, office_user, unit):
    task = TaskFactory(park=park, title="任务 <甲>")
    grievance = helpers.put(GrievanceFactory(park=park), "assigned", unit)
    for n, (colour, subject) in enumerate(
        [("red", {"task": task}), ("yellow", {"grievance": grievance})] * 2
    ):
        order = order_issue(
            actor=office_user,
            unit=None,
            colour=colour,
            requirement="限期反馈",
            reply_due=helpers.TODAY,
            **subject,
        )
        SupervisionOrder.objects.filter(pk=order.pk).update(
            reply_due=helpers.TODAY + timedelta(days=n - 2),  # two overdue, once answered
            urge_count=n,
            status=["issued", "answered", "sent_back", "accepted"][n],
            accepted_at=helpers.NOW if n == 3 else None,
        )
    return task, grievance


def test_the_order_rows_drawn_once_are_the_rows_drawn_from_the_orders(
    day, park, office_user, fresh_plans
):
    task, grievance = _orders(park, office_user, day["union"])
    plain = Template(ORDERS_FROM_MODELS)
    newest, urgent = order_panels.NEWEST_FIRST, order_panels.URGENT_FIRST
    # Each panel, and the orders it lists as the order list reads them (its query and order).
    panels = {
        "park": (lambda: order_panels.park_panel(office_user, park), {"park": park.pk}, newest),
        "task": (lambda: order_panels._subject_panel(office_user, task), {"task": task.pk}, newest),
        "grievance": (
            lambda: order_panels._subject_panel(office_user, grievance),
            {"grievance": grievance.pk},
            newest,
        ),
        "overdue": (
            lambda: order_panels.overdue_section(office_user, None),
            {"overdue": "true"},
            urgent,
        ),
    }
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for name, (panel_of, params, ordering) in panels.items():
                panel = panel_of()
                query = order_panels._query(**params)
                orders, _count = order_panels.first_orders(office_user, query, ordering=ordering)
                assert orders or name == "overdue", name
                expected = plain.render(Context({"panel": panel, "orders": orders}))
                drawn = render_to_string(order_panels.PANEL_TEMPLATE, {"panel": panel})
                kept = render_to_string(order_panels.PANEL_TEMPLATE, {"panel": panel})
                with memo.drawn_plainly():
                    plainly = render_to_string(order_panels.PANEL_TEMPLATE, {"panel": panel})
                assert drawn == kept == plainly == expected, (name, language)
                if name == "park":
                    assert "order-row-overdue" in drawn and "任务 &lt;甲&gt;" in drawn
                # A page draws the whole panel once per set of its values.
                assert memo._key(panel.drawn) is not None, name
                page = {"panels": [panel]}
                kept = [render_to_string("_related_panels.html", page) for _ in range(2)]
                with memo.drawn_plainly():
                    plainly = render_to_string("_related_panels.html", page)
                assert kept == [plainly] * 2 and expected.strip() in plainly, (name, language)
