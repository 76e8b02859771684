"""Beat's scheduler: django-celery-beat's, except that the fixed jobs of CELERY_BEAT_SCHEDULE
only fill in rows that are missing. django-celery-beat writes them over the rows at every
start, which undid a change the office saved (the reminders' time, a job switched off)."""

from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler as BaseScheduler


class DatabaseScheduler(BaseScheduler):
    """Seeds each fixed job once, on the first start that finds its row missing; the stored
    rows (names and task names as before) are then the schedule."""

    def update_from_dict(self, mapping):
        existing = set(PeriodicTask.objects.filter(name__in=mapping).values_list("name", flat=True))
        super().update_from_dict(
            {name: entry for name, entry in mapping.items() if name not in existing}
        )
