"""Every write to plans, tasks, milestones and progress goes through here.

Who may take which step now is reforms.policy's: each service asks it and refuses as it says.
Status moves only along reforms.tasks.choices.ALLOWED_TRANSITIONS. Each write locks the task row
(select_for_update) so two people acting at once are applied one after the other, and writes
its history row in the same transaction.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Case, Exists, Field, OuterRef, Value, When
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from parks.core.uploads import check_upload
from parks.history import audit
from parks.notices.choices import NoticeKind
from parks.notices.services import announce
from parks.structure.models import Organisation, User
from reforms.tasks import handoffs
from reforms.tasks.choices import (
    CLOSED_STATUSES,
    MilestoneReminderLevel,
    ReminderLevel,
    TaskCategory,
    TaskStatus,
    WarningLevel,
)
from reforms.tasks.models import (
    Evidence,
    Milestone,
    MilestoneReminder,
    Plan,
    ProgressUpdate,
    Task,
    TaskEvent,
    TaskReminder,
)
from reforms.tasks.policy import (
    check_move,
    check_progress,
    may_manage_tasks,
    may_update_task,
    move_needs_reason,
)
from reforms.tasks.selectors import with_warning

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
# What a plan's document may be: the text of the plan, as PDF or Word.
PLAN_DOCUMENT_SIGNATURES = {
    extension: EVIDENCE_SIGNATURES[extension] for extension in (".pdf", ".doc", ".docx")
}
MAX_EVIDENCE_FILES = 10


def validate_evidence_file(upload: File) -> None:
    """Refuse evidence that is too big, of a type not allowed, or not what its name says."""
    check_upload(
        upload,
        signatures=EVIDENCE_SIGNATURES,
        max_bytes=settings.EVIDENCE_MAX_BYTES,
        refusal=_("“%(name)s”: only PDF, images (JPG, PNG) and Office documents are accepted."),
    )


def validate_plan_document(upload: File) -> None:
    """Refuse a plan document that is not a real PDF or Word (.doc, .docx) file."""
    check_upload(
        upload,
        signatures=PLAN_DOCUMENT_SIGNATURES,
        max_bytes=settings.EVIDENCE_MAX_BYTES,
        refusal=_("“%(name)s”: a plan document is a PDF or Word (.doc, .docx) file."),
    )


def _locked(task: Task) -> Task:
    return Task.objects.select_for_update().get(pk=task.pk)


def _event(
    task: Task, *, actor: User, from_status: str, from_progress: int, note: str = ""
) -> None:
    TaskEvent.objects.create(
        task=task,
        actor=actor,
        from_status=from_status,
        to_status=task.status,
        from_progress=from_progress,
        to_progress=task.progress,
        note=note,
    )


def _detail_event(task: Task, *, actor: User, note: str) -> None:
    """A history row for a change that moves neither the status nor the progress."""
    _event(task, actor=actor, from_status=task.status, from_progress=task.progress, note=note)


@transaction.atomic
def plan_save(*, plan: Plan, actor: User) -> Plan:
    """Create or edit a plan. A new document must be a real PDF or Word file.

    An existing plan is locked first, so its scope cannot change while someone saves a task
    under it (task_save locks the plan too); Plan.clean then refuses a scope or park that its
    tasks would contradict.
    """
    if not may_manage_tasks(actor):
        raise PermissionDenied
    before = None
    if plan.pk is not None:
        before = Plan.objects.select_for_update().get(pk=plan.pk)
    document = plan.document
    # An uncommitted file is a new upload; a stored one was checked when it came in.
    # _committed is Django's own flag on FieldFile; the stubs leave it out.
    if document and not document._committed:  # type: ignore[attr-defined]
        try:
            validate_plan_document(document.file)
        except ValidationError as error:
            raise ValidationError({"document": error.messages}) from error
    plan.full_clean()
    plan.save()
    audit.record_save(actor=actor, instance=plan, before=before)
    return plan


# The details of a task an editor may change. Status, progress and completion belong to the
# workflow and to progress updates.
TASK_DETAIL_FIELDS = (
    "code",
    "plan",
    "park",
    "category",
    "title",
    "description",
    "lead_unit",
    "owner",
    "start_date",
    "due_date",
    "weight",
)
# The details whose change tells people (reforms.tasks.handoffs): who answers for the task, and
# by when.
HANDOFF_FIELDS = {"lead_unit", "owner", "due_date"}


@transaction.atomic
def task_save(
    *,
    task: Task,
    actor: User,
    fields: Iterable[str] | None = None,
    supporting_units: Iterable[Organisation] | None = None,
    expected_updated_at: datetime | None = None,
    checked_constraints: bool = False,
) -> Task:
    """Create or edit a task's details, writing what changed to its history. Returns the task.

    `fields` names the details the caller changes. For an existing task only those are copied
    from `task` onto the row as it is now (locked) and written, so two people changing different
    details at once both keep their change. `None` means every detail, as a whole form sends
    them; such a caller passes `expected_updated_at`, the version the editor started from, and
    if someone saved the task since, the edit is refused rather than silently overwriting their
    change. `supporting_units=None` leaves them as they are.
    `checked_constraints=True` skips re-checking the check constraints row by row (one query
    each) when the caller has validated the values already, as a previewed import has; the
    database still enforces them, and a violation rolls the caller's transaction back.
    """
    if not may_manage_tasks(actor):
        raise PermissionDenied
    fields = TASK_DETAIL_FIELDS if fields is None else tuple(fields)
    unknown = set(fields) - set(TASK_DETAIL_FIELDS)
    if unknown:
        raise ValueError(f"task_save cannot change {', '.join(sorted(unknown))}")
    if task.pk is None:
        return _task_create(task, actor, supporting_units, checked_constraints)

    current = _locked(task)
    if expected_updated_at is not None and current.updated_at != expected_updated_at:
        raise ValidationError(
            _("Someone else changed this task while you were editing. Reload and try again.")
        )
    before = copy.copy(current)
    for name in fields:
        setattr(current, name, getattr(task, name))
    if {"plan", "park"} & set(fields):
        current.plan = _locked_plan(current.plan_id)
    current.full_clean(validate_constraints=not checked_constraints)
    _save_task(current, update_fields=[*fields, "updated_at"])
    changes = [
        _change_line(name, _shown(before, name), _shown(current, name))
        for name in fields
        if _raw(before, name) != _raw(current, name)
    ]
    units: dict[str, tuple[str, str]] = {}
    if supporting_units is not None:
        units_before = _unit_names(current.supporting_units.all())
        current.supporting_units.set(supporting_units)
        units_after = _unit_names(supporting_units)
        if units_after != units_before:
            changes.append(_change_line("supporting_units", units_before, units_after))
            units["supporting_units"] = (units_before, units_after)
    if changes:
        _detail_event(current, actor=actor, note="\n".join(changes))
    audit.record_save(actor=actor, instance=current, before=before, extra=units, only=fields)
    if any(_raw(before, name) != _raw(current, name) for name in HANDOFF_FIELDS & set(fields)):
        handoffs.task_handed_over(
            current,
            actor=actor,
            people_before=handoffs.task_people(before),
            due_before=before.due_date,
        )
    # The caller's instance follows what was saved, as a model's save() would leave it.
    for name in ("status", "progress", "done_on", "updated_at", *fields):
        setattr(task, name, getattr(current, name))
    return current


def _task_create(
    task: Task,
    actor: User,
    supporting_units: Iterable[Organisation] | None,
    checked_constraints: bool,
) -> Task:
    task.status, task.progress, task.done_on = TaskStatus.PLANNED, 0, None
    if task.plan_id is not None:  # none chosen: full_clean says that a plan is needed
        task.plan = _locked_plan(task.plan_id)
    task.full_clean(validate_constraints=not checked_constraints)
    _save_task(task)
    units: dict[str, tuple[str, str]] = {}
    if supporting_units is not None:
        task.supporting_units.set(supporting_units)
        units["supporting_units"] = ("—", _unit_names(supporting_units))
    audit.record_save(actor=actor, instance=task, before=None, extra=units)
    handoffs.task_handed_over(task, actor=actor)
    return task


def _locked_plan(plan_id: int) -> Plan:
    """The task's plan, read under a lock that plan_save's would wait for: the plan's park,
    which the task must match, cannot change before this transaction ends."""
    plans = Plan.objects.select_for_update(no_key=True, of=("self",)).select_related("park")
    return plans.get(pk=plan_id)


def _save_task(task: Task, **kwargs: Any) -> None:
    try:
        with transaction.atomic():
            task.save(**kwargs)
    except IntegrityError as error:
        raise ValidationError(
            _("Task %(code)s conflicts with data saved meanwhile (%(reason)s).")
            % {"code": task.code, "reason": str(error).splitlines()[0]}
        ) from error


def _detail_field(name: str) -> Field[Any, Any]:
    # A cast, not a check: the names asked for are TASK_DETAIL_FIELDS and supporting_units,
    # the task's own fields; get_field could also return a reverse relation, never for these.
    return cast("Field[Any, Any]", Task._meta.get_field(name))


def _raw(task: Task, name: str) -> Any:
    return getattr(task, _detail_field(name).attname)


def _shown(task: Task, name: str) -> str:
    """A detail of a task as the history shows it."""
    value = getattr(task, name)
    if name == "category":
        return str(TaskCategory(value).label) if value in TaskCategory.values else value
    if value is None or value == "":
        return "—"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _unit_names(units: Iterable[Organisation]) -> str:
    return "、".join(sorted(unit.name for unit in units)) or "—"


def _change_line(name: str, before: str, after: str) -> str:
    label = capfirst(_detail_field(name).verbose_name)
    if name == "description":
        # Long text: the history says that it changed; the task page shows the new text.
        return _("%(field)s changed.") % {"field": label}
    return _("%(field)s: %(before)s → %(after)s") % {
        "field": label,
        "before": before,
        "after": after,
    }


def reason_needed_message(to_status: str) -> str:
    if to_status == TaskStatus.PLANNED:
        return _("Say why the task is reinstated.")
    return _("Say why the task is suspended or cancelled.")


@transaction.atomic
def task_transition(*, task: Task, to_status: str, actor: User, note: str = "") -> Task:
    """Move a task along the workflow, recording who, when, from, to and why."""
    task = _locked(task)
    check_move(actor, task, to_status)
    note = (note or "").strip()
    if move_needs_reason(to_status) and not note:
        raise ValidationError({"note": reason_needed_message(to_status)})
    from_status, from_progress = task.status, task.progress
    before = copy.copy(task)
    task.status = to_status
    if to_status == TaskStatus.DONE:
        task.progress = 100
        task.done_on = timezone.localdate()
    else:
        task.done_on = None
    task.save(update_fields=["status", "progress", "done_on", "updated_at"])
    _event(task, actor=actor, from_status=from_status, from_progress=from_progress, note=note)
    audit.record_save(actor=actor, instance=task, before=before)
    return task


@transaction.atomic
def progress_post(
    *, task: Task, actor: User, percent: int, text: str, files: Iterable[UploadedFile] = ()
) -> ProgressUpdate:
    """Append a progress update with its evidence and move the task's progress to `percent`.

    A planned task starts (in progress) with its first update above 0%. Posting does not finish
    a task: reaching 100% still needs the "done" step, so the office sees when it was declared.
    """
    task = _locked(task)
    check_progress(actor, task)
    if not isinstance(percent, int) or not 0 <= percent <= 100:
        raise ValidationError({"percent": _("Progress is a whole number from 0 to 100.")})
    if not (text or "").strip():
        raise ValidationError({"text": _("Describe what was done.")})
    uploads = list(files)
    if len(uploads) > MAX_EVIDENCE_FILES:
        raise ValidationError(
            {"files": _("At most %(n)d files per update.") % {"n": MAX_EVIDENCE_FILES}}
        )
    for upload in uploads:
        try:
            validate_evidence_file(upload)
        except ValidationError as error:
            raise ValidationError({"files": error.messages}) from error

    update = ProgressUpdate.objects.create(task=task, author=actor, percent=percent, text=text)
    for upload in uploads:
        # check_upload refused a file with no name (it judges the type by the name) and
        # compared the size with the limit: here both are set, though the stubs allow None.
        name = upload.name or ""
        size = cast(int, upload.size)
        Evidence.objects.create(update=update, file=upload, original_name=name[:200], size=size)
    from_status, from_progress = task.status, task.progress
    before = copy.copy(task)
    task.progress = percent
    if task.status == TaskStatus.PLANNED and percent > 0:
        task.status = TaskStatus.IN_PROGRESS
    task.save(update_fields=["status", "progress", "updated_at"])
    _event(task, actor=actor, from_status=from_status, from_progress=from_progress, note=text)
    audit.record_save(actor=actor, instance=task, before=before)
    return update


@transaction.atomic
def milestone_save(*, milestone: Milestone, actor: User) -> Milestone:
    if not may_manage_tasks(actor):
        raise PermissionDenied
    before = audit.stored(milestone)
    milestone.full_clean()
    milestone.save()
    audit.record_save(actor=actor, instance=milestone, before=before)
    if before is not None and before.due_date != milestone.due_date:
        # A new due date deserves new warnings.
        MilestoneReminder.objects.filter(milestone=milestone).delete()
    return milestone


@transaction.atomic
def milestone_set_done(*, milestone: Milestone, actor: User, done: bool = True) -> Milestone:
    """Tick a roadmap step off (today), or untick it."""
    task = _locked(milestone.task)
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if not may_update_task(actor, task):
        raise PermissionDenied
    if (milestone.done_on is not None) == done:
        return milestone  # already so: a second click keeps the first date
    before = copy.copy(milestone)
    milestone.done_on = timezone.localdate() if done else None
    milestone.save(update_fields=["done_on"])
    audit.record_save(actor=actor, instance=milestone, before=before)
    note = _("Milestone “%(title)s” done.") if done else _("Milestone “%(title)s” open again.")
    _detail_event(task, actor=actor, note=note % {"title": milestone.title})
    return milestone


def send_task_reminders(*, today: date | None = None) -> int:
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
        owner = task.owner
        if owner is None:  # filtered out above; tells the type checker so
            continue
        level = ReminderLevel.RED if task.warning == WarningLevel.RED else ReminderLevel.YELLOW
        with transaction.atomic():
            _reminder, created = TaskReminder.objects.get_or_create(
                task=task, level=level, day=today, defaults={"recipient": owner}
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
            announce(
                kind=NoticeKind.TASK_WARNING,
                recipients=[owner],
                title=title,
                body=body,
                url=task.get_absolute_url(),
            )
            sent += 1
    return sent


def send_milestone_reminders(*, today: date | None = None) -> int:
    """Tell the people who answer for a task that one of its open milestones is due within
    REFORM_DUE_SOON_DAYS, or overdue: once per milestone and level however often the job runs
    (MilestoneReminder's unique constraint). Milestones of done or cancelled tasks are not
    chased. Returns how many warnings went out."""
    today = today or timezone.localdate()
    level = Case(
        When(due_date__lt=today, then=Value(MilestoneReminderLevel.OVERDUE)),
        default=Value(MilestoneReminderLevel.DUE_SOON),
    )
    warned = MilestoneReminder.objects.filter(milestone=OuterRef("pk"), level=OuterRef("level"))
    due = (
        Milestone.objects.filter(
            done_on__isnull=True,
            due_date__lte=today + timedelta(days=settings.REFORM_DUE_SOON_DAYS),
        )
        .exclude(task__status__in=CLOSED_STATUSES)
        .annotate(level=level)
        .exclude(Exists(warned))
        .select_related("task__lead_unit", "task__owner")
        .order_by("due_date", "pk")
    )
    sent = 0
    for milestone in due:
        with transaction.atomic():
            _row, created = MilestoneReminder.objects.get_or_create(
                milestone=milestone,
                level=milestone.level,
            )
            if not created:
                continue  # another run warned it meanwhile
            handoffs.milestone_due(milestone, level=milestone.level)
            sent += 1
    return sent


# --- Ledgers ----------------------------------------------------------------------------------
