"""Database connection concerns: the Chinese sort order, and the time a process's queries may take.

PostgreSQL sorts with ICU's Chinese collation (by pinyin). SQLite has no ICU, so every SQLite
connection gets a collation of the same name that compares pinyin keys made by pypinyin.
"""

from typing import Any

from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models import QuerySet
from django.db.models.functions import Collate
from pypinyin import Style, lazy_pinyin

CHINESE_COLLATION = "zh-x-icu"


def chinese_order(field_name, *, descending=False):
    """An order_by() term that sorts a text field by pinyin, as Chinese readers expect."""
    expression = Collate(field_name, CHINESE_COLLATION)
    return expression.desc() if descending else expression.asc()


def pinyin_sort_key(text):
    return (" ".join(lazy_pinyin(text, style=Style.TONE3)).lower(), text)


def _compare_pinyin(left, right):
    left_key, right_key = pinyin_sort_key(left), pinyin_sort_key(right)
    return (left_key > right_key) - (left_key < right_key)


def _register_sqlite_collation(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_collation(CHINESE_COLLATION, _compare_pinyin)


connection_created.connect(_register_sqlite_collation, dispatch_uid="parks_chinese_collation")


def database_timeout_options(*, statement_seconds: float, lock_seconds: float) -> str:
    """libpq's `options` string: PostgreSQL applies these settings as each connection opens,
    so the limits cost no query. Appended to a string that sets them already, they win."""
    return (
        f"-c statement_timeout={round(statement_seconds * 1000)} "
        f"-c lock_timeout={round(lock_seconds * 1000)}"
    )


def limit_database_time(*, statement_seconds: float, lock_seconds: float, jit: bool = True) -> None:
    """Cancel this process's PostgreSQL statements after `statement_seconds`, or after
    `lock_seconds` waiting for a lock (0: no limit). Called once as a process starts: by the web
    server (config/wsgi.py, the DATABASE_* settings) and by the Celery worker (config/celery.py,
    the WORKER_DATABASE_* ones). Management commands such as migrate and backup call it nowhere,
    so a long migration is never cut off by the web's limits. SQLite has no such limits.

    `jit=False` (the web server) turns PostgreSQL's JIT compilation off: it pays off only for
    long analytical queries, and a request's queries are short. A month's grievance rates (one
    aggregate whose correlated subqueries push the planner's estimate over jit_above_cost)
    spent 37 ms of 65 compiling, and only once the period held enough rows, so the rates grew
    with the district instead of staying flat.
    """
    from django.db import connections

    database = connections["default"].settings_dict
    if database["ENGINE"] != "django.db.backends.postgresql":
        return
    options = database.setdefault("OPTIONS", {})
    limits = database_timeout_options(
        statement_seconds=statement_seconds, lock_seconds=lock_seconds
    ) + ("" if jit else " -c jit=off")
    # Appended: PostgreSQL takes the last value given, and any options the URL sets stay.
    options["options"] = " ".join(filter(None, [options.get("options"), limits]))
    connections.close_all()  # a connection opened already would keep its old limits


def counts_at_once(querysets: dict[str, QuerySet[Any]]) -> dict[str, int]:
    """`{key: queryset.count()}` read in one query (a scalar subquery each), for a page that
    shows several counts side by side (a park's ledgers): one round trip instead of one each.
    The querysets share one database; their SQL is Django's own, as `.count()` would run it."""
    if not querysets:
        return {}
    parts, params = [], []
    for queryset in querysets.values():
        sql, sql_params = queryset.order_by().values("pk").query.sql_with_params()
        parts.append(f"(SELECT count(*) FROM ({sql}) AS counted)")  # noqa: S608 Django's SQL
        params.extend(sql_params)
    database = next(iter(querysets.values())).db
    with connections[database].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return {key: int(count) for key, count in zip(querysets, row, strict=True)}


# psycopg binds parameters client-side here (Django's default cursor) and keeps the parse of
# each query text (where its placeholders are) in an LRU cache of 128, but only for texts of at
# most 4 KB and 50 parameters: the API's grievance queries, about 5 KB with their deadline
# flags, were parsed afresh on every execution (~0.15 ms of a detail's CPU), and so were the
# inbox's rows and a park page's open grievances (51 to 101 parameters: the statuses of the
# flags). The same cache, for texts up to 16 KB and 256 parameters (a parse is a list of the
# text's parts, one per parameter: at most ~4 MB per process). The limits are psycopg's module
# constants, read at each execution.
LONGEST_QUERY_PARSED_ONCE = 16 * 1024
MOST_PARAMETERS_PARSED_ONCE = 256


def parse_long_queries_once() -> None:
    """Let psycopg keep the parse of query texts up to LONGEST_QUERY_PARSED_ONCE and
    MOST_PARAMETERS_PARSED_ONCE (above)."""
    # Private constants of psycopg (pinned below 3.4 in pyproject.toml): if a release drops
    # them, the web must still start, only a little slower (the test of this function fails).
    try:
        from psycopg import _queries
    except ImportError:
        return
    for name, most in (
        ("MAX_CACHED_STATEMENT_LENGTH", LONGEST_QUERY_PARSED_ONCE),
        ("MAX_CACHED_STATEMENT_PARAMS", MOST_PARAMETERS_PARSED_ONCE),
    ):
        if isinstance(getattr(_queries, name, None), int):
            setattr(_queries, name, max(getattr(_queries, name), most))


# Timestamps parsed by psycopg's C loader as each connection opens (parks.core.timestamps).
from parks.core import timestamps  # noqa: E402, F401
