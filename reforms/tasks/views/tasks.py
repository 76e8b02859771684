"""The construction table, "my tasks", a task's page and the forms that change a task.

Tasks come through reforms.selectors, so a task outside the user's scope is a 404 whether it
exists or not; every change goes through reforms.services. Which buttons and forms a user gets
is read from reforms.policy, the rules the services enforce.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parks.core.downloads import stored_file_response
from parks.core.filter_bar import filter_bar
from parks.core.view_helpers import paginate, save_form
from reforms.tasks import policy, selectors, services
from reforms.tasks.choices import CLOSED_STATUSES, TaskStatus
from reforms.tasks.filters import TaskFilter
from reforms.tasks.forms import MilestoneForm, ProgressForm, TaskForm, TransitionForm
from reforms.tasks.models import Evidence, Task
from reforms.tasks.views.common import ordered, sort_links

# The filters the construction table offers, in the order they are shown.
TABLE_FILTERS = ("park", "unit", "category", "status", "warning")


def filtered_tasks(request):
    """The visible tasks after the construction table's filters and sort order."""
    task_filter = TaskFilter(
        request.GET,
        queryset=selectors.task_table(user=request.user, today=timezone.localdate()),
        request=request,
    )
    # A filter naming something unknown or hidden matches nothing rather than being ignored.
    tasks = task_filter.qs.none() if task_filter.errors else task_filter.qs
    tasks, ordering = ordered(tasks, request.GET.get("ordering", ""))
    return task_filter, tasks, ordering


@login_required
def task_list(request):
    task_filter, tasks, ordering = filtered_tasks(request)
    page = paginate(request, tasks)
    # The league table links to one lead unit's tasks; that filter has no select of its own.
    lead_unit = None if task_filter.errors else task_filter.form.cleaned_data.get("lead_unit")
    bar = filter_bar(
        task_filter,
        selects=TABLE_FILTERS,
        dates=(),
        hidden={
            "ordering": request.GET.get("ordering"),
            "lead_unit": lead_unit.pk if lead_unit else None,
        },
        # "Unit (leading or supporting)" is too long above a select on a phone.
        labels={"unit": _("Unit")},
    )
    park_control = bar["selects"][0]
    chosen_park = next(
        (
            {"pk": value, "name": label}
            for value, label in park_control["choices"]
            if value in park_control["selected"]
        ),
        None,
    )
    without_lead_unit = request.GET.copy()
    without_lead_unit.pop("lead_unit", None)
    without_lead_unit.pop("page", None)
    return render(
        request,
        "reforms/task_list.html",
        {
            "nav": "tasks",
            "filter": task_filter,
            "bar": bar,
            "lead_unit": lead_unit,
            "without_lead_unit": without_lead_unit.urlencode(),
            "page": page,
            "sort": sort_links(request, ordering),
            "query": request.GET.urlencode(),
            "chosen_park": chosen_park,
            "parks": park_control["choices"],
            "can_manage": policy.may_manage_tasks(request.user),
        },
    )


@login_required
def my_tasks(request):
    """The tasks this person may report on: owned by them or led by their unit; worst first."""
    tasks = selectors.task_table(user=request.user, today=timezone.localdate()).filter(
        selectors.updatable_by(request.user)
    )
    show_closed = request.GET.get("closed") == "1"
    if not show_closed:
        tasks = tasks.exclude(status__in=CLOSED_STATUSES)
    tasks = selectors.with_warning_rank(tasks).order_by("warning_rank", "due_date", "code")
    return render(
        request,
        "reforms/my_tasks.html",
        {"nav": "my", "page": paginate(request, tasks), "show_closed": show_closed},
    )


# --- One task -------------------------------------------------------------------------------


def _move_label(from_status, to_status):
    if to_status == TaskStatus.IN_PROGRESS:
        return {
            TaskStatus.PLANNED: _("Start"),
            TaskStatus.SUSPENDED: _("Resume"),
            TaskStatus.DONE: _("Reopen"),
        }.get(from_status, _("Start"))
    return {
        TaskStatus.PLANNED: _("Reinstate"),
        TaskStatus.DONE: _("Mark done"),
        TaskStatus.SUSPENDED: _("Suspend"),
        TaskStatus.CANCELLED: _("Cancel task"),
    }[to_status]


def available_moves(user, task):
    """The workflow steps reforms.policy lets this user take on this task now, as buttons."""
    return [
        {
            "to": move.value,
            "label": _move_label(task.status, move),
            "needs_reason": policy.move_needs_reason(move),
        }
        for move in policy.task_moves(user, task)
    ]


def _visible_task(request, pk):
    return get_object_or_404(
        selectors.task_table(user=request.user, today=timezone.localdate()), pk=pk
    )


@login_required
def task_detail(request, pk):
    task = _visible_task(request, pk)
    can_update = policy.may_update_task(request.user, task)
    updates = task.updates.select_related("author").prefetch_related("evidence")
    return render(
        request,
        "reforms/task_detail.html",
        {
            "nav": "tasks",
            "task": task,
            "milestones": task.milestones.order_by("order"),
            "events": task.events.select_related("actor").order_by("-at", "-pk"),
            "updates": updates.order_by("-created_at", "-pk"),
            "moves": available_moves(request.user, task),
            "can_update": can_update,
            "can_report": policy.may_report_progress(request.user, task),
            "can_manage": policy.may_manage_tasks(request.user),
            "today": timezone.localdate(),
        },
    )


@login_required
def task_transition(request, pk):
    """One workflow step. The task page posts here; a refused step comes back with its error."""
    task = _visible_task(request, pk)
    if not policy.may_update_task(request.user, task):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = TransitionForm(data, initial={"to_status": request.GET.get("to", "")})
    if request.method == "POST" and form.is_valid():
        to_status = form.cleaned_data["to_status"]
        moved = save_form(
            form,
            lambda: services.task_transition(
                task=task, to_status=to_status, actor=request.user, note=form.cleaned_data["note"]
            ),
        )
        if moved:
            messages.success(
                request,
                _("%(code)s is now “%(status)s”.")
                % {"code": moved.code, "status": moved.get_status_display()},
            )
            return redirect(moved)
    to_status = form["to_status"].value() or ""
    move = next((m for m in available_moves(request.user, task) if m["to"] == to_status), None)
    if move is None and not form.errors:
        raise Http404
    return render(
        request,
        "reforms/task_transition.html",
        {"nav": "tasks", "task": task, "form": form, "move": move},
    )


@login_required
def progress_create(request, pk):
    task = _visible_task(request, pk)
    if not policy.may_update_task(request.user, task):
        raise PermissionDenied
    form = ProgressForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial={"percent": task.progress},
    )
    if request.method == "POST" and form.is_valid():
        update = save_form(
            form,
            lambda: services.progress_post(
                task=task,
                actor=request.user,
                percent=form.cleaned_data["percent"],
                text=form.cleaned_data["text"],
                files=form.cleaned_data["files"],
            ),
        )
        if update:
            messages.success(
                request,
                _("Progress of %(code)s is now %(percent)d%%.")
                % {
                    "code": task.code,
                    "percent": update.percent,
                },
            )
            return redirect(task)
    return render(
        request,
        "reforms/progress_form.html",
        {
            "nav": "tasks",
            "task": task,
            "form": form,
            "open": policy.may_report_progress(request.user, task),
        },
    )


@login_required
def evidence_download(request, pk):
    """An evidence file, only for someone who may see its task; saved under its own name."""
    evidence = get_object_or_404(
        Evidence.objects.filter(update__task__in=selectors.tasks_visible_to(request.user)), pk=pk
    )
    return stored_file_response(evidence.file, evidence.original_name)


# --- Office: create and edit ------------------------------------------------------------------


def _require_manager(request):
    if not policy.may_manage_tasks(request.user):
        raise PermissionDenied


def _task_form_page(request, task):
    is_new = task.pk is None
    form = TaskForm(request.POST or None, instance=task, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            form,
            lambda: services.task_save(
                task=form.save(commit=False),
                actor=request.user,
                supporting_units=form.cleaned_data["supporting_units"],
                expected_updated_at=form.cleaned_data.get("updated_at"),
            ),
        )
        if saved:
            messages.success(request, _("Task %(code)s saved.") % {"code": saved.code})
            return redirect(saved)
    return render(
        request,
        "reforms/task_form.html",
        {
            "nav": "tasks",
            "form": form,
            "task": None if is_new else task,
            "title": _("New task") if is_new else _("Edit %(code)s") % {"code": task.code},
            "cancel_url": reverse("reforms:task_list") if is_new else task.get_absolute_url(),
        },
    )


@login_required
def task_create(request):
    _require_manager(request)
    return _task_form_page(request, Task())


@login_required
def task_edit(request, pk):
    task = get_object_or_404(selectors.tasks_visible_to(request.user), pk=pk)
    _require_manager(request)
    return _task_form_page(request, task)


def _milestone_form_page(request, task, milestone):
    # A new step goes after the last one unless the office says otherwise.
    initial = {"order": task.milestones.count() + 1} if milestone is None else None
    form = MilestoneForm(request.POST or None, instance=milestone, task=task, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            form,
            lambda: services.milestone_save(milestone=form.save(commit=False), actor=request.user),
        )
        if saved:
            messages.success(request, _("Milestone “%(title)s” saved.") % {"title": saved.title})
            return redirect(f"{task.get_absolute_url()}#milestones")
    title = (
        _("New milestone of %(code)s") % {"code": task.code}
        if milestone is None
        else _("Edit milestone “%(title)s”") % {"title": milestone.title}
    )
    return render(
        request,
        "reforms/task_form.html",
        {
            "nav": "tasks",
            "form": form,
            "task": task,
            "title": title,
            "cancel_url": task.get_absolute_url(),
        },
    )


@login_required
def milestone_create(request, pk):
    task = get_object_or_404(selectors.tasks_visible_to(request.user), pk=pk)
    _require_manager(request)
    return _milestone_form_page(request, task, None)


@login_required
def milestone_edit(request, pk):
    milestone = get_object_or_404(
        selectors.milestones_visible_to(request.user).select_related("task"), pk=pk
    )
    _require_manager(request)
    return _milestone_form_page(request, milestone.task, milestone)


@login_required
@require_POST
def milestone_toggle(request, pk):
    """Tick a roadmap step off (done=1) or untick it (done=0)."""
    milestone = get_object_or_404(
        selectors.milestones_visible_to(request.user).select_related("task"), pk=pk
    )
    if not policy.may_update_task(request.user, milestone.task):
        raise PermissionDenied
    done = request.POST.get("done") == "1"
    services.milestone_set_done(milestone=milestone, actor=request.user, done=done)
    message = _("“%(title)s” ticked off.") if done else _("“%(title)s” is open again.")
    messages.success(request, message % {"title": milestone.title})
    return redirect(f"{milestone.task.get_absolute_url()}#milestones")
