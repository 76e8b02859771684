"""Scheduled jobs of supervision orders. Thin: the service sends each reminder once."""

from celery import shared_task

from reforms.supervision import services


@shared_task(
    name="reforms.supervision.send_order_reminders",
    ignore_result=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=5,
)
def send_order_reminders():
    """Daily: remind units of orders whose reply date is near or passed (once per order and
    level)."""
    return services.send_order_reminders()
