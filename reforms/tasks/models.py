"""Implementation plans, the reform tasks of the construction table, their roadmap steps,
progress updates with evidence, the task history, and reminders sent about them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from parks.core.dates import (
    PORTAL_DATE_MAX,
    PORTAL_DATE_MESSAGE,
    PORTAL_DATE_MIN,
    PORTAL_DATE_VALIDATORS,
)
from parks.core.row_urls import pk_url
from parks.structure.models import ConstraintErrorsOnFieldsMixin, Organisation, Park, Subdistrict
from reforms.tasks.choices import (
    MilestoneReminderLevel,
    PlanScope,
    ReminderLevel,
    TaskCategory,
    TaskStatus,
)

# Task dates stay within the portal's range, so a typo (0026, 9999) cannot stretch the roadmap.
TASK_DATE_MIN = PORTAL_DATE_MIN
TASK_DATE_MAX = PORTAL_DATE_MAX
TASK_DATE_MESSAGE = PORTAL_DATE_MESSAGE
TASK_DATE_VALIDATORS = PORTAL_DATE_VALIDATORS


class Plan(models.Model):
    """An implementation plan (实施方案) issued for the district, a subdistrict or a park."""

    title = models.CharField(_("title"), max_length=200)
    issuer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="plans", verbose_name=_("issued by")
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    scope = models.CharField(_("scope"), max_length=20, choices=PlanScope.choices)
    subdistrict = models.ForeignKey(
        Subdistrict,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plans",
        verbose_name=_("subdistrict"),
    )
    park = models.ForeignKey(
        Park,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plans",
        verbose_name=_("park"),
    )
    document = models.FileField(_("document"), upload_to="plans/%Y/", blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("implementation plan")
        verbose_name_plural = _("implementation plans")
        constraints = [
            models.UniqueConstraint(fields=["title", "year"], name="plan_unique_title_year"),
            models.CheckConstraint(condition=Q(title__regex=r"\S"), name="plan_title_not_blank"),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="plan_year_range"
            ),
            models.CheckConstraint(
                condition=Q(scope__in=PlanScope.values), name="plan_scope_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(scope=PlanScope.DISTRICT, subdistrict__isnull=True, park__isnull=True)
                    | Q(scope=PlanScope.SUBDISTRICT, subdistrict__isnull=False, park__isnull=True)
                    | Q(scope=PlanScope.PARK, park__isnull=False, subdistrict__isnull=True)
                ),
                name="plan_scope_matches_target",
                violation_error_message=_(
                    "A subdistrict plan names its subdistrict, a park plan its park, "
                    "and a district plan neither."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.title}（{self.year}）"

    def audit_place(self) -> tuple[int | None, int | None]:
        """Where the audit log places the plan's writes (parks.history.audit): its park or
        subdistrict."""
        return self.park_id, self.subdistrict_id

    def clean(self):
        super().clean()
        # A park plan's tasks belong to its park (Task.clean); the plan cannot move from under
        # them, or they would no longer save or import.
        if self.pk is None or self.scope != PlanScope.PARK or self.park_id is None:
            return
        elsewhere = list(
            self.tasks.exclude(park_id=self.park_id)
            .order_by("code")
            .values_list("code", flat=True)[:6]
        )
        if elsewhere:
            codes = "、".join(elsewhere[:5]) + ("…" if len(elsewhere) > 5 else "")
            raise ValidationError(
                {
                    "park": _(
                        "Tasks of this plan are not in the park “%(park)s” (%(codes)s). Move "
                        "them to that park first, or keep the plan's scope."
                    )
                    % {"park": self.park.name, "codes": codes}
                }
            )


class Task(ConstraintErrorsOnFieldsMixin, models.Model):
    """A reform task: one row of the construction table (施工表), chased until done."""

    constraint_fields = {
        "due_before_start": "due_date",
        "duplicate_code": "code",
        "code_has_spaces": "code",
        "start_date_range": "start_date",
        "due_date_range": "due_date",
    }

    code = models.CharField(
        _("code"),
        max_length=30,
        unique=True,
        help_text=_("Row number in the construction table, e.g. 2025-HX-01."),
    )
    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("plan")
    )
    park = models.ForeignKey(
        Park,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("park"),
    )
    category = models.CharField(_("category"), max_length=20, choices=TaskCategory.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    lead_unit = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="led_tasks",
        verbose_name=_("lead unit"),
    )
    supporting_units = models.ManyToManyField(
        Organisation, blank=True, related_name="supported_tasks", verbose_name=_("supporting units")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_tasks",
        verbose_name=_("owner"),
        help_text=_("The person who answers for the task; reminders go to them."),
    )
    start_date = models.DateField(_("start date"), validators=TASK_DATE_VALIDATORS)
    due_date = models.DateField(_("due date"), validators=TASK_DATE_VALIDATORS)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    # Changed only by reforms.services: the workflow and progress updates.
    status = models.CharField(
        _("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.PLANNED
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("reform task")
        verbose_name_plural = _("reform tasks")
        indexes = [
            # The construction table and the league table filter by unit and status.
            models.Index(fields=["lead_unit", "status"], name="task_unit_status"),
            # The daily reminder job and the overdue filter scan open tasks by due date.
            models.Index(fields=["status", "due_date"], name="task_status_due"),
            models.Index(fields=["park", "due_date"], name="task_park_due"),
            # The construction table's order (selectors.task_table: ORDER BY due_date, code,
            # its API list and cursor pages): read in index order, not a sort of every task.
            models.Index(fields=["due_date", "code"], name="task_due_code"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(title__regex=r"\S"), name="task_title_not_blank"),
            models.CheckConstraint(
                condition=Q(code__regex=r"^\S+$"),
                name="task_code_no_spaces",
                violation_error_message=_("The code cannot contain spaces."),
                violation_error_code="code_has_spaces",
            ),
            models.CheckConstraint(
                condition=Q(due_date__gte=F("start_date")),
                name="task_due_not_before_start",
                violation_error_message=_("The due date cannot be before the start date."),
                violation_error_code="due_before_start",
            ),
            models.CheckConstraint(
                condition=Q(start_date__gte=TASK_DATE_MIN, start_date__lte=TASK_DATE_MAX),
                name="task_start_date_range",
                violation_error_message=TASK_DATE_MESSAGE,
                violation_error_code="start_date_range",
            ),
            models.CheckConstraint(
                condition=Q(due_date__gte=TASK_DATE_MIN, due_date__lte=TASK_DATE_MAX),
                name="task_due_date_range",
                violation_error_message=TASK_DATE_MESSAGE,
                violation_error_code="due_date_range",
            ),
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100), name="task_progress_0_100"
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=100), name="task_weight_range"
            ),
            models.CheckConstraint(
                condition=Q(status__in=TaskStatus.values), name="task_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(category__in=TaskCategory.values), name="task_category_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=TaskStatus.DONE, done_on__isnull=False, progress=100)
                    | (~Q(status=TaskStatus.DONE) & Q(done_on__isnull=True))
                ),
                name="task_done_has_date_and_full_progress",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return pk_url("reforms:task_detail", self.pk)

    def audit_place(self) -> tuple[int | None, int | None]:
        """Where the audit log places the task's writes (parks.history.audit): its park; a task of
        no
        park, its plan's subdistrict (a subdistrict's own task, counted in its reports)."""
        if self.park_id is not None or self.plan_id is None:
            return self.park_id, None
        return None, self.plan.subdistrict_id

    def clean(self):
        super().clean()
        # A park plan's tasks are that park's: a task without it, or in another park, would
        # fall out of the park's roadmap and fail to import back.
        if self.plan_id and self.plan.park_id is not None and self.park_id != self.plan.park_id:
            raise ValidationError(
                {
                    "park": _("The plan belongs to the park “%(name)s”.")
                    % {"name": self.plan.park.name}
                }
            )


class Milestone(models.Model):
    """A step of a task's roadmap (路线图), ticked off when reached."""

    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("task")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=200)
    due_date = models.DateField(_("due date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["task_id", "order"]
        constraints = [
            # Also the index behind "milestones of this task, in order".
            models.UniqueConstraint(fields=["task", "order"], name="milestone_unique_order"),
            models.CheckConstraint(
                condition=Q(title__regex=r"\S"), name="milestone_title_not_blank"
            ),
        ]

    def __str__(self):
        return self.title


class ProgressUpdate(models.Model):
    """A dated progress report on a task. Append-only: never edited or deleted."""

    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="updates", verbose_name=_("task")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="progress_updates",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    percent = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MaxValueValidator(100)]
    )
    text = models.TextField(_("note"))

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        indexes = [
            # Task page: the updates of one task, newest first.
            models.Index(fields=["task", "-created_at"], name="update_task_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__gte=0, percent__lte=100), name="update_percent_0_100"
            ),
        ]

    def __str__(self):
        return f"{self.task.code} {self.percent}%"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("Progress updates cannot be changed once posted."))
        super().save(*args, **kwargs)


class Evidence(models.Model):
    """A file attached to a progress update as proof of the work."""

    update = models.ForeignKey(
        ProgressUpdate,
        on_delete=models.CASCADE,
        related_name="evidence",
        verbose_name=_("progress update"),
    )
    file = models.FileField(_("file"), upload_to="evidence/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self):
        return self.original_name


class TaskEvent(models.Model):
    """One line of a task's history: who moved it, when, from what to what, and why."""

    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="events", verbose_name=_("task")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)
    from_status = models.CharField(_("from"), max_length=20, choices=TaskStatus.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=TaskStatus.choices)
    from_progress = models.PositiveSmallIntegerField(_("progress before"))
    to_progress = models.PositiveSmallIntegerField(_("progress after"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("task event")
        verbose_name_plural = _("task events")
        ordering = ["task_id", "at", "pk"]

    def __str__(self):
        return f"{self.task.code}: {self.from_status} → {self.to_status}"


class TaskReminder(models.Model):
    """A reminder sent about a yellow or red task; at most one per task, level and day."""

    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("task")
    )
    level = models.CharField(_("level"), max_length=10, choices=ReminderLevel.choices)
    day = models.DateField(_("day"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("recipient"),
    )
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("task reminder")
        verbose_name_plural = _("task reminders")
        constraints = [
            # Exactly once per task, level and day, however often the job runs.
            models.UniqueConstraint(fields=["task", "level", "day"], name="reminder_once_a_day"),
        ]

    def __str__(self):
        return f"{self.task.code} {self.level} {self.day}"


class MilestoneReminder(models.Model):
    """A notice sent that a milestone is due soon or overdue: at most one per milestone and
    level. A milestone given a new due date loses its rows, and is warned again."""

    milestone = models.ForeignKey(
        Milestone, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("milestone")
    )
    level = models.CharField(_("level"), max_length=10, choices=MilestoneReminderLevel.choices)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("milestone reminder")
        verbose_name_plural = _("milestone reminders")
        constraints = [
            # Exactly once per milestone and level, however often the daily job runs (and the
            # index behind the job's "not yet warned at this level").
            models.UniqueConstraint(fields=["milestone", "level"], name="milestone_reminder_once"),
        ]

    def __str__(self):
        return f"{self.milestone} {self.level}"


class TaskImport(models.Model):
    """An uploaded construction table: parsed and checked rows waiting for the user to commit."""

    class State(models.TextChoices):
        PREVIEW = "preview", _("Waiting for confirmation")
        COMMITTED = "committed", _("Imported")
        DISCARDED = "discarded", _("Discarded")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    file_name = models.CharField(_("file name"), max_length=200)
    # One entry per data row: {"row": n, "values": {...}, "errors": [...], "action": ...}.
    rows = models.JSONField(_("rows"), default=list)
    # Problems with the sheet as a whole (wrong headers, too many rows).
    sheet_errors = models.JSONField(_("sheet errors"), default=list)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.PREVIEW
    )
    committed_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("task import")
        verbose_name_plural = _("task imports")

    def __str__(self):
        return self.file_name

    @property
    def error_count(self):
        return len(self.sheet_errors) + sum(1 for row in self.rows if row.get("errors"))
