"""Demo reform plans and tasks, loaded by `manage.py load_demo` (through parks.signals).

The tasks come in through the real import path (preview, then commit of the sample sheet), so
the demo proves the shipped sample sheet imports. Their progress is then set through the
services, as the owners would. Rows that exist are left alone — a task someone has worked on
keeps its state — so a second run changes nothing.
"""

from datetime import timedelta
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import CommandError
from django.utils import timezone

from parks.core.excel import XLSX_CONTENT_TYPE
from parks.structure.models import Organisation, Park, Subdistrict
from reforms.tasks import services
from reforms.tasks.choices import PlanScope, TaskStatus
from reforms.tasks.imports import task_import_commit, task_import_preview
from reforms.tasks.models import Milestone, Plan, Task
from reforms.tasks.sample_data import (
    SAMPLE_FILE_NAME,
    SAMPLE_TASKS,
    build_sample_sheet,
    sample_code,
    sample_plans,
)

# How long before or after its due date the demo says a finished task was done.
DONE_EARLY_DAYS = 3
DONE_LATE_DAYS = 12


def load_reform_demo(sender, *, office, stdout, **kwargs):
    today = timezone.localdate()
    plans = _load_plans(office, today)
    tasks = _import_new_tasks(office, today)
    progressed = _bring_fresh_tasks_to_demo_state(office, today)
    milestones = _load_milestones(office, today)
    stdout.write(
        f"  Reform demo   plans {plans} created, tasks {tasks} created, "
        f"milestones {milestones} created, {progressed} tasks given demo progress"
    )


def _load_plans(office, today):
    existing = {(plan.title, plan.year) for plan in Plan.objects.all()}
    created = 0
    for spec in sample_plans(today):
        if (spec["title"], spec["year"]) in existing:
            continue
        scope, target = spec["scope"], spec["target"]
        plan = Plan(
            title=spec["title"],
            year=spec["year"],
            scope=scope,
            issuer=Organisation.objects.get(name=spec["issuer"]),
            subdistrict=(
                Subdistrict.objects.get(name=target) if scope == PlanScope.SUBDISTRICT else None
            ),
            park=Park.objects.get(name=target) if scope == PlanScope.PARK else None,
        )
        services.plan_save(plan=plan, actor=office)
        created += 1
    return created


def _import_new_tasks(office, today):
    """Import the rows of the sample sheet whose codes are not there yet, as the office would."""
    codes = {sample_code(task, today) for task in SAMPLE_TASKS}
    codes -= set(Task.objects.filter(code__in=codes).values_list("code", flat=True))
    if not codes:
        return 0
    stream = BytesIO()
    build_sample_sheet(stream, today=today, codes=codes)
    upload = SimpleUploadedFile(SAMPLE_FILE_NAME, stream.getvalue(), XLSX_CONTENT_TYPE)
    task_import = task_import_preview(uploaded_file=upload, actor=office)
    if task_import.error_count:
        problems = task_import.sheet_errors + [
            f"row {row['row']}: {' '.join(row['errors'])}"
            for row in task_import.rows
            if row["errors"]
        ]
        raise CommandError("The sample sheet does not import: " + "; ".join(problems))
    return task_import_commit(task_import=task_import, actor=office)["created"]


def _bring_fresh_tasks_to_demo_state(office, today):
    """Report progress on, and finish, the sample tasks nobody has touched yet."""
    specs = {sample_code(task, today): task for task in SAMPLE_TASKS}
    fresh = Task.objects.filter(
        code__in=[code for code, spec in specs.items() if spec.progress or spec.done],
        status=TaskStatus.PLANNED,
        updates__isnull=True,
    ).select_related("owner")
    count = 0
    for task in fresh:
        spec = specs[task.code]
        actor = task.owner if task.owner and task.owner.is_active else office
        percent = 100 if spec.done else spec.progress
        services.progress_post(task=task, actor=actor, percent=percent, text=spec.note)
        count += 1
        if not spec.done:
            continue
        services.task_transition(task=task, to_status=TaskStatus.DONE, actor=actor)
        # Demo only: the services date completion today; a demo table needs tasks finished
        # in the past, one of them after its due date, to show on-time and done-late marks.
        offset = DONE_LATE_DAYS if spec.done == "late" else -DONE_EARLY_DAYS
        Task.objects.filter(pk=task.pk).update(done_on=task.due_date + timedelta(days=offset))
    return count


def _load_milestones(office, today):
    """Add the missing roadmap steps; steps already due and reached are ticked off."""
    specs = {sample_code(task, today): task for task in SAMPLE_TASKS if task.milestones}
    tasks = Task.objects.filter(code__in=specs)
    existing = set(Milestone.objects.filter(task__in=tasks).values_list("task_id", "order"))
    created = 0
    for task in tasks:
        spec = specs[task.code]
        span = (task.due_date - task.start_date).days
        for order, (title, share) in enumerate(spec.milestones, start=1):
            if (task.pk, order) in existing:
                continue
            due = task.start_date + timedelta(days=round(span * share))
            reached = spec.done or share * 100 <= spec.progress
            milestone = Milestone(
                task=task,
                order=order,
                title=title,
                due_date=due,
                done_on=due if reached and due <= today else None,
            )
            services.milestone_save(milestone=milestone, actor=office)
            created += 1
    return created
