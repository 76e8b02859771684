"""Tallies and the grid log's rollup stay exact through every kind of write, and the lists'
counts read from them equal COUNT(*) for every scope (parks.core.tallies)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.models import Count, F, Sum
from django.test.utils import CaptureQueriesContext

from grievances.models import Grievance
from parks import access
from parks.core.replayed import KeptStatements
from parks.core.tallies import Tally, count, tallied_totals
from parks.gridlog.models import Activity, ActivityDayRollup, ActivityRollup
from parks.structure.choices import Role
from reforms.tasks.models import Task
from tests.factories import (
    ActivityFactory,
    GridZoneFactory,
    GrievanceFactory,
    TaskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

WUXI = ZoneInfo("Asia/Shanghai")


def tallies(model):
    rows = Tally.objects.filter(source=model._meta.db_table, n__gt=0)
    return {row.park_id: (row.n, row.total) for row in rows}


def counted(model, total=None):
    rows = model.objects.order_by().values("park").annotate(n=Count("pk"))
    if total:
        rows = rows.annotate(total=Sum(total))
    return {row["park"]: (row["n"], row.get("total", 0)) for row in rows}


def rollup():
    rows = ActivityRollup.objects.filter(n__gt=0)
    return {(r.park_id, r.grid_zone_id, r.month, r.kind): (r.n, r.participants) for r in rows}


def day_rollup():
    rows = ActivityDayRollup.objects.filter(n__gt=0)
    return {(r.park_id, r.grid_zone_id, r.day): (r.n, r.participants) for r in rows}


def raw_rollups():
    months, days = {}, {}
    for a in Activity.objects.all():
        day = a.occurred_at.astimezone(WUXI).date()
        for result, key in (
            (months, (a.park_id, a.grid_zone_id, day.replace(day=1), a.kind)),
            (days, (a.park_id, a.grid_zone_id, day)),
        ):
            n, participants = result.get(key, (0, 0))
            result[key] = (n + 1, participants + a.participants)
    return months, days


def assert_exact():
    assert tallies(Activity) == counted(Activity, "participants")
    assert (rollup(), day_rollup()) == raw_rollups()


@pytest.fixture
def log(grid_zone, other_grid_zone):
    ActivityFactory(grid_zone=grid_zone, participants=3)
    ActivityFactory(grid_zone=grid_zone, participants=4)
    ActivityFactory(grid_zone=None, park=grid_zone.park, participants=10)
    ActivityFactory(grid_zone=other_grid_zone, participants=7)
    return grid_zone, other_grid_zone


def test_entries_logged_one_by_one_are_tallied_per_park(log):
    grid_zone, other = log
    assert tallies(Activity) == {grid_zone.park_id: (3, 17), other.park_id: (1, 7)}
    assert_exact()


def test_a_bulk_insert_of_many_parks_is_tallied_in_one_statement(log, office_user):
    grid_zone, other = log
    Activity.objects.bulk_create(
        ActivityFactory.build(grid_zone=zone, logged_by=office_user, participants=n)
        for n, zone in enumerate([grid_zone, other, other, grid_zone, other])
    )
    with connection.cursor() as cursor:
        # As the benchmark's loader does: INSERT … SELECT.
        cursor.execute(
            "INSERT INTO parks_activity (park_id, grid_zone_id, kind, occurred_at, place, title,"
            " description, participants, organisers, logged_by_id, created_at, updated_at)"
            " SELECT %s, NULL, 'forum', now() - n * interval '20 days', '', 't', '', n, '', %s,"
            " now(), now() FROM generate_series(1, 40) n",
            [other.park_id, office_user.pk],
        )
    assert tallies(Activity)[other.park_id] == (1 + 3 + 40, 7 + 1 + 2 + 4 + sum(range(1, 41)))
    assert_exact()


def test_moving_an_entry_to_another_park_zone_and_month_moves_its_count(log):
    grid_zone, other = log
    entry = Activity.objects.filter(grid_zone=grid_zone).first()
    entry.grid_zone, entry.park = other, other.park
    entry.occurred_at = datetime(2026, 4, 30, 23, 30, tzinfo=WUXI)
    entry.participants = 50
    entry.save()
    assert_exact()
    # A whole queryset updated at once, and an edit that moves nothing.
    Activity.objects.filter(park=other.park).update(kind="forum")
    Activity.objects.filter(park=grid_zone.park).update(title="改过")
    assert_exact()


def test_deleted_entries_leave_the_tally_one_and_many_at_a_time(log):
    grid_zone, other = log
    Activity.objects.filter(grid_zone=grid_zone).first().delete()
    assert_exact()
    Activity.objects.filter(park=grid_zone.park).delete()
    assert tallies(Activity) == {other.park_id: (1, 7)}
    assert_exact()


def test_truncating_the_log_empties_its_tally_and_rollup_only(log, park):
    TaskFactory(park=park)
    with connection.cursor() as cursor:
        # The test's own inserts leave deferred foreign-key checks; a TRUNCATE waits for none.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE parks_activity CASCADE")
    assert tallies(Activity) == {} and rollup() == {} and day_rollup() == {}
    assert tallies(Task) == {park.pk: (1, 0)}


def test_tasks_without_a_park_have_a_tally_of_their_own(park):
    TaskFactory(park=park)
    TaskFactory(park=None)
    TaskFactory(park=None)
    assert tallies(Task) == {park.pk: (1, 0), None: (2, 0)}
    assert count(Task.objects.all()) == 3


def test_grievances_are_tallied_per_park(park, other_park):
    GrievanceFactory(park=park)
    GrievanceFactory(park=other_park)
    GrievanceFactory(park=other_park)
    assert tallies(Grievance) == counted(Grievance)


def test_only_a_scope_alone_is_answered_by_the_tally(log):
    grid_zone, _other = log
    assert tallied_totals(Activity.objects.all()) == {"n": 4, "total": 24}
    assert tallied_totals(Activity.objects.filter(park=grid_zone.park)) == {"n": 3, "total": 17}
    assert tallied_totals(Activity.objects.filter(park__in=[grid_zone.park_id])) is not None
    for narrowed in (
        Activity.objects.filter(kind="visit"),
        Activity.objects.filter(park=grid_zone.park, kind="visit"),
        Activity.objects.filter(park__subdistrict=grid_zone.park.subdistrict),
        Activity.objects.exclude(park=grid_zone.park),
        Activity.objects.filter(park=F("grid_zone__park")),
        Activity.objects.none(),
    ):
        assert tallied_totals(narrowed) is None
        assert count(narrowed) == narrowed.count()


@pytest.fixture
def readers(park, subdistrict):
    return [
        UserFactory(username="o", role=Role.OFFICE),
        UserFactory(username="s", role=Role.SUBDISTRICT, subdistrict=subdistrict),
        UserFactory(username="m", role=Role.PARK_MANAGER, park=park),
        UserFactory(username="w", role=Role.OBSERVER),
    ]


def test_the_api_count_is_count_star_for_every_scope_without_counting_rows(log, readers, api_as):
    GridZoneFactory()  # a park with no entries
    for user in readers:
        visible = Activity.objects.filter(park__in=access.parks_visible_to(user))
        with CaptureQueriesContext(connection) as queries:
            body = api_as(user).get("/api/v1/activities/").json()
        assert body["count"] == visible.count(), user.role
        assert not any("COUNT(*)" in q["sql"] and "parks_activity" in q["sql"] for q in queries)
        filtered = api_as(user).get("/api/v1/activities/", {"kind": "visit"}).json()
        assert filtered["count"] == visible.filter(kind="visit").count()


def test_the_feed_page_shows_the_scopes_totals(log, client, readers):
    grid_zone, _other = log
    for user in readers:
        client.force_login(user)
        visible = Activity.objects.filter(park__in=access.parks_visible_to(user))
        page = client.get("/activities/")
        assert page.context["entries"] == visible.count()
        assert page.context["participants"] == (visible.aggregate(n=Sum("participants"))["n"] or 0)
        assert page.context["page"].paginator.count == visible.count()


def test_the_task_and_grievance_lists_count_from_tallies_exactly(park, other_park, api_as, readers):
    TaskFactory(park=park)
    TaskFactory(park=None)
    GrievanceFactory(park=park)
    GrievanceFactory(park=other_park)
    office = readers[0]
    assert api_as(office).get("/api/v1/tasks/").json()["count"] == Task.objects.count()
    assert api_as(office).get("/api/v1/grievances/").json()["count"] == Grievance.objects.count()


def test_the_totals_statement_is_replayed_for_the_same_question_only(log, monkeypatch):
    """The totals' statement is built once per (database, table, condition) and run again as
    the ORM ran it: the same SQL, fresh answers after writes, another for another park, and
    none kept for a condition that is not plain values (a subquery)."""
    from parks.core import tallies as module

    monkeypatch.setattr(module, "_TOTALS_SQL", KeptStatements(most=1000))
    grid_zone, other = log
    questions = [
        Activity.objects.all(),
        Activity.objects.filter(park=grid_zone.park),
        Activity.objects.filter(park__in=[grid_zone.park_id, other.park_id]),
    ]
    with CaptureQueriesContext(connection) as built:
        first = [tallied_totals(rows) for rows in questions]
    with CaptureQueriesContext(connection) as replayed:
        again = [tallied_totals(rows) for rows in questions]
    assert first == again == [{"n": 4, "total": 24}, {"n": 3, "total": 17}, {"n": 4, "total": 24}]
    assert [q["sql"] for q in replayed] == [q["sql"] for q in built]
    assert len(module._TOTALS_SQL) == 3
    ActivityFactory(grid_zone=grid_zone, participants=5)
    assert [tallied_totals(rows) for rows in questions][:2] == [
        {"n": 5, "total": 29},
        {"n": 4, "total": 22},
    ]
    assert tallied_totals(Activity.objects.filter(park=other.park)) == {"n": 1, "total": 7}
    subquery = Activity.objects.filter(park__in=access.parks_visible_to(UserFactory()).values("pk"))
    assert count(subquery) == subquery.count()
    assert len(module._TOTALS_SQL) == 4
