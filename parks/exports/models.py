"""An export asked for by one person: the list it is of (its kind) and that list's filters,
written to a file by the worker (parks.exports.services) and fetched by that person only."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parks.exports.choices import ExportStatus


class Export(models.Model):
    """One workbook of a list's rows, written by the worker from the list's saved filters."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="exports",
        verbose_name=_("requested by"),
    )
    # A key of parks.exports.registry: "grievances", "tasks", "activities", "ledger-care"…
    kind = models.CharField(_("kind"), max_length=40)
    # The list's query string as {name: [value, …]}: the worker rebuilds the list from it, as
    # the requesting user, so scope and masking are those of the person who asked.
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    # Null until the worker has counted the rows.
    rows_total = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    # The file's name under settings.EXPORTS_ROOT (never under MEDIA_ROOT, which nothing serves
    # either): only the download view reads it, for the requester.
    file = models.CharField(_("file"), max_length=200, blank=True, editable=False)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The daily sweep deletes the file and the row after this (EXPORTS_KEEP_DAYS).
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    # A worker holds the export until then; past it the build is taken as lost and re-queued.
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True, editable=False)
    # The Celery task id of the build holding the lease: its redelivery may take it over.
    build_token = models.CharField(_("build token"), max_length=64, blank=True, editable=False)
    build_attempts = models.PositiveSmallIntegerField(
        _("build attempts"), default=0, editable=False
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # "My exports": one person's, newest first.
            models.Index(fields=["requested_by", "-created_at"], name="export_mine"),
            # The sweep: queued or running exports whose lease or patience has run out.
            models.Index(fields=["status", "lease_until"], name="export_status_lease"),
            # The daily expiry: finished exports past their date.
            models.Index(fields=["expires_at"], name="export_expires"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ExportStatus.values), name="export_status_valid"
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="export_progress_range"),
            models.CheckConstraint(
                condition=Q(rows_total__isnull=True) | Q(rows_done__lte=F("rows_total")),
                name="export_rows_done_within_total",
            ),
            # A finished export names its file and when it finished; a failed one says why.
            models.CheckConstraint(
                condition=~Q(status=ExportStatus.DONE)
                | (~Q(file="") & Q(finished_at__isnull=False) & Q(expires_at__isnull=False)),
                name="export_done_has_file",
            ),
            models.CheckConstraint(
                condition=~Q(status=ExportStatus.FAILED) | ~Q(error=""),
                name="export_failed_has_error",
            ),
        ]

    def __str__(self):
        return f"{self.kind} #{self.pk}"

    def get_absolute_url(self):
        return reverse("parks:export_detail", args=[self.pk])

    @property
    def download_url(self) -> str | None:
        if self.status != ExportStatus.DONE:
            return None
        return reverse("parks:export_download", args=[self.pk])
