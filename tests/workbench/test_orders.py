"""Supervision orders (督办单) on the workbench and the unit and park pages: what a unit must
answer and what the office must check or chase, each count the order list it links to."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reforms.supervision import services
from reforms.supervision.choices import OrderAction
from reforms.supervision.models import SupervisionOrder
from tests.factories import OrganisationFactory, TaskFactory, UserFactory
from tests.workbench import helpers
from tests.workbench.helpers import counts, panel

day = helpers.day
frozen_now = helpers.frozen_now
in_english = helpers.in_english

pytestmark = pytest.mark.django_db


def _issue(office, subject, reply_due, **more):
    field = "task" if subject._meta.model_name == "task" else "grievance"
    return services.order_issue(
        actor=office,
        unit=None,
        colour=more.get("colour", "yellow"),
        requirement="请书面反馈整改情况。",
        reply_due=reply_due,
        **{field: subject},
    )


def _step(order, action, actor, text="已整改"):
    return services.order_act(order=order, action=action, actor=actor, text=text)


def _due(order, reply_due):
    """History the services refuse to write: a reply date already past."""
    SupervisionOrder.objects.filter(pk=order.pk).update(reply_due=reply_due)
    return order


@pytest.fixture
def orders(day, office_user, member_unit_user):
    """On Wednesday 3 June: the union owes three replies (one overdue since Monday, one sent
    back), has one reply waiting to be checked and one order closed; another unit is overdue
    and has a reply waiting."""
    staff = member_unit_user
    other_staff = UserFactory(role="member_unit", organisation=day["other_unit"])
    rows = {
        "later": _issue(office_user, day["red"], date(2026, 6, 10)),
        "overdue": _due(_issue(office_user, day["yellow"], date(2026, 6, 5)), date(2026, 6, 1)),
        "sent_back": _issue(office_user, day["accepted"], date(2026, 6, 8), colour="red"),
        "answered": _issue(office_user, day["in_progress"], date(2026, 6, 9)),
        "closed": _issue(office_user, day["red"], date(2026, 6, 4)),
        "other_overdue": _due(
            _issue(office_user, day["elsewhere"], date(2026, 6, 5)), date(2026, 5, 30)
        ),
        "other_answered": _issue(
            office_user,
            TaskFactory(title="别人的任务", lead_unit=day["other_unit"]),
            date(2026, 6, 9),
        ),
    }
    _step(rows["sent_back"], OrderAction.REPLY, staff)
    _step(rows["sent_back"], OrderAction.SEND_BACK, office_user, "材料不全")
    _step(rows["answered"], OrderAction.REPLY, staff)
    _step(rows["closed"], OrderAction.REPLY, staff)
    _step(rows["closed"], OrderAction.ACCEPT, office_user)
    _step(rows["other_answered"], OrderAction.REPLY, other_staff)
    return rows


def _page(client, user, url="/"):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _listed(client, html, key):
    """The orders the list shows where `key`'s count links."""
    link = re.search(r'class="badge[^"]*panel-count" href="([^"]+)"', panel(html, key)).group(1)
    listed = client.get(link.replace("&amp;", "&")).content.decode()
    return re.findall(r'<tr class="order-row" data-order="(\d+)"', listed)


def _pks(orders, *names):
    return sorted(str(orders[name].pk) for name in names)


def test_a_units_staff_sees_the_orders_to_answer_most_urgent_first(
    client, member_unit_user, orders
):
    html = _page(client, member_unit_user)
    assert counts(html)["orders_to_answer"] == 3  # issued twice and sent back once
    assert "orders_to_check" not in counts(html) and "orders_overdue" not in counts(html)
    section = panel(html, "orders_to_answer")
    rows = re.findall(r'data-order="(\d+)"', section)
    # By reply date: overdue since 1 June, then 8 June (sent back), then 10 June.
    assert rows == [str(orders[k].pk) for k in ("overdue", "sent_back", "later")]
    overdue_row = section[section.index(f'data-order="{orders["overdue"].pk}"') :]
    assert "order-overdue" in overdue_row.split("</li>")[0]  # marked red
    assert "order-overdue" not in section[section.index(f'data-order="{orders["later"].pk}"') :]
    assert sorted(_listed(client, html, "orders_to_answer")) == _pks(
        orders, "overdue", "sent_back", "later"
    )
    # The list says what it is narrowed to, and a new filter keeps both statuses.
    link = re.search(r'panel-count" href="([^"]+)"', panel(html, "orders_to_answer")).group(1)
    listed = client.get(link.replace("&amp;", "&")).content.decode()
    assert 'id="orders-narrowed"' in listed and "Sent back" in listed
    assert '<input type="hidden" name="status" value="sent_back">' in listed
    # 2 grievances to accept + 2 to handle + 3 orders + 2 tasks + 1 milestone.
    assert "10 items wait for you" in html


def test_the_office_sees_the_replies_to_check_and_the_overdue_orders(client, office_user, orders):
    html = _page(client, office_user)
    assert "orders_to_answer" not in counts(html)
    assert counts(html)["orders_to_check"] == 2  # the union's and the other unit's replies
    assert counts(html)["orders_overdue"] == 2  # the union's and the other unit's
    assert sorted(_listed(client, html, "orders_to_check")) == _pks(
        orders, "answered", "other_answered"
    )
    assert sorted(_listed(client, html, "orders_overdue")) == _pks(
        orders, "overdue", "other_overdue"
    )
    assert "order-overdue" in panel(html, "orders_overdue")


def test_someone_of_no_unit_has_no_orders_section(client, park_manager, orders):
    assert not [key for key in counts(_page(client, park_manager)) if key.startswith("orders")]


def _queries(client):
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    return len(captured)


def test_the_workbench_runs_the_same_queries_for_1_and_20_orders(
    client, office_user, member_unit_user, park
):
    union = member_unit_user.organisation
    task = TaskFactory(park=park, lead_unit=union)

    def for_unit(n):
        _issue(office_user, task, date(2026, 6, 4 + n % 20))

    def for_office(n):
        order = _due(_issue(office_user, task, date(2026, 6, 30)), date(2026, 5, 1 + n))
        _step(_issue(office_user, task, date(2026, 6, 30)), OrderAction.REPLY, member_unit_user)
        return order

    for user, make, keys in (
        (member_unit_user, for_unit, {"orders_to_answer": 20}),
        (office_user, for_office, {"orders_to_check": 20, "orders_overdue": 20}),
    ):
        SupervisionOrder.objects.all().delete()
        client.force_login(user)
        make(0)
        one = _queries(client)
        for n in range(1, 20):
            make(n)
        assert _queries(client) == one
        found = counts(client.get("/").content.decode())
        assert {key: found[key] for key in keys} == keys


def test_the_unit_page_shows_its_orders_to_the_office_and_its_staff_only(
    client, office_user, member_unit_user, orders, day
):
    url = reverse("workbench:unit_detail", args=[day["union"].pk])
    html = _page(client, office_user, url)
    assert counts(html)["orders"] == 5  # every order issued to the union, the closed one too
    assert sorted(_listed(client, html, "orders")) == _pks(
        orders, "later", "overdue", "sent_back", "answered", "closed"
    )
    assert "逾期任务" in panel(html, "orders")  # each order names what it is about
    assert counts(_page(client, member_unit_user, url))["orders"] == 5
    stranger = UserFactory(role="member_unit", organisation=OrganisationFactory(name="区妇联"))
    assert "orders" not in counts(_page(client, stranger, url))


def test_the_park_page_counts_the_orders_on_its_tasks_and_grievances(
    client, office_user, orders, park
):
    html = _page(client, office_user, park.get_absolute_url())
    # All but the other unit's task order, whose task is in another park.
    assert counts(html)["orders"] == 6
    assert len(_listed(client, html, "orders")) == 6
