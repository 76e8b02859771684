"""Filters for grievances and survey campaigns, shared by the API and the pages.

Choices that name other rows (parks, grid zones, units) offer only what the requesting user may
see, so a filter never confirms that a hidden row exists; without a request they offer nothing.
The search never looks at the complainant's name, phone or employer: a search box must not
become a way round the masking of personal data.
"""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_filters.constants import EMPTY_VALUES

from grievances.choices import Category, Channel, Satisfaction, Status
from grievances.models import Grievance, SurveyCampaign
from grievances.selectors import with_deadline_flags
from parks import access
from parks.access import grid_zones_visible_to, organisations_visible_to, parks_visible_to
from parks.access.lists import ScopedFieldsFilterSet
from parks.core.dates import day_range

# The values of selectors.with_deadline_flags' `deadline_flag` annotation.
DEADLINE_FLAGS = [
    ("breached", _("Time limit breached")),
    ("due_soon", _("Due soon")),
    ("ok", pgettext_lazy("time limit", "On time")),
    ("done", _("Done")),
]


class LocalDayFilter(django_filters.DateFilter):
    """A day of a timestamp, in the portal's time zone, both bounds inclusive like a `__date`
    lookup, compared as instants (parks.core.dates.day_range) so an index on the column
    serves it: on or after a day is from its 00:00, on or before it is before the next 00:00."""

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        first, after = day_range(value, value)
        if self.lookup_expr == "gte":
            return qs.filter(**{f"{self.field_name}__gte": first})
        return qs.filter(**{f"{self.field_name}__lt": after})


class GrievanceFilter(ScopedFieldsFilterSet):
    """The inbox's filters. `flag` uses the SQL annotation of selectors.with_deadline_flags,
    added here when the queryset does not carry it yet."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    park = django_filters.ModelChoiceFilter(
        queryset=access.for_request(parks_visible_to), label=_("Park")
    )
    grid_zone = django_filters.ModelChoiceFilter(
        queryset=access.for_request(grid_zones_visible_to), label=_("Grid zone")
    )
    handling_unit = django_filters.ModelChoiceFilter(
        queryset=access.for_request(organisations_visible_to), label=_("Handling unit")
    )
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Channel"))
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("Category"))
    # No DISTINCT (django-filter's default for a multiple choice): a column of the row itself
    # cannot repeat a row, and DISTINCT made each workbench queue sort its whole scope.
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, label=_("Status"), distinct=False
    )
    flag = django_filters.ChoiceFilter(
        choices=DEADLINE_FLAGS, method="filter_flag", label=_("Time limit")
    )
    received_after = LocalDayFilter(
        field_name="received_at", lookup_expr="gte", label=_("Received on or after")
    )
    received_before = LocalDayFilter(
        field_name="received_at", lookup_expr="lte", label=_("Received on or before")
    )
    satisfaction = django_filters.ChoiceFilter(
        choices=Satisfaction.choices, label=_("Satisfaction")
    )
    rectified = django_filters.BooleanFilter(label=_("Rectified"))

    class Meta:
        model = Grievance
        fields = [
            "q",
            "park",
            "grid_zone",
            "handling_unit",
            "channel",
            "category",
            "status",
            "flag",
            "received_after",
            "received_before",
            "satisfaction",
            "rectified",
        ]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(description__icontains=value)
            | Q(tracking_code__icontains=value)
        )

    def filter_flag(self, queryset, name, value):
        if "deadline_flag" not in queryset.query.annotations:
            queryset = with_deadline_flags(queryset)
        return queryset.filter(deadline_flag=value)


class SurveyFilter(django_filters.FilterSet):
    park = django_filters.ModelChoiceFilter(
        queryset=access.for_request(parks_visible_to), label=_("Park")
    )
    held_after = django_filters.DateFilter(
        field_name="held_on", lookup_expr="gte", label=_("Held on or after")
    )
    held_before = django_filters.DateFilter(
        field_name="held_on", lookup_expr="lte", label=_("Held on or before")
    )

    class Meta:
        model = SurveyCampaign
        fields = ["park", "held_after", "held_before"]
