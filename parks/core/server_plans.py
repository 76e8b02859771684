"""The rows of SQL compiled once, read by a statement PostgreSQL plans once per connection.

PostgreSQL spent longer planning a short read with joins than running it: the grievance page's
row (seven tables joined to it, one row) took ~4.5 ms to plan and 0.3 ms to run, as its search
for a join order doubles with each table joined; the floor's hand-written page paid ~2.7 ms the
same way. A plan of parks.core.prepared has one SQL text for every use, only its values change:
what a server-side prepared statement is for. Its rows are read here by psycopg's server-side
binding cursor (the values sent apart from the text, each with its type), made by Django's own
`connection.cursor()` (its time zone, its wrapper: execute wrappers, query log and error
translation see it as any other query). The third time a connection runs the same statement
psycopg prepares it, and PostgreSQL plans the first five executions with their values, then
keeps one plan for the connection when that plan costs no more (a read by key or a page in an
index's order; ~0.2 ms for that row). Django's own queries stay client-side, and psycopg's
preparing is on only while one of these runs (Django leaves it off: `prepare_threshold` None),
so it never counts or keeps the text of other queries (a bulk insert's among them).

Only rows are read so, never parks.core.prepared's aggregates (the rates of a period, the
dashboard's months): PostgreSQL's generic plan guesses a range of times holds 0.5 % of the
rows, would look cheaper than the plans made with a month's or a year's values, and be chosen
though slower. Where a row read's generic plan costs more (the inbox's order, whose statuses
are parameters), PostgreSQL keeps planning with the values, as before. The choice is made per
connection from its first five executions: `pg_prepared_statements.generic_plans` shows it.

A statement is run client-side, as before:

- not on PostgreSQL (SQLite, the demo), or with `DATABASE_PREPARED_STATEMENTS=false` (behind
  PgBouncer in transaction mode older than 1.22, docs/scaling.md);
- SQL that groups with values (Django's #34255: PostgreSQL takes a value in the GROUP BY for
  another than the same value in the select list);
- a plan PostgreSQL refused with its values bound apart (a value whose type it cannot work out
  from the text, where the client-side text carried a literal), from then on for the process's
  life. No plan of this code meets that; were one to, a read outside a transaction is answered
  client-side at once.

A prepared statement's columns are fixed: once a migration changes a column type it selects,
PostgreSQL refuses the statement ("cached plan must not change result type"). Outside a
transaction the connection is closed, its statements with it, and the read made again; inside
one the error stands, and the transaction's rollback drops the connection's statements. A
connection lasts as long as CONN_MAX_AGE lets it (production: 60 s), and with it its statements;
psycopg keeps a hundred per connection, the least recently used dropped first.
"""

import logging
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.db.backends.base.base import BaseDatabaseWrapper

logger = logging.getLogger(__name__)

# The third use of a statement on a connection prepares it: one used once per connection (a
# connection per request, CONN_MAX_AGE 0) is never prepared, which would cost a round trip.
PREPARE_AFTER = 2

# PostgreSQL's refusals of a statement with its values bound apart (SQLSTATE): a value's type it
# cannot work out, a grouping it no longer sees, a type or a function it cannot match. Another
# error (a table missing mid-deploy, a permission) is raised as it is and changes nothing here.
_REFUSALS = frozenset({"42P18", "42P08", "42803", "42804", "42725", "42883"})
# A prepared statement whose result's columns changed type since it was prepared.
_RESULT_CHANGED = "0A000"


class ServerBinding:
    """Whether a plan's SQL may run as a prepared statement: not known until its first use
    (None), then known for the process's life (a refusal makes it False)."""

    __slots__ = ("accepted",)

    def __init__(self) -> None:
        self.accepted: bool | None = None


def _server_binding_cursor() -> type | None:
    try:  # defined where psycopg 3 is installed
        from django.db.backends.postgresql.base import ServerBindingCursor
    except ImportError:
        return None
    return ServerBindingCursor


_SERVER_BINDING_CURSOR = _server_binding_cursor()


def _prepares(connection: BaseDatabaseWrapper) -> bool:
    return (
        connection.vendor == "postgresql"
        and _SERVER_BINDING_CURSOR is not None
        and settings.DATABASE_PREPARED_STATEMENTS
    )


def fetch_all(
    connection: BaseDatabaseWrapper, binding: ServerBinding, sql: str, params: tuple[Any, ...]
) -> list[tuple[Any, ...]]:
    """Every row `sql` gives with `params`, read by a prepared statement where it may be
    (module docstring), else as Django's cursor reads it."""
    if binding.accepted is None:
        binding.accepted = _may_bind(sql, params)
    if not (binding.accepted and _prepares(connection)):
        return _fetch_all(connection, sql, params, server_side=False)
    try:
        return _fetch_all(connection, sql, params, server_side=True)
    except DatabaseError as error:
        state = _sqlstate(error)
        if state in _REFUSALS:
            binding.accepted = False  # not a statement to prepare
            logger.warning("Run client-side from now on (%s): %s", error, sql[:200])
        elif state != _RESULT_CHANGED:
            raise
        if connection.in_atomic_block:
            raise  # the transaction is spoilt; its rollback drops the connection's statements
        if state == _RESULT_CHANGED:
            connection.close()  # and its statements prepared before the migration with it
        return _fetch_all(connection, sql, params, server_side=False)


def _sqlstate(error: Exception) -> str:
    # Django's error wraps psycopg's, which carries PostgreSQL's SQLSTATE.
    return getattr(error.__cause__, "sqlstate", None) or ""


def _may_bind(sql: str, params: tuple[Any, ...]) -> bool:
    """False where PostgreSQL would refuse the SQL with its values bound apart: a value in a
    GROUP BY is a parameter of its own there, no longer the same as the select list's
    (Django's #34255)."""
    return not (params and " GROUP BY " in sql)


def _fetch_all(
    connection: BaseDatabaseWrapper, sql: str, params: tuple[Any, ...], *, server_side: bool
) -> list[tuple[Any, ...]]:
    if not server_side:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    # Django's own cursor, made of psycopg's server-binding class: what Django's cursor() does
    # first (a health check, a connection) done before, so the class is set on the connection
    # the cursor is made on.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    psycopg_connection = connection.connection
    factory, threshold = psycopg_connection.cursor_factory, psycopg_connection.prepare_threshold
    psycopg_connection.cursor_factory = _SERVER_BINDING_CURSOR
    try:
        cursor = connection.cursor()
    finally:
        psycopg_connection.cursor_factory = factory
    with cursor:
        psycopg_connection.prepare_threshold = PREPARE_AFTER
        try:
            cursor.execute(sql, params)
        finally:
            psycopg_connection.prepare_threshold = threshold
        rows = cursor.fetchall()
    if connection.queries_logged:
        # Django's query log takes the text a client-side cursor sent; a server-side binding
        # sends none. The text as Django composes it for server-side binding, in its place.
        connection.queries_log[-1]["sql"] = connection.ops.compose_sql(sql, params)
    return rows
