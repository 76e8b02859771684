"""Filters of the supervision order list, shared by the page, the export and the API."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from parks import access
from parks.access import organisations_visible_to, parks_visible_to
from reforms.supervision.choices import OrderColour, OrderStatus, OrderSubject
from reforms.supervision.models import SupervisionOrder
from reforms.supervision.selectors import filter_subject, overdue_condition


class OrderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.MultipleChoiceFilter(choices=OrderStatus.choices, label=_("Status"))
    colour = django_filters.ChoiceFilter(choices=OrderColour.choices, label=_("Colour"))
    unit = django_filters.ModelChoiceFilter(
        queryset=access.for_request(organisations_visible_to), label=_("Unit")
    )
    subject = django_filters.ChoiceFilter(
        choices=OrderSubject.choices,
        method="filter_subject",
        label=pgettext_lazy("supervision order", "About"),
    )
    overdue = django_filters.ChoiceFilter(
        choices=[
            ("true", pgettext_lazy("supervision order", "Overdue")),
            ("false", _("Not overdue")),
        ],
        method="filter_overdue",
        label=pgettext_lazy("supervision order", "Overdue"),
    )
    year = django_filters.NumberFilter(field_name="year", label=_("Year"))
    # Where a related panel's count links (a park's, a grid zone's, a task's, a grievance's
    # orders); not in the filter bar. The rows are already the user's, so an id they may not
    # see matches nothing.
    # An order belongs to a park through its task or grievance: the schema cannot guess the
    # type from the model, so it is said here (a park's id).
    park = extend_schema_field(OpenApiTypes.INT)(
        django_filters.ModelChoiceFilter(
            queryset=access.for_request(parks_visible_to), method="filter_park", label=_("Park")
        )
    )
    grid_zone = django_filters.NumberFilter(field_name="grievance__grid_zone", label=_("Grid zone"))
    task = django_filters.NumberFilter(field_name="task", label=_("Reform task"))
    grievance = django_filters.NumberFilter(field_name="grievance", label=_("Grievance"))

    class Meta:
        model = SupervisionOrder
        fields = [
            "q",
            "status",
            "colour",
            "unit",
            "subject",
            "overdue",
            "year",
            "park",
            "grid_zone",
            "task",
            "grievance",
        ]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = (
            Q(requirement__icontains=value)
            | Q(task__code__icontains=value)
            | Q(task__title__icontains=value)
            | Q(grievance__title__icontains=value)
            | Q(grievance__tracking_code__iexact=value)
        )
        if value.isascii() and value.isdigit() and len(value) <= 9:  # not '²', not 10**99
            condition |= Q(number=int(value))
        return queryset.filter(condition)

    def filter_park(self, queryset, name, value):
        return queryset.filter(Q(task__park=value) | Q(grievance__park=value))

    def filter_subject(self, queryset, name, value):
        return filter_subject(queryset, value)

    def filter_overdue(self, queryset, name, value):
        condition = overdue_condition(timezone.localdate())
        if value == "true":
            return queryset.filter(condition)
        if value == "false":
            return queryset.exclude(condition)
        return queryset
