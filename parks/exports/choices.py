"""An export's status: queued until a worker takes it, running while it writes, then done (its
file on disk) or failed (its reason)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ExportStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("export", "Queued")
    RUNNING = "running", pgettext_lazy("export", "Being written")
    DONE = "done", pgettext_lazy("export", "Ready")
    FAILED = "failed", _("Failed")


UNFINISHED = (ExportStatus.QUEUED, ExportStatus.RUNNING)
