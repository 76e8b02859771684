"""Mediation of labour disputes (劳动争议调解) on a grievance: the mediation and its sessions.

Models of the grievances app kept beside grievances/models.py (which imports them, so Django
registers them there) to keep that module readable.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grievances.choices import MediationOutcome
from parks.core.choice_display import ChoiceDisplayMixin
from parks.core.dates import PORTAL_DATE_MAX, PORTAL_DATE_MIN, PORTAL_DATE_VALIDATORS


class Mediation(ChoiceDisplayMixin, models.Model):
    """Mediation of a dispute (劳动争议调解): parties, mediator, sessions and the outcome.

    After MEDIATION_DAYS from the application without agreement a party may seek arbitration.
    """

    grievance = models.OneToOneField(
        "grievances.Grievance",
        on_delete=models.CASCADE,
        related_name="mediation",
        verbose_name=_("grievance"),
    )
    applied_on = models.DateField(_("applied on"), validators=PORTAL_DATE_VALIDATORS)
    parties = models.TextField(_("parties"), help_text=_("Who is in dispute, one per line."))
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="mediations",
        verbose_name=_("mediator"),
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=MediationOutcome.choices, blank=True
    )
    amount_agreed = models.DecimalField(
        _("amount agreed (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    concluded_on = models.DateField(
        _("concluded on"), null=True, blank=True, validators=PORTAL_DATE_VALIDATORS
    )

    class Meta:
        verbose_name = _("mediation")
        verbose_name_plural = _("mediations")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_agreed__isnull=True) | Q(amount_agreed__gte=0),
                name="mediation_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=(Q(outcome="") & Q(concluded_on__isnull=True))
                | (~Q(outcome="") & Q(concluded_on__isnull=False)),
                name="mediation_outcome_has_date",
            ),
            models.CheckConstraint(
                condition=Q(concluded_on__isnull=True) | Q(concluded_on__gte=F("applied_on")),
                name="mediation_concluded_after_applied",
            ),
            # The 15-day arbitration clock is computed from applied_on; bounded, it cannot overflow.
            models.CheckConstraint(
                condition=Q(applied_on__gte=PORTAL_DATE_MIN, applied_on__lte=PORTAL_DATE_MAX),
                name="mediation_applied_on_range",
            ),
        ]

    def __str__(self):
        return f"{self.grievance.tracking_code} mediation"

    def clean(self):
        # Both dates record what has happened, so neither lies ahead of today.
        today = timezone.localdate()
        errors = {}
        if self.applied_on and self.applied_on > today:
            errors["applied_on"] = _("The application date cannot be in the future.")
        if self.concluded_on and self.concluded_on > today:
            errors["concluded_on"] = _("The conclusion date cannot be in the future.")
        if errors:
            raise ValidationError(errors)


# Sessions may be entered ahead of time, as the mediator schedules them, but not beyond this.
SESSION_PLANNED_DAYS_AHEAD = 90


class MediationSession(models.Model):
    """One sitting of a mediation."""

    mediation = models.ForeignKey(
        Mediation, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("mediation")
    )
    held_at = models.DateTimeField(_("held at"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")
        ordering = ["mediation_id", "held_at"]

    def __str__(self):
        return f"{self.mediation} {self.held_at:%Y-%m-%d}"

    def clean(self):
        # A session is recorded once held or planned shortly ahead, never before the application.
        if self.held_at is None:
            return
        latest = timezone.now() + timedelta(days=SESSION_PLANNED_DAYS_AHEAD)
        held_on = timezone.localtime(self.held_at).date()
        if held_on < self.mediation.applied_on or self.held_at > latest:
            raise ValidationError(
                {
                    "held_at": _(
                        "A session is held between the application date and %(days)d days from now."
                    )
                    % {"days": SESSION_PLANNED_DAYS_AHEAD}
                }
            )
