"""The assessment's scheduled jobs (beat: config.settings CELERY_BEAT_SCHEDULE). Thin: the
services score a period once, however often a job runs."""

from celery import shared_task
from django.db import OperationalError

from reforms.assessment import schedules

# Both jobs score whole periods: a lost database connection is retried with growing waits, and
# a run that hangs is stopped before the next one is due.
SCORING_JOB = {
    "ignore_result": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "max_retries": 5,
    "soft_time_limit": 10 * 60,
    "time_limit": 11 * 60,
}


@shared_task(
    name="reforms.assessment.score_closed_periods",
    **SCORING_JOB,
)
def score_closed_periods():
    """The 1st of each month, early: the month just closed (and the quarter, and the year)."""
    return schedules.score_just_closed()


@shared_task(
    name="reforms.assessment.catch_up_scores",
    **SCORING_JOB,
)
def catch_up_scores():
    """Daily: closed periods of a scheme's year that were missed."""
    return schedules.catch_up()
