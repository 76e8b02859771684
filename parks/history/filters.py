"""Filters for the audit log (page and API): person, object type, action and dates."""

from datetime import timedelta

import django_filters
from django.contrib.contenttypes.models import ContentType
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parks.core.dates import PORTAL_DATE_VALIDATORS, local_day_start
from parks.history.audit import AUDITED_MODELS
from parks.history.choices import AuditAction
from parks.history.models import AuditEvent
from parks.structure.models import User


def audited_type_choices():
    """The record types the audit log keeps, as "app.model" with their names."""
    return sorted(
        ((model._meta.label_lower, capfirst(model._meta.verbose_name)) for model in AUDITED_MODELS),
        key=lambda choice: str(choice[1]),
    )


class AuditEventFilter(django_filters.FilterSet):
    """The office's audit page and /api/v1/audit/: by person, record type, record and period."""

    actor = django_filters.ModelChoiceFilter(
        queryset=User.objects.order_by("username"), label=_("Who")
    )
    object_type = django_filters.ChoiceFilter(method="filter_type", label=_("Record type"))
    object_id = django_filters.NumberFilter(label=_("Record id"), min_value=1, max_value=2**63 - 1)
    action = django_filters.ChoiceFilter(choices=AuditAction.choices, label=_("Action"))
    date_from = django_filters.DateFilter(
        method="filter_from", label=_("From"), validators=PORTAL_DATE_VALIDATORS
    )
    date_to = django_filters.DateFilter(
        method="filter_to", label=pgettext_lazy("period", "to"), validators=PORTAL_DATE_VALIDATORS
    )

    class Meta:
        model = AuditEvent
        fields = ["actor", "object_type", "object_id", "action"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The apps register their models when they are ready, after this module is imported.
        self.filters["object_type"].extra["choices"] = audited_type_choices()

    def filter_type(self, queryset, name, value: str):
        # Django caches content types: the id costs no query once known (index audit_by_type).
        content_type = ContentType.objects.get_by_natural_key(*value.split(".", 1))
        return queryset.filter(content_type=content_type)

    def filter_from(self, queryset, name, value):
        return queryset.filter(at__gte=local_day_start(value))

    def filter_to(self, queryset, name, value):
        return queryset.filter(at__lt=local_day_start(value + timedelta(days=1)))
