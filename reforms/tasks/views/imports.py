"""Importing a construction table: upload, preview every row with its errors, then commit.

Office staff only. A preview belongs to the person who uploaded it. Nothing is saved until
the preview is committed, and then every row or none (reforms.tasks.imports).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parks.core.view_helpers import save_form
from reforms.tasks import imports, policy
from reforms.tasks.choices import TaskCategory
from reforms.tasks.forms import TaskImportForm
from reforms.tasks.models import TaskImport

RECENT_IMPORTS = 10


def _require_manager(request):
    if not policy.may_manage_tasks(request.user):
        raise PermissionDenied


def _own_import(request, pk):
    _require_manager(request)
    return get_object_or_404(TaskImport.objects.filter(created_by=request.user), pk=pk)


@login_required
def task_import(request):
    _require_manager(request)
    form = TaskImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        preview = save_form(
            form,
            lambda: imports.task_import_preview(
                uploaded_file=form.cleaned_data["file"], actor=request.user
            ),
        )
        if preview:
            return redirect("reforms:task_import_preview", pk=preview.pk)
    recent = TaskImport.objects.filter(created_by=request.user).order_by("-created_at")
    return render(
        request,
        "reforms/task_import.html",
        {"nav": "tasks", "form": form, "recent": recent[:RECENT_IMPORTS]},
    )


@login_required
def task_import_sample(request):
    """A filled-in construction table to start from, built from the source document's tasks."""
    from reforms.tasks.sample_data import sample_sheet_response

    _require_manager(request)
    return sample_sheet_response(timezone.localdate())


def _preview_rows(task_import):
    categories = dict(TaskCategory.choices)
    rows = []
    for row in task_import.rows:
        values = row.get("values", {})
        rows.append(
            {
                "row": row.get("row"),
                "action": row.get("action"),
                "errors": row.get("errors") or [],
                "values": values,
                "category": categories.get(values.get("category"), values.get("category")),
                "supporting_units": "、".join(values.get("supporting_units") or []),
            }
        )
    return rows


@login_required
def task_import_preview(request, pk):
    task_import = _own_import(request, pk)
    rows = _preview_rows(task_import)
    counts = {
        action: sum(1 for row in rows if row["action"] == action and not row["errors"])
        for action in ("create", "update", "unchanged")
    }
    return render(
        request,
        "reforms/task_import_preview.html",
        {
            "nav": "tasks",
            "task_import": task_import,
            "rows": rows,
            "counts": counts,
            "error_rows": sum(1 for row in rows if row["errors"]),
            "can_commit": task_import.state == TaskImport.State.PREVIEW
            and task_import.error_count == 0
            and bool(rows),
            "is_open": task_import.state == TaskImport.State.PREVIEW,
        },
    )


@login_required
@require_POST
def task_import_commit(request, pk):
    task_import = _own_import(request, pk)
    try:
        counts = imports.task_import_commit(task_import=task_import, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("reforms:task_import_preview", pk=task_import.pk)
    messages.success(
        request,
        _("Imported: %(created)d new, %(updated)d updated, %(unchanged)d unchanged.")
        % {
            "created": counts.get("created", 0),
            "updated": counts.get("updated", 0),
            "unchanged": counts.get("unchanged", 0),
        },
    )
    return redirect("reforms:task_list")


@login_required
@require_POST
def task_import_discard(request, pk):
    task_import = _own_import(request, pk)
    try:
        imports.task_import_discard(task_import=task_import, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("reforms:task_import_preview", pk=task_import.pk)
    messages.info(request, _("The sheet was discarded; nothing was imported."))
    return redirect("reforms:task_import")
