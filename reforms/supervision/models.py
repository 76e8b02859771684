"""Supervision orders (督办单) the district office issues to a unit about a reform task or a
grievance, the unit's replies with their files, each order's timeline, and reminders sent."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grievances.models import Grievance
from parks.core.row_urls import pk_url
from parks.structure.models import Organisation
from reforms.supervision.choices import (
    OrderAction,
    OrderColour,
    OrderReminderLevel,
    OrderStatus,
)
from reforms.tasks.models import Task


class SupervisionOrder(models.Model):
    """A supervision order (督办单): what the office requires of a unit, and by when."""

    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    task = models.ForeignKey(
        Task,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervision_orders",
        verbose_name=_("reform task"),
    )
    grievance = models.ForeignKey(
        Grievance,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervision_orders",
        verbose_name=_("grievance"),
    )
    unit = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="supervision_orders",
        verbose_name=_("responsible unit"),
    )
    colour = models.CharField(_("colour"), max_length=10, choices=OrderColour.choices)
    requirement = models.TextField(_("requirement"))
    reply_due = models.DateField(_("reply by"))
    # Changed only by reforms.supervision.services.
    status = models.CharField(
        _("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.ISSUED
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issued by"),
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    # The first reply decides "answered on time" (reports); a reply after a send-back does not.
    first_replied_at = models.DateTimeField(_("first replied at"), null=True, blank=True)
    replied_at = models.DateTimeField(_("last replied at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    urge_count = models.PositiveSmallIntegerField(_("times urged"), default=0)
    last_urged_at = models.DateTimeField(_("last urged at"), null=True, blank=True)

    class Meta:
        verbose_name = _("supervision order")
        verbose_name_plural = _("supervision orders")
        ordering = ["-issued_at", "-pk"]
        indexes = [
            # A unit's orders (its staff's list, the unit page) and the overdue filter.
            models.Index(fields=["unit", "status", "reply_due"], name="order_unit_status_due"),
            # The daily reminder job scans open orders by deadline.
            models.Index(fields=["status", "reply_due"], name="order_status_due"),
        ]
        constraints = [
            # 督办〔2026〕12号: one number per year.
            models.UniqueConstraint(fields=["year", "number"], name="order_unique_year_number"),
            models.CheckConstraint(
                condition=Q(task__isnull=False, grievance__isnull=True)
                | Q(task__isnull=True, grievance__isnull=False),
                name="order_about_task_or_grievance",
            ),
            models.CheckConstraint(
                condition=Q(status__in=OrderStatus.values), name="order_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(colour__in=OrderColour.values), name="order_colour_valid"
            ),
            models.CheckConstraint(
                condition=Q(requirement__regex=r"\S"), name="order_requirement_not_blank"
            ),
            models.CheckConstraint(
                condition=~Q(status=OrderStatus.ACCEPTED) | Q(accepted_at__isnull=False),
                name="order_closed_has_time",
            ),
        ]

    def __str__(self):
        return self.code

    def get_absolute_url(self):
        return pk_url("reforms:order_detail", self.pk)

    @property
    def code(self) -> str:
        """The order's number as offices write it: 督办〔2026〕12号."""
        return f"督办〔{self.year}〕{self.number}号"

    @property
    def subject(self):
        return self.task if self.task_id else self.grievance

    def audit_place(self) -> tuple[int | None, int | None]:
        """Where the audit log places the order's writes: the park of its task or grievance."""
        if self.grievance_id:
            return self.grievance.park_id, None
        return self.task.audit_place()


class OrderReply(models.Model):
    """A unit's reply (反馈) to an order. Append-only: a sent-back order gets a new reply."""

    order = models.ForeignKey(
        SupervisionOrder, on_delete=models.CASCADE, related_name="replies", verbose_name=_("order")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    text = models.TextField(_("reply"))

    class Meta:
        verbose_name = _("order reply")
        verbose_name_plural = _("order replies")
        ordering = ["order_id", "created_at", "pk"]

    def __str__(self):
        return f"{self.order.code} {self.created_at:%Y-%m-%d}"


class OrderReplyFile(models.Model):
    """A file attached to a reply as proof of what was done."""

    reply = models.ForeignKey(
        OrderReply, on_delete=models.CASCADE, related_name="files", verbose_name=_("reply")
    )
    file = models.FileField(_("file"), upload_to="supervision/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))

    class Meta:
        verbose_name = _("reply file")
        verbose_name_plural = _("reply files")

    def __str__(self):
        return self.original_name


class OrderEvent(models.Model):
    """One line of an order's timeline: who did what, when, from which status to which."""

    order = models.ForeignKey(
        SupervisionOrder, on_delete=models.CASCADE, related_name="events", verbose_name=_("order")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)
    action = models.CharField(_("action"), max_length=20, choices=OrderAction.choices)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=OrderStatus.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["order_id", "at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=OrderAction.values), name="order_event_action_valid"
            ),
        ]

    def __str__(self):
        return f"{self.order.code}: {self.action}"


class OrderReminder(models.Model):
    """A reminder sent about an order's reply deadline: at most one per order and level."""

    order = models.ForeignKey(
        SupervisionOrder,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("order"),
    )
    level = models.CharField(_("level"), max_length=20, choices=OrderReminderLevel.choices)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("order reminder")
        verbose_name_plural = _("order reminders")
        constraints = [
            # Exactly once per order and level, however often the job runs.
            models.UniqueConstraint(fields=["order", "level"], name="order_reminder_once"),
        ]

    def __str__(self):
        return f"{self.order.code} {self.level}"
