"""Handing work to the Celery worker by the task's registered name, after the data commits.

Services send a job by name so they need not import the job module (which imports them); the
job registers under the same constant. Names are stored in queued messages and beat rows: they
never change.
"""

from celery import current_app
from django.db import transaction


def send(name: str, *args) -> None:
    """Queue one run of the task `name` (raises the broker's error when it cannot be reached)."""
    current_app.send_task(name, args=list(args))


def send_on_commit(name: str, *args) -> None:
    """Queue it once the current transaction commits (at once outside one). Robust: with the
    broker down the write still stands (and the request answers); each caller has a sweep that
    queues what was never taken."""

    def send_after_commit() -> None:
        # A named function, not a partial: a robust callback that fails is logged by its
        # __qualname__. `send` is looked up now, so a test may route it to its own worker.
        send(name, *args)

    transaction.on_commit(send_after_commit, robust=True)
