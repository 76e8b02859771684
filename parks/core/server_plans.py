"""The rows of SQL compiled once, read by a statement PostgreSQL plans once per connection.

PostgreSQL spent longer planning a short read with joins than running it: the grievance page's
row (seven tables joined to it, one row) took ~4.5 ms to plan and 0.3 ms to run, as its search
for a join order doubles with each table joined; the floor's hand-written page paid ~2.7 ms the
same way. A plan of parks.core.prepared has one SQL text for every use, only its values change:
what a server-side prepared statement is for. Its rows are read here through psycopg's
server-side binding (the values sent apart from the text, each with its type) with
`prepare=True`: the connection prepares the statement on its first use, and PostgreSQL plans the
first five executions with their values, then keeps one plan for the connection when that plan
costs no more (parks.core.prepared's reads are by key or a page in an index's order; ~0.2 ms
for that row). The statement goes through Django's cursor wrapper, so its execute wrappers,
query log and error translation see it as any other query. Django's own cursors stay
client-side, and psycopg prepares nothing on them: only these statements are prepared.

Only rows are read so, never parks.core.prepared's aggregates (the rates of a period, the
dashboard's months): PostgreSQL's generic plan guesses a range of times holds 0.5 % of the
rows, would look cheaper than the plans made with a month's or a year's values, and be chosen
though slower. A row read by key or a page in an index's order has the same plan either way;
where the generic plan costs more (the inbox's order, whose statuses are values), PostgreSQL
keeps planning with the values, as before.

A statement is run client-side, as before, where it cannot be prepared:

- not on PostgreSQL (SQLite, the demo), or with prepared statements off
  (`DATABASE_PREPARED_STATEMENTS=false`: settings leave `prepare_threshold` None, as Django
  does; behind PgBouncer in transaction mode before 1.21, docs/scaling.md);
- SQL that groups with values (Django's #34255: PostgreSQL takes a value in the GROUP BY for
  another than the same value in the select list); and a plan PostgreSQL refused with its
  values bound apart (a value whose type it cannot work out from the text, where the
  client-side text carried a literal), from then on for the process's life. No plan of this
  code meets that; were one to, a read outside a transaction is answered client-side at once.

A connection lasts as long as CONN_MAX_AGE lets it (production: 60 s), and with it its
statements; psycopg keeps a hundred per connection, the least recently used dropped first, and
drops them all after a rollback.
"""

import logging
from typing import Any

from django.db import ProgrammingError
from django.db.backends.base.base import BaseDatabaseWrapper

logger = logging.getLogger(__name__)


class ServerBinding:
    """Whether a plan's SQL may run as a prepared statement: not known until its first use
    (None), then known for the process's life (a refusal makes it False)."""

    __slots__ = ("accepted",)

    def __init__(self) -> None:
        self.accepted: bool | None = None


def _preparing_cursor_class() -> type | None:
    try:  # defined where psycopg 3 is installed
        from django.db.backends.postgresql.base import ServerBindingCursor
    except ImportError:
        return None

    class PreparingCursor(ServerBindingCursor):
        """Django's server-binding cursor, each statement prepared on the connection."""

        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=binary)

    return PreparingCursor


_PREPARING_CURSOR = _preparing_cursor_class()


def _cursor_class(connection: BaseDatabaseWrapper) -> type | None:
    """The cursor that prepares each statement, where the connection prepares statements at
    all (Django's `prepare_threshold` None turns psycopg's preparing off); else None."""
    if connection.vendor != "postgresql" or _PREPARING_CURSOR is None:
        return None
    if connection.settings_dict.get("OPTIONS", {}).get("prepare_threshold") is None:
        return None
    return _PREPARING_CURSOR


def fetch_all(
    connection: BaseDatabaseWrapper, binding: ServerBinding, sql: str, params: tuple[Any, ...]
) -> list[tuple[Any, ...]]:
    """Every row `sql` gives with `params`, read by a prepared statement where it may be
    (module docstring), else as Django's cursor reads it."""
    if binding.accepted is None:
        binding.accepted = _may_bind(sql, params)
    cursor_class = _cursor_class(connection) if binding.accepted else None
    if cursor_class is None:
        return _fetch_all(connection, None, sql, params)
    try:
        return _fetch_all(connection, cursor_class, sql, params)
    except ProgrammingError as refusal:
        if _sqlstate(refusal)[:2] != "42":  # not the statement's text or types: as it is
            raise
        # Not a statement to prepare: run client-side from now on. Outside a transaction (a
        # page's reads) the same read is answered client-side at once; inside one, the
        # transaction is spoilt and the error stands (no test has met this).
        binding.accepted = False
        logger.warning("Run client-side from now on (%s): %s", refusal, sql[:200])
        if connection.in_atomic_block:
            raise
        return _fetch_all(connection, None, sql, params)


def _sqlstate(error: Exception) -> str:
    # Django's error wraps psycopg's, which carries PostgreSQL's SQLSTATE (class 42: the
    # statement's syntax, names or types; a value's own fault is class 22, a DataError).
    return getattr(error.__cause__, "sqlstate", None) or ""


def _may_bind(sql: str, params: tuple[Any, ...]) -> bool:
    """False where PostgreSQL would refuse the SQL with its values bound apart: a value in a
    GROUP BY is a parameter of its own there, no longer the same as the select list's
    (Django's #34255)."""
    return not (params and " GROUP BY " in sql)


def _fetch_all(
    connection: BaseDatabaseWrapper, cursor_class: type | None, sql: str, params: tuple[Any, ...]
) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        if cursor_class is not None:
            # Django's wrapper around a cursor of ours: the client-side cursor it made holds
            # nothing on the server, and is closed for the one that prepares.
            client_side = cursor.cursor
            cursor.cursor = cursor_class(client_side.connection)
            client_side.close()
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if cursor_class is not None and connection.queries_logged:
        # Django's query log takes the text a client-side cursor sent; a prepared statement
        # sends none. The text as Django composes it for server-side binding, in its place.
        connection.queries_log[-1]["sql"] = connection.ops.compose_sql(sql, params)
    return rows
