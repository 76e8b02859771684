"""Asking for, building and scheduling progress reports. Every write to a Report is here.

Exactly once: a report exists once per scope and period (a unique constraint), so asking twice,
beat firing twice or a catch-up run after downtime all find the same row. A build claims the row
with a short lease (REPORTS_BUILD_LEASE_SECONDS) that a heartbeat renews while it works, and
records its Celery task id as the lease's token: the same message redelivered after its process
was killed, or retried after a database error, takes its own lease over at once. A build whose
worker died lets its lease run out, and the sweep (beat, every minute) queues it again. The new
figures and workbook are written in one transaction at the end, so there is never a half report,
and a workbook or briefing whose row was never saved is deleted (at once, or by the hourly file
sweep).
"""

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, connections, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from parks import access
from parks.core.files import files_undone_on_error
from parks.notices.choices import NoticeKind
from parks.notices.services import announce
from parks.structure.models import Park, Subdistrict, User
from reforms.reporting import freshness, policy, queue
from reforms.reporting.choices import PeriodKind, ReportScope, ReportStatus
from reforms.reporting.contents import build_snapshot
from reforms.reporting.models import (
    Report,
    ReportVersion,
    report_briefing_path,
    report_file_path,
    scope_key_for,
)
from reforms.reporting.periods import longest_custom_end, period_containing

logger = logging.getLogger(__name__)

# A queued report no worker has taken for this long is sent again (its message may be lost) and
# may be regenerated. Longer than a lease: on a Monday the worker has a queue to get through.
QUEUE_PATIENCE = timedelta(minutes=5)
# Builds of one version that may be lost (their worker killed: out of memory, past the hard time
# limit) before the report is marked failed rather than sent again every couple of minutes.
# A build that fails and lets go of its lease (_release) is the task's retry, not a loss.
MAX_BUILD_ATTEMPTS = 4


def report_lease() -> timedelta:
    """How long a build holds its report without renewing: past it, the build is taken as lost."""
    return timedelta(seconds=settings.REPORTS_BUILD_LEASE_SECONDS)


def _enqueue(report: Report) -> None:
    report_id = report.pk
    # Robust: with the broker down the report is still saved and asked for (not a 500); the
    # sweeper queues a report no worker took once its lease has passed.
    transaction.on_commit(lambda: queue.send_build(report_id), robust=True)


# --- Asking -----------------------------------------------------------------------------------


def _target(scope: str, subdistrict: Subdistrict | None, park: Park | None) -> dict:
    if scope == ReportScope.PARK:
        if park is None:
            raise ValidationError({"park": _("Choose the park.")})
        return {"subdistrict": None, "park": park}
    if scope == ReportScope.SUBDISTRICT:
        if subdistrict is None:
            raise ValidationError({"subdistrict": _("Choose the subdistrict.")})
        return {"subdistrict": subdistrict, "park": None}
    return {"subdistrict": None, "park": None}


def _refuse_a_scope_without_parks(
    scope: str, subdistrict: Subdistrict | None, park: Park | None
) -> None:
    """No report is built for a scope with no parks: it would be all zeros (a subdistrict the
    district lists but no park is in yet; the district of an installation not yet set up)."""
    area = access.Area.of_target(
        scope, subdistrict_id=getattr(subdistrict, "pk", None), park_id=getattr(park, "pk", None)
    )
    if area.parks().exists():
        return
    name = subdistrict.name if subdistrict is not None else settings.PORTAL_DISTRICT_NAME
    field = "subdistrict" if scope == ReportScope.SUBDISTRICT else "scope"
    raise ValidationError(
        {field: _("%(scope)s has no parks yet: there is nothing to report on.") % {"scope": name}}
    )


def report_targets(
    parks: QuerySet[Park],
) -> list[tuple[ReportScope, Subdistrict | None, Park | None]]:
    """What a scheduled run reports on, given the parks it covers: the district, each
    subdistrict that has some of them and each of them; nothing without parks (the rule of
    _refuse_a_scope_without_parks, for many targets in one query)."""
    chosen = list(parks.select_related("subdistrict").order_by("pk"))
    if not chosen:
        return []
    subdistricts = {park.subdistrict_id: park.subdistrict for park in chosen}
    return [
        (ReportScope.DISTRICT, None, None),
        *((ReportScope.SUBDISTRICT, subdistricts[pk], None) for pk in sorted(subdistricts)),
        *((ReportScope.PARK, None, park) for park in chosen),
    ]


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
    """The report of this scope and period, queued for building if it is new. A new report of
    a scope with no parks is refused (ValidationError); an existing one is returned as it is."""
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
    _refuse_a_scope_without_parks(scope, subdistrict, park)
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
    a custom period runs from start to end, a year at most. A period still running or in the
    future is refused, and so is a scope with no parks.

    Returns (report, queued): queued is True when this request queued a build — of a new
    report, or of an existing one whose data changed after it was built (freshness), which is
    built again as the next version (report.version > 1) rather than handed back out of date.

    A role that asks for no reports is refused (PermissionDenied); a target outside the asker's
    reach is a validation error, worded as for one that does not exist."""
    if scope not in ReportScope.values:
        raise ValidationError({"scope": _("Choose the district, a subdistrict or a park.")})
    if period_kind not in PeriodKind.values:
        raise ValidationError({"period_kind": _("Choose a week, month, quarter, year or dates.")})
    if not policy.user_may_request_reports(actor):
        raise PermissionDenied
    _target(scope, subdistrict, park)  # "Choose the park." before "No such park."
    policy.check_within_reach(actor, scope=scope, subdistrict=subdistrict, park=park)
    today = timezone.localdate()
    # Checked before normalising: the year around 9999-12-31 has no end the calendar can hold.
    if start > today:
        raise ValidationError({"start": _("The period has not started yet.")})
    if period_kind == PeriodKind.CUSTOM:
        if end is None or end < start:
            raise ValidationError({"end": _("The period ends before it starts.")})
        if end > longest_custom_end(start):
            raise ValidationError({"end": _("A custom period is at most a year long.")})
    else:
        start, end = period_containing(period_kind, start)
    # A report is built once per period and the schedule leaves an existing one alone: built
    # from a half-finished week, it would stand in for that week's scheduled report.
    if end >= today:
        field = "end" if period_kind == PeriodKind.CUSTOM else "start"
        raise ValidationError(
            {field: _("The period has not ended yet: reports cover periods up to yesterday.")}
        )
    report, created = report_get_or_create(
        scope=scope,
        period_kind=period_kind,
        start=start,
        end=end,
        subdistrict=subdistrict,
        park=park,
        requested_by=actor,
    )
    if created:
        return report, True
    return _rebuild_if_out_of_date(report=report, actor=actor)


@transaction.atomic
def _rebuild_if_out_of_date(*, report: Report, actor: User) -> tuple[Report, bool]:
    """The report as it is, or queued for its next version when its data changed after it was
    built. Locked, so two people asking at once queue one build."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if freshness.changed_since_built(report) is None:
        return report, False
    return _queue_next_version(report, actor=actor), True


@transaction.atomic
def report_regenerate(*, report: Report, actor: User) -> Report:
    """Build the report again from today's data, keeping the current build as a version.

    Refused while a build is under way, unless it is stuck (report_regenerable): then the
    person need not wait for the sweep, and the lost build, if it ever finishes, finds a newer
    version and throws its work away."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if not policy.user_can_request_report(
        actor, scope=report.scope, subdistrict=report.subdistrict, park=report.park
    ):
        raise PermissionDenied
    if not report_regenerable(report):
        raise ValidationError(_("The report is being built already."))
    return _queue_next_version(report, actor=actor)


def _queue_next_version(report: Report, *, actor: User) -> Report:
    """Keep the current build of the locked report as a version and queue version + 1."""
    if report.snapshot is not None:
        ReportVersion.objects.create(
            report=report,
            version=report.version,
            snapshot=report.snapshot,
            excel=report.excel.name,
            briefing=report.briefing.name,
            finished_at=report.finished_at or timezone.now(),
        )
    report.version += 1
    report.status, report.progress, report.failure_reason = ReportStatus.QUEUED, 0, ""
    report.snapshot, report.excel, report.lease_until = None, "", None
    report.briefing = ""
    report.started_at = report.finished_at = report.as_of = None
    report.build_token, report.build_attempts = "", 0
    report.requested_by = actor
    report.save()
    _enqueue(report)
    return report


# --- What a build is doing, for the page and the API ------------------------------------------


class BuildState:
    """A report's build as a reader sees it: its status, told apart by what its lease says."""

    WAITING = "waiting"  # queued; no worker has taken it yet
    STALLED = "stalled"  # queued, and no worker took it for QUEUE_PATIENCE
    BUILDING = "building"  # a worker holds it and is renewing its lease
    RESTARTING = "restarting"  # its worker was lost (lease run out) or it failed and is retried
    DONE = ReportStatus.DONE.value
    FAILED = ReportStatus.FAILED.value

    LABELS = {
        WAITING: _lazy("Waiting for a worker…"),
        STALLED: _lazy(
            "No worker has taken the report yet; it has been sent again. "
            "The workers may be stopped."
        ),
        BUILDING: _lazy("Counting the figures…"),
        RESTARTING: _lazy("The build was interrupted and is being restarted…"),
        DONE: _lazy("Ready. Showing the report…"),
        FAILED: _lazy("The report could not be built."),
    }


def report_build_state(report: Report, *, now: datetime | None = None) -> str:
    # BuildState's plain strings, equal to the statuses: an enum member is read several times
    # slower than a class's plain attribute, and a list asks this twice a row.
    if report.status in (BuildState.DONE, BuildState.FAILED):
        return report.status
    # Read only for a report being built or waiting (a list asks this of every row, twice).
    now = now or timezone.now()
    if report.status == ReportStatus.RUNNING:
        held = report.lease_until is not None and report.lease_until > now
        return BuildState.BUILDING if held else BuildState.RESTARTING
    if report.updated_at and report.updated_at < now - QUEUE_PATIENCE:
        return BuildState.STALLED
    # Queued again after a build had started: a retry, or the sweep after a lost worker.
    return BuildState.RESTARTING if report.started_at else BuildState.WAITING


def report_regenerable(report: Report, *, now: datetime | None = None) -> bool:
    """May the report be built again now: when it is not being built, or its build is stuck
    (interrupted, or waiting for longer than QUEUE_PATIENCE). Who may is
    policy.user_can_request_report."""
    return report_build_state(report, now=now) not in (BuildState.BUILDING, BuildState.WAITING)


# --- Building ---------------------------------------------------------------------------------


def _claim(report_id: int, token: str | None = None) -> Report | None:
    """Take the report for this build, or None if it is built or another build holds it.

    `token` is the build's Celery task id: a message holding the lease takes it over again
    (redelivered after its process was killed, or retried after an error that kept it from
    letting go), instead of being turned away until the lease runs out."""
    now = timezone.now()
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None or report.status == ReportStatus.DONE:
            return None
        held = (
            report.status == ReportStatus.RUNNING
            and report.lease_until
            and report.lease_until > now
        )
        if held and not (token and report.build_token == token):
            return None
        if report.build_attempts >= MAX_BUILD_ATTEMPTS:
            # Taken this often and lost each time: another try would only kill another worker.
            _give_up(report)
            return None
        report.build_attempts += 1
        report.status = ReportStatus.RUNNING
        report.progress, report.failure_reason = 0, ""
        report.started_at, report.lease_until = now, now + report_lease()
        report.build_token = token or ""
        report.save(
            update_fields=[
                "status",
                "progress",
                "failure_reason",
                "started_at",
                "lease_until",
                "build_token",
                "build_attempts",
                "updated_at",
            ]
        )
        return report


def _give_up(report: Report) -> None:
    report.status, report.lease_until, report.build_token = ReportStatus.FAILED, None, ""
    report.failure_reason = _(
        "The build was lost %(count)d times: its worker stopped each time (out of memory or "
        "past its time limit?). Check the workers, then regenerate the report."
    ) % {"count": report.build_attempts}
    report.save(
        update_fields=["status", "lease_until", "build_token", "failure_reason", "updated_at"]
    )
    logger.error("Gave up report %s after %d lost builds", report.pk, report.build_attempts)


def _held_by(report: Report) -> QuerySet[Report]:
    """This build's hold on its report: the row as long as this build's lease is on it."""
    return Report.objects.filter(
        pk=report.pk,
        version=report.version,
        status=ReportStatus.RUNNING,
        build_token=report.build_token,
    )


@contextmanager
def _heartbeat(report: Report) -> Iterator[None]:
    """Renew the lease every quarter lease while the build runs, so one long step (a large
    query, the workbook) does not look like a lost worker; a killed process stops renewing."""
    stop = threading.Event()
    every = report_lease().total_seconds() / 4

    def beat() -> None:
        try:
            while not stop.wait(every):
                try:
                    _held_by(report).update(lease_until=timezone.now() + report_lease())
                except DatabaseError:
                    logger.warning("Could not renew the lease of report %s", report.pk)
        finally:
            connections.close_all()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"report-{report.pk}-lease", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def _recipients(report: Report) -> QuerySet[User]:
    """Who hears that a report is ready: who asked for it; for a scheduled one, the people of
    its scope (office staff for the district, subdistrict staff, the park's managers)."""
    if report.requested_by_id:
        return User.objects.filter(pk=report.requested_by_id, is_active=True)
    audience = access.report_audience(
        report.scope, subdistrict_id=report.subdistrict_id, park_id=report.park_id
    )
    return User.objects.filter(audience, is_active=True)


def report_build(report_id: int, token: str | None = None) -> Report | None:
    """Compute the figures, the workbook and the Word briefing and store them at once. Safe to
    call twice. The briefing is written in the language active for the build (the worker's: the
    portal's default).

    `token` identifies the build (the task id its retries and redeliveries keep); see _claim."""
    # openpyxl and python-docx are only loaded by the worker.
    from reforms.reporting.briefing import report_briefing
    from reforms.reporting.excel import report_workbook

    report = _claim(report_id, token)
    if report is None:
        return None
    version = report.version

    def progress(percent: int) -> None:
        _held_by(report).update(progress=percent, lease_until=timezone.now() + report_lease())

    # The moment the data is read: every write before it is in the figures, a later one makes
    # the report out of date (freshness). The snapshot's generated_at and as_of say the same.
    report.as_of = timezone.now()
    try:
        with _heartbeat(report):
            snapshot = build_snapshot(report, progress)
            workbook = report_workbook(report, snapshot)
            briefing = report_briefing(report, snapshot)
    except BaseException as error:
        # Let go of the lease, so the task's retry (or the sweeper) can claim the report
        # again at once instead of finding it held by this failed build for a whole lease.
        _release(report)
        # The task marks only this build's report failed: the version rides on the error.
        error.report_version = version  # type: ignore[attr-defined]
        raise
    with transaction.atomic(), files_undone_on_error() as files:
        current = Report.objects.select_for_update().get(pk=report.pk)
        if current.version != version or current.status == ReportStatus.DONE:
            # Regenerated or finished by another worker meanwhile: this build is stale.
            return None
        # A build killed between writing this workbook and committing left it behind, named
        # by no row: written over, rather than this one being put under another name.
        current.excel.storage.delete(report_file_path(current, ""))
        current.briefing.storage.delete(report_briefing_path(current, ""))
        current.snapshot = snapshot
        files.save(current.excel, "report.xlsx", ContentFile(workbook))
        files.save(current.briefing, "report.docx", ContentFile(briefing))
        current.status, current.progress = ReportStatus.DONE, 100
        current.finished_at, current.lease_until = timezone.now(), None
        current.as_of = report.as_of
        current.save()
        announce(
            kind=NoticeKind.REPORT_READY,
            recipients=_recipients(current),
            title=_("Progress report ready: %(report)s") % {"report": current},
            url=current.get_absolute_url(),
        )
    return current


def _release(report: Report) -> None:
    try:
        # updated_at too: queryset updates leave it alone, and a report queued "since" its
        # claim minutes ago would look stalled at once and be sent a second time by the sweep.
        _held_by(report).update(
            status=ReportStatus.QUEUED,
            lease_until=None,
            updated_at=timezone.now(),
            build_attempts=F("build_attempts") - 1,  # ended, not lost: the retry may try again
        )
    except DatabaseError:
        # The database is what failed: the retry (the same task) takes its lease over, or the
        # lease runs out and the sweep takes over.
        logger.warning("Could not release report %s after a failed build", report.pk)


def report_fail(report_id: int, reason: str, *, version: int | None = None) -> None:
    """Record why a build gave up (after its retries), so the page and the API can say so.

    `version` is the build that failed: a late failure of an old build must not mark a report
    that was regenerated meanwhile (and is being built again) as failed.
    """
    reports = Report.objects.filter(pk=report_id).exclude(status=ReportStatus.DONE)
    if version is not None:
        reports = reports.filter(version=version)
    reports.update(
        status=ReportStatus.FAILED,
        failure_reason=reason[:2000],
        lease_until=None,
        build_token="",
        updated_at=timezone.now(),
    )


def requeue_stale_reports() -> int:
    """Queue again the builds that were lost: running past their lease (the worker died), or
    queued for longer than QUEUE_PATIENCE without a worker taking them (the message was lost).

    Cheap enough for beat to run every minute: one indexed query when nothing is lost. Each is
    marked queued again just now, so it is sent once and not at every sweep, and the page says
    it is being restarted rather than showing a bar frozen where the lost build stopped.
    """
    now = timezone.now()
    with transaction.atomic():
        stale = list(
            Report.objects.select_for_update(skip_locked=True)
            .filter(
                Q(status=ReportStatus.RUNNING, lease_until__lt=now)
                | Q(status=ReportStatus.QUEUED, updated_at__lt=now - QUEUE_PATIENCE)
            )
            .values_list("pk", flat=True)
        )
        Report.objects.filter(pk__in=stale).update(
            status=ReportStatus.QUEUED, progress=0, lease_until=None, build_token="", updated_at=now
        )
    for report_id in stale:
        queue.send_build(report_id)
    if stale:
        logger.warning("Queued again %d report builds that were lost: %s", len(stale), stale)
    return len(stale)


# A workbook is written a moment before its row is saved: younger files may be a build's that
# is committing now, so only files older than this are taken for orphans.
ORPHAN_FILE_AGE = timedelta(hours=1)
REPORT_FILES_DIR = "reports"


def remove_orphan_report_files() -> int:
    """Delete report workbooks and briefings that no report or earlier version names and that
    are older than ORPHAN_FILE_AGE: left by a build killed between writing the file and saving
    its row. Returns how many were deleted. Hourly, with the catch-up."""
    storage = Report._meta.get_field("excel").storage
    if not storage.exists(REPORT_FILES_DIR):
        return 0
    cutoff = timezone.now() - ORPHAN_FILE_AGE
    removed = 0
    for year in storage.listdir(REPORT_FILES_DIR)[0]:
        folder = f"{REPORT_FILES_DIR}/{year}"
        named: set[str] = set()
        for model in (Report, ReportVersion):
            for field in ("excel", "briefing"):
                rows = model._default_manager.filter(**{f"{field}__startswith": f"{folder}/"})
                named.update(rows.values_list(field, flat=True))
        for filename in storage.listdir(folder)[1]:
            name = f"{folder}/{filename}"
            if name not in named and storage.get_modified_time(name) < cutoff:
                storage.delete(name)
                removed += 1
    if removed:
        logger.warning("Deleted %d report files that no report named", removed)
    return removed
