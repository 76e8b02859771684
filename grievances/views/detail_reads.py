"""What a grievance's page reads of the grievance's own rows (its mediation, timeline,
extensions, follow-up calls, attachments and the views of its personal data), each query
compiled once per process (parks.core.prepared) and run with the grievance's id.

Each `build` is the query the page ran through the grievance's related managers, written from
the related model: the same SQL (tests/grievances/test_grievance_page_kept.py compares the two
texts), with no scope in it, as before: the page has found the grievance in the user's scope
(views.common.visible_grievance) before it reads any of these. Nothing but the id varies, so
each key is a constant.
"""

from django.db.models.query import MAX_GET_RESULTS

from grievances.models import (
    Attachment,
    ExtensionRequest,
    FollowUp,
    Grievance,
    GrievanceEvent,
    Mediation,
    PersonalDataView,
)
from parks.core.prepared import prepared

RECENT_DATA_VIEWS = 10


def _mediation(pk):
    # `grievance.mediation`: the reverse one-to-one's get() on the base manager.
    return Mediation._base_manager.filter(grievance=pk)[:MAX_GET_RESULTS]


def _events(pk):
    return GrievanceEvent.objects.filter(grievance=pk).select_related("actor").order_by("at", "pk")


def _extensions(pk):
    return (
        ExtensionRequest.objects.filter(grievance=pk)
        .select_related("requested_by", "decided_by")
        .order_by("-requested_at", "-pk")
    )


def _follow_ups(pk):
    return FollowUp.objects.filter(grievance=pk).order_by("number")


def _attachments(pk):
    return Attachment.objects.filter(grievance=pk).order_by("pk")


def _data_views(pk):
    views = PersonalDataView.objects.filter(grievance=pk).select_related("viewer")
    return views.order_by("-at")[:RECENT_DATA_VIEWS]


def mediation_of(grievance: Grievance) -> Mediation | None:
    """`grievance.mediation`, or None; kept on the grievance as the descriptor keeps it."""
    descriptor = Grievance.mediation
    if descriptor.is_cached(grievance):
        return getattr(grievance, "mediation", None)
    found = list(prepared("grievance_page_mediation", _mediation, grievance.pk))
    mediation = found[0] if len(found) == 1 else None
    descriptor.related.set_cached_value(grievance, mediation)
    if mediation is not None:
        mediation.grievance = grievance
    return mediation


def events_of(grievance: Grievance) -> list[GrievanceEvent]:
    return list(prepared("grievance_page_events", _events, grievance.pk))


def extensions_of(grievance: Grievance) -> list[ExtensionRequest]:
    return list(prepared("grievance_page_extensions", _extensions, grievance.pk))


def follow_ups_of(grievance: Grievance) -> list[FollowUp]:
    return list(prepared("grievance_page_follow_ups", _follow_ups, grievance.pk))


def attachments_of(grievance: Grievance) -> list[Attachment]:
    return list(prepared("grievance_page_attachments", _attachments, grievance.pk))


def data_views_of(grievance: Grievance) -> list[PersonalDataView]:
    return list(prepared("grievance_page_data_views", _data_views, grievance.pk))
