"""The Celery application. Tasks live in each app's tasks.py and are found automatically."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The demo's file-system broker needs its folders before the first message is written.
_transport_options = app.conf.broker_transport_options or {}
for _key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
    if _key in _transport_options:
        os.makedirs(_transport_options[_key], exist_ok=True)
