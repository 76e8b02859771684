"""The assessment's records: a scheme (考核方案) of weighted indicators and bonus and deduction
items for one year and one kind of subject; a subject's score for a period, stored once, with
the inputs and the scheme's rules it was computed with beside it; the office's adjustments with
their reasons; and each score's history.

The indicators themselves (what each one counts) are not stored: reforms.assessment.indicators
names them and reads each figure from the module that defines it for the reports."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parks.structure.models import Organisation, Park, Subdistrict
from reforms.assessment.choices import (
    AssessedPeriod,
    ItemKind,
    NotApplicable,
    SchemeStatus,
    ScoreAction,
    SubjectKind,
)

POINTS = {"max_digits": 7, "decimal_places": 2}
ZERO = Decimal("0")


def _values(choices):
    return [value for value, _label in choices.choices]


class Scheme(models.Model):
    """An assessment scheme (考核方案): for one year and one kind of subject, which indicators
    count with what weight, which bonus and deduction items may be applied, and their caps.

    Scores keep the rules they were computed with (Score.rules), so editing a scheme in force
    changes no score already computed: its `version` goes up, and only an explicit, recorded
    recomputation applies the new rules to a period already scored."""

    year = models.PositiveSmallIntegerField(_("year"))
    subject_kind = models.CharField(_("assessed"), max_length=20, choices=SubjectKind.choices)
    name = models.CharField(_("name"), max_length=100)
    # The indicators' weights must add up to this (weights are points out of it).
    total_weight = models.DecimalField(
        _("total weight"),
        **POINTS,
        default=Decimal("100"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    not_applicable = models.CharField(
        _("when an indicator does not apply"),
        max_length=20,
        choices=NotApplicable.choices,
        default=NotApplicable.REDISTRIBUTE,
    )
    # The most the bonus items (and the deduction items) may add (take) in one period.
    bonus_cap = models.DecimalField(_("bonus cap"), **POINTS, default=Decimal("5"))
    deduction_cap = models.DecimalField(_("deduction cap"), **POINTS, default=Decimal("10"))
    # How many subjects the 红榜 (best) and the 黑榜 (worst) name each period.
    red_list_size = models.PositiveSmallIntegerField(_("red list size"), default=3)
    black_list_size = models.PositiveSmallIntegerField(_("black list size"), default=3)
    status = models.CharField(
        _("status"), max_length=20, choices=SchemeStatus.choices, default=SchemeStatus.DRAFT
    )
    # Bumped by every change to the rules of a scheme in force (reforms.assessment.services).
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        ordering = ["-year", "subject_kind", "pk"]
        constraints = [
            # One scheme in force per year and kind of subject: the worker knows which to use.
            models.UniqueConstraint(
                fields=["year", "subject_kind"],
                condition=Q(status=SchemeStatus.ACTIVE),
                name="scheme_one_active_per_year_kind",
                violation_error_message=_(
                    "Another scheme for this year and these subjects is already in force."
                ),
            ),
            models.CheckConstraint(
                condition=Q(subject_kind__in=_values(SubjectKind)), name="scheme_subject_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=_values(SchemeStatus)), name="scheme_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(not_applicable__in=_values(NotApplicable)),
                name="scheme_not_applicable_valid",
            ),
            models.CheckConstraint(condition=Q(name__regex=r"\S"), name="scheme_name_not_blank"),
            models.CheckConstraint(
                condition=Q(total_weight__gt=0), name="scheme_total_weight_positive"
            ),
            models.CheckConstraint(
                condition=Q(bonus_cap__gte=0, deduction_cap__gte=0), name="scheme_caps_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="scheme_year_plausible"
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.name}"

    def get_absolute_url(self):
        return reverse("reforms:assessment_scheme_detail", args=[self.pk])


class SchemeIndicator(models.Model):
    """One indicator of a scheme and its weight. The points earned are the weight times how far
    the value lies from `zero_at` (no points) towards `full_at` (the whole weight), clamped to
    [0, 1]; for an indicator where lower is better (the return rate) `full_at` is below
    `zero_at`."""

    scheme = models.ForeignKey(
        Scheme, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("scheme")
    )
    # A key of reforms.assessment.indicators.INDICATORS.
    indicator = models.CharField(_("indicator"), max_length=40)
    weight = models.DecimalField(_("weight"), **POINTS)
    full_at = models.DecimalField(_("full marks at (%)"), max_digits=6, decimal_places=2)
    zero_at = models.DecimalField(_("no points at (%)"), max_digits=6, decimal_places=2)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("scheme indicator")
        verbose_name_plural = _("scheme indicators")
        ordering = ["scheme_id", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "indicator"],
                name="scheme_indicator_once",
                violation_error_message=_("This indicator is already in the scheme."),
            ),
            models.CheckConstraint(condition=Q(weight__gt=0), name="scheme_indicator_weight"),
            models.CheckConstraint(
                condition=~Q(full_at=F("zero_at")), name="scheme_indicator_range"
            ),
            models.CheckConstraint(
                condition=Q(full_at__gte=0, full_at__lte=100, zero_at__gte=0, zero_at__lte=100),
                name="scheme_indicator_percent",
            ),
        ]

    def __str__(self):
        return f"{self.scheme} · {self.indicator}"


class SchemeItem(models.Model):
    """A bonus (加分) or deduction (扣分) item the office may apply to a score, with the points
    each application adds or takes: "+2 for a model case published", "−5 for a complaint
    escalated"."""

    scheme = models.ForeignKey(
        Scheme, on_delete=models.CASCADE, related_name="items", verbose_name=_("scheme")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices)
    name = models.CharField(_("name"), max_length=100)
    # Always positive: the kind says whether it is added or taken.
    points = models.DecimalField(_("points"), **POINTS)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("bonus or deduction item")
        verbose_name_plural = _("bonus and deduction items")
        ordering = ["scheme_id", "kind", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(points__gt=0), name="scheme_item_points"),
            models.CheckConstraint(
                condition=Q(kind__in=_values(ItemKind)), name="scheme_item_kind_valid"
            ),
            models.CheckConstraint(condition=Q(name__regex=r"\S"), name="scheme_item_name"),
        ]

    def __str__(self):
        return self.name

    @property
    def signed_points(self) -> Decimal:
        return self.points if self.kind == ItemKind.BONUS else -self.points


class Score(models.Model):
    """A subject's score under a scheme for one period, stored once.

    `inputs` explains it: one row per indicator of `rules` with the value and the counts it
    was worked out from, whether it applied, the weight after any redistribution, and the
    points. `rules` is the scheme as it was when computed (indicators, weights, ranges, caps,
    version), so a score reads the same after the scheme changes. `total` = `base` +
    `adjustment`; `rank` is among the scheme's subjects in the same period (1 = best; equal
    totals share a rank)."""

    scheme = models.ForeignKey(
        Scheme, on_delete=models.PROTECT, related_name="scores", verbose_name=_("scheme")
    )
    subject_kind = models.CharField(_("assessed"), max_length=20, choices=SubjectKind.choices)
    unit = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessment_scores",
        verbose_name=_("unit"),
    )
    subdistrict = models.ForeignKey(
        Subdistrict,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessment_scores",
        verbose_name=_("subdistrict"),
    )
    park = models.ForeignKey(
        Park,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessment_scores",
        verbose_name=_("park"),
    )
    period_kind = models.CharField(_("period"), max_length=10, choices=AssessedPeriod.choices)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    base = models.DecimalField(_("indicator points"), **POINTS)
    adjustment = models.DecimalField(_("bonus and deductions"), **POINTS, default=ZERO)
    total = models.DecimalField(_("score"), **POINTS)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    inputs = models.JSONField(_("inputs"), default=list)
    rules = models.JSONField(_("rules"), default=dict)
    scheme_version = models.PositiveIntegerField(_("scheme version"))
    computed_at = models.DateTimeField(_("computed at"))
    # Unpublished scores are the office's draft: the assessed see only published ones.
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("assessment score")
        verbose_name_plural = _("assessment scores")
        ordering = ["scheme_id", "period_kind", "-period_start", "rank", "pk"]
        indexes = [
            # The ranking page and GET /api/v1/assessment/rankings/: a scheme's period, by rank.
            models.Index(
                fields=["scheme", "period_kind", "period_start", "rank"], name="score_ranking"
            ),
        ]
        constraints = [
            # Stored once per scheme, subject and period (one constraint per kind of subject:
            # the other two subject columns are NULL, and NULLs are never equal in a key).
            models.UniqueConstraint(
                fields=["scheme", "unit", "period_kind", "period_start"],
                condition=Q(unit__isnull=False),
                name="score_once_per_unit_period",
            ),
            models.UniqueConstraint(
                fields=["scheme", "subdistrict", "period_kind", "period_start"],
                condition=Q(subdistrict__isnull=False),
                name="score_once_per_subdistrict_period",
            ),
            models.UniqueConstraint(
                fields=["scheme", "park", "period_kind", "period_start"],
                condition=Q(park__isnull=False),
                name="score_once_per_park_period",
            ),
            # Exactly the subject its kind names.
            models.CheckConstraint(
                condition=Q(
                    subject_kind=SubjectKind.UNIT,
                    unit__isnull=False,
                    subdistrict__isnull=True,
                    park__isnull=True,
                )
                | Q(
                    subject_kind=SubjectKind.SUBDISTRICT,
                    unit__isnull=True,
                    subdistrict__isnull=False,
                    park__isnull=True,
                )
                | Q(
                    subject_kind=SubjectKind.PARK,
                    unit__isnull=True,
                    subdistrict__isnull=True,
                    park__isnull=False,
                ),
                name="score_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(period_kind__in=_values(AssessedPeriod)), name="score_period_valid"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="score_period_order"
            ),
            models.CheckConstraint(
                condition=Q(total=F("base") + F("adjustment")), name="score_total_adds_up"
            ),
        ]

    def __str__(self):
        return f"{self.subject} {self.period_start:%Y-%m}: {self.total}"

    def get_absolute_url(self):
        return reverse("reforms:assessment_score_detail", args=[self.pk])

    @property
    def subject(self):
        return self.unit or self.subdistrict or self.park

    @property
    def subject_id(self) -> int | None:
        return self.unit_id or self.subdistrict_id or self.park_id

    def audit_place(self) -> tuple[int | None, int | None]:
        """Where the audit log places the score's writes: its park, or its subdistrict."""
        return self.park_id, self.subdistrict_id


class ScoreAdjustment(models.Model):
    """A bonus or deduction the office applied to a score, with its reason: one of the scheme's
    items (points from the item) or, with no item, a correction of its own. Withdrawn rather
    than deleted, so the history keeps it."""

    score = models.ForeignKey(
        Score, on_delete=models.CASCADE, related_name="adjustments", verbose_name=_("score")
    )
    item = models.ForeignKey(
        SchemeItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("item"),
    )
    # Signed: + adds to the score, − takes from it.
    points = models.DecimalField(_("points"), **POINTS)
    reason = models.TextField(_("reason"))
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    made_at = models.DateTimeField(_("time"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )

    class Meta:
        verbose_name = _("score adjustment")
        verbose_name_plural = _("score adjustments")
        ordering = ["score_id", "made_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(points=0), name="adjustment_points_not_zero"),
            models.CheckConstraint(
                condition=Q(reason__regex=r"\S"), name="adjustment_reason_not_blank"
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True, withdrawn_by__isnull=True)
                | Q(withdrawn_at__isnull=False, withdrawn_by__isnull=False),
                name="adjustment_withdrawal_complete",
            ),
        ]

    def __str__(self):
        return f"{self.points:+} {self.reason[:30]}"


class ScoreEvent(models.Model):
    """One line of a score's history: computed, recomputed (with the scheme version and why),
    adjusted, an adjustment withdrawn, published; the total before and after."""

    score = models.ForeignKey(
        Score, on_delete=models.CASCADE, related_name="events", verbose_name=_("score")
    )
    action = models.CharField(_("action"), max_length=30, choices=ScoreAction.choices)
    # None: the worker, on its schedule.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)
    total_before = models.DecimalField(_("score before"), **POINTS, null=True, blank=True)
    total_after = models.DecimalField(_("score after"), **POINTS)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("score event")
        verbose_name_plural = _("score events")
        ordering = ["score_id", "at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=_values(ScoreAction)), name="score_event_action_valid"
            ),
        ]

    def __str__(self):
        return f"{self.score_id}: {self.action}"
