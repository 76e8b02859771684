"""The Celery application. Each domain keeps its Celery tasks in a `jobs` module, found here.

Every task is named explicitly with the name it had before the domains got their folders
(reforms.tasks.build_report...): schedules stored in the database keep calling it.
"""

import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
JOB_MODULES = [
    "parks.structure",
    "parks.notices",
    "parks.exports",
    "reforms.tasks",
    "reforms.reporting",
    "reforms.supervision",
    "reforms.assessment",
    "grievances",
]
app.autodiscover_tasks(JOB_MODULES, related_name="jobs")

# The demo's file-system broker needs its folders before the first message is written.
_transport_options = app.conf.broker_transport_options or {}
for _key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
    if _key in _transport_options:
        os.makedirs(_transport_options[_key], exist_ok=True)


@worker_init.connect
def allow_the_worker_longer_queries(**kwargs):
    """The worker builds district-wide reports: on PostgreSQL it gets the WORKER_DATABASE_*
    statement and lock timeouts, not the web's short ones (config/wsgi.py).

    worker_init runs in the worker's main process before its pool starts, so prefork children,
    the solo pool and an embedded beat all connect with these.
    """
    from django.conf import settings

    from parks.core.db import limit_database_time

    limit_database_time(
        statement_seconds=settings.WORKER_DATABASE_STATEMENT_TIMEOUT,
        lock_seconds=settings.WORKER_DATABASE_LOCK_TIMEOUT,
    )
