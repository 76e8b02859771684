"""The web's long queries are parsed by psycopg once per process (parks.core.db)."""

import pytest
from django.db import connection
from psycopg import _queries

from parks.core.db import (
    LONGEST_QUERY_PARSED_ONCE,
    MOST_PARAMETERS_PARSED_ONCE,
    parse_long_queries_once,
)

pytestmark = pytest.mark.django_db


def test_a_query_text_over_4_kb_is_parsed_once_not_at_every_execution(monkeypatch):
    monkeypatch.setattr(_queries, "MAX_CACHED_STATEMENT_LENGTH", 4096)  # psycopg's own limit
    parse_long_queries_once()
    assert _queries.MAX_CACHED_STATEMENT_LENGTH == LONGEST_QUERY_PARSED_ONCE
    padding = " ".join(f"{n} AS c{n}," for n in range(700))
    sql = f"SELECT {padding} %s::int AS asked"  # noqa: S608 (numbers only)
    assert 4096 < len(sql) < LONGEST_QUERY_PARSED_ONCE
    with connection.cursor() as cursor:
        cursor.execute(sql, [1])
        before = _queries._query2pg_client.cache_info().hits
        for asked in (2, 3):
            cursor.execute(sql, [asked])
            assert cursor.fetchone()[-1] == asked
    assert _queries._query2pg_client.cache_info().hits == before + 2


def test_a_query_of_over_50_parameters_is_parsed_once_not_at_every_execution(monkeypatch):
    monkeypatch.setattr(_queries, "MAX_CACHED_STATEMENT_PARAMS", 50)  # psycopg's own limit
    parse_long_queries_once()
    assert _queries.MAX_CACHED_STATEMENT_PARAMS == MOST_PARAMETERS_PARSED_ONCE
    columns = ", ".join(f"%s::int AS c{n}" for n in range(120))
    sql = f"SELECT {columns}"  # noqa: S608 (placeholders only)
    with connection.cursor() as cursor:
        cursor.execute(sql, list(range(120)))
        before = _queries._query2pg_client.cache_info().hits
        for first in (2, 3):
            cursor.execute(sql, [first, *range(1, 120)])
            assert cursor.fetchone()[0] == first
    assert _queries._query2pg_client.cache_info().hits == before + 2
