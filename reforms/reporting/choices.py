"""Vocabularies of progress reports: scopes, period kinds and build statuses."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# --- Progress reports (进展报告) ------------------------------------------------------------


class ReportScope(models.TextChoices):
    DISTRICT = "district", _("District")
    SUBDISTRICT = "subdistrict", _("Subdistrict")
    PARK = "park", _("Park")


class PeriodKind(models.TextChoices):
    WEEK = "week", _("Weekly")
    MONTH = "month", _("Monthly")
    QUARTER = "quarter", _("Quarterly")
    YEAR = "year", _("Yearly")
    CUSTOM = "custom", _("Custom period")


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
