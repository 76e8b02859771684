"""The inbox's queries compiled once per scope (parks.core.prepared), and its counts replayed
from the SQL the ORM ran (parks.core.tallies), answer what the same queries built afresh
answer, for every role, whoever asked first: the likely duplicates of a page's rows
(grievances.duplicates.duplicate_counts), whether the user may log a grievance somewhere
(grievances.selectors.may_log_grievances_somewhere), the tabs' and the pages' counts."""

from datetime import timedelta

import pytest
from django.db.models import Count

from grievances import selectors
from grievances.duplicates import duplicate_counts
from grievances.models import Grievance
from grievances.views.common import STATUS_GROUPS
from parks import access
from parks.core import prepared as prepared_module
from parks.core import tallies
from tests.factories import GrievanceFactory
from tests.grievances.pages_helpers import NOW

pytestmark = pytest.mark.django_db

ROLES = ("office_user", "park_manager", "liaison", "subdistrict_user", "member_unit_user")
AC = "车间空调坏了三天"


@pytest.fixture
def people(request):
    return [request.getfixturevalue(role) for role in ROLES]


@pytest.fixture
def titles(park, other_park):
    """Likely duplicates in two parks, and rows with none."""
    made = []
    for where in (park, other_park):
        for days, title in enumerate((AC, "车间空调坏了三天！", "车间空调坏了", "食堂饭菜太咸")):
            made.append(
                GrievanceFactory(park=where, title=title, received_at=NOW - timedelta(days))
            )
    return made


def _plain(monkeypatch):
    """Every prepared query built afresh, as before it was compiled once."""
    monkeypatch.setattr(prepared_module, "_plan", lambda *arguments: None, raising=True)
    prepared_module.forget()


def _counts_for(users, pages):
    return [
        duplicate_counts(selectors.grievances_visible_to(user), page, scope=access.scope_key(user))
        for user in users
        for page in pages
    ]


def test_duplicate_counts_compiled_once_are_the_counts_built_afresh(people, titles, monkeypatch):
    ids = [grievance.pk for grievance in titles]
    # Pages of several lengths, each asked twice (the second use runs the kept plan).
    pages = [ids, ids[:3], ids[3:], ids[::-1], ids, ids[:3]]
    prepared_module.forget()
    kept = _counts_for(people, pages)
    assert any(kept)  # the fixture has likely duplicates in sight of someone
    plans = [
        plan
        for (key, *_where), plan in prepared_module._PLANS.items()
        if key[0] == "duplicate_counts"
    ]
    assert plans and None not in plans  # compiled once indeed
    _plain(monkeypatch)
    assert kept == _counts_for(people, pages)
    assert kept == [
        duplicate_counts(selectors.grievances_visible_to(user), page)
        for user in people
        for page in pages
    ]


def test_a_page_longer_than_a_plan_takes_is_counted_afresh(titles):
    many = [grievance.pk for grievance in titles] + [
        grievance.pk for grievance in GrievanceFactory.create_batch(30, title=AC)
    ]
    everything = Grievance.objects.all()
    assert duplicate_counts(everything, many, scope="test") == duplicate_counts(everything, many)


def test_who_may_log_somewhere_is_the_rule_asked_of_every_visible_park(
    people, park, other_park, monkeypatch
):
    def by_the_rule(user):
        return any(
            access.may_log_grievances(user, visible) for visible in access.parks_visible_to(user)
        )

    prepared_module.forget()
    expected = [by_the_rule(user) for user in people]
    assert [selectors.may_log_grievances_somewhere(user) for user in people] == expected
    assert [selectors.may_log_grievances_somewhere(user) for user in people] == expected
    plans = [
        plan
        for (key, *_where), plan in prepared_module._PLANS.items()
        if key[0] == "parks_to_log_in"
    ]
    assert plans and None not in plans
    assert set(expected) == {True, False}  # some may log somewhere, some may not
    _plain(monkeypatch)
    assert [selectors.may_log_grievances_somewhere(user) for user in people] == expected


def test_counts_replayed_from_the_rollup_follow_every_write(people, titles, park, monkeypatch):
    """parks.core.tallies: a rollup's count and counts by status, run through the ORM once per
    question and replayed afterwards, are COUNT(*) of what the question names, after writes."""
    tallies._GROUPS_SQL.clear()
    open_statuses = STATUS_GROUPS["open"][1]

    def asked(user):
        visible = selectors.grievances_visible_to(user)
        in_tab = visible.filter(status__in=open_statuses)
        return tallies.count(in_tab), tallies.counts_by(visible, "status")

    def counted(user):
        visible = selectors.grievances_visible_to(user)
        by_status = visible.order_by().values_list("status").annotate(n=Count("pk"))
        return visible.filter(status__in=open_statuses).count(), dict(by_status)

    for write in (None, "more", "fewer"):
        if write == "more":
            GrievanceFactory.create_batch(3, park=park)
        elif write == "fewer":
            Grievance.objects.filter(park=park).first().delete()
        for user in people:
            assert asked(user) == counted(user), (write, user.role)
    assert tallies._GROUPS_SQL  # replayed indeed


def test_duplicate_counts_follow_the_window_setting(office_user, titles, settings):
    visible = selectors.grievances_visible_to(office_user)
    ids = [grievance.pk for grievance in titles]
    scope = access.scope_key(office_user)
    for days in (14, 0, 14):
        settings.GRIEVANCE_DUPLICATE_DAYS = days
        assert duplicate_counts(visible, ids, scope=scope) == duplicate_counts(visible, ids)
