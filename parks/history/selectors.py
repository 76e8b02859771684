"""Reads of the audit log: the office's list and each record's latest changes.

Who sees what is parks.access; the `*_visible_to` and `user_can_*` names below are that
module's answers, kept here because many pages, views and tests read them from here.
"""

from django.db.models import Model, Q, QuerySet

from parks.access import activities_visible_to as activities_visible_to
from parks.access import activity_edit_deadline as activity_edit_deadline
from parks.access import facilities_visible_to as facilities_visible_to
from parks.access import grid_zones_user_can_log as grid_zones_user_can_log
from parks.access import grid_zones_visible_to as grid_zones_visible_to
from parks.access import liaisons_visible_to as liaisons_visible_to
from parks.access import organisations_visible_to as organisations_visible_to
from parks.access import parks_user_can_log_park_wide as parks_user_can_log_park_wide
from parks.access import parks_visible_to as parks_visible_to
from parks.access import subdistricts_visible_to as subdistricts_visible_to
from parks.core.prepared import prepared
from parks.history.models import AuditEvent

# --- The audit log ----------------------------------------------------------------------------

# An object page shows this many of its latest changes; the office's audit page has them all.
HISTORY_LIMIT = 20


def audit_events() -> QuerySet[AuditEvent]:
    """The audit log, newest first, with what every row of a page shows (no query per row)."""
    return AuditEvent.objects.select_related("actor", "content_type").order_by("-at", "-pk")


def _of_type(model: type[Model]) -> Q:
    # Joined rather than looked up, so a page costs the same queries with a cold or warm
    # content-type cache.
    return Q(
        content_type__app_label=model._meta.app_label, content_type__model=model._meta.model_name
    )


def type_history(model: type[Model], *, limit: int = HISTORY_LIMIT) -> list[AuditEvent]:
    """The latest writes to any record of one kind, for a page that lists them all (the time
    limits, the report schedules); index audit_by_type."""
    return list(audit_events().filter(_of_type(model))[:limit])


def object_history(instance: Model, *, limit: int = HISTORY_LIMIT) -> list[AuditEvent]:
    """The latest writes to one record, for its page's history panel (index
    audit_object_history). Whoever sees the page sees its history: masked fields stay masked.

    Its query is compiled once per kind of record (parks.core.prepared: the key holds what the
    SQL depends on besides the record's id, its model and the limit; nothing of it depends on
    the user)."""
    model = type(instance)

    def build(pk: int) -> QuerySet[AuditEvent]:
        return audit_events().filter(_of_type(model), object_id=pk)[:limit]

    if type(instance.pk) is not int:  # an id the stand-ins do not take: the plain query
        return list(build(instance.pk))
    return list(prepared(("object_history", model._meta.label_lower, limit), build, instance.pk))
