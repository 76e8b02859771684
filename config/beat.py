"""Beat's scheduler: django-celery-beat's, except that the fixed jobs of CELERY_BEAT_SCHEDULE
only fill in rows that are missing. django-celery-beat writes them over the rows at every
start, which undid a change the office saved (the reminders' time, a job switched off).

What the office cannot edit still follows the code: a job's task name and arguments are
brought up to date at every start, so a renamed task never leaves beat sending a name no worker
knows."""

import json

from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler as BaseScheduler


class DatabaseScheduler(BaseScheduler):
    """Seeds each fixed job once, on the first start that finds its row missing; the stored
    rows (names and task names as before) are then the schedule."""

    def update_from_dict(self, mapping):
        existing = PeriodicTask.objects.filter(name__in=mapping)
        for row in existing:
            entry = mapping[row.name]
            from_code = {
                "task": entry["task"],
                "args": json.dumps(list(entry.get("args") or [])),
                "kwargs": json.dumps(dict(entry.get("kwargs") or {})),
            }
            if any(getattr(row, field) != value for field, value in from_code.items()):
                # Not the schedule nor `enabled`: those are the office's.
                PeriodicTask.objects.filter(pk=row.pk).update(**from_code)
        names = {row.name for row in existing}
        super().update_from_dict(
            {name: entry for name, entry in mapping.items() if name not in names}
        )
