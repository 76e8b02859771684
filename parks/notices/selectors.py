"""Reads the notices' pages share."""

from django.db.models import Case, IntegerField, QuerySet, Value, When

from parks.notices.choices import DeliveryStatus
from parks.notices.models import Delivery


def deliveries_for_office() -> QuerySet[Delivery]:
    """Every delivery, failed ones first, then the newest (one query, no joins)."""
    return Delivery.objects.annotate(
        failed_first=Case(
            When(status=DeliveryStatus.FAILED, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("failed_first", "-created_at", "-pk")
