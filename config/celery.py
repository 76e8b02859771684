"""The Celery application. Tasks live in each app's tasks.py and are found automatically."""

import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The demo's file-system broker needs its folders before the first message is written.
_transport_options = app.conf.broker_transport_options or {}
for _key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
    if _key in _transport_options:
        os.makedirs(_transport_options[_key], exist_ok=True)


@worker_init.connect
def allow_the_worker_longer_queries(**kwargs):
    """The worker builds district-wide reports: on PostgreSQL it gets the WORKER_DATABASE_*
    statement and lock timeouts, not the web's short ones (config/settings/base.py).

    worker_init runs in the worker's main process before its pool starts, so prefork children,
    the solo pool and an embedded beat all connect with these.
    """
    from django.conf import settings
    from django.db import connections

    from config.settings.base import database_timeout_options

    database = connections["default"].settings_dict
    if database["ENGINE"] != "django.db.backends.postgresql":
        return
    options = database.setdefault("OPTIONS", {})
    worker_timeouts = database_timeout_options(
        statement_seconds=settings.WORKER_DATABASE_STATEMENT_TIMEOUT,
        lock_seconds=settings.WORKER_DATABASE_LOCK_TIMEOUT,
    )
    # Appended: PostgreSQL takes the last value given, and any other options stay.
    options["options"] = " ".join(filter(None, [options.get("options"), worker_timeouts]))
    connections.close_all()  # one opened already would keep the web's limits
