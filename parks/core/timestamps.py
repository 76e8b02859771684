"""Timestamps with time zone read by psycopg's C loader, as Django reads them.

Django's PostgreSQL backend reads every `timestamptz` column through a loader of its own
(django.db.backends.postgresql.psycopg_any.BaseTzLoader): psycopg's loader, then the value's
tzinfo replaced by the connection's time zone. It subclasses psycopg's pure-Python loader,
so with psycopg's C implementation installed every timestamp is still parsed in Python:
~12 us each on the benchmark's machine, and an API list's page holds 150-250 of them (received,
due, updated, created...), some 2 ms of a page's CPU. psycopg's C loader parses the same text
into the same datetime in ~1 us, but cannot be subclassed (and Django's cursors ask the loader
registered for its `timezone`).

So each new connection gets `Loader`, Django's loader in every respect (its class, its
`timezone`, its `.replace(tzinfo=...)`) but for the parsing, which it hands to psycopg's C
loader for the same type and connection: the two implementations of one psycopg loader, held
to the same tests by psycopg. Where no C loader is installed, nothing changes.
"""

from functools import lru_cache
from typing import Any

from django.db.backends.signals import connection_created

try:
    import psycopg
    from psycopg import pq
    from psycopg.types.datetime import TimestamptzLoader as PythonLoader

    TIMESTAMPTZ_OID = psycopg.adapters.types["timestamptz"].oid
    C_LOADER: Any = psycopg.adapters.get_loader(TIMESTAMPTZ_OID, pq.Format.TEXT)
    if C_LOADER is None or issubclass(C_LOADER, PythonLoader):
        C_LOADER = None  # psycopg's Python implementation: Django's loader is as fast
except ImportError:  # psycopg2, or no PostgreSQL driver
    C_LOADER = None


@lru_cache
def loader_for(timezone: Any) -> type:
    """Django's timestamptz loader for `timezone` (psycopg_any.register_tzloader), parsing in
    C."""

    class Loader(PythonLoader):
        def __init__(self, oid: int, context: Any = None) -> None:
            super().__init__(oid, context)
            self.parse = C_LOADER(oid, context).load

        def load(self, data: Any) -> Any:
            # BaseTzLoader.load: psycopg's value, its tzinfo replaced by the time zone's. A value
            # holding that very tzinfo already (psycopg's for a UTC session is datetime.UTC, as
            # Django's connection's is) is what the replacement would answer, without the copy.
            value = self.parse(data)
            zone = self.timezone
            return value if value.tzinfo is zone else value.replace(tzinfo=zone)

    Loader.timezone = timezone
    return Loader


def read_timestamps_in_c(sender: Any, connection: Any, **kwargs: Any) -> None:
    """On each new PostgreSQL connection (connection_created), `loader_for` its time zone in
    the place of the one Django registered for it."""
    if C_LOADER is None or connection.vendor != "postgresql":
        return
    adapters = connection.connection.adapters
    registered = adapters.get_loader(TIMESTAMPTZ_OID, pq.Format.TEXT)
    if getattr(registered, "timezone", object()) != connection.timezone:
        return  # not Django's loader for this connection's time zone: left as it is
    adapters.register_loader("timestamptz", loader_for(connection.timezone))


connection_created.connect(read_timestamps_in_c, dispatch_uid="parks_timestamps_in_c")
