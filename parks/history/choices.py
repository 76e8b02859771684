"""What an audit event records: a create, a change or a delete."""

from django.db import models
from django.utils.translation import pgettext_lazy


class AuditAction(models.TextChoices):
    """What a write did to a record, as the audit log (parks.history.models.AuditEvent) keeps it."""

    # A context of their own: "Created" is also the token list's column (创建时间), not 已创建.
    CREATE = "create", pgettext_lazy("audit action", "Created")
    UPDATE = "update", pgettext_lazy("audit action", "Changed")
    DELETE = "delete", pgettext_lazy("audit action", "Deleted")
