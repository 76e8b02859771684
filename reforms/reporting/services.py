"""Asking for, building and scheduling progress reports. Every write to a Report is here.

Exactly once: a report exists once per scope and period (a unique constraint), so asking twice,
beat firing twice or a catch-up run after downtime all find the same row. A build claims the row
with a lease; a worker killed mid-build leaves the row "running" with its old snapshot (or none)
and the lease runs out, after which the sweeper queues it again. The new figures and workbook
are written in one transaction at the end, so there is never a half report.
"""

import logging
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
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
    transaction.on_commit(lambda: build_report.delay(report_id))


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
        return scope == ReportScope.PARK and park.subdistrict_id == user.subdistrict_id
    if user.role == Role.PARK_MANAGER:
        return scope == ReportScope.PARK and park is not None and park.pk == user.park_id
    return False


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
    if not user_can_request_report(actor, scope=scope, subdistrict=subdistrict, park=park):
        raise PermissionDenied
    if period_kind == PeriodKind.CUSTOM:
        if end is None or end < start:
            raise ValidationError({"end": _("The period ends before it starts.")})
        if (end - start).days > 366 * 5:
            raise ValidationError({"end": _("A custom period is at most five years.")})
    else:
        start, end = period_containing(period_kind, start)
    if start > timezone.localdate():
        raise ValidationError({"start": _("The period has not started yet.")})
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
    """Build the report again from today's data, keeping the current build as a version."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if not user_can_request_report(
        actor, scope=report.scope, subdistrict=report.subdistrict, park=report.park
    ):
        raise PermissionDenied
    if report.status in (ReportStatus.QUEUED, ReportStatus.RUNNING):
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

    snapshot = build_snapshot(report, progress)
    workbook = report_workbook(report, snapshot)
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


def report_fail(report_id: int, reason: str) -> None:
    """Record why a build gave up (after its retries), so the page and the API can say so."""
    Report.objects.filter(pk=report_id).exclude(status=ReportStatus.DONE).update(
        status=ReportStatus.FAILED, failure_reason=reason[:2000], lease_until=None
    )


# --- Schedules --------------------------------------------------------------------------------


def produce_scheduled_reports(*, period_kind: str, today: date | None = None) -> int:
    """The reports of the last complete period for the district, each subdistrict and each
    park; those that exist already are left alone. Returns how many were new."""
    today = today or timezone.localdate()
    start, end = last_complete_period(period_kind, today)
    targets = [(ReportScope.DISTRICT, None, None)]
    targets += [(ReportScope.SUBDISTRICT, s, None) for s in Subdistrict.objects.order_by("pk")]
    targets += [(ReportScope.PARK, None, p) for p in Park.objects.order_by("pk")]
    created = 0
    for scope, subdistrict, park in targets:
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


def catch_up_scheduled_reports(*, today: date | None = None) -> int:
    """Produce any scheduled report a run missed while the system was down.

    Runs when a worker starts and every hour. Only kinds whose schedule is enabled count.
    """
    from django_celery_beat.models import PeriodicTask

    enabled = set(
        PeriodicTask.objects.filter(
            task="reforms.tasks.produce_scheduled_reports", enabled=True
        ).values_list("kwargs", flat=True)
    )
    created = 0
    for kind in SCHEDULED_KINDS:
        if any(f'"{kind}"' in kwargs for kwargs in enabled):
            created += produce_scheduled_reports(period_kind=kind, today=today)
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
    for report_id in stale:
        build_report.delay(report_id)
    return len(stale)
