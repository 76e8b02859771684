"""Progress reports (进展报告): one per scope and period, built by a Celery job from a snapshot
of the tasks, grievances, grid log and ledgers, kept as JSON, as an Excel workbook and as a
Word briefing (情况通报)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from parks.core.dates import PORTAL_DATE_VALIDATORS
from parks.core.row_urls import pk_url
from parks.structure.models import Park, Subdistrict
from reforms.reporting.choices import PeriodKind, ReportScope, ReportStatus


def report_file_path(report, filename):
    return f"reports/{report.period_start:%Y}/{report.pk}-v{report.version}.xlsx"


def report_version_file_path(version, filename):
    return f"reports/{version.report.period_start:%Y}/{version.report_id}-v{version.version}.xlsx"


# The briefing sits beside its workbook, under the same name (the file sweep reads both).
def report_briefing_path(report, filename):
    return f"reports/{report.period_start:%Y}/{report.pk}-v{report.version}.docx"


def report_version_briefing_path(version, filename):
    return f"reports/{version.report.period_start:%Y}/{version.report_id}-v{version.version}.docx"


class Report(models.Model):
    """A progress report for the district, a subdistrict or a park over one period.

    One per scope and period (scope_key + period): asking again returns the same report;
    regenerating it moves the current snapshot into ReportVersion and builds version + 1.
    """

    scope = models.CharField(_("scope"), max_length=20, choices=ReportScope.choices)
    subdistrict = models.ForeignKey(
        Subdistrict,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("subdistrict"),
    )
    park = models.ForeignKey(
        Park,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("park"),
    )
    # "district", "subdistrict:<id>" or "park:<id>": one column the unique constraint can use,
    # where NULLs in subdistrict/park would each count as different.
    scope_key = models.CharField(_("scope key"), max_length=40, editable=False)
    period_kind = models.CharField(_("period"), max_length=10, choices=PeriodKind.choices)
    period_start = models.DateField(_("period start"), validators=PORTAL_DATE_VALIDATORS)
    period_end = models.DateField(_("period end"), validators=PORTAL_DATE_VALIDATORS)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    failure_reason = models.TextField(_("failure reason"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    # The figures, in the documented schema (reforms.reports.SCHEMA_VERSION).
    snapshot = models.JSONField(_("snapshot"), null=True, blank=True)
    excel = models.FileField(
        _("Excel workbook"), upload_to=report_file_path, max_length=200, blank=True
    )
    # Written in the language of the build; empty for a report built before briefings were.
    briefing = models.FileField(
        _("Word briefing"), upload_to=report_briefing_path, max_length=200, blank=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The moment the current build read the data (its snapshot's `generated_at`): the figures
    # hold every write made before it, and a write in the report's scope after it makes the
    # report out of date (reforms.reporting.freshness). Null until a build has read the data.
    as_of = models.DateTimeField(_("data as of"), null=True, blank=True)
    # A worker holds the report until then; past it, the build is taken as lost and re-queued.
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    # Which build holds the lease: the Celery task id, which a redelivered or retried message
    # keeps, so that message may take its own lease over instead of waiting for it to run out.
    build_token = models.CharField(_("build token"), max_length=64, blank=True, editable=False)
    # Builds of this version that took the report: one whose worker dies each time (out of
    # memory, past the time limit) is given up after MAX_BUILD_ATTEMPTS instead of re-sent forever.
    build_attempts = models.PositiveSmallIntegerField(
        _("build attempts"), default=0, editable=False
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-period_start", "scope", "scope_key"]
        indexes = [
            # REST clients' incremental pulls: reports finished after their last pull.
            models.Index(fields=["finished_at"], name="report_finished_at"),
            # The list page and the API filtered by period kind, newest period first.
            models.Index(fields=["period_kind", "-period_start"], name="report_kind_start"),
            # The sweeper: queued or running reports whose lease has run out.
            models.Index(fields=["status", "lease_until"], name="report_status_lease"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["scope_key", "period_kind", "period_start", "period_end"],
                name="report_one_per_scope_and_period",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="report_period_ordered"
            ),
            models.CheckConstraint(
                condition=(
                    Q(scope=ReportScope.DISTRICT, subdistrict__isnull=True, park__isnull=True)
                    | Q(scope=ReportScope.SUBDISTRICT, subdistrict__isnull=False, park__isnull=True)
                    | Q(scope=ReportScope.PARK, subdistrict__isnull=True, park__isnull=False)
                ),
                name="report_scope_matches_target",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="report_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(period_kind__in=PeriodKind.values), name="report_period_kind_valid"
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_progress_range"),
        ]

    def __str__(self):
        return f"{self.scope_label} {self.period_start}–{self.period_end}"

    def save(self, *args, **kwargs):
        self.scope_key = scope_key_for(self.scope, self.subdistrict_id, self.park_id)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return pk_url("reforms:report_detail", self.pk)

    @property
    def scope_label(self):
        if self.scope == ReportScope.PARK and self.park_id:
            return self.park.name
        if self.scope == ReportScope.SUBDISTRICT and self.subdistrict_id:
            return self.subdistrict.name
        return settings.PORTAL_DISTRICT_NAME


def scope_key_for(scope, subdistrict_id=None, park_id=None) -> str:
    if scope == ReportScope.PARK:
        return f"park:{park_id}"
    if scope == ReportScope.SUBDISTRICT:
        return f"subdistrict:{subdistrict_id}"
    return "district"


class ReportVersion(models.Model):
    """An earlier build of a report, kept when the report is regenerated."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="versions", verbose_name=_("report")
    )
    version = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("snapshot"))
    excel = models.FileField(
        _("Excel workbook"), upload_to=report_version_file_path, max_length=200, blank=True
    )
    briefing = models.FileField(
        _("Word briefing"), upload_to=report_version_briefing_path, max_length=200, blank=True
    )
    finished_at = models.DateTimeField(_("finished at"))

    class Meta:
        verbose_name = _("earlier report version")
        verbose_name_plural = _("earlier report versions")
        ordering = ["report_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["report", "version"], name="report_version_unique")
        ]

    def __str__(self):
        return f"{self.report} v{self.version}"
