"""Vocabularies of the assessment (考核): who is assessed, over which periods, and how."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SubjectKind(models.TextChoices):
    """Who a scheme assesses. A unit is a member unit (an Organisation); a subdistrict and a
    park are assessed on the figures of their area, as their progress reports count them."""

    UNIT = "unit", _("Member units")
    SUBDISTRICT = "subdistrict", _("Subdistricts")
    PARK = "park", _("Parks")


class AssessedPeriod(models.TextChoices):
    """The periods scores are computed for (the values are reforms.reporting PeriodKind's)."""

    # Not the reports' 月报/季报/年报: a score is for a month, a quarter or a year.
    MONTH = "month", pgettext_lazy("assessment period", "Monthly")
    QUARTER = "quarter", pgettext_lazy("assessment period", "Quarterly")
    YEAR = "year", pgettext_lazy("assessment period", "Yearly")


class SchemeStatus(models.TextChoices):
    # Being written: nothing is scored with it.
    DRAFT = "draft", _("Draft")
    # In force for its year: the worker scores every period with it.
    ACTIVE = "active", _("In force")
    # Replaced or withdrawn: its scores stay, nothing new is scored with it.
    RETIRED = "retired", _("Retired")


class NotApplicable(models.TextChoices):
    """What becomes of an indicator's weight when it does not apply to a subject in a period
    (a unit with no grievances has no response rate): never a silent zero."""

    REDISTRIBUTE = (
        "redistribute",
        _("Spread over the indicators that apply, in proportion to their weights"),
    )
    FULL_MARKS = "full_marks", _("Counted as earned in full")


class ItemKind(models.TextChoices):
    BONUS = "bonus", _("Bonus")
    DEDUCTION = "deduction", _("Deduction")


class ScoreAction(models.TextChoices):
    """The lines of a score's history."""

    COMPUTED = "computed", _("Computed")
    RECOMPUTED = "recomputed", _("Recomputed")
    ADJUSTED = "adjusted", _("Adjusted")
    ADJUSTMENT_WITHDRAWN = "adjustment_withdrawn", _("Adjustment withdrawn")
    PUBLISHED = "published", _("Published")
