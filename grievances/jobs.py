"""Scheduled jobs of the grievances app. Thin: services do the work, exactly once per level."""

from celery import shared_task

from grievances import services


@shared_task(
    name="grievances.tasks.send_grievance_reminders",
    ignore_result=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=5,
)
def send_grievance_reminders():
    """Every quarter hour: warn before time limits, escalate breaches to the office."""
    return services.send_grievance_reminders()
