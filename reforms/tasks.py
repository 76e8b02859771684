"""Scheduled jobs of the reforms app. Thin: they call services, which do the work once."""

from celery import shared_task
from celery.signals import worker_ready
from django.db import InterfaceError, OperationalError

from . import services
from .reporting import services as reporting_services


@shared_task(
    ignore_result=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5
)
def send_task_reminders():
    """Daily: remind owners of yellow and red tasks (at most once per task, level and day)."""
    return services.send_task_reminders()


# --- Progress reports -------------------------------------------------------------------------


@shared_task(
    ignore_result=True,
    # A worker killed mid-build gives the message back instead of losing it.
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError, ConnectionError),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=10 * 60,
    time_limit=11 * 60,
)
def build_report(report_id):
    """Build one progress report (idempotent: a built or claimed report is left alone)."""
    try:
        reporting_services.report_build(report_id)
    except (OperationalError, InterfaceError, ConnectionError):
        raise  # transient: retried with backoff above
    except Exception as error:
        reporting_services.report_fail(report_id, f"{type(error).__name__}: {error}")
        raise


@shared_task(ignore_result=True, autoretry_for=(OperationalError,), retry_backoff=True)
def produce_scheduled_reports(period_kind):
    """Beat (django-celery-beat, editable in the browser): the last complete period's reports."""
    return reporting_services.produce_scheduled_reports(period_kind=period_kind)


@shared_task(ignore_result=True, autoretry_for=(OperationalError,), retry_backoff=True)
def catch_up_reports():
    """Hourly and at worker start: runs missed while the system was down, and lost builds."""
    created = reporting_services.catch_up_scheduled_reports()
    requeued = reporting_services.requeue_stale_reports()
    return created, requeued


@worker_ready.connect
def _catch_up_when_a_worker_starts(sender, **kwargs):
    catch_up_reports.delay()
