"""Filters for the grid log's feed and calendar (API and pages)."""

from datetime import timedelta

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parks import access
from parks.access import grid_zones_visible_to, loggers_visible_to
from parks.access.lists import ScopedFieldsFilterSet
from parks.core.dates import PORTAL_DATE_VALIDATORS, local_day_start
from parks.core.recent import Recent
from parks.gridlog.choices import ActivityKind
from parks.gridlog.models import Activity
from parks.structure.models import (
    GridZone,
    Subdistrict,
    User,
)


def _visible_zones(request):
    if request is None:
        return GridZone.objects.none()
    return grid_zones_visible_to(request.user).select_related("park")


# access.scope_key -> loggers_visible_to of a user of that scope, as built: equal keys get the
# same conditions (parks.access.scope_key), and building them (the scope's parks, or the office)
# cost more CPU than the feed's other filters together. Each form is handed a copy (`.all()`):
# the kept queryset is never evaluated, so it holds no rows, only its conditions.
_LOGGERS = Recent(64)


def _visible_loggers(request):
    # People who may log entries in the parks the user sees: liaisons and park managers there,
    # and the office.
    if request is None:
        return User.objects.none()
    user = request.user
    return _LOGGERS.kept(access.scope_key(user), lambda: loggers_visible_to(user)).all()


class ActivityFilter(ScopedFieldsFilterSet):
    """The office feed and /api/v1/activities/: park, zone, kind, period, liaison, search."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    park = django_filters.ModelChoiceFilter(
        queryset=access.for_request(access.parks_visible_to), label=_("Park")
    )
    subdistrict = django_filters.ModelChoiceFilter(
        field_name="park__subdistrict", queryset=Subdistrict.objects.all(), label=_("Subdistrict")
    )
    grid_zone = django_filters.ModelChoiceFilter(queryset=_visible_zones, label=_("Grid zone"))
    park_wide = django_filters.BooleanFilter(
        field_name="grid_zone", lookup_expr="isnull", label=_("Park-wide")
    )
    kind = django_filters.MultipleChoiceFilter(choices=ActivityKind.choices, label=_("Kind"))
    date_from = django_filters.DateFilter(
        field_name="occurred_at",
        method="filter_from",
        label=_("From"),
        validators=PORTAL_DATE_VALIDATORS,
    )
    date_to = django_filters.DateFilter(
        field_name="occurred_at",
        method="filter_to",
        label=pgettext_lazy("period", "to"),
        validators=PORTAL_DATE_VALIDATORS,
    )
    logged_by = django_filters.ModelChoiceFilter(queryset=_visible_loggers, label=_("Logged by"))

    class Meta:
        model = Activity
        fields = ["q", "park", "subdistrict", "grid_zone", "park_wide", "kind", "logged_by"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value) | Q(description__icontains=value) | Q(place__icontains=value)
        )

    # Days are the portal's local days: an activity at 07:30 Beijing time on the 1st is the 1st.
    def filter_from(self, queryset, name, value):
        return queryset.filter(occurred_at__gte=local_day_start(value))

    def filter_to(self, queryset, name, value):
        return queryset.filter(occurred_at__lt=local_day_start(value + timedelta(days=1)))
