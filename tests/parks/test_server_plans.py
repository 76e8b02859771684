"""The reads of SQL compiled once run as statements PostgreSQL plans once per connection
(parks.core.server_plans): the grievance page's row took ~4.5 ms to plan and 0.3 ms to run.
That each plan's rows are the plain queryset's is pinned by test_prepared_queries and
test_prepared_reading, which now read them this way."""

import pytest
from django.db import DataError, ProgrammingError, connection, transaction
from django.test.utils import CaptureQueriesContext

from parks.core.server_plans import PREPARE_AFTER, ServerBinding, fetch_all
from tests.factories import GrievanceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def grievance(park):
    return GrievanceFactory(park=park)


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall()]


def _grievance_rows(statements: list[str]) -> list[str]:
    return [s for s in statements if 'FROM "grievances_grievance" INNER JOIN "parks_park"' in s]


def test_the_grievance_page_reads_its_row_by_a_statement_the_connection_prepared(
    client, office_user, grievance
):
    client.force_login(office_user)
    for _ in range(PREPARE_AFTER + 1):
        assert client.get(f"/grievances/{grievance.pk}/").status_code == 200
    [statement] = _grievance_rows(_prepared_statements())
    # Its values are the statement's parameters: one statement for every grievance and moment.
    assert '"grievances_grievance"."id" = $' in statement


def test_the_query_log_shows_a_prepared_reads_values_as_djangos_own_reads_show_them(
    client, office_user, grievance
):
    client.force_login(office_user)
    with CaptureQueriesContext(connection) as captured:
        client.get(f"/grievances/{grievance.pk}/")
    [logged] = [q["sql"] for q in captured if 'INNER JOIN "parks_park"' in q["sql"]]
    assert f'"grievances_grievance"."id" = {grievance.pk} ' in logged


def test_with_prepared_statements_off_nothing_is_prepared(client, office_user, grievance, settings):
    settings.DATABASE_PREPARED_STATEMENTS = False  # DATABASE_PREPARED_STATEMENTS=false
    client.force_login(office_user)
    for _ in range(PREPARE_AFTER + 3):
        assert client.get(f"/grievances/{grievance.pk}/").status_code == 200
    assert _grievance_rows(_prepared_statements()) == []


def test_sql_grouping_by_a_value_is_run_client_side():
    # PostgreSQL would take the GROUP BY's parameter for another than the select list's.
    binding = ServerBinding()
    sql = "SELECT %s || k FROM (SELECT 'x' AS k) t GROUP BY %s || k"
    assert fetch_all(connection, binding, sql, ("a", "a")) == [("ax",)]
    assert binding.accepted is False


def test_a_statement_postgresql_refuses_inside_a_transaction_fails_once_then_runs_client_side():
    binding = ServerBinding()
    # A value whose type PostgreSQL cannot work out once it is sent apart from the text.
    sql, params = "SELECT 1 WHERE %s IS NULL", (None,)
    with pytest.raises(ProgrammingError), transaction.atomic():
        fetch_all(connection, binding, sql, params)
    assert binding.accepted is False
    assert fetch_all(connection, binding, sql, params) == [(1,)]


@pytest.mark.django_db(transaction=True)
def test_a_statement_postgresql_refuses_outside_a_transaction_is_answered_client_side():
    binding = ServerBinding()
    assert fetch_all(connection, binding, "SELECT 1 WHERE %s IS NULL", (None,)) == [(1,)]
    assert binding.accepted is False


def test_a_value_postgresql_refuses_leaves_the_statement_prepared():
    # A value's own fault (a NUL in a text) is not the statement's: it is raised as before,
    # and the next value is read by the prepared statement again.
    binding = ServerBinding()
    sql = "SELECT length(%s::text)"
    with pytest.raises(DataError), transaction.atomic():
        fetch_all(connection, binding, sql, ("a\x00b",))
    assert binding.accepted is True
    for _ in range(PREPARE_AFTER + 1):
        assert fetch_all(connection, binding, sql, ("ab",)) == [(2,)]
    assert "SELECT length($1::text)" in _prepared_statements()


def test_a_statement_used_once_or_twice_on_a_connection_is_not_prepared():
    # A connection per request (CONN_MAX_AGE 0) would prepare what it never runs again.
    binding = ServerBinding()
    for _ in range(PREPARE_AFTER):
        assert fetch_all(connection, binding, "SELECT %s::int + 1", (1,)) == [(2,)]
    assert "SELECT $1::int + 1" not in _prepared_statements()


def test_djangos_own_queries_are_never_prepared_nor_counted(client, office_user, grievance):
    client.force_login(office_user)
    for _ in range(PREPARE_AFTER + 3):
        client.get(f"/grievances/{grievance.pk}/")
        with connection.cursor() as cursor:
            cursor.execute("SELECT %s::int", [7])
    assert not any("::int" in statement for statement in _prepared_statements())
    # psycopg's preparing is off between the prepared reads, so it keeps no other query's text.
    assert connection.connection.prepare_threshold is None


@pytest.mark.django_db(transaction=True)
def test_a_statement_prepared_before_its_column_changed_type_is_read_again():
    """After a migration changes a column it selects, PostgreSQL refuses the prepared
    statement ("cached plan must not change result type"): outside a transaction the
    connection and its statements are let go, and the rows read again."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE server_plans_probe (v integer)")
        cursor.execute("INSERT INTO server_plans_probe VALUES (1)")
    try:
        binding = ServerBinding()
        sql = "SELECT v FROM server_plans_probe WHERE v >= %s"
        for _ in range(PREPARE_AFTER + 1):
            assert fetch_all(connection, binding, sql, (0,)) == [(1,)]
        assert "SELECT v FROM server_plans_probe WHERE v >= $1" in _prepared_statements()
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE server_plans_probe ALTER COLUMN v TYPE bigint")
        assert fetch_all(connection, binding, sql, (0,)) == [(1,)]
        assert binding.accepted is True  # prepared again on the new connection
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE server_plans_probe")
