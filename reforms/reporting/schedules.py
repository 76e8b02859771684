"""Report schedules and the catch-up: when beat makes which reports, and what a run missed while
the system was down. The schedules are django-celery-beat rows the office edits in the browser;
every change to them is here."""

import copy
import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from parks import access
from parks.history import audit
from parks.structure.models import Park, User
from reforms.reporting.choices import PeriodKind, ReportScope
from reforms.reporting.models import Report, scope_key_for
from reforms.reporting.periods import last_complete_period, period_containing
from reforms.reporting.services import report_get_or_create, report_targets

if TYPE_CHECKING:  # loaded in the functions that query them, as beat's app may be off
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

logger = logging.getLogger(__name__)

SCHEDULED_KINDS = (PeriodKind.WEEK, PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR)

# --- Schedules --------------------------------------------------------------------------------

SCHEDULE_TASK = "reforms.tasks.produce_scheduled_reports"
SCHEDULE_ZONE = "Asia/Shanghai"
# The rows migration 0006 creates; a missing one is made again from these when it is saved.
SCHEDULE_NAMES: dict[str, str] = {
    PeriodKind.WEEK: "progress-reports-weekly",
    PeriodKind.MONTH: "progress-reports-monthly",
    PeriodKind.QUARTER: "progress-reports-quarterly",
    PeriodKind.YEAR: "progress-reports-yearly",
}
# hour, minute, day: ISO weekday (1 = Monday) for weeks, day of the month for the others.
SCHEDULE_DEFAULTS: dict[str, tuple[int, int, int]] = {
    PeriodKind.WEEK: (6, 0, 1),
    PeriodKind.MONTH: (6, 30, 1),
    PeriodKind.QUARTER: (7, 0, 1),
    PeriodKind.YEAR: (7, 30, 1),
}
SCHEDULE_MONTHS: dict[str, str] = {
    PeriodKind.WEEK: "*",
    PeriodKind.MONTH: "*",
    PeriodKind.QUARTER: "1,4,7,10",
    PeriodKind.YEAR: "1",
}
# Days 29 to 31 are missing from some months, and cron skips a month without the day.
SCHEDULE_LAST_DAY = 28
# Every schedule runs at least once a year; a day more than a leap year finds its last run.
_SCHEDULE_LOOK_DAYS = 367


@dataclass(frozen=True)
class ReportSchedule:
    """One kind's schedule as the schedules page shows it."""

    period_kind: str
    task: object  # django_celery_beat PeriodicTask, or None before it is first saved
    enabled: bool
    hour: int
    minute: int
    day: int
    description: str
    last_run_at: datetime | None
    next_run_at: datetime | None


def _schedule_zone(crontab: "CrontabSchedule") -> ZoneInfo:
    zone = crontab.timezone
    return zone if isinstance(zone, ZoneInfo) else ZoneInfo(str(zone))


def _crontab_days(crontab: "CrontabSchedule", days: Iterable[date]) -> Iterator[list[datetime]]:
    """The moments (in the crontab's zone) when the crontab fires on each of `days`, in order."""
    from celery.schedules import crontab as parse

    spec = parse(
        minute=crontab.minute,
        hour=crontab.hour,
        day_of_week=crontab.day_of_week,
        day_of_month=crontab.day_of_month,
        month_of_year=crontab.month_of_year,
    )
    zone = _schedule_zone(crontab)
    times = sorted(time(hour, minute) for hour in spec.hour for minute in spec.minute)
    for day in days:
        # Celery counts weekdays from Sunday = 0 and, as its beat does, needs the day of the
        # week and the day of the month both to match.
        if (
            day.month in spec.month_of_year
            and day.day in spec.day_of_month
            and day.isoweekday() % 7 in spec.day_of_week
        ):
            yield [datetime.combine(day, moment, tzinfo=zone) for moment in times]


def crontab_next_run(crontab: "CrontabSchedule", after: datetime) -> datetime | None:
    """The first moment after `after` when the crontab fires."""
    first = after.astimezone(_schedule_zone(crontab)).date()
    days = (first + timedelta(days=offset) for offset in range(_SCHEDULE_LOOK_DAYS + 1))
    for moments in _crontab_days(crontab, days):
        for moment in moments:
            if moment > after:
                return moment
    return None


def crontab_previous_run(crontab: "CrontabSchedule", before: datetime) -> datetime | None:
    """The last moment up to `before` when the crontab fired (or would have, had beat run)."""
    last = before.astimezone(_schedule_zone(crontab)).date()
    days = (last - timedelta(days=offset) for offset in range(_SCHEDULE_LOOK_DAYS + 1))
    for moments in _crontab_days(crontab, days):
        for moment in reversed(moments):
            if moment <= before:
                return moment
    return None


def _period_kind_of(task: "PeriodicTask") -> str | None:
    try:
        kwargs = json.loads(task.kwargs or "{}")
    except ValueError:
        return None
    kind = kwargs.get("period_kind") if isinstance(kwargs, dict) else None
    return kind if kind in SCHEDULED_KINDS else None


def _single(value: str, fallback: int) -> int:
    return int(value) if value.isdigit() else fallback


def _describe(kind: str, hour: int, minute: int, day: int) -> str:
    at = f"{hour:02d}:{minute:02d}"
    if kind == PeriodKind.WEEK:
        return _("Every %(weekday)s at %(time)s") % {"weekday": WEEKDAYS[day - 1], "time": at}
    if kind == PeriodKind.MONTH:
        return _("Day %(day)d of every month at %(time)s") % {"day": day, "time": at}
    if kind == PeriodKind.QUARTER:
        return _("Day %(day)d of January, April, July and October at %(time)s") % {
            "day": day,
            "time": at,
        }
    return _("%(day)d January every year at %(time)s") % {"day": day, "time": at}


def report_schedules(*, now: datetime | None = None) -> list[ReportSchedule]:
    """The four report schedules, with their last and next runs, week to year."""
    from django_celery_beat.models import PeriodicTask

    now = now or timezone.now()
    tasks = {}
    for task in PeriodicTask.objects.filter(task=SCHEDULE_TASK).select_related("crontab"):
        kind = _period_kind_of(task)
        # Our own row first; another row of the same kind (made by hand) only if ours is gone.
        if kind and (kind not in tasks or task.name == SCHEDULE_NAMES[kind]):
            tasks[kind] = task
    schedules = []
    for kind in SCHEDULED_KINDS:
        task = tasks.get(kind)
        hour, minute, day = SCHEDULE_DEFAULTS[kind]
        crontab = task.crontab if task is not None else None
        if crontab is not None:
            hour, minute = _single(crontab.hour, hour), _single(crontab.minute, minute)
            field = crontab.day_of_week if kind == PeriodKind.WEEK else crontab.day_of_month
            day = _single(field, day)
            if kind == PeriodKind.WEEK:
                day = day % 7 or 7  # cron's Sunday is 0; the page's is 7
            simple = all(part.isdigit() for part in (crontab.hour, crontab.minute, field))
            # Set by hand in the admin to something the page cannot say simply: cron's words.
            description = _describe(kind, hour, minute, day) if simple else crontab.human_readable
        else:
            description = _describe(kind, hour, minute, day)
        enabled = bool(task and task.enabled and crontab is not None)
        schedules.append(
            ReportSchedule(
                period_kind=kind,
                task=task,
                enabled=enabled,
                hour=hour,
                minute=minute,
                day=day,
                description=description,
                last_run_at=task.last_run_at if task else None,
                next_run_at=crontab_next_run(crontab, now) if enabled else None,
            )
        )
    return schedules


def report_schedule_update(
    *, actor: User, period_kind: str, enabled: bool, hour: int, minute: int, day: int
) -> "PeriodicTask":
    """Office staff set when a kind of report is produced (Asia/Shanghai) or switch it off.

    Beat (DatabaseScheduler) notices the change by itself: saving a crontab or a periodic task
    marks django-celery-beat's change row.
    """
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    if not access.may_manage_report_schedules(actor):
        raise PermissionDenied
    if period_kind not in SCHEDULED_KINDS:
        raise ValidationError({"period_kind": _("Choose a week, month, quarter or year.")})
    errors = {}
    if not 0 <= hour <= 23:
        errors["hour"] = _("The hour runs from 0 to 23.")
    if not 0 <= minute <= 59:
        errors["minute"] = _("The minute runs from 0 to 59.")
    if period_kind == PeriodKind.WEEK and not 1 <= day <= 7:
        errors["day"] = _("Choose a day from Monday to Sunday.")
    if period_kind != PeriodKind.WEEK and not 1 <= day <= SCHEDULE_LAST_DAY:
        errors["day"] = _("Choose a day from 1 to 28: later days are missing from some months.")
    if errors:
        raise ValidationError(errors)
    weekly = period_kind == PeriodKind.WEEK
    fields = {
        "minute": str(minute),
        "hour": str(hour),
        "day_of_week": str(day % 7) if weekly else "*",
        "day_of_month": "*" if weekly else str(day),
        "month_of_year": SCHEDULE_MONTHS[period_kind],
        "timezone": ZoneInfo(SCHEDULE_ZONE),
    }
    with transaction.atomic():
        task = (
            PeriodicTask.objects.select_for_update()
            .filter(name=SCHEDULE_NAMES[period_kind])
            .first()
        )
        before = copy.copy(task) if task is not None else None
        if task is None:
            task = PeriodicTask(
                name=SCHEDULE_NAMES[period_kind],
                task=SCHEDULE_TASK,
                kwargs=json.dumps({"period_kind": period_kind}),
            )
        crontab = task.crontab if task.pk and task.crontab_id else None
        # The crontab row may be changed in place: its text before is what the log compares.
        crontab_before = str(crontab) if crontab is not None else None
        if crontab is None or crontab.periodictask_set.exclude(pk=task.pk).exists():
            # Another task runs on the same crontab row: changing it would move that one too.
            crontab = CrontabSchedule()
        for name, value in fields.items():
            setattr(crontab, name, value)
        crontab.save()
        task.crontab = crontab
        task.interval = task.solar = task.clocked = None
        task.one_off = False
        task.enabled = enabled
        task.save()
        audit.record_save(
            actor=actor,
            instance=task,
            before=before,
            extra={"crontab": (crontab_before, str(crontab))},
        )
    logger.info(
        "%s set the %s report schedule to %s (%s)",
        actor,
        period_kind,
        crontab,
        "on" if enabled else "off",
    )
    return task


# How far back a catch-up goes, in periods of each kind: what a long outage (or a beat stopped
# for months) makes up for at most, so one start of a worker never fans out years of reports.
CATCH_UP_PERIODS: dict[str, int] = {
    PeriodKind.WEEK: 12,
    PeriodKind.MONTH: 12,
    PeriodKind.QUARTER: 8,
    PeriodKind.YEAR: 3,
}


def _produce_period(
    period_kind: str, start: date, end: date, *, parks: QuerySet[Park] | None = None
) -> int:
    """The reports of one period for the district, each subdistrict and each park of `parks`
    (every park by default), leaving out scopes with no parks (services.report_targets); those
    that exist already are left alone. Returns how many were new."""
    targets = report_targets(Park.objects.all() if parks is None else parks)
    if not targets:
        return 0
    # One query for what exists, so the catch-up costs little when nothing is missing.
    existing = set(
        Report.objects.filter(
            period_kind=period_kind, period_start=start, period_end=end
        ).values_list("scope_key", flat=True)
    )
    created = 0
    for scope, subdistrict, park in targets:
        key = scope_key_for(scope, getattr(subdistrict, "pk", None), getattr(park, "pk", None))
        if key in existing:
            continue
        _report, new = report_get_or_create(
            scope=scope,
            period_kind=period_kind,
            start=start,
            end=end,
            subdistrict=subdistrict,
            park=park,
        )
        created += new
    if created:
        logger.info("Queued %d %s reports for %s–%s", created, period_kind, start, end)
    return created


def produce_scheduled_reports(*, period_kind: str, today: date | None = None) -> int:
    """The reports of the last complete period (what beat's run on `today` makes)."""
    start, end = last_complete_period(period_kind, today or timezone.localdate())
    return _produce_period(period_kind, start, end)


def _missed_periods(kind: str, day: date) -> list[tuple[date, date]]:
    """The periods a run on `day` and the runs missed before it report on, oldest first: back
    to the newest period a run did make (its district report), at most CATCH_UP_PERIODS. With
    no report of the kind at all the schedule never ran: only the last period is made."""
    latest = last_complete_period(kind, day)
    newest_made = Report.objects.filter(
        scope=ReportScope.DISTRICT, period_kind=kind, period_start__lt=latest[0]
    ).aggregate(newest=Max("period_start"))["newest"]
    periods = [latest]
    while newest_made is not None and len(periods) < CATCH_UP_PERIODS[kind]:
        before = period_containing(kind, periods[-1][0] - timedelta(days=1))
        if before[0] <= newest_made:
            break
        periods.append(before)
    return periods[::-1]


def catch_up_scheduled_reports(*, now: datetime | None = None) -> int:
    """Produce the scheduled reports the runs missed while the system was down.

    Runs when a worker starts and every hour. For each enabled schedule, the period its last
    due run (by its crontab) reported on is produced if any of its reports is missing, and so
    is each earlier period missed since the last run that happened (_missed_periods); a run not
    yet due makes nothing early, so a schedule moved to later in the day is respected.

    A run is only made up for the parks that existed when it was due (and their subdistricts
    and the district): a run due before a park was entered did not miss its report. So a new
    installation, empty or just loaded with its parks, builds no backlog of empty reports; the
    schedules' next runs make the first ones.
    """
    from django_celery_beat.models import PeriodicTask

    now = now or timezone.now()
    done = set()
    created = 0
    tasks = PeriodicTask.objects.filter(task=SCHEDULE_TASK, enabled=True).select_related("crontab")
    for task in tasks:
        kind = _period_kind_of(task)
        if kind is None:
            continue
        if task.crontab is not None:
            due = crontab_previous_run(task.crontab, now)
            if due is None:
                continue
        else:  # an interval set by hand: its last run could be any time, so report the last
            due = now
        day = due.astimezone(timezone.get_current_timezone()).date()
        existing_then = Park.objects.filter(created_at__lte=due)
        for start, end in _missed_periods(kind, day):
            if (kind, start) in done:
                continue
            done.add((kind, start))
            created += _produce_period(kind, start, end, parks=existing_then)
    return created
