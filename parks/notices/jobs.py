"""The notices' Celery jobs. Thin: they call parks.notices.deliveries, which does the work once."""

from celery import shared_task

from parks.notices import deliveries


@shared_task(
    name=deliveries.DELIVER,  # announce() sends it by this name
    bind=True,
    ignore_result=True,
    acks_late=True,
    # The row counts the attempts (NOTICES_DELIVERY_ATTEMPTS); the job retries as it is told.
    max_retries=None,
    soft_time_limit=60,
    time_limit=90,
)
def deliver(self, delivery_id):
    """Send one delivery (a no-op when it is sent, failed, or another run has it); on a
    transient failure, run again after the backoff the row was given."""
    wait = deliveries.delivery_attempt(delivery_id)
    if wait is not None:
        raise self.retry(countdown=wait)


@shared_task(name="parks.notices.requeue_lost_deliveries", ignore_result=True)
def requeue_lost_deliveries():
    return deliveries.deliveries_requeue_lost()


@shared_task(name="parks.notices.send_digests", ignore_result=True)
def send_digests():
    return deliveries.digests_send()
