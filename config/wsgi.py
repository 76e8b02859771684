import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()

# Web requests get the short database limits: a locked or slow table answers 503 in seconds
# instead of holding a gunicorn worker (and every request queued behind it). No JIT: a
# request's queries are short, and compiling them cost more than it saved.
from parks.core.db import limit_database_time  # noqa: E402 (needs the apps loaded above)

limit_database_time(
    statement_seconds=settings.DATABASE_STATEMENT_TIMEOUT,
    lock_seconds=settings.DATABASE_LOCK_TIMEOUT,
    jit=False,
)
