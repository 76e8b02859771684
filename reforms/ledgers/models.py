"""The park's reform ledgers (台账): care and subsidy payments, publicity, training, proposals.

Every row belongs to a park (publicity may also be district-wide) and records something that has
happened, so its date is never in the future. Money is a decimal in yuan.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parks.core.dates import PORTAL_DATE_VALIDATORS
from parks.gridlog.models import Activity
from parks.structure.models import ConstraintErrorsOnFieldsMixin, Park
from reforms.ledgers.choices import ProposalKind, ProposalStatus, PublicityChannel

MONEY = {"max_digits": 12, "decimal_places": 2}


class LedgerEntry(ConstraintErrorsOnFieldsMixin, models.Model):
    """What every ledger row has: its park, who recorded it and when."""

    # The date field of each ledger that must not lie in the future; set by each subclass.
    happened_on_field = ""

    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True

    def clean(self):
        happened_on = getattr(self, self.happened_on_field, None)
        # Not a date when the field itself was refused; that error is reported already.
        if isinstance(happened_on, date) and happened_on > timezone.localdate():
            raise ValidationError({self.happened_on_field: _("The date cannot be in the future.")})


class CarePayment(LedgerEntry):
    """Care and subsidy money paid to workers (关爱帮扶、专项补助): how many people, how much."""

    happened_on_field = "paid_on"

    park = models.ForeignKey(
        Park, on_delete=models.PROTECT, related_name="care_payments", verbose_name=_("park")
    )
    event = models.CharField(_("event"), max_length=120)
    paid_on = models.DateField(_("paid on"), validators=PORTAL_DATE_VALIDATORS)
    recipients = models.PositiveIntegerField(_("recipients"))
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    funding_source = models.CharField(_("funding source"), max_length=100, blank=True)
    # The care activity of the grid log this money was paid at, when there was one.
    activity = models.ForeignKey(
        Activity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="care_payments",
        verbose_name=_("activity"),
    )

    constraint_fields = {"recipients_positive": "recipients", "amount_not_negative": "amount"}

    class Meta:
        verbose_name = _("care payment")
        verbose_name_plural = _("care payments")
        ordering = ["-paid_on", "-pk"]
        indexes = [
            # Ledger page and report totals by park and period.
            models.Index(fields=["park", "paid_on"], name="care_park_paid_on"),
            models.Index(fields=["paid_on"], name="care_paid_on"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipients__gte=1),
                name="care_recipients_positive",
                violation_error_code="recipients_positive",
                violation_error_message=_("At least one person is paid."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="care_amount_not_negative",
                violation_error_code="amount_not_negative",
                violation_error_message=_("The amount cannot be negative."),
            ),
        ]

    def __str__(self):
        return self.event

    def get_absolute_url(self):
        return reverse("reforms:care_payment_edit", args=[self.pk])


class Publicity(LedgerEntry):
    """An article, broadcast or post about the reform (宣传报道), by channel."""

    happened_on_field = "published_on"

    # Empty for the district office's own publicity.
    park = models.ForeignKey(
        Park,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="publicity",
        verbose_name=_("park"),
    )
    channel = models.CharField(
        pgettext_lazy("publicity", "channel"), max_length=30, choices=PublicityChannel.choices
    )
    outlet = models.CharField(_("outlet"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    published_on = models.DateField(_("published on"), validators=PORTAL_DATE_VALIDATORS)
    link = models.URLField(_("link"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("publicity")
        verbose_name_plural = _("publicity")
        ordering = ["-published_on", "-pk"]
        indexes = [
            # Ledger page and report counts by park, channel and period.
            models.Index(fields=["park", "published_on"], name="publicity_park_published"),
            models.Index(fields=["published_on", "channel"], name="publicity_published"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=PublicityChannel.values), name="publicity_channel_valid"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reforms:publicity_edit", args=[self.pk])


class Training(LedgerEntry):
    """A skills-training course (技能培训): provider, hours, trainees and certificates."""

    happened_on_field = "started_on"

    park = models.ForeignKey(
        Park, on_delete=models.PROTECT, related_name="trainings", verbose_name=_("park")
    )
    course = models.CharField(_("course"), max_length=200)
    provider = models.CharField(_("provider"), max_length=100)
    started_on = models.DateField(_("started on"), validators=PORTAL_DATE_VALIDATORS)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1)
    trainees = models.PositiveIntegerField(_("trainees"))
    certificates = models.PositiveIntegerField(
        _("certificates"), default=0, help_text=_("Trainees who earned a certificate.")
    )

    constraint_fields = {
        "hours_positive": "hours",
        "trainees_positive": "trainees",
        "certificates_within_trainees": "certificates",
    }

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-started_on", "-pk"]
        indexes = [
            # Ledger page and report totals by park and period.
            models.Index(fields=["park", "started_on"], name="training_park_started"),
            models.Index(fields=["started_on"], name="training_started"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0, hours__lte=2000),
                name="training_hours_positive",
                violation_error_code="hours_positive",
                violation_error_message=_("Hours run from 0.1 to 2,000."),
            ),
            models.CheckConstraint(
                condition=Q(trainees__gte=1),
                name="training_trainees_positive",
                violation_error_code="trainees_positive",
                violation_error_message=_("A course has at least one trainee."),
            ),
            models.CheckConstraint(
                condition=Q(certificates__lte=F("trainees")),
                name="training_certificates_within_trainees",
                violation_error_code="certificates_within_trainees",
                violation_error_message=_("More certificates than trainees."),
            ),
        ]

    def __str__(self):
        return self.course

    def get_absolute_url(self):
        return reverse("reforms:training_edit", args=[self.pk])


class Proposal(LedgerEntry):
    """A rationalisation proposal or technical innovation (合理化建议、科技创新成果) by a worker.

    Its status moves only through reforms.ledgers.services.proposal_advance.
    """

    happened_on_field = "submitted_on"

    park = models.ForeignKey(
        Park, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("park")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ProposalKind.choices)
    title = models.CharField(_("title"), max_length=200)
    submitter = models.CharField(_("submitter"), max_length=100)
    submitter_employer = models.CharField(_("submitter's employer"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    submitted_on = models.DateField(_("submitted on"), validators=PORTAL_DATE_VALIDATORS)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ProposalStatus.choices,
        default=ProposalStatus.SUBMITTED,
        editable=False,
    )
    # Set by the workflow when the status moves.
    status_changed_on = models.DateField(_("status changed on"), null=True, blank=True)
    benefit = models.CharField(
        _("benefit"), max_length=500, blank=True, help_text=_("What it brought, in words.")
    )
    benefit_amount = models.DecimalField(
        _("benefit (yuan)"), null=True, blank=True, help_text=_("Savings or added value."), **MONEY
    )
    reward_amount = models.DecimalField(_("reward (yuan)"), null=True, blank=True, **MONEY)

    constraint_fields = {"money_not_negative": "benefit_amount"}

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-submitted_on", "-pk"]
        indexes = [
            # Ledger page and report counts by park, status and period.
            models.Index(fields=["park", "submitted_on"], name="proposal_park_submitted"),
            models.Index(fields=["submitted_on", "status"], name="proposal_submitted"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ProposalKind.values), name="proposal_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ProposalStatus.values), name="proposal_status_valid"
            ),
            models.CheckConstraint(
                condition=(Q(benefit_amount__isnull=True) | Q(benefit_amount__gte=0))
                & (Q(reward_amount__isnull=True) | Q(reward_amount__gte=0)),
                name="proposal_money_not_negative",
                violation_error_code="money_not_negative",
                violation_error_message=_("Amounts cannot be negative."),
            ),
            # A reward is paid only once the proposal is rewarded.
            models.CheckConstraint(
                condition=Q(reward_amount__isnull=True) | Q(status=ProposalStatus.REWARDED),
                name="proposal_reward_when_rewarded",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reforms:proposal_edit", args=[self.pk])

    def clean(self):
        # The money constraints, checked here so each error names its field (the constraint
        # errors would name one field for both amounts, or none).
        errors = {}
        try:
            super().clean()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for name in ("benefit_amount", "reward_amount"):
            value = getattr(self, name)
            if isinstance(value, Decimal) and value < 0:
                errors[name] = ValidationError(
                    _("Amounts cannot be negative."), code="money_not_negative"
                )
        if (
            self.reward_amount is not None
            and "reward_amount" not in errors
            and self.status != ProposalStatus.REWARDED
        ):
            errors["reward_amount"] = ValidationError(
                _("A reward is recorded once the proposal is rewarded."), code="reward_too_early"
            )
        if errors:
            raise ValidationError(errors)
