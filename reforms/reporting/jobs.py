"""The progress reports' Celery jobs. Thin: they call the reporting services, which do the work
once."""

import logging

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.db import OperationalError
from django.utils.translation import gettext as _

from parks.core import queue
from reforms.reporting import queue as reporting_queue
from reforms.reporting import schedules
from reforms.reporting import services as reporting_services

logger = logging.getLogger(__name__)


# --- Progress reports -------------------------------------------------------------------------

BUILD_RETRIES = 5


@shared_task(
    name=reporting_queue.BUILD_REPORT,  # the services send it by this name
    bind=True,
    ignore_result=True,
    # A worker killed mid-build gives the message back instead of losing it.
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=BUILD_RETRIES,
    soft_time_limit=10 * 60,
    time_limit=11 * 60,
)
def build_report(self, report_id):
    """Build one progress report (idempotent: a built report, or one another build holds, is
    left alone). The task id is the build's token: this message, redelivered or retried, takes
    its own lease over (reforms.reporting.services._claim).

    Transient errors are retried with backoff; anything else, or a transient error that
    outlasts the retries, marks the report failed with the reason, for the page and the API.
    """
    queue.build_or_fail(
        self,
        lambda: reporting_services.report_build(report_id, token=self.request.id),
        lambda error: reporting_services.report_fail(
            report_id, _failure(error), version=getattr(error, "report_version", None)
        ),
        max_backoff=5 * 60,
    )


def _failure(error: BaseException) -> str:
    # Readers of the report (park managers, REST clients) see this; an error's own text can name
    # database hosts or data, so it goes to the worker's log and the reader gets its kind only.
    logger.error("Report build failed", exc_info=error)
    return _("The report could not be built (%(kind)s); the details are in the worker's log.") % {
        "kind": type(error).__name__
    }


@shared_task(
    name="reforms.tasks.produce_scheduled_reports",
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
)
def produce_scheduled_reports(period_kind):
    """Beat (django-celery-beat, editable in the browser): the last complete period's reports."""
    return schedules.produce_scheduled_reports(period_kind=period_kind)


@shared_task(
    name="reforms.tasks.catch_up_reports",
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
)
def catch_up_reports():
    """Hourly and at worker start: runs missed while the system was down, lost builds, and
    workbooks a killed build left with no report naming them."""
    created = schedules.catch_up_scheduled_reports()
    requeued = reporting_services.requeue_stale_reports()
    reporting_services.remove_orphan_report_files()
    return created, requeued


@shared_task(name="reforms.tasks.requeue_lost_reports", ignore_result=True, expires=60)
def requeue_lost_reports():
    """Every minute (beat): builds whose worker was lost are queued again within minutes.
    Expires: a sweep that waited a minute in the queue is replaced by the next one."""
    return reporting_services.requeue_stale_reports()


@worker_ready.connect
def _catch_up_when_a_worker_starts(sender, **kwargs):
    # Off in the test settings: every test worker would otherwise queue a catch-up run.
    if settings.REPORTS_CATCH_UP_ON_WORKER_START:
        catch_up_reports.delay()
