"""A task's and a grievance's supervision-order panel, its query compiled once per scope and
kind of subject (reforms.supervision.panels._subject_panel over related.first_and_count_once),
answers exactly as the plain panel (the order list's rows, its filter's known subject,
first_and_count): panel for panel and row for row, for every role, both languages, subjects in
two parks, as the orders change and the day turns; and the grievance and task pages byte for
byte, in as many queries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from parks import access
from parks.core import prepared, related
from reforms.supervision import panels as order_panels
from reforms.supervision import policy
from reforms.supervision.models import SupervisionOrder
from reforms.supervision.services import order_issue
from tests.factories import GrievanceFactory, TaskFactory, UserFactory
from tests.page_helpers import page_as
from tests.workbench import helpers

day = helpers.day
frozen_now = helpers.frozen_now

pytestmark = pytest.mark.django_db


def _plain(user, subject):
    """The panel as every request built it before (_panel with the subject known)."""
    field = subject._meta.model_name
    issue_url = ""
    if policy.may_issue(user):
        issue_url = f"{reverse('reforms:order_issue')}?{urlencode({field: subject.pk})}"
    panel = order_panels._panel(
        user,
        "orders",
        _("Supervision orders"),
        order_panels._query(**{field: subject.pk}),
        known={field: subject},
        ordering=("-issued_at", "-pk"),
        issue_url=issue_url,
        show_subject=False,
        empty_text=_("No supervision orders."),
    )
    return panel if panel.count or issue_url else None


def _same(fast, plain):
    # The panels hold their orders as the values they print (OrderRows, each OrderRow with its
    # overdue mark and subject), compared here with every other field.
    assert fast == plain


def _users(request):
    names = ("office_user", "park_manager", "liaison", "subdistrict_user", "member_unit_user")
    users = [request.getfixturevalue(name) for name in names]
    union = request.getfixturevalue("member_unit_user").organisation
    users.append(UserFactory(username="unit-staff", role="member_unit", organisation=union))
    users.append(UserFactory(username="root", is_superuser=True, role="observer"))
    return users


def _subjects(park, other_park, unit):
    subjects = []
    for where in (park, other_park):
        subjects.append(TaskFactory(park=where, due_date=helpers.TODAY + timedelta(days=9)))
        subjects.append(helpers.put(GrievanceFactory(park=where), "assigned", unit))
    return subjects


def _orders(subjects, office_user, units):
    """Orders about each subject, to both units, one of them overdue (a row marked red)."""
    for subject in subjects:
        for unit in units:
            order = order_issue(
                actor=office_user,
                unit=unit,
                colour="red",
                requirement="限期反馈",
                reply_due=helpers.TODAY,
                **{subject._meta.model_name: subject},
            )
        SupervisionOrder.objects.filter(pk=order.pk).update(
            reply_due=helpers.TODAY - timedelta(days=1)
        )


def test_the_fast_panel_is_the_plain_panel(
    request, day, park, other_park, office_user, time_machine, fresh_plans
):
    users = _users(request)
    units = (day["union"], day["other_unit"])
    subjects = _subjects(park, other_park, day["union"])
    for round_ in range(4):
        for language in ("zh-hans", "en"):
            with translation.override(language):
                for user in users:
                    for subject in subjects:
                        _same(order_panels._subject_panel(user, subject), _plain(user, subject))
        if round_ == 0:
            _orders(subjects, office_user, units)
        elif round_ == 1:  # more orders: more than a panel lists
            _orders(subjects, office_user, units)
            _orders(subjects, office_user, units)
        elif round_ == 2:  # the next day: the orders due today are overdue now
            time_machine.move_to(helpers.NOW + timedelta(days=1), tick=False)
    assert any(
        row.is_overdue for row in order_panels._subject_panel(office_user, subjects[0]).extra.rows
    )


def test_one_plan_per_scope_and_kind_of_subject(request, day, park, other_park, fresh_plans):
    users = _users(request)
    subjects = _subjects(park, other_park, day["union"])
    for user in users:
        for subject in subjects:
            order_panels._subject_panel(user, subject)
    plans = dict(prepared._PLANS)
    keys = [key for key in plans if "subject_orders" in repr(key)]
    # Those who see orders: the office (the superuser shares its key) and the union's staff
    # (one key each: their own ids); a task's and a grievance's plan each.
    scopes = {access.scope_key(user) for user in users if access.sees_supervision_orders(user)}
    assert len(keys) == 2 * len(scopes)
    assert all(plans[key] is not None for key in keys)


def test_the_pages_are_byte_for_byte_the_plain_ones(
    client, request, day, park, other_park, office_user, monkeypatch, fresh_plans
):
    users = _users(request)
    subjects = _subjects(park, other_park, day["union"])
    _orders(subjects, office_user, (day["union"], day["other_unit"]))
    plain_providers = {kind: dict(providers) for kind, providers in related._PROVIDERS.items()}
    for kind in ("task", "grievance"):
        order, _fast = plain_providers[kind]["orders"]
        plain_providers[kind]["orders"] = (order, _plain)
    fast_providers = related._PROVIDERS
    shown = 0
    for language in ("zh-hans", "en"):
        for user in users:
            for subject in subjects:
                url = subject.get_absolute_url()
                for _twice in range(2):
                    monkeypatch.setattr(related, "_PROVIDERS", plain_providers)
                    plain = page_as(client, user, url, language)
                    monkeypatch.setattr(related, "_PROVIDERS", fast_providers)
                    fast = page_as(client, user, url, language)
                    assert fast[:2] == plain[:2]
                    assert len(fast[2]) == len(plain[2])
                shown += 'id="panel-orders"' in fast[1]
    assert shown
