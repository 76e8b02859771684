"""Asking for, writing and expiring exports. Every write to an Export is here.

The web request only checks the kind and the filters (with the list's own filterset) and saves
the row; the worker writes the workbook (a list of 100k grievances is tens of seconds of work,
too long for a request). It rebuilds the list as the person who asked, from a request standing
in for theirs (asking_request): scope and masking are theirs, applied again when it runs.

Runs once: a build claims the row under a lease (EXPORTS_BUILD_LEASE_SECONDS) that each
progress save renews, and records its Celery task id, so the same message redelivered takes its
own lease over while any other build is turned away; a done export is never written again. A
build whose worker died lets its lease run out and the sweep (beat, every minute) queues it
again. The file is written under a temporary name and moved into place in the transaction that
marks the export done, with the kind's finishing step (the grievance sheet's log of revealed
personal data), so a failed or repeated build leaves no half file and logs nothing twice.
"""

import logging
import os
import secrets
import tempfile
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from parks.core import queue
from parks.exports import registry
from parks.exports.choices import ExportStatus
from parks.exports.models import Export
from parks.structure.models import User

logger = logging.getLogger(__name__)

BUILD_EXPORT = "parks.exports.build_export"  # the job's registered name (parks.exports.jobs)
# A queued export no worker took for this long is sent again (its message may be lost).
QUEUE_PATIENCE = timedelta(minutes=5)
# Builds lost this often (their worker killed each time) fail rather than go round again.
MAX_BUILD_ATTEMPTS = 3
# Query parameters of a list page that are not filters: the page number.
PAGE_PARAMETERS = ("page",)
TEMPORARY_DIR = "tmp"
# The progress saved every this many rows: one UPDATE, renewing the lease too.
PROGRESS_EVERY = 2000


def exports_root() -> Path:
    return Path(settings.EXPORTS_ROOT)


def export_path(export: Export) -> Path:
    return exports_root() / export.file


def lease() -> timedelta:
    return timedelta(seconds=settings.EXPORTS_BUILD_LEASE_SECONDS)


def as_query(filters: dict) -> QueryDict:
    """Saved filters ({name: [value, …]}, or single values from an API client) as a QueryDict."""
    data = QueryDict(mutable=True)
    for name, values in filters.items():
        listed = values if isinstance(values, list | tuple) else [values]
        data.setlist(str(name), [_text(value) for value in listed])
    return data


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def asking_request(user: User, filters: dict | QueryDict) -> HttpRequest:
    """A request standing in for the asker's: their user, the list's filters as its GET."""
    request = HttpRequest()
    request.method = "GET"
    request.user = user
    request.GET = filters if isinstance(filters, QueryDict) else as_query(filters)  # type: ignore[assignment]
    return request


def _filter_errors(errors: dict) -> list[str]:
    return [f"{name}: {message}" for name, messages in errors.items() for message in messages]


# --- Asking -----------------------------------------------------------------------------------


def export_request(*, user: User, kind: str, filters: dict | QueryDict) -> Export:
    """Check the kind and the filters as the list would, save the export and queue its build.

    A kind that does not exist (or that the user may not export) and filters the list would
    refuse are a ValidationError naming them, before anything is queued."""
    export_kind = registry.kind_of(kind)
    if export_kind is None or not export_kind.may_export(user):
        choices = ", ".join(k.key for k in registry.kinds() if k.may_export(user))
        raise ValidationError(
            {"kind": _("Unknown kind of export. Choose one of: %(kinds)s.") % {"kinds": choices}}
        )
    data = filters.copy() if isinstance(filters, QueryDict) else as_query(filters)
    for name in PAGE_PARAMETERS:
        data.pop(name, None)
    unknown = sorted(set(data) - set(export_kind.parameters()))
    if unknown:
        raise ValidationError(
            {"filters": _("Unknown filters: %(names)s.") % {"names": ", ".join(unknown)}}
        )
    # The filters are saved as JSON, which PostgreSQL refuses to hold a NUL in (a 500 before).
    if any("\x00" in text for name, values in data.lists() for text in (name, *values)):
        raise ValidationError({"filters": _("A filter may not contain a NUL character.")})
    data = export_kind.prepare(data)
    errors = export_kind.errors(asking_request(user, data))
    if errors:
        raise ValidationError({"filters": _filter_errors(errors)})
    with transaction.atomic():
        export = Export.objects.create(requested_by=user, kind=kind, filters=dict(data.lists()))
        queue.send_on_commit(BUILD_EXPORT, export.pk)
    return export


def exports_of(user: User) -> QuerySet[Export]:
    """The exports `user` asked for (nobody else's: a file may hold what only they may see)."""
    return Export.objects.filter(requested_by=user)


# --- Writing ----------------------------------------------------------------------------------


def _claim(export_id: int, token: str | None) -> Export | None:
    """Take the export for this build, or None if it is finished or another build holds it."""
    now = timezone.now()
    with transaction.atomic():
        export = (
            Export.objects.select_for_update()
            .select_related("requested_by")
            .filter(pk=export_id)
            .first()
        )
        if export is None or export.status in (ExportStatus.DONE, ExportStatus.FAILED):
            return None
        held = (
            export.status == ExportStatus.RUNNING
            and export.lease_until is not None
            and export.lease_until > now
        )
        if held and not (token and export.build_token == token):
            return None
        if export.build_attempts >= MAX_BUILD_ATTEMPTS:
            export_fail(
                export.pk,
                _(
                    "The export was lost %(count)d times: its worker stopped each time (out of "
                    "memory or past its time limit?). Ask for it again with fewer rows."
                )
                % {"count": export.build_attempts},
            )
            return None
        export.build_attempts += 1
        export.status = ExportStatus.RUNNING
        export.rows_done, export.rows_total, export.progress = 0, None, 0
        export.started_at, export.lease_until = now, now + lease()
        export.build_token = token or secrets.token_hex(16)
        export.save()
        return export


def _held_by(export: Export) -> QuerySet[Export]:
    """This build's hold on its export: the row while this build's lease is on it."""
    return Export.objects.filter(
        pk=export.pk, status=ExportStatus.RUNNING, build_token=export.build_token
    )


def _progress_saver(export: Export) -> Callable[[int, int | None], None]:
    def save(done: int, total: int | None) -> None:
        # Rows logged after the count are written too: the total never falls below the rows.
        total = None if total is None else max(total, done)
        percent = min(99, done * 100 // total) if total else 0
        _held_by(export).update(
            rows_done=done,
            rows_total=total,
            progress=percent,
            lease_until=timezone.now() + lease(),
        )

    return save


def _file_name(export: Export) -> str:
    # A random part: test runs in parallel databases share the folder, and ids repeat.
    return f"{export.created_at:%Y-%m}/{export.pk}-{secrets.token_hex(8)}.xlsx"


def export_build(export_id: int, token: str | None = None) -> Export | None:
    """Write the export's workbook and mark it done. Safe to call twice (see the module)."""
    export = _claim(export_id, token)
    if export is None:
        return None
    kind = registry.kind_of(export.kind)
    user = export.requested_by
    if kind is None or not user.is_active or not kind.may_export(user):
        with transaction.atomic():
            export_fail(export.pk, _("This export is no longer available to its requester."))
        return None
    request = asking_request(user, export.filters)
    progress = registry.Progress(_progress_saver(export), every=PROGRESS_EVERY)
    temporary = exports_root() / TEMPORARY_DIR
    temporary.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(dir=temporary, suffix=".part", delete=False)  # noqa: SIM115
    part = Path(handle.name)
    try:
        with handle:
            finish = kind.write(request, handle, progress)
        return _finish(export, kind, part, progress, finish)
    except BaseException:
        part.unlink(missing_ok=True)
        _release(export)
        raise


def _finish(
    export: Export,
    kind: registry.ExportKind,
    part: Path,
    progress: registry.Progress,
    finish: registry.Finish,
) -> Export | None:
    name = _file_name(export)
    final = exports_root() / name
    final.parent.mkdir(parents=True, exist_ok=True)
    now = timezone.now()
    with transaction.atomic():
        current = _held_by(export).select_for_update().first()
        if current is None:
            # The lease ran out and the export was queued again: that build writes it.
            part.unlink(missing_ok=True)
            return None
        os.replace(part, final)
        try:
            if finish is not None:
                finish()
            current.status, current.progress = ExportStatus.DONE, 100
            current.rows_done = current.rows_total = progress.done
            current.file = name
            current.filename = kind.filename(timezone.localdate(now))[0]
            current.finished_at, current.lease_until = now, None
            current.expires_at = now + timedelta(days=settings.EXPORTS_KEEP_DAYS)
            current.save()
        except BaseException:
            final.unlink(missing_ok=True)
            raise
    return current


def _release(export: Export) -> None:
    """Let go of the lease after a failed build, so the task's retry may claim it at once."""
    try:
        _held_by(export).update(status=ExportStatus.QUEUED, lease_until=None, build_token="")
    except Exception:  # the database is what failed: the lease runs out instead
        logger.warning("Could not release export %s after a failed build", export.pk)


def export_fail(export_id: int, reason: str) -> None:
    """Record why a build gave up (after its retries, or lost too often), for the page and the
    API. A failed export expires like a finished one."""
    Export.objects.filter(pk=export_id).exclude(status=ExportStatus.DONE).update(
        status=ExportStatus.FAILED,
        error=reason[:2000],
        lease_until=None,
        build_token="",
        finished_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=settings.EXPORTS_KEEP_DAYS),
    )


def requeue_stale_exports(*, now: datetime | None = None) -> int:
    """Queue again the builds that were lost: running past their lease (the worker died), or
    queued for longer than QUEUE_PATIENCE with no worker taking them (the message was lost).
    One indexed query when nothing is lost, so beat may run it every minute."""
    now = now or timezone.now()
    with transaction.atomic():
        stale = list(
            Export.objects.select_for_update(skip_locked=True)
            .filter(
                Q(status=ExportStatus.RUNNING, lease_until__lt=now)
                | Q(status=ExportStatus.QUEUED, updated_at__lt=now - QUEUE_PATIENCE)
            )
            .values_list("pk", flat=True)
        )
        Export.objects.filter(pk__in=stale).update(
            status=ExportStatus.QUEUED, lease_until=None, build_token="", updated_at=now
        )
    for export_id in stale:
        queue.send(BUILD_EXPORT, export_id)
    if stale:
        logger.warning("Queued again %d exports that were lost: %s", len(stale), stale)
    return len(stale)


# --- Expiring ---------------------------------------------------------------------------------

# A file younger than this may be a build's that is committing now: never taken for an orphan.
ORPHAN_FILE_AGE = timedelta(days=1)


def delete_expired_exports(*, now: datetime | None = None) -> int:
    """Delete the exports past their expiry, their files with them, and files no export names
    (left by a build killed between writing and committing). Daily. Returns the rows deleted."""
    now = now or timezone.now()
    expired = list(Export.objects.filter(expires_at__lt=now).values_list("pk", "file"))
    for _pk, name in expired:
        if name:
            (exports_root() / name).unlink(missing_ok=True)
    Export.objects.filter(pk__in=[pk for pk, _name in expired]).delete()
    _delete_orphan_files(now)
    return len(expired)


def _delete_orphan_files(now: datetime) -> None:
    root = exports_root()
    if not root.is_dir():
        return
    cutoff = (now - ORPHAN_FILE_AGE).timestamp()
    old = [path for path in root.glob("*/*") if path.is_file() and path.stat().st_mtime < cutoff]
    if not old:
        return
    named = set(
        Export.objects.filter(file__in=[str(p.relative_to(root)) for p in old]).values_list(
            "file", flat=True
        )
    )
    for path in old:
        if str(path.relative_to(root)) not in named:
            path.unlink(missing_ok=True)
