"""Scheduled jobs of reform tasks. Thin: they call services, which do the work once."""

from celery import shared_task

from reforms.tasks import services


@shared_task(
    name="reforms.tasks.send_task_reminders",
    ignore_result=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=5,
)
def send_task_reminders():
    """Daily: remind owners of yellow and red tasks (at most once per task, level and day)."""
    return services.send_task_reminders()


@shared_task(
    name="reforms.tasks.send_milestone_reminders",
    ignore_result=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=5,
)
def send_milestone_reminders():
    """Daily: tell who answers for a task that a milestone is due soon or overdue (once per
    milestone and level)."""
    return services.send_milestone_reminders()
