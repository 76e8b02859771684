"""Handing a report build to the Celery worker, by the task's registered name.

The task module (reforms.reporting.jobs) calls the reporting services, so the services may not
import it back: they send the message by name (parks.core.queue), and the task is registered
under the same constant. The name is stored in messages already queued and in beat rows: it
never changes.
"""

from parks.core import queue

BUILD_REPORT = "reforms.tasks.build_report"


def send_build(report_id: int) -> None:
    """Queue one build of `report_id` (raises the broker's error when it cannot be reached)."""
    queue.send(BUILD_REPORT, report_id)
