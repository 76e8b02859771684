"""Scheduled jobs of the reforms app. Thin: they call services, which do the work once."""

from celery import shared_task

from . import services


@shared_task(
    ignore_result=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5
)
def send_task_reminders():
    """Daily: remind owners of yellow and red tasks (at most once per task, level and day)."""
    return services.send_task_reminders()
