"""A park page's related panels, their queries compiled once per scope (parks.core.related's
first_once, first_and_count_once and count_once over parks.core.prepared), answer exactly as the
plain panels built the way every other page builds them: panel for panel, and the whole page
byte for byte, for every role, both languages, two parks, before and after the rows change; the
page in one query fewer (the tasks' counts read with their first rows)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from grievances import panels as grievance_panels
from parks import access
from parks.core import prepared, related
from parks.core.db import counts_at_once
from parks.gridlog import panels as gridlog_panels
from reforms.ledgers.selectors import ledger_visible_to
from reforms.ledgers.views import LEDGERS
from reforms.reporting.choices import ReportStatus
from reforms.reporting.models import Report
from reforms.reporting.selectors import reports_visible_to
from reforms.supervision import panels as order_panels
from reforms.supervision.models import SupervisionOrder
from reforms.supervision.services import order_issue
from reforms.workbench import panels as workbench_panels
from tests.factories import (
    ActivityFactory,
    CarePaymentFactory,
    GrievanceFactory,
    TaskFactory,
    UserFactory,
)
from tests.page_helpers import page_as
from tests.workbench import helpers

day = helpers.day
frozen_now = helpers.frozen_now

pytestmark = pytest.mark.django_db


def _plain_tasks(user, park):
    rows, query = workbench_panels._tasks(user, known={"park": park})
    return workbench_panels._warning_panel(
        "tasks",
        _("Reform tasks"),
        rows,
        query,
        every_task=True,
        links=[(_("Roadmap"), reverse("reforms:park_roadmap", args=[park.pk]))],
        empty_text=_("No reform tasks."),
    )


def _plain_grievances(user, park):
    query = grievance_panels._query(park=park.pk)
    links = grievance_panels._poster_link(user, park)
    return grievance_panels._open_grievances("grievances", user, query, links=links, park=park)


def _plain_orders(user, park):
    if not access.sees_supervision_orders(user):
        return None
    return order_panels._orders_of(user, park=park.pk, known={"park": park})


def _plain_activities(user, park):
    return gridlog_panels._entries(user, "park", park=park.pk)


def _plain_reports(user, park):
    rows = (
        reports_visible_to(user)
        .filter(park=park, status=ReportStatus.DONE)
        .select_related("park", "subdistrict")
        .defer("snapshot")
    )
    reports, count = related.first_and_count(rows, "-period_end", "-pk")
    return related.Panel(
        key="reports",
        title=_("Progress reports"),
        count=count,
        url=f"{reverse('reforms:report_list')}?park={park.pk}",
        items=[
            related.PanelItem(
                text=str(report),
                url=report.get_absolute_url(),
                badge=report.get_period_kind_display(),
                tone="secondary",
            )
            for report in reports
        ],
        icon="bi-file-earmark-bar-graph",
        empty_text=_("No report yet."),
    )


def _plain_ledgers(user, park):
    querysets = {
        kind: ledger_visible_to(ledger.model, user).filter(park=park)
        for kind, ledger in LEDGERS.items()
    }
    return workbench_panels._ledgers_panel(park, counts_at_once(querysets))


PLAIN = {
    "ledgers": _plain_ledgers,
    "tasks": _plain_tasks,
    "grievances": _plain_grievances,
    "orders": _plain_orders,
    "activities": _plain_activities,
    "reports": _plain_reports,
}
FAST = {
    "ledgers": workbench_panels.park_ledgers_panel,
    "tasks": workbench_panels.park_tasks_panel,
    "grievances": grievance_panels.park_panel,
    "orders": order_panels.park_panel,
    "activities": gridlog_panels.park_panel,
    "reports": workbench_panels.park_reports_panel,
}


def _users(request, park):
    names = ("office_user", "park_manager", "liaison", "subdistrict_user", "member_unit_user")
    users = [request.getfixturevalue(name) for name in names]
    # A handling unit's own staff (they see their unit's orders) and a superuser.
    unit = request.getfixturevalue("member_unit_user").organisation
    users.append(UserFactory(username="unit-staff", role="member_unit", organisation=unit))
    users.append(UserFactory(username="root", is_superuser=True, role="observer"))
    return users


def _more_rows(park, other_park, office_user, unit):
    """Rows of every panel's kind in both parks, red and open ones among them."""
    for where in (park, other_park):
        task = TaskFactory(park=where, due_date=helpers.TODAY - timedelta(days=3))
        grievance = helpers.put(GrievanceFactory(park=where), "assigned", unit)
        ActivityFactory(park=where, grid_zone=None)
        CarePaymentFactory(park=where)
        for subject in ({"task": task}, {"grievance": grievance}):
            order = order_issue(
                actor=office_user,
                unit=None,
                colour="yellow",
                requirement="限期反馈",
                reply_due=helpers.TODAY,
                **subject,
            )
        # One of them overdue (is_overdue: a column the panel marks red).
        SupervisionOrder.objects.filter(pk=order.pk).update(
            reply_due=helpers.TODAY - timedelta(days=1)
        )
        Report.objects.create(
            scope="park",
            park=where,
            period_kind="month",
            period_start=helpers.TODAY.replace(day=1) - timedelta(days=31),
            period_end=helpers.TODAY.replace(day=1) - timedelta(days=1),
            status="done",
            finished_at=helpers.NOW,
        )


def test_each_fast_panel_is_the_plain_panel(
    request, day, park, other_park, office_user, fresh_plans
):
    users = _users(request, park)
    for round_ in range(3):
        for language in ("zh-hans", "en"):
            with translation.override(language):
                for user in users:
                    for where in (park, other_park):
                        if not access.parks_visible_to(user).filter(pk=where.pk).exists():
                            continue
                        for key, fast in FAST.items():
                            assert fast(user, where) == PLAIN[key](user, where), (key, user)
        if round_ == 0:
            _more_rows(park, other_park, office_user, day["union"])
        elif round_ == 1:  # a count kept as a statement reads the rows of now, not of then
            GrievanceFactory.create_batch(2, park=park)


def test_each_panels_queries_are_compiled_once(request, day, park, office_user, fresh_plans):
    users = _users(request, park)
    for user in users:
        for fast in FAST.values():
            fast(user, park)
    # Every panel's rows query has a plan (None would mean compiled afresh on every request):
    # five a scope, four for those who see no supervision orders.
    plans = dict(prepared._PLANS)
    assert all(plan is not None for plan in plans.values())
    assert len(plans) == sum(5 if access.sees_supervision_orders(u) else 4 for u in users)
    # The grievances' and the grid log's counts, the ledgers' counts.
    assert len(related._STATEMENTS) == 3 * len(users)


def test_the_park_page_is_byte_for_byte_the_plain_one_in_one_query_fewer(
    client, request, day, park, other_park, office_user, monkeypatch, fresh_plans
):
    _more_rows(park, other_park, office_user, day["union"])
    plain_providers = {kind: dict(providers) for kind, providers in related._PROVIDERS.items()}
    for key, provider in PLAIN.items():
        order, _fast = plain_providers["park"][key]
        plain_providers["park"][key] = (order, provider)
    fast_providers = related._PROVIDERS
    users = _users(request, park)
    for language in ("zh-hans", "en"):
        for user in users:
            for where in (park, other_park):
                url = where.get_absolute_url()
                if not access.parks_visible_to(user).filter(pk=where.pk).exists():
                    continue
                for _twice in range(2):
                    monkeypatch.setattr(related, "_PROVIDERS", plain_providers)
                    status, plain, plain_queries = page_as(client, user, url, language)
                    monkeypatch.setattr(related, "_PROVIDERS", fast_providers)
                    status, fast, fast_queries = page_as(client, user, url, language)
                    assert status == 200
                    assert fast == plain
                    # The tasks' counts come with their first rows: one query fewer.
                    assert len(fast_queries) == len(plain_queries) - 1
                assert 'id="panel-tasks"' in fast
