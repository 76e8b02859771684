"""Handing work to the Celery worker by the task's registered name, after the data commits.

Services send a job by name so they need not import the job module (which imports them); the
job registers under the same constant. Names are stored in queued messages and beat rows: they
never change.
"""

from collections.abc import Callable

from celery import Task, current_app
from celery.utils.time import get_exponential_backoff_interval
from django.db import InterfaceError, OperationalError, transaction


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


# Errors that pass: the database restarting or failing over, the network blinking.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError)


def build_or_fail(
    task: Task,
    build: Callable[[], object],
    fail: Callable[[BaseException], None],
    *,
    max_backoff: float,
) -> None:
    """The body of a build job (a progress report, an export): run `build`; retry a transient
    error with a doubling, jittered wait (at most `max_backoff` seconds) while the task has
    retries left; on anything else, or once the retries are spent, `fail(error)` records it for
    the page and the API, and the error is raised again for the worker's log."""
    try:
        build()
    except TRANSIENT_ERRORS as error:
        if task.request.retries < task.max_retries:
            countdown = get_exponential_backoff_interval(
                factor=2, retries=task.request.retries, maximum=max_backoff, full_jitter=True
            )
            raise task.retry(exc=error, countdown=countdown) from error
        fail(error)
        raise
    except Exception as error:
        fail(error)
        raise
