"""Importing a construction table: upload and preview, then commit all rows or none.

The preview (a TaskImport row) keeps every row's values, errors and action, so the user sees
what will happen before anything is saved. Commit writes every task through
reforms.tasks.services.task_save in one transaction; status and progress are never imported.
"""

from collections import Counter
from datetime import date
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parks.structure.models import User
from reforms.tasks.excel import References, changed_keys, read_task_table, task_values
from reforms.tasks.models import Task, TaskImport
from reforms.tasks.policy import may_manage_tasks
from reforms.tasks.services import task_save

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def task_import_preview(*, uploaded_file, actor: User) -> TaskImport:
    """Read and check an uploaded .xlsx and keep the result for the user to confirm.

    A file that is not a workbook, has the wrong headers or too many rows still gives a
    TaskImport, with `sheet_errors` saying why; a wrong extension or size is refused outright.
    """
    if not may_manage_tasks(actor):
        raise PermissionDenied
    name = Path(uploaded_file.name or "").name
    if Path(name).suffix.lower() != ".xlsx":
        raise ValidationError(_("Upload the construction table as an Excel .xlsx file."))
    if (uploaded_file.size or 0) > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is larger than %(limit)d MB.") % {"limit": MAX_UPLOAD_BYTES // 1024**2}
        )
    rows, sheet_errors = read_task_table(uploaded_file)
    return TaskImport.objects.create(
        created_by=actor, file_name=name[:200], rows=rows, sheet_errors=sheet_errors
    )


def task_import_commit(*, task_import: TaskImport, actor: User) -> dict[str, int]:
    """Create and update every task of a clean preview, all or nothing. Returns the counts.

    The import row is locked first, so a double submit commits once; the second is refused.
    """
    if not may_manage_tasks(actor):
        raise PermissionDenied
    with transaction.atomic():
        locked = TaskImport.objects.select_for_update().get(pk=task_import.pk)
        _check_open(locked)
        if locked.error_count:
            raise ValidationError(
                _("The sheet has errors: correct them and upload it again. Nothing was imported.")
            )
        counts = _apply(locked.rows, actor=actor)
        locked.state = TaskImport.State.COMMITTED
        locked.committed_at = timezone.now()
        locked.save(update_fields=["state", "committed_at"])
    task_import.state, task_import.committed_at = locked.state, locked.committed_at
    return counts


@transaction.atomic
def task_import_discard(*, task_import: TaskImport, actor: User) -> TaskImport:
    """Drop a preview without importing anything."""
    if not may_manage_tasks(actor):
        raise PermissionDenied
    locked = TaskImport.objects.select_for_update().get(pk=task_import.pk)
    _check_open(locked)
    locked.state = TaskImport.State.DISCARDED
    locked.save(update_fields=["state"])
    return locked


def _check_open(task_import):
    if task_import.state == TaskImport.State.COMMITTED:
        raise ValidationError(_("This sheet has already been imported."))
    if task_import.state != TaskImport.State.PREVIEW:
        raise ValidationError(_("This import was discarded. Upload the sheet again."))


# The task field each sheet column sets; the plan is named by two columns.
FIELD_OF_COLUMN = {
    "plan_title": "plan",
    "plan_year": "plan",
    "park": "park",
    "category": "category",
    "title": "title",
    "description": "description",
    "lead_unit": "lead_unit",
    "owner": "owner",
    "start_date": "start_date",
    "due_date": "due_date",
    "weight": "weight",
}


def _apply(rows, *, actor):
    """Save each row's task; the first failure raises and the caller's transaction undoes all."""
    references = References([row["values"] for row in rows])
    counts = Counter({"created": 0, "updated": 0, "unchanged": 0})
    for row in rows:
        values = row["values"]
        existing = references.tasks.get(values["code"])
        # Names are resolved again: a unit or plan may have gone since the preview.
        problems = references.errors(values)
        if row["action"] != "create" and existing is None:
            problems.append(_("The task %(code)s no longer exists.") % {"code": values["code"]})
        if problems:
            raise _row_error(row, problems)
        if row["action"] == "unchanged":
            counts["unchanged"] += 1
            continue
        if row["action"] == "update":
            # Only what the preview showed the sheet changing; a preview kept from before
            # rows carried their changes is compared with the task as it is now.
            changed = row.get("changes")
            if changed is None:
                changed = changed_keys(task_values(existing), values)
            task = existing
        else:
            # A task created with this code since the preview makes task_save refuse the row.
            changed, task = list(FIELD_OF_COLUMN), Task(code=values["code"])
        fields = list(
            dict.fromkeys(FIELD_OF_COLUMN[key] for key in changed if key in FIELD_OF_COLUMN)
        )
        _set_from_row(task, values, fields, references)
        supporting = None
        if row["action"] == "create" or "supporting_units" in changed:
            supporting = [references.units[name] for name in values["supporting_units"]]
        try:
            task_save(
                task=task,
                actor=actor,
                fields=fields if row["action"] == "update" else None,
                supporting_units=supporting,
                checked_constraints=True,
            )
        except ValidationError as error:
            raise _row_error(row, error.messages) from error
        counts["created" if row["action"] == "create" else "updated"] += 1
    return dict(counts)


def _set_from_row(task, values, fields, references):
    setters = {
        "plan": lambda: references.plans[values["plan_title"], values["plan_year"]],
        "park": lambda: references.parks.get(values["park"]),
        "lead_unit": lambda: references.units[values["lead_unit"]],
        "owner": lambda: references.users.get(values["owner"]),
        "start_date": lambda: date.fromisoformat(values["start_date"]),
        "due_date": lambda: date.fromisoformat(values["due_date"]),
    }
    for name in fields:
        setattr(task, name, setters[name]() if name in setters else values[name])


def _row_error(row, messages):
    return ValidationError(
        _("Row %(row)d (%(code)s): %(errors)s Nothing was imported.")
        % {"row": row["row"], "code": row["values"]["code"], "errors": " ".join(messages)}
    )
