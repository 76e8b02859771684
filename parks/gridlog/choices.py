"""The kinds of grid-log activity, stored as text so rows read well in SQL and exports."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityKind(models.TextChoices):
    """What a liaison logs in a grid zone; the kinds the source document counts."""

    VISIT = "visit", _("Patrol / visit")
    LECTURE = "lecture", _("Theme lecture")
    TRAINING = "training", _("Training")
    CARE = "care", _("Care activity")
    MEDIATION = "mediation", _("Mediation")
    FORUM = "forum", _("Workers' forum")
    READING = "reading", _("Reading activity")
    SURVEY = "survey", _("Survey distribution")
    PARTY_POST = "party_post", _("Party-member model post")
    OTHER = "other", _("Other")
