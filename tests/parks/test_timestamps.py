"""Timestamps read by psycopg's C loader (parks.core.timestamps) are the values Django's own
loader reads (issue 14): the same datetimes with the same tzinfo object, over the range a
column holds, microseconds and none, NULL, in UTC (as Django sets each connection) and in
another session time zone; every connection gets the loader; Django's cursors keep it."""

import zoneinfo
from datetime import UTC

import psycopg
import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import register_tzloader
from psycopg import pq

from parks.core import timestamps

pytestmark = pytest.mark.django_db


def test_the_project_reads_timestamps_with_psycopgs_c_implementation():
    """pyproject.toml installs psycopg[binary]: without its C loader nothing here would be
    compared, and every page would parse its timestamps in Python again."""
    assert timestamps.C_LOADER is not None


MOMENTS = (
    "SELECT v FROM (VALUES ('0001-01-02 00:00:00+00'::timestamptz), "
    "('9999-12-30 23:59:59.999999+00'), ('2024-02-29 12:00:00.5+00'), ('1970-01-01 00:00:00+00'), "
    "('2026-06-20 03:00:00.000001+08'), ('1900-03-01 23:59:59+05:30'), (NULL)) AS t(v) "
    "UNION ALL SELECT '2020-01-01'::timestamptz + n * interval '1 hour 1 minute 1.001001 seconds' "
    "FROM generate_series(0, 20000, 7) AS n"
)


def _read(timezone, loader, session_zone, sql=MOMENTS):
    with connection.cursor() as cursor:
        raw = cursor.cursor
        raw.execute(f"SET TIME ZONE '{session_zone}'")
        if loader is None:
            register_tzloader(timezone, raw)  # Django's own
        else:
            raw.adapters.register_loader("timestamptz", loader)
        try:
            raw.execute(sql)
            rows = [row[0] for row in raw.fetchall()]
        finally:
            raw.execute("SET TIME ZONE 'UTC'")
    return rows, [None if value is None else value.tzinfo for value in rows]


@pytest.mark.parametrize("value", ["infinity", "-infinity", "9999-12-31 23:59:59.999999+00"])
def test_a_moment_python_cannot_hold_is_refused_alike(value):
    sql = f"SELECT '{value}'::timestamptz"
    for loader in (None, timestamps.loader_for(zoneinfo.ZoneInfo("Asia/Shanghai"))):
        with pytest.raises(psycopg.DataError):
            _read(zoneinfo.ZoneInfo("Asia/Shanghai"), loader, "Asia/Shanghai", sql)


@pytest.mark.parametrize(
    ("timezone", "session_zone"),
    [(UTC, "UTC"), (zoneinfo.ZoneInfo("Asia/Shanghai"), "Asia/Shanghai"), (None, "UTC")],
)
def test_the_c_loader_reads_what_djangos_loader_reads(timezone, session_zone):
    django_rows, django_zones = _read(timezone, None, session_zone)
    rows, zones = _read(timezone, timestamps.loader_for(timezone), session_zone)
    assert rows == django_rows
    assert all(a is b for a, b in zip(zones, django_zones, strict=True))
    assert len(rows) > 2800 and rows.count(None) == 1


def test_every_connection_reads_by_it_and_djangos_cursors_keep_it():
    connection.ensure_connection()
    registered = connection.connection.adapters.get_loader(
        timestamps.TIMESTAMPTZ_OID, pq.Format.TEXT
    )
    assert registered is timestamps.loader_for(connection.timezone)
    with connection.cursor() as cursor:
        # Django registers its own on a cursor whose loader's time zone differs: not here.
        assert cursor.cursor.adapters.get_loader(
            timestamps.TIMESTAMPTZ_OID, pq.Format.TEXT
        ) is timestamps.loader_for(connection.timezone)
        cursor.execute("SELECT now()")
        assert cursor.fetchone()[0].tzinfo is connection.timezone
