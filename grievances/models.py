"""Workers' grievances (职工诉求), their timeline, time-limit policies, extensions, mediation,
survey campaigns, reminders, and the log of who saw a complainant's personal data."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grievances.choices import (
    Category,
    Channel,
    DataView,
    ExtensionState,
    ReminderLevel,
    Satisfaction,
    Status,
)
from grievances.deadlines import in_deadline_order
from grievances.followup_counts import FollowUpTally  # noqa: F401  (a model of this app)
from grievances.mediation_models import Mediation, MediationSession  # noqa: F401  (this app's)
from grievances.status_counts import StatusTally  # noqa: F401  (a model of this app)
from parks.core.choice_display import ChoiceDisplayMixin
from parks.core.row_urls import pk_url
from parks.gridlog.models import Activity
from parks.structure.models import GridZone, Organisation, Park

# Unambiguous characters only: workers read tracking codes off a phone screen.
TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_tracking_code():
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(10))


class TimeLimitPolicy(models.Model):
    """How fast grievances of one category must be answered and resolved."""

    category = models.CharField(_("category"), max_length=20, choices=Category.choices, unique=True)
    respond_within_hours = models.PositiveSmallIntegerField(
        _("respond within (hours)"), validators=[MinValueValidator(1), MaxValueValidator(720)]
    )
    resolve_within_days = models.PositiveSmallIntegerField(
        _("resolve within (days)"), validators=[MinValueValidator(1), MaxValueValidator(365)]
    )

    class Meta:
        verbose_name = _("time-limit policy")
        verbose_name_plural = _("time-limit policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(respond_within_hours__gte=1, respond_within_hours__lte=720),
                name="policy_respond_hours_range",
            ),
            models.CheckConstraint(
                condition=Q(resolve_within_days__gte=1, resolve_within_days__lte=365),
                name="policy_resolve_days_range",
            ),
            models.CheckConstraint(
                condition=Q(category__in=Category.values), name="policy_category_valid"
            ),
        ]

    def __str__(self):
        return self.get_category_display()


class SurveyCampaign(models.Model):
    """A satisfaction survey handed out in a park; its opinions are grievances of channel survey."""

    park = models.ForeignKey(
        Park, on_delete=models.PROTECT, related_name="surveys", verbose_name=_("park")
    )
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    handed_out = models.PositiveIntegerField(_("handed out"))
    returned = models.PositiveIntegerField(_("returned"))

    class Meta:
        verbose_name = _("survey campaign")
        verbose_name_plural = _("survey campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(returned__lte=F("handed_out")),
                name="survey_returned_not_above_handed_out",
                violation_error_message=_("More surveys cannot come back than were handed out."),
            ),
        ]

    def __str__(self):
        return f"{self.title}（{self.held_on}）"


class Grievance(ChoiceDisplayMixin, models.Model):
    """A worker's request, complaint, dispute or opinion, handled against time limits."""

    # The complainant's personal data: masked on pages (selectors), and the audit log
    # (parks.history.audit) records that it changed, never its values.
    PERSONAL_FIELDS = ("complainant_name", "complainant_phone", "complainant_employer")
    AUDIT_MASKED_FIELDS = PERSONAL_FIELDS

    tracking_code = models.CharField(
        _("tracking code"), max_length=12, unique=True, default=new_tracking_code, editable=False
    )
    park = models.ForeignKey(
        Park, on_delete=models.PROTECT, related_name="grievances", verbose_name=_("park")
    )
    grid_zone = models.ForeignKey(
        GridZone,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grievances",
        verbose_name=_("grid zone"),
    )
    # The grid-log entry (a liaison's visit, a forum…) where the request was heard.
    source_activity = models.ForeignKey(
        Activity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="grievances",
        verbose_name=_("heard at activity"),
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    survey = models.ForeignKey(
        SurveyCampaign,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opinions",
        verbose_name=_("survey"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000)
    # Personal data: optional, masked for roles that do not need it, views logged.
    complainant_name = models.CharField(_("name"), max_length=50, blank=True)
    complainant_phone = models.CharField(_("phone"), max_length=20, blank=True)
    complainant_employer = models.CharField(_("employer"), max_length=100, blank=True)
    # The worker agreed to be texted at the phone above when the grievance is accepted,
    # replied and closed (grievances.worker_texts).
    sms_consent = models.BooleanField(
        _("texts about progress"),
        default=False,
        help_text=_("The worker agreed to be texted when it is accepted, replied and closed."),
    )

    handling_unit = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grievances",
        verbose_name=_("handling unit"),
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="handled_grievances",
        verbose_name=_("handler"),
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="logged_grievances",
        verbose_name=_("logged by"),
        help_text=_("Empty when the worker submitted it through the public page."),
    )
    # Changed only by grievances.services.
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    received_at = models.DateTimeField(_("received at"))
    response_due_at = models.DateTimeField(_("respond by"))
    resolution_due_at = models.DateTimeField(_("resolve by"))
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    satisfaction = models.CharField(
        _("satisfaction"), max_length=20, choices=Satisfaction.choices, blank=True
    )
    rectified = models.BooleanField(
        _("rectified"), default=False, help_text=_("For opinions: the problem was put right.")
    )
    reply = models.TextField(_("reply"), blank=True)
    # Set with Status.MERGED only (grievances.merging): the case that goes on with this request,
    # never itself merged, so a worker's tracking code is one step from the case it follows.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_duplicates",
        verbose_name=_("merged into"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("grievance")
        verbose_name_plural = _("grievances")
        indexes = [
            # The inbox's and the API list's default order (selectors.NEXT_DEADLINE_ORDER): a
            # first page reads 25 or 50 entries instead of sorting the scope. ASC puts NULLs
            # last in PostgreSQL, as the order asks (SQLite, the demo, refuses NULLS LAST here).
            in_deadline_order(name="grievance_next_deadline"),
            # The same order within a park (its staff; the inbox filtered by park) and a unit
            # (its inbox): by the order alone PostgreSQL walked past every other park's rows to
            # reach a park's closed ones (200 ms at 100,000 grievances, 2 ms with these).
            in_deadline_order(F("park"), name="grievance_park_next_deadline"),
            in_deadline_order(F("handling_unit"), name="grievance_unit_next_deadline"),
            # The inbox filtered by park (with a status tab); a park's own lists.
            # (Migration 0008 also gives PostgreSQL statistics of statuses per park and per unit,
            # so it knows a unit's empty tab is empty instead of walking these indexes.)
            models.Index(fields=["park", "status", "resolution_due_at"], name="grievance_inbox"),
            # A unit's inbox.
            models.Index(fields=["handling_unit", "status"], name="grievance_unit_status"),
            # Rates and reports count by the time of receipt (half-open timestamp ranges,
            # parks.core.dates.day_range); the inbox sorted by receipt.
            models.Index(fields=["received_at"], name="grievance_received"),
            # The likely-duplicate hint of each inbox row (grievances.duplicates): the same
            # park, received within days of each other; and the rates of one park for a period.
            models.Index(fields=["park", "received_at"], name="grievance_park_received"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(title__regex=r"\S"), name="grievance_title_set"),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="grievance_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="grievance_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(category__in=Category.values), name="grievance_category_valid"
            ),
            models.CheckConstraint(
                condition=Q(satisfaction="") | Q(satisfaction__in=Satisfaction.values),
                name="grievance_satisfaction_valid",
            ),
            models.CheckConstraint(
                condition=Q(response_due_at__gte=F("received_at"))
                & Q(resolution_due_at__gte=F("received_at")),
                name="grievance_deadlines_after_receipt",
            ),
            models.CheckConstraint(
                condition=Q(survey__isnull=True) | Q(channel=Channel.SURVEY),
                name="grievance_survey_only_for_survey_channel",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[Status.RECEIVED, Status.RETURNED, Status.WITHDRAWN, Status.MERGED]
                )
                | Q(handling_unit__isnull=False),
                name="grievance_assigned_has_unit",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[Status.FOLLOWED_UP, Status.CLOSED]) | ~Q(satisfaction=""),
                name="grievance_followed_up_has_satisfaction",
            ),
            models.CheckConstraint(
                condition=(Q(status=Status.MERGED) & Q(merged_into__isnull=False))
                | (~Q(status=Status.MERGED) & Q(merged_into__isnull=True)),
                name="grievance_merged_has_survivor",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=F("pk")), name="grievance_not_merged_into_itself"
            ),
        ]

    def __str__(self):
        return f"{self.tracking_code} {self.title}"

    def get_absolute_url(self):
        return pk_url("grievances:grievance_detail", self.pk)


class Attachment(models.Model):
    """A file a worker or the office attached to a grievance."""

    grievance = models.ForeignKey(
        Grievance, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("grievance")
    )
    file = models.FileField(_("file"), upload_to="grievances/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name


class GrievanceEvent(ChoiceDisplayMixin, models.Model):
    """One step on a grievance's timeline: who did what, when, from which status to which."""

    grievance = models.ForeignKey(
        Grievance, on_delete=models.CASCADE, related_name="events", verbose_name=_("grievance")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        help_text=_("Empty for the worker on the public page and for the scheduler."),
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("grievance event")
        verbose_name_plural = _("grievance events")
        ordering = ["grievance_id", "at", "pk"]

    def __str__(self):
        return f"{self.grievance.tracking_code} {self.action}"


class FollowUp(ChoiceDisplayMixin, models.Model):
    """One follow-up call (回访): what the worker said. Every call is kept: a grievance reopened
    after an unsatisfied call is called again, and the satisfaction rate counts each call."""

    grievance = models.ForeignKey(
        Grievance, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("grievance")
    )
    # 1 for the first call of the grievance, then 2, 3…: the first-call satisfaction rate reads 1.
    number = models.PositiveSmallIntegerField(_("call"))
    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    satisfaction = models.CharField(_("satisfaction"), max_length=20, choices=Satisfaction.choices)

    class Meta:
        verbose_name = _("follow-up call")
        verbose_name_plural = _("follow-up calls")
        ordering = ["grievance_id", "number"]
        constraints = [
            # The rates count calls per grievance from this table (grievances.rates).
            models.UniqueConstraint(fields=["grievance", "number"], name="follow_up_number_once"),
            models.CheckConstraint(condition=Q(number__gte=1), name="follow_up_number_from_one"),
            models.CheckConstraint(
                condition=Q(satisfaction__in=Satisfaction.values),
                name="follow_up_satisfaction_valid",
            ),
        ]

    def __str__(self):
        return f"{self.grievance.tracking_code} #{self.number}"


class ExtensionRequest(ChoiceDisplayMixin, models.Model):
    """A handling unit asks for more time; the office approves (moving the deadline) or not."""

    grievance = models.ForeignKey(
        Grievance, on_delete=models.CASCADE, related_name="extensions", verbose_name=_("grievance")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    days = models.PositiveSmallIntegerField(
        _("extra days"), validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    reason = models.TextField(_("reason"))
    state = models.CharField(
        _("state"), max_length=20, choices=ExtensionState.choices, default=ExtensionState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(days__gte=1, days__lte=60), name="extension_days_range"
            ),
            # One open request at a time per grievance.
            models.UniqueConstraint(
                fields=["grievance"],
                condition=Q(state=ExtensionState.PENDING),
                name="extension_one_pending",
            ),
        ]

    def __str__(self):
        return f"{self.grievance.tracking_code} +{self.days}"


class GrievanceReminder(models.Model):
    """A reminder or escalation sent about a grievance: at most one per grievance and level."""

    grievance = models.ForeignKey(
        Grievance, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("grievance")
    )
    level = models.CharField(_("level"), max_length=30, choices=ReminderLevel.choices)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("grievance reminder")
        verbose_name_plural = _("grievance reminders")
        constraints = [
            # Exactly once per grievance and level, however often the job runs.
            models.UniqueConstraint(fields=["grievance", "level"], name="grievance_reminder_once"),
        ]

    def __str__(self):
        return f"{self.grievance.tracking_code} {self.level}"


class PersonalDataView(ChoiceDisplayMixin, models.Model):
    """Who saw a complainant's unmasked name and phone, when, and where."""

    grievance = models.ForeignKey(
        Grievance,
        on_delete=models.CASCADE,
        related_name="personal_data_views",
        verbose_name=_("grievance"),
    )
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)
    via = models.CharField(_("via"), max_length=10, choices=DataView.choices)

    class Meta:
        verbose_name = _("personal data view")
        verbose_name_plural = _("personal data views")
        indexes = [models.Index(fields=["grievance", "-at"], name="pdv_grievance_time")]

    def __str__(self):
        return f"{self.viewer} {self.grievance.tracking_code} {self.at:%Y-%m-%d %H:%M}"


class ReplyTemplate(models.Model):
    """A standard reply (标准答复 / 常用语) the office keeps for a category; a unit inserts it into
    its reply and adapts it."""

    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    title = models.CharField(_("title"), max_length=100)
    text = models.TextField(_("text"), max_length=5000)
    is_active = models.BooleanField(_("in use"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        ordering = ["category", "title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "title"],
                name="reply_template_title_once_per_category",
                violation_error_message=_("This category already has a template of that title."),
            ),
            models.CheckConstraint(
                condition=Q(category__in=Category.values), name="reply_template_category_valid"
            ),
            models.CheckConstraint(
                condition=Q(title__regex=r"\S") & Q(text__regex=r"\S"),
                name="reply_template_title_and_text_set",
            ),
        ]

    def __str__(self):
        return f"{self.get_category_display()} · {self.title}"
