"""Every write to plans, tasks, milestones and progress goes through here.

Status moves only along reforms.choices.ALLOWED_TRANSITIONS. Each write locks the task row
(select_for_update) so two people acting at once are applied one after the other, and writes
its history row in the same transaction.
"""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parks.models import User
from parks.services import notify

from .choices import (
    ALLOWED_TRANSITIONS,
    TRANSITIONS_NEEDING_REASON,
    ReminderLevel,
    TaskStatus,
    WarningLevel,
)
from .models import Evidence, Milestone, Plan, ProgressUpdate, Task, TaskEvent, TaskReminder
from .selectors import user_can_manage_tasks, user_can_update_task, with_warning

# What evidence may be: the extension and the first bytes must agree.
EVIDENCE_SIGNATURES = {
    ".pdf": (b"%PDF",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".pptx": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0",),
    ".xls": (b"\xd0\xcf\x11\xe0",),
}
MAX_EVIDENCE_FILES = 10


def validate_evidence_file(upload) -> None:
    """Refuse a file that is too big, of a type not allowed, or not what its name says."""
    name = upload.name or ""
    extension = Path(name).suffix.lower()
    if extension not in EVIDENCE_SIGNATURES:
        raise ValidationError(
            _("“%(name)s”: only PDF, images (JPG, PNG) and Office documents are accepted.")
            % {"name": name}
        )
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)d MB.")
            % {"name": name, "limit": settings.EVIDENCE_MAX_BYTES // (1024 * 1024)}
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(EVIDENCE_SIGNATURES[extension]):
        raise ValidationError(
            _("“%(name)s” is not a real %(type)s file.")
            % {"name": name, "type": extension[1:].upper()}
        )


def _locked(task: Task) -> Task:
    return Task.objects.select_for_update().get(pk=task.pk)


def _event(task, *, actor, from_status, from_progress, note=""):
    TaskEvent.objects.create(
        task=task,
        actor=actor,
        from_status=from_status,
        to_status=task.status,
        from_progress=from_progress,
        to_progress=task.progress,
        note=note,
    )


def plan_save(*, plan: Plan, actor: User) -> Plan:
    if not user_can_manage_tasks(actor):
        raise PermissionDenied
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def task_save(
    *,
    task: Task,
    actor: User,
    supporting_units=None,
    expected_updated_at=None,
    checked_constraints=False,
) -> Task:
    """Create or edit a task's details. Status and progress are not touched here.

    `expected_updated_at` is the version the editor started from; if someone saved the task
    since, the edit is refused rather than silently overwriting their change.
    `checked_constraints=True` skips re-checking the check constraints row by row (one query
    each) when the caller has validated the values already, as a previewed import has; the
    database still enforces them, and a violation rolls the caller's transaction back.
    """
    if not user_can_manage_tasks(actor):
        raise PermissionDenied
    if task.pk is not None:
        current = _locked(task)
        if expected_updated_at is not None and current.updated_at != expected_updated_at:
            raise ValidationError(
                _("Someone else changed this task while you were editing. Reload and try again.")
            )
        # Status, progress and completion belong to the workflow, whatever the caller sent.
        task.status, task.progress, task.done_on = current.status, current.progress, current.done_on
    else:
        task.status, task.progress, task.done_on = TaskStatus.PLANNED, 0, None
    task.full_clean(validate_constraints=not checked_constraints)
    try:
        with transaction.atomic():
            task.save()
    except IntegrityError as error:
        raise ValidationError(
            _("Task %(code)s conflicts with data saved meanwhile (%(reason)s).")
            % {"code": task.code, "reason": str(error).splitlines()[0]}
        ) from error
    if supporting_units is not None:
        task.supporting_units.set(supporting_units)
    return task


@transaction.atomic
def task_transition(*, task: Task, to_status: str, actor: User, note: str = "") -> Task:
    """Move a task along the workflow, recording who, when, from, to and why."""
    task = _locked(task)
    if not user_can_update_task(actor, task):
        raise PermissionDenied
    if to_status not in ALLOWED_TRANSITIONS.get(task.status, set()):
        raise ValidationError(
            _("A task that is “%(from)s” cannot become “%(to)s”.")
            % {"from": TaskStatus(task.status).label, "to": TaskStatus(to_status).label}
            if to_status in TaskStatus.values
            else _("Unknown status.")
        )
    if task.status == TaskStatus.DONE and not user_can_manage_tasks(actor):
        raise PermissionDenied(_("Only the district reform office can reopen a finished task."))
    note = (note or "").strip()
    if to_status in TRANSITIONS_NEEDING_REASON and not note:
        raise ValidationError({"note": _("Say why the task is suspended or cancelled.")})
    from_status, from_progress = task.status, task.progress
    task.status = to_status
    if to_status == TaskStatus.DONE:
        task.progress = 100
        task.done_on = timezone.localdate()
    else:
        task.done_on = None
    task.save(update_fields=["status", "progress", "done_on", "updated_at"])
    _event(task, actor=actor, from_status=from_status, from_progress=from_progress, note=note)
    return task


@transaction.atomic
def progress_post(*, task: Task, actor: User, percent: int, text: str, files=()) -> ProgressUpdate:
    """Append a progress update with its evidence and move the task's progress to `percent`.

    A planned task starts (in progress) with its first update above 0%. Posting does not finish
    a task: reaching 100% still needs the "done" step, so the office sees when it was declared.
    """
    task = _locked(task)
    if not user_can_update_task(actor, task):
        raise PermissionDenied
    if task.status not in (TaskStatus.PLANNED, TaskStatus.IN_PROGRESS):
        raise ValidationError(
            _("Progress can only be reported on a planned or running task, not a “%(status)s” one.")
            % {"status": TaskStatus(task.status).label}
        )
    if not isinstance(percent, int) or not 0 <= percent <= 100:
        raise ValidationError({"percent": _("Progress is a whole number from 0 to 100.")})
    if not (text or "").strip():
        raise ValidationError({"text": _("Describe what was done.")})
    files = list(files)
    if len(files) > MAX_EVIDENCE_FILES:
        raise ValidationError(
            {"files": _("At most %(n)d files per update.") % {"n": MAX_EVIDENCE_FILES}}
        )
    for upload in files:
        try:
            validate_evidence_file(upload)
        except ValidationError as error:
            raise ValidationError({"files": error.messages}) from error

    update = ProgressUpdate.objects.create(task=task, author=actor, percent=percent, text=text)
    for upload in files:
        Evidence.objects.create(
            update=update, file=upload, original_name=upload.name[:200], size=upload.size
        )
    from_status, from_progress = task.status, task.progress
    task.progress = percent
    if task.status == TaskStatus.PLANNED and percent > 0:
        task.status = TaskStatus.IN_PROGRESS
    task.save(update_fields=["status", "progress", "updated_at"])
    _event(task, actor=actor, from_status=from_status, from_progress=from_progress, note=text)
    return update


@transaction.atomic
def milestone_save(*, milestone: Milestone, actor: User) -> Milestone:
    if not user_can_manage_tasks(actor):
        raise PermissionDenied
    milestone.full_clean()
    milestone.save()
    return milestone


@transaction.atomic
def milestone_set_done(*, milestone: Milestone, actor: User, done: bool = True) -> Milestone:
    """Tick a roadmap step off (today), or untick it."""
    _locked(milestone.task)
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if not user_can_update_task(actor, milestone.task):
        raise PermissionDenied
    milestone.done_on = timezone.localdate() if done else None
    milestone.save(update_fields=["done_on"])
    return milestone


def send_task_reminders(*, today=None) -> int:
    """Tell each owner of a yellow or red task, once per task, level and day. Returns how many.

    The unique constraint on TaskReminder makes a second run on the same day send nothing.
    """
    today = today or timezone.localdate()
    chased = (
        with_warning(Task.objects.filter(owner__isnull=False, owner__is_active=True), today=today)
        .filter(warning__in=[WarningLevel.YELLOW, WarningLevel.RED])
        .select_related("owner")
    )
    sent = 0
    for task in chased:
        level = ReminderLevel.RED if task.warning == WarningLevel.RED else ReminderLevel.YELLOW
        with transaction.atomic():
            _reminder, created = TaskReminder.objects.get_or_create(
                task=task, level=level, day=today, defaults={"recipient": task.owner}
            )
            if not created:
                continue
            title = (
                _("Overdue: %(task)s") if level == ReminderLevel.RED else _("At risk: %(task)s")
            ) % {"task": task}
            body = _("Due %(due)s, progress %(progress)d%%.") % {
                "due": task.due_date.isoformat(),
                "progress": task.progress,
            }
            notify(recipient=task.owner, title=title, body=body, url=task.get_absolute_url())
            sent += 1
    return sent
