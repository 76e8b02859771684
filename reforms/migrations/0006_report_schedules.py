# The default progress-report schedules: rows in django-celery-beat's tables, so office staff can
# change them in the browser and beat (DatabaseScheduler) follows without a restart.

import json

from django.db import migrations
from django.utils import timezone

TASK = "reforms.tasks.produce_scheduled_reports"
ZONE = "Asia/Shanghai"

# name, period kind, crontab (minute, hour, day of week, day of month, month of year), description
SCHEDULES = [
    (
        "progress-reports-weekly",
        "week",
        ("0", "6", "1", "*", "*"),
        "Every Monday 06:00: last week's progress reports.",
    ),
    (
        "progress-reports-monthly",
        "month",
        ("30", "6", "*", "1", "*"),
        "On the 1st of every month 06:30: last month's progress reports.",
    ),
    (
        "progress-reports-quarterly",
        "quarter",
        ("0", "7", "*", "1", "1,4,7,10"),
        "On 1 January, April, July and October 07:00: last quarter's progress reports.",
    ),
    (
        "progress-reports-yearly",
        "year",
        ("30", "7", "*", "1", "1"),
        "On 1 January 07:30: last year's progress reports.",
    ),
]


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    for name, kind, (minute, hour, day_of_week, day_of_month, month), description in SCHEDULES:
        if PeriodicTask.objects.filter(name=name).exists():
            continue  # someone set it up by hand already: theirs stands
        # A crontab row of its own, so editing this schedule never moves another task's.
        crontab = CrontabSchedule.objects.create(
            minute=minute,
            hour=hour,
            day_of_week=day_of_week,
            day_of_month=day_of_month,
            month_of_year=month,
            timezone=ZONE,
        )
        PeriodicTask.objects.create(
            name=name,
            task=TASK,
            crontab=crontab,
            kwargs=json.dumps({"period_kind": kind}),
            enabled=True,
            description=description,
        )
    # Historical models send no signals: tell a running beat that its schedule changed.
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    names = [name for name, *_rest in SCHEDULES]
    crontab_ids = list(
        PeriodicTask.objects.filter(name__in=names).values_list("crontab_id", flat=True)
    )
    PeriodicTask.objects.filter(name__in=names).delete()
    # Deleting a crontab deletes every task on it: only those no task uses any more.
    CrontabSchedule.objects.filter(pk__in=crontab_ids, periodictask__isnull=True).delete()
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


class Migration(migrations.Migration):

    dependencies = [
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("reforms", "0005_progress_reports"),
    ]

    operations = [
        migrations.RunPython(create_schedules, remove_schedules),
    ]
