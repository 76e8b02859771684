import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()

# Web requests get the short database limits: a locked or slow table answers 503 in seconds
# instead of holding a gunicorn worker (and every request queued behind it). No JIT: a
# request's queries are short, and compiling them cost more than it saved.
from parks.core.db import limit_database_time, parse_long_queries_once  # noqa: E402 (apps loaded)

limit_database_time(
    statement_seconds=settings.DATABASE_STATEMENT_TIMEOUT,
    lock_seconds=settings.DATABASE_LOCK_TIMEOUT,
    jit=False,
)
# The API's long queries are parsed once per process, not at every execution.
parse_long_queries_once()
