"""The exports' Celery jobs. Thin: they call parks.exports.services, which writes each once."""

import logging

from celery import shared_task
from django.db import OperationalError
from django.utils.translation import gettext as _

from parks.core import queue
from parks.exports import services

logger = logging.getLogger(__name__)

BUILD_RETRIES = 3


@shared_task(
    name=services.BUILD_EXPORT,  # the services send it by this name
    bind=True,
    ignore_result=True,
    # A worker killed mid-build gives the message back instead of losing it.
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=BUILD_RETRIES,
    soft_time_limit=10 * 60,
    time_limit=11 * 60,
)
def build_export(self, export_id):
    """Write one export (idempotent: a finished export, or one another build holds, is left
    alone). The task id is the build's token: this message, redelivered or retried, takes its
    own lease over. Transient errors are retried with backoff; anything else marks the export
    failed with the kind of error, for the page and the API."""
    queue.build_or_fail(
        self,
        lambda: services.export_build(export_id, token=self.request.id),
        lambda error: services.export_fail(export_id, _failure(error)),
        max_backoff=60,
    )


def _failure(error: BaseException) -> str:
    # The requester sees this; an error's own text can name hosts or data, so it goes to the
    # worker's log and the requester gets its kind only.
    logger.error("Export failed", exc_info=error)
    return _("The export could not be written (%(kind)s); the details are in the worker's log.") % {
        "kind": type(error).__name__
    }


@shared_task(name="parks.exports.requeue_lost_exports", ignore_result=True, expires=60)
def requeue_lost_exports():
    """Every minute (beat): exports whose worker was lost are queued again within minutes."""
    return services.requeue_stale_exports()


@shared_task(
    name="parks.exports.delete_expired_exports",
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
)
def delete_expired_exports():
    """Daily (beat): exports past EXPORTS_KEEP_DAYS are deleted, their files with them."""
    return services.delete_expired_exports()
