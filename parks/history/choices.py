"""What an audit event records: a create, a change or a delete."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    """What a write did to a record, as the audit log (parks.history.models.AuditEvent) keeps it."""

    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
