"""Rows of the district's few small tables (parks, subdistricts, grid zones, people, units), kept
by each process and read again only when one of those tables changed.

Every page of the inbox and the feed lists the same rows in its filter bar's selects, some 700
of them in four queries (~1 ms of the feed's CPU, and PostgreSQL sorting 500 zones by pinyin),
though those tables change a few times a day. Here the selects of a page are one query:

    SELECT v.version,
           CASE WHEN v.version = <kept> THEN NULL ELSE (<the select's rows as JSON>) END, …
    FROM parks_watchedversion v

`parks_watchedversion` holds one row: a number taken from a sequence by statement-level
triggers on each WATCHED table whenever a statement inserts, updates or deletes some of its rows
or truncates it, in the same transaction. So:

- a select's rows come back only when the version differs from the one its kept rows were read
  at (the first time, or after a change); the version and the rows are read in one statement,
  from one snapshot, so rows kept under a version are the rows at that version;
- a write that has not committed is invisible with its new version, and once committed both are
  seen together; a rolled-back version is never seen again (a sequence never gives a number
  twice), so no two states of the tables share a version;
- the query count is the same whether the rows were kept or not.

A select takes this path when every table its SQL reads is WATCHED and its columns are text or
whole numbers (JSON gives them back as they are); otherwise, and on a database without the
triggers (SQLite, the demo), it is read by its own query as before. `compiled_for` (the caller's
key, as parks.core.prepared's) must hold everything that shapes the selects' SQL: each page's
statement is compiled once per key. tests/parks/test_watched_rows.py pins the rows to the plain
query's and each kind of write to a new version.
"""

import json
import re
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections, migrations
from django.db.models import QuerySet

from parks.core.recent import Recent

# The tables whose rows the filter bars' selects list (and what decides which of them a user
# sees: the parks, the people and their units).
WATCHED = (
    "parks_park",
    "parks_subdistrict",
    "parks_gridzone",
    "parks_user",
    "parks_organisation",
)
VERSION_TABLE = "parks_watchedversion"
_SEQUENCE = "parks_watched_version"
_BUMP = "parks_watched_bump"
_EVENTS = ("insert", "update", "delete")

# --- The version: the migration's SQL -------------------------------------------------------


def _create_sql() -> str:
    # Transition tables tell whether a statement wrote a row: an UPDATE or DELETE matching
    # nothing leaves the version as it was (a TRUNCATE has none: it always counts).
    triggers = "".join(
        f"""
CREATE TRIGGER {_BUMP}_{event} AFTER {event.upper()} ON {table}
    REFERENCING {"OLD" if event == "delete" else "NEW"} TABLE AS written_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {_BUMP}();"""
        for table in WATCHED
        for event in _EVENTS
    )
    truncates = "".join(
        f"""
CREATE TRIGGER {_BUMP}_truncate AFTER TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION {_BUMP}_always();"""
        for table in WATCHED
    )
    return f"""
CREATE SEQUENCE {_SEQUENCE};
CREATE TABLE {VERSION_TABLE} (
    id smallint PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL
);
INSERT INTO {VERSION_TABLE} VALUES (1, nextval('{_SEQUENCE}'));
CREATE FUNCTION {_BUMP}_always() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    UPDATE {VERSION_TABLE} SET version = nextval('{_SEQUENCE}') WHERE id = 1;
    RETURN NULL;
END
$body$;
CREATE FUNCTION {_BUMP}() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    IF EXISTS (SELECT FROM written_rows) THEN
        UPDATE {VERSION_TABLE} SET version = nextval('{_SEQUENCE}') WHERE id = 1;
    END IF;
    RETURN NULL;
END
$body$;
{triggers}
{truncates}
"""  # noqa: S608 every name is this module's


def _drop_sql() -> str:
    triggers = "".join(
        f"DROP TRIGGER IF EXISTS {_BUMP}_{event} ON {table};"
        for table in WATCHED
        for event in (*_EVENTS, "truncate")
    )
    return (
        f"{triggers} DROP FUNCTION IF EXISTS {_BUMP}(); DROP FUNCTION IF EXISTS {_BUMP}_always();"
        f" DROP TABLE IF EXISTS {VERSION_TABLE}; DROP SEQUENCE IF EXISTS {_SEQUENCE};"
    )


def _postgresql_only(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            # Without parameters: several statements in one string.
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)

    return run


def version_operations() -> list:
    """The migration's operation creating the version and its triggers (PostgreSQL only)."""
    return [migrations.RunPython(_postgresql_only(_create_sql()), _postgresql_only(_drop_sql()))]


# --- Reading ----------------------------------------------------------------------------------

# A table Django's SQL reads: FROM "name" or JOIN "name" (Django quotes every table).
_TABLE = re.compile(r'\b(?:FROM|JOIN)\s+"([^"]+)"')


@dataclass(frozen=True)
class _Statement:
    """One page's selects as one query: `names` in their order, `sql` with one placeholder for
    each select's kept version before its own parameters (`params[i]`)."""

    names: tuple[str, ...]
    widths: tuple[int, ...]
    sql: str
    params: tuple[tuple, ...]


def _select_sql(queryset: QuerySet, using: str) -> tuple[str, tuple, int] | None:
    """The select's SQL, parameters and number of columns, if it reads only WATCHED tables."""
    compiler = queryset.query.get_compiler(using=using)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return None
    if not set(_TABLE.findall(sql)) <= set(WATCHED):
        return None
    return sql, tuple(params), len(compiler.select)


def _statement(querysets: Mapping[str, QuerySet], using: str) -> _Statement | None:
    compiled = {}
    for name, queryset in querysets.items():
        found = _select_sql(queryset, using)
        if found is not None:
            compiled[name] = found
    if not compiled:
        return None
    # Django's SQL of each select, with its parameters kept apart.
    columns = ",\n".join(
        f"CASE WHEN v.version = %s THEN NULL ELSE"  # noqa: S608
        f" (SELECT coalesce(json_agg(r), '[]') FROM ({sql}) r) END"
        for sql, _params, _width in compiled.values()
    )
    return _Statement(
        names=tuple(compiled),
        widths=tuple(width for _sql, _params, width in compiled.values()),
        sql=f"SELECT v.version,\n{columns}\nFROM {VERSION_TABLE} v",  # noqa: S608 names are ours
        params=tuple(params for _sql, params, _width in compiled.values()),
    )


# (key, the selects' names, database alias) -> the page's _Statement, or None.
_STATEMENTS = Recent(256)
# (key, select's name, database alias) -> (version, rows) as last read.
_ROWS = Recent(512)
_UNKNOWN = -1  # no version is negative: a sequence starts at 1


def kept_rows(
    key: Hashable,
    names: Sequence[str],
    querysets: Callable[[], Mapping[str, QuerySet]],
    using: str = DEFAULT_DB_ALIAS,
) -> dict[str, tuple]:
    """The rows (tuples, as values_list gives them) of the selects `names` that take this path,
    by name, in one query (see the module's docstring); the others are absent. `querysets()`:
    each select's values_list queryset by name, built when `key` and `names` are first seen;
    `key` holds everything that shapes their SQL."""
    if not names or connections[using].vendor != "postgresql":
        return {}
    statement = _STATEMENTS.kept((key, tuple(names), using), lambda: _statement(querysets(), using))
    if statement is None:
        return {}
    kept = [_ROWS.recall((key, name, using)) for name in statement.names]
    params: list = []
    for known, own in zip(kept, statement.params, strict=True):
        params.append(_UNKNOWN if known is None else known[0])
        params.extend(own)
    with connections[using].cursor() as cursor:
        cursor.execute(statement.sql, params)
        version, *read = cursor.fetchone()
    found = {}
    for name, width, known, fresh in zip(
        statement.names, statement.widths, kept, read, strict=True
    ):
        if fresh is None and known is not None and known[0] == version:
            found[name] = known[1]
            continue
        if isinstance(fresh, str):  # json not decoded by the driver
            fresh = json.loads(fresh)
        rows = tuple(tuple(row.values()) for row in fresh)
        if any(len(row) != width for row in rows):
            raise ValueError(f"{name}: the select's columns need names of their own")
        found[name] = _ROWS.keep((key, name, using), (version, rows))[1]
    return found
