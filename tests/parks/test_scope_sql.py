"""The scope filters' SQL: nothing for users who see the whole district, `park_id = …` for one
park, `park_id IN (…)` with a subdistrict's park ids read once per request — never a subquery
over the parks table. (Which rows each role sees: tests/test_scope_matrix.py.)"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grievances.models import Grievance
from parks import access
from parks.structure.choices import Role
from tests.factories import ActivityFactory, GrievanceFactory, ParkFactory, UserFactory

pytestmark = pytest.mark.django_db

PARKS_SUBQUERY = '"parks_park" U0'  # how Django writes `park_id IN (SELECT … FROM parks_park)`
URLS = ["/api/v1/grievances/", "/api/v1/activities/", "/api/v1/tasks/", "/api/v1/grids/"]


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content[:200])
    return [query["sql"] for query in captured.captured_queries]


def _park_id_reads(queries, subdistrict):
    return [
        sql
        for sql in queries
        if sql.startswith('SELECT "parks_park"."id" AS "pk" FROM "parks_park"')
        and f'"parks_park"."subdistrict_id" = {subdistrict.pk}' in sql
    ]


@pytest.mark.parametrize("role", [Role.OFFICE, Role.OBSERVER])
def test_district_wide_users_lists_have_no_park_condition(api_as, park, other_park, role):
    GrievanceFactory(park=park)
    ActivityFactory(grid_zone__park=other_park)
    client = api_as(UserFactory(role=role))
    for url in URLS:
        queries = _queries(client, url)
        assert not [sql for sql in queries if PARKS_SUBQUERY in sql], url
        rows = [sql for sql in queries if "LIMIT" in sql and '"parks_park"."id" =' not in sql]
        assert not [sql for sql in rows if '"park_id" IN' in sql], url


def test_a_subdistricts_park_ids_are_read_once_and_listed(api_as, subdistrict, park):
    second = ParkFactory(subdistrict=subdistrict)
    ParkFactory()  # elsewhere
    GrievanceFactory(park=park)
    client = api_as(UserFactory(role=Role.SUBDISTRICT, subdistrict=subdistrict))
    ids = ", ".join(str(pk) for pk in sorted([park.pk, second.pk]))
    for url in URLS:
        queries = _queries(client, url)
        assert len(_park_id_reads(queries, subdistrict)) == 1, url
        assert not [sql for sql in queries if PARKS_SUBQUERY in sql], url
        assert [sql for sql in queries if f'"park_id" IN ({ids})' in sql], url


def test_one_parks_people_filter_by_that_park(api_as, park, liaison):
    GrievanceFactory(park=park)
    queries = _queries(api_as(liaison), "/api/v1/grievances/")
    assert [sql for sql in queries if f'"grievances_grievance"."park_id" = {park.pk}' in sql]
    assert not [sql for sql in queries if PARKS_SUBQUERY in sql]


def test_a_park_saved_during_a_request_joins_its_subdistricts_list(subdistrict, park):
    user = UserFactory(role=Role.SUBDISTRICT, subdistrict=subdistrict)
    with access.parks_read_once():
        GrievanceFactory(park=park)
        assert access.grievances_visible(user, Grievance.objects.all()).count() == 1
        newcomer = GrievanceFactory(park=ParkFactory(subdistrict=subdistrict))
        visible = access.grievances_visible(user, Grievance.objects.all())
        assert newcomer in visible
    # Outside a request (a worker, a shell) nothing would reuse a list: the rule reads the
    # subdistrict's parks in the same query.
    outside = access.grievances_visible(user, Grievance.objects.all())
    assert PARKS_SUBQUERY in str(outside.query)
    assert outside.count() == 2
