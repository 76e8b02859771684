"""The deadline that runs now, as one SQL expression: the annotation the inbox sorts by and the
expression its indexes are built on (grievances.models, Grievance.Meta.indexes)."""

from django.db.models import Case, DateTimeField, F, Index, Value, When

from grievances.choices import AWAITING_RESPONSE, FINAL_STATUSES


def next_due_at() -> Case:
    """The limit that runs now: the response limit until the unit accepts, then the resolution
    limit until the reply; none (NULL) once replied or closed. The inbox and the workbench sort
    by it (grievances.selectors.with_next_deadline) and the index grievance_next_deadline is
    built on this very expression, so the two must stay one definition: PostgreSQL uses an
    expression index only for a query that spells the expression the same way."""
    return Case(
        When(status__in=FINAL_STATUSES, then=Value(None)),
        When(responded_at__isnull=True, status__in=AWAITING_RESPONSE, then=F("response_due_at")),
        When(resolved_at__isnull=True, then=F("resolution_due_at")),
        default=Value(None),
        output_field=DateTimeField(),
    )


def in_deadline_order(*leading: F, name: str) -> Index:
    """An index of grievances in the inbox's default order (selectors.NEXT_DEADLINE_ORDER:
    next_due_at, resolution_due_at, pk), after the `leading` columns it is filtered by."""
    return Index(*leading, next_due_at(), F("resolution_due_at"), F("id"), name=name)
