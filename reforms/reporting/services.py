"""Asking for, building and scheduling progress reports. Every write to a Report is here.

Exactly once: a report exists once per scope and period (a unique constraint), so asking twice,
beat firing twice or a catch-up run after downtime all find the same row. A build claims the row
with a lease; a worker killed mid-build leaves the row "running" with its old snapshot (or none)
and the lease runs out, after which the sweeper queues it again. The new figures and workbook
are written in one transaction at the end, so there is never a half report.
"""

import json
import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from parks.choices import Role
from parks.models import Park, Subdistrict, User
from parks.services import notify

from ..choices import PeriodKind, ReportScope, ReportStatus
from ..models import Report, ReportVersion, scope_key_for
from .contents import build_snapshot
from .periods import last_complete_period, period_containing

logger = logging.getLogger(__name__)

# How long a worker may hold a report before it is taken as lost and queued again.
REPORT_LEASE = timedelta(minutes=10)
SCHEDULED_KINDS = (PeriodKind.WEEK, PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR)


def _enqueue(report: Report) -> None:
    from ..tasks import build_report  # the task module imports this one

    report_id = report.pk
    # Robust: with the broker down the report is still saved and asked for (not a 500); the
    # sweeper queues a report no worker took once its lease has passed.
    transaction.on_commit(lambda: build_report.delay(report_id), robust=True)


# --- Who may ask for what ---------------------------------------------------------------------


def user_can_request_report(user, *, scope, subdistrict=None, park=None) -> bool:
    """Office staff ask for any report; subdistrict staff for their subdistrict and its parks;
    a park manager for their park."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_office:
        return True
    if user.role == Role.SUBDISTRICT:
        if scope == ReportScope.SUBDISTRICT:
            return subdistrict is not None and subdistrict.pk == user.subdistrict_id
        return (
            scope == ReportScope.PARK
            and park is not None
            and park.subdistrict_id == user.subdistrict_id
        )
    if user.role == Role.PARK_MANAGER:
        return scope == ReportScope.PARK and park is not None and park.pk == user.park_id
    return False


def requestable_targets(user):
    """What a user may ask reports for, for forms: (scopes, subdistricts, parks). The same rule
    as user_can_request_report, which checks one request."""
    subdistricts, parks, scopes = Subdistrict.objects.none(), Park.objects.none(), []
    if user.is_authenticated and user.is_office:
        subdistricts, parks = Subdistrict.objects.all(), Park.objects.all()
        scopes = [ReportScope.DISTRICT, ReportScope.SUBDISTRICT, ReportScope.PARK]
    elif user.is_authenticated and user.role == Role.SUBDISTRICT and user.subdistrict_id:
        subdistricts = Subdistrict.objects.filter(pk=user.subdistrict_id)
        parks = Park.objects.filter(subdistrict_id=user.subdistrict_id)
        scopes = [ReportScope.SUBDISTRICT, ReportScope.PARK]
    elif user.is_authenticated and user.role == Role.PARK_MANAGER and user.park_id:
        parks = Park.objects.filter(pk=user.park_id)
        scopes = [ReportScope.PARK]
    return scopes, subdistricts, parks


# --- Asking -----------------------------------------------------------------------------------


def _target(scope, subdistrict, park) -> dict:
    if scope == ReportScope.PARK:
        if park is None:
            raise ValidationError({"park": _("Choose the park.")})
        return {"subdistrict": None, "park": park}
    if scope == ReportScope.SUBDISTRICT:
        if subdistrict is None:
            raise ValidationError({"subdistrict": _("Choose the subdistrict.")})
        return {"subdistrict": subdistrict, "park": None}
    return {"subdistrict": None, "park": None}


def report_get_or_create(
    *,
    scope: str,
    period_kind: str,
    start: date,
    end: date,
    subdistrict: Subdistrict | None = None,
    park: Park | None = None,
    requested_by: User | None = None,
) -> tuple[Report, bool]:
    """The report of this scope and period, queued for building if it is new."""
    target = _target(scope, subdistrict, park)
    key = scope_key_for(scope, getattr(subdistrict, "pk", None), getattr(park, "pk", None))
    lookup = {
        "scope_key": key,
        "period_kind": period_kind,
        "period_start": start,
        "period_end": end,
    }
    existing = Report.objects.filter(**lookup).first()
    if existing is not None:
        return existing, False
    report = Report(
        scope=scope,
        period_kind=period_kind,
        period_start=start,
        period_end=end,
        requested_by=requested_by,
        **target,
    )
    report.full_clean(exclude=["scope_key"], validate_constraints=False)
    try:
        with transaction.atomic():
            report.save()
            _enqueue(report)
    except IntegrityError:
        # Someone asked for the same report at the same moment: theirs is ours.
        return Report.objects.get(**lookup), False
    return report, True


def report_request(
    *,
    actor: User,
    scope: str,
    period_kind: str,
    start: date,
    end: date | None = None,
    subdistrict: Subdistrict | None = None,
    park: Park | None = None,
) -> tuple[Report, bool]:
    """A person asks for a report. A calendar period is normalised to the one `start` is in;
    a custom period runs from start to end. A period still running or in the future is refused."""
    if scope not in ReportScope.values:
        raise ValidationError({"scope": _("Choose the district, a subdistrict or a park.")})
    if period_kind not in PeriodKind.values:
        raise ValidationError({"period_kind": _("Choose a week, month, quarter, year or dates.")})
    if not user_can_request_report(actor, scope=scope, subdistrict=subdistrict, park=park):
        raise PermissionDenied
    today = timezone.localdate()
    # Checked before normalising: the year around 9999-12-31 has no end the calendar can hold.
    if start > today:
        raise ValidationError({"start": _("The period has not started yet.")})
    if period_kind == PeriodKind.CUSTOM:
        if end is None or end < start:
            raise ValidationError({"end": _("The period ends before it starts.")})
        if (end - start).days > 366 * 5:
            raise ValidationError({"end": _("A custom period is at most five years.")})
    else:
        start, end = period_containing(period_kind, start)
    # A report is built once per period and the schedule leaves an existing one alone: built
    # from a half-finished week, it would stand in for that week's scheduled report.
    if end >= today:
        field = "end" if period_kind == PeriodKind.CUSTOM else "start"
        raise ValidationError(
            {field: _("The period has not ended yet: reports cover periods up to yesterday.")}
        )
    return report_get_or_create(
        scope=scope,
        period_kind=period_kind,
        start=start,
        end=end,
        subdistrict=subdistrict,
        park=park,
        requested_by=actor,
    )


@transaction.atomic
def report_regenerate(*, report: Report, actor: User) -> Report:
    """Build the report again from today's data, keeping the current build as a version.

    Refused while a build is under way, unless its worker was lost (its lease ran out): then
    the person need not wait for the sweeper, and the lost build, if it ever finishes, finds
    a newer version and throws its work away."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if not user_can_request_report(
        actor, scope=report.scope, subdistrict=report.subdistrict, park=report.park
    ):
        raise PermissionDenied
    lost = report.status == ReportStatus.RUNNING and (
        report.lease_until is None or report.lease_until < timezone.now()
    )
    if report.status in (ReportStatus.QUEUED, ReportStatus.RUNNING) and not lost:
        raise ValidationError(_("The report is being built already."))
    if report.snapshot is not None:
        ReportVersion.objects.create(
            report=report,
            version=report.version,
            snapshot=report.snapshot,
            excel=report.excel.name,
            finished_at=report.finished_at or timezone.now(),
        )
    report.version += 1
    report.status, report.progress, report.failure_reason = ReportStatus.QUEUED, 0, ""
    report.snapshot, report.excel, report.lease_until = None, "", None
    report.started_at = report.finished_at = None
    report.requested_by = actor
    report.save()
    _enqueue(report)
    return report


# --- Building ---------------------------------------------------------------------------------


def _claim(report_id: int) -> Report | None:
    """Take the report for this worker, or None if it is built or another worker holds it."""
    now = timezone.now()
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None or report.status == ReportStatus.DONE:
            return None
        if (
            report.status == ReportStatus.RUNNING
            and report.lease_until
            and report.lease_until > now
        ):
            return None
        report.status = ReportStatus.RUNNING
        report.progress, report.failure_reason = 0, ""
        report.started_at, report.lease_until = now, now + REPORT_LEASE
        report.save(
            update_fields=[
                "status",
                "progress",
                "failure_reason",
                "started_at",
                "lease_until",
                "updated_at",
            ]
        )
        return report


def _recipients(report: Report):
    """Who hears that a report is ready: who asked for it; for a scheduled one, the people of
    its scope (office staff for the district, subdistrict staff, the park's managers)."""
    if report.requested_by_id:
        return User.objects.filter(pk=report.requested_by_id, is_active=True)
    people = User.objects.filter(is_active=True)
    if report.scope == ReportScope.PARK:
        return people.filter(role=Role.PARK_MANAGER, park_id=report.park_id)
    if report.scope == ReportScope.SUBDISTRICT:
        return people.filter(role=Role.SUBDISTRICT, subdistrict_id=report.subdistrict_id)
    return people.filter(Q(role=Role.OFFICE) | Q(is_superuser=True))


def report_build(report_id: int) -> Report | None:
    """Compute the figures and the workbook and store both at once. Safe to call twice."""
    from .excel import report_workbook  # openpyxl is only loaded by the worker

    report = _claim(report_id)
    if report is None:
        return None
    version = report.version

    def progress(percent: int) -> None:
        Report.objects.filter(pk=report.pk, version=version).update(
            progress=percent, lease_until=timezone.now() + REPORT_LEASE
        )

    try:
        snapshot = build_snapshot(report, progress)
        workbook = report_workbook(report, snapshot)
        progress(95)  # the workbook took time too: renew the lease before storing
    except BaseException as error:
        # Let go of the lease, so the task's retry (or the sweeper) can claim the report
        # again at once instead of finding it held by this failed build for a whole lease.
        _release(report.pk, version)
        error.report_version = version  # the task marks only this build's report failed
        raise
    with transaction.atomic():
        current = Report.objects.select_for_update().get(pk=report.pk)
        if current.version != version or current.status == ReportStatus.DONE:
            # Regenerated or finished by another worker meanwhile: this build is stale.
            return None
        current.snapshot = snapshot
        current.excel.save("report.xlsx", ContentFile(workbook), save=False)
        current.status, current.progress = ReportStatus.DONE, 100
        current.finished_at, current.lease_until = timezone.now(), None
        current.save()
        for person in _recipients(current):
            notify(
                recipient=person,
                title=_("Progress report ready: %(report)s") % {"report": current},
                url=current.get_absolute_url(),
            )
    return current


def _release(report_id: int, version: int) -> None:
    try:
        Report.objects.filter(pk=report_id, version=version, status=ReportStatus.RUNNING).update(
            status=ReportStatus.QUEUED, lease_until=None
        )
    except DatabaseError:
        # The database is what failed: the lease runs out by itself and the sweeper takes over.
        logger.warning("Could not release report %s after a failed build", report_id)


def report_fail(report_id: int, reason: str, *, version: int | None = None) -> None:
    """Record why a build gave up (after its retries), so the page and the API can say so.

    `version` is the build that failed: a late failure of an old build must not mark a report
    that was regenerated meanwhile (and is being built again) as failed.
    """
    reports = Report.objects.filter(pk=report_id).exclude(status=ReportStatus.DONE)
    if version is not None:
        reports = reports.filter(version=version)
    reports.update(status=ReportStatus.FAILED, failure_reason=reason[:2000], lease_until=None)


# --- Schedules --------------------------------------------------------------------------------

SCHEDULE_TASK = "reforms.tasks.produce_scheduled_reports"
SCHEDULE_ZONE = "Asia/Shanghai"
# The rows migration 0006 creates; a missing one is made again from these when it is saved.
SCHEDULE_NAMES = {
    PeriodKind.WEEK: "progress-reports-weekly",
    PeriodKind.MONTH: "progress-reports-monthly",
    PeriodKind.QUARTER: "progress-reports-quarterly",
    PeriodKind.YEAR: "progress-reports-yearly",
}
# hour, minute, day: ISO weekday (1 = Monday) for weeks, day of the month for the others.
SCHEDULE_DEFAULTS = {
    PeriodKind.WEEK: (6, 0, 1),
    PeriodKind.MONTH: (6, 30, 1),
    PeriodKind.QUARTER: (7, 0, 1),
    PeriodKind.YEAR: (7, 30, 1),
}
SCHEDULE_MONTHS = {
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


def _schedule_zone(crontab) -> ZoneInfo:
    zone = crontab.timezone
    return zone if isinstance(zone, ZoneInfo) else ZoneInfo(str(zone))


def _crontab_days(crontab, days):
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


def crontab_next_run(crontab, after: datetime) -> datetime | None:
    """The first moment after `after` when the crontab fires."""
    first = after.astimezone(_schedule_zone(crontab)).date()
    days = (first + timedelta(days=offset) for offset in range(_SCHEDULE_LOOK_DAYS + 1))
    for moments in _crontab_days(crontab, days):
        for moment in moments:
            if moment > after:
                return moment
    return None


def crontab_previous_run(crontab, before: datetime) -> datetime | None:
    """The last moment up to `before` when the crontab fired (or would have, had beat run)."""
    last = before.astimezone(_schedule_zone(crontab)).date()
    days = (last - timedelta(days=offset) for offset in range(_SCHEDULE_LOOK_DAYS + 1))
    for moments in _crontab_days(crontab, days):
        for moment in reversed(moments):
            if moment <= before:
                return moment
    return None


def _period_kind_of(task) -> str | None:
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
):
    """Office staff set when a kind of report is produced (Asia/Shanghai) or switch it off.

    Beat (DatabaseScheduler) notices the change by itself: saving a crontab or a periodic task
    marks django-celery-beat's change row.
    """
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    if not actor.is_authenticated or not actor.is_active or not actor.is_office:
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
        if task is None:
            task = PeriodicTask(
                name=SCHEDULE_NAMES[period_kind],
                task=SCHEDULE_TASK,
                kwargs=json.dumps({"period_kind": period_kind}),
            )
        crontab = task.crontab if task.pk and task.crontab_id else None
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
    logger.info(
        "%s set the %s report schedule to %s (%s)",
        actor,
        period_kind,
        crontab,
        "on" if enabled else "off",
    )
    return task


def produce_scheduled_reports(*, period_kind: str, today: date | None = None) -> int:
    """The reports of the last complete period for the district, each subdistrict and each
    park; those that exist already are left alone. Returns how many were new."""
    today = today or timezone.localdate()
    start, end = last_complete_period(period_kind, today)
    targets = [(ReportScope.DISTRICT, None, None)]
    targets += [(ReportScope.SUBDISTRICT, s, None) for s in Subdistrict.objects.order_by("pk")]
    targets += [(ReportScope.PARK, None, p) for p in Park.objects.order_by("pk")]
    # One query for what exists, so the hourly catch-up costs little when nothing is missing.
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


def catch_up_scheduled_reports(*, now: datetime | None = None) -> int:
    """Produce the scheduled reports a run missed while the system was down.

    Runs when a worker starts and every hour. For each enabled schedule, the period its last
    due run (by its crontab) reported on is produced if any of its reports is missing; a run
    not yet due makes nothing early, so a schedule moved to later in the day is respected.
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
            day = due.astimezone(timezone.get_current_timezone()).date()
        else:  # an interval set by hand: its last run could be any time, so report the last
            day = timezone.localtime(now).date()
        if (kind, day) in done:
            continue
        done.add((kind, day))
        created += produce_scheduled_reports(period_kind=kind, today=day)
    return created


def requeue_stale_reports() -> int:
    """Queue again reports whose build was lost: running past their lease, or queued for longer
    than a lease without a worker taking them (the message was lost)."""
    now = timezone.now()
    stale = Report.objects.filter(
        Q(status=ReportStatus.RUNNING, lease_until__lt=now)
        | Q(status=ReportStatus.QUEUED, updated_at__lt=now - REPORT_LEASE)
    ).values_list("pk", flat=True)
    from ..tasks import build_report

    stale = list(stale)
    # Marked as just queued, so a broker that stays down does not collect a message an hour.
    Report.objects.filter(pk__in=stale, status=ReportStatus.QUEUED).update(updated_at=now)
    for report_id in stale:
        build_report.delay(report_id)
    return len(stale)
