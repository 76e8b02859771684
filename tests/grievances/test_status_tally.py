"""The status tally (grievances.status_counts) stays exact through every kind of write, and the
inbox's tabs, its pages' count and the workbench's queues read from it the very numbers
COUNT(*) gives, for every role's scope, without counting the grievances themselves."""

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from grievances import workflow
from grievances.merging import grievance_merge
from grievances.models import Grievance
from grievances.selectors import grievances_visible_to
from grievances.status_counts import StatusTally
from grievances.views.common import STATUS_GROUPS
from parks.core.tallies import count, counts_by
from parks.structure.choices import Role
from tests.factories import GrievanceFactory, OrganisationFactory, ParkFactory, UserFactory
from tests.grievances.services_helpers import grievance_in

pytestmark = pytest.mark.django_db


def tallied():
    rows = StatusTally.objects.filter(n__gt=0)
    return {(r.park_id, r.handling_unit_id, r.status): r.n for r in rows}


def counted():
    rows = Grievance.objects.values_list("park", "handling_unit", "status").annotate(n=Count("pk"))
    return {(park, unit, status): n for park, unit, status, n in rows.order_by()}


@pytest.fixture
def unit():
    return OrganisationFactory(name="区人社局")


@pytest.fixture
def cases(park, other_park, unit):
    other_unit = OrganisationFactory(name="区总工会")
    made = [
        GrievanceFactory(park=park),
        GrievanceFactory(park=park),
        grievance_in("assigned", unit, park=park),
        grievance_in("in_progress", unit, park=other_park),
        grievance_in("replied", other_unit, park=other_park),
        grievance_in("closed", unit, park=park),
        grievance_in("withdrawn", None, park=other_park),
    ]
    assert tallied() == counted()
    return made


def test_each_step_of_the_workflow_moves_its_grievance_between_tallies(cases, office_user, unit):
    received = cases[0]
    staff = UserFactory(role=Role.MEMBER_UNIT, organisation=unit)
    workflow.grievance_assign(grievance=received, actor=office_user, unit=unit)
    assert tallied() == counted()
    workflow.grievance_accept(grievance=received, actor=staff)
    workflow.grievance_start(grievance=received, actor=staff)
    workflow.grievance_reply(grievance=received, actor=staff, note="已处理。")
    assert tallied() == counted()
    workflow.grievance_withdraw(grievance=cases[1], actor=office_user, note="职工撤回。")
    assert tallied() == counted()


def test_merges_deletes_and_bulk_writes_keep_the_tally_exact(cases, office_user, park, unit):
    survivor = cases[2]
    grievance_merge(duplicate=cases[0], survivor=survivor, actor=office_user)
    assert tallied() == counted()
    Grievance.objects.filter(status="received").update(status="withdrawn")
    Grievance.objects.filter(park=park).update(title="改过")  # moves nothing
    assert tallied() == counted()
    Grievance.objects.bulk_create(GrievanceFactory.build(park=park) for _ in range(5))
    assert tallied() == counted()
    cases[-1].delete()
    Grievance.objects.filter(handling_unit=unit, status="closed").delete()
    assert tallied() == counted()


def test_only_conditions_on_park_unit_and_status_are_answered_from_it(cases, park, unit):
    everything = Grievance.objects.all()
    for rows in (
        everything,
        everything.filter(status__in=["received", "assigned"]),
        everything.filter(park=park, status="received"),
        everything.filter(park__in=[park.pk], handling_unit=unit),
        everything.filter(handling_unit__isnull=True),
        # A unit's staff: their park's rows or their unit's.
        everything.filter(park__in=[ParkFactory().pk]).filter(status="assigned")
        | everything.filter(handling_unit=unit, status__in=["assigned", "in_progress"]),
    ):
        with CaptureQueriesContext(connection) as queries:
            n, per_status = count(rows), counts_by(rows, "status")
        assert n == rows.count()
        assert per_status == dict(rows.order_by().values_list("status").annotate(n=Count("*")))
        assert len(queries) == 2
        assert not any('FROM "grievances_grievance"' in q["sql"] for q in queries)
    for narrowed in (
        everything.filter(category="wages"),
        everything.exclude(status="received"),
        everything.filter(park__subdistrict=park.subdistrict),
        everything.filter(title__contains="职工"),
        everything.filter(attachments__isnull=True),
    ):
        assert count(narrowed) == narrowed.count()
        assert counts_by(narrowed, "status") == dict(
            narrowed.order_by().values_list("status").annotate(n=Count("*"))
        )


@pytest.fixture
def readers(park, subdistrict, unit):
    return [
        UserFactory(username="o", role=Role.OFFICE),
        UserFactory(username="s", role=Role.SUBDISTRICT, subdistrict=subdistrict),
        UserFactory(username="m", role=Role.PARK_MANAGER, park=park),
        UserFactory(username="w", role=Role.OBSERVER),
        UserFactory(username="u", role=Role.MEMBER_UNIT, organisation=unit),
    ]


def _grievance_counts(queries):
    return [
        q["sql"]
        for q in queries
        if 'FROM "grievances_grievance"' in q["sql"]
        and ("COUNT(" in q["sql"] or "GROUP BY" in q["sql"])
        and "U0" not in q["sql"]  # the duplicate hints of the page's rows, not a count
    ]


def test_every_tab_and_page_count_is_count_star_for_every_role(cases, client, readers, park):
    for user in readers:
        client.force_login(user)
        visible = grievances_visible_to(user)
        for group, (_label, statuses) in STATUS_GROUPS.items():
            rows = visible if statuses is None else visible.filter(status__in=statuses)
            with CaptureQueriesContext(connection) as queries:
                page = client.get("/grievances/", {"group": group})
            tabs = {tab["key"]: tab["count"] for tab in page.context["tabs"]}
            assert page.context["page"].paginator.count == rows.count(), (user.role, group)
            assert tabs[group] == rows.count(), (user.role, group)
            assert not _grievance_counts(queries), (user.role, group)
        # A park chosen in the filter bar: the rollup still answers; a category counts rows.
        for params in ({"park": park.pk}, {"category": "wages"}, {"status": ["received"]}):
            page = client.get("/grievances/", params)
            rows = client.get("/grievances/", {**params, "group": "all"}).context["tabs"]
            assert {t["key"]: t["count"] for t in rows} == {
                t["key"]: t["count"] for t in page.context["tabs"]
            }
            assert page.context["page"].paginator.count == page.context["tabs"][0]["count"]


def test_the_workbench_queues_count_what_their_lists_hold(cases, client, readers, unit):
    for user in (readers[0], readers[-1]):
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/")
        panels = [p for p in page.context["sections"] if p.key.startswith("grievances_")]
        assert panels, user.role
        for panel in panels:
            listed = client.get(panel.url).context["page"].paginator.count
            assert panel.count == listed, (user.role, panel.key)
        assert not _grievance_counts(queries), user.role
