"""Filters of the supervision order list, shared by the page, the export and the API."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parks import access
from parks.access import organisations_visible_to
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

    class Meta:
        model = SupervisionOrder
        fields = ["q", "status", "colour", "unit", "subject", "overdue", "year"]

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
        if value.isdigit():
            condition |= Q(number=int(value))
        return queryset.filter(condition)

    def filter_subject(self, queryset, name, value):
        return filter_subject(queryset, value)

    def filter_overdue(self, queryset, name, value):
        condition = overdue_condition(timezone.localdate())
        if value == "true":
            return queryset.filter(condition)
        if value == "false":
            return queryset.exclude(condition)
        return queryset
