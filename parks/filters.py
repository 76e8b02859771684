"""Filters for the park, grid zone and facility lists (API and pages)."""

from datetime import datetime, time, timedelta

import django_filters
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parks.dates import PORTAL_DATE_VALIDATORS

from .access import loggers_visible_to
from .audit import AUDITED_MODELS
from .choices import (
    ActivityKind,
    AuditAction,
    FacilityKind,
    OrganisationKind,
    ParkKind,
    PilotStatus,
)
from .models import (
    Activity,
    AuditEvent,
    Facility,
    GridZone,
    Industry,
    Organisation,
    Park,
    Subdistrict,
    User,
)
from .selectors import grid_zones_visible_to, liaisons_visible_to, parks_visible_to


def local_day_start(day):
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _visible_parks(request):
    # Offering only visible parks means a filter never confirms that a hidden park exists.
    if request is None:
        return Park.objects.none()
    return parks_visible_to(request.user)


def _visible_liaisons(request):
    if request is None:
        return User.objects.none()
    return liaisons_visible_to(request.user)


class ParkFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    subdistrict = django_filters.ModelChoiceFilter(
        queryset=Subdistrict.objects.all(), label=_("Subdistrict")
    )
    pilot_status = django_filters.ChoiceFilter(choices=PilotStatus.choices, label=_("Pilot status"))
    kind = django_filters.ChoiceFilter(choices=ParkKind.choices, label=_("Kind"))
    industry = django_filters.ModelChoiceFilter(
        field_name="industries", queryset=Industry.objects.all(), label=_("Industry")
    )

    class Meta:
        model = Park
        fields = ["q", "subdistrict", "pilot_status", "kind", "industry"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value)
            | Q(address__icontains=value)
            | Q(pk__in=Park.objects.filter(industries__name__icontains=value).values("pk"))
        )


class GridZoneFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    park = django_filters.ModelChoiceFilter(queryset=_visible_parks, label=_("Park"))
    subdistrict = django_filters.ModelChoiceFilter(
        field_name="park__subdistrict", queryset=Subdistrict.objects.all(), label=_("Subdistrict")
    )
    liaison = django_filters.ModelChoiceFilter(queryset=_visible_liaisons, label=_("Liaison"))
    has_liaison = django_filters.BooleanFilter(
        field_name="liaison", lookup_expr="isnull", exclude=True, label=_("Has a liaison")
    )

    class Meta:
        model = GridZone
        fields = ["q", "park", "subdistrict", "liaison", "has_liaison"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(code__icontains=value) | Q(name__icontains=value) | Q(boundary__icontains=value)
        )


class FacilityFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Search"))
    park = django_filters.ModelChoiceFilter(queryset=_visible_parks, label=_("Park"))
    subdistrict = django_filters.ModelChoiceFilter(
        field_name="park__subdistrict", queryset=Subdistrict.objects.all(), label=_("Subdistrict")
    )
    kind = django_filters.ChoiceFilter(choices=FacilityKind.choices, label=_("Kind"))

    class Meta:
        model = Facility
        fields = ["q", "park", "subdistrict", "kind"]


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=OrganisationKind.choices, label=_("Kind"))
    park = django_filters.ModelChoiceFilter(queryset=_visible_parks, label=_("Park"))
    subdistrict = django_filters.ModelChoiceFilter(
        queryset=Subdistrict.objects.all(), label=_("Subdistrict")
    )

    class Meta:
        model = Organisation
        fields = ["q", "kind", "park", "subdistrict", "is_active"]


class SubdistrictFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Search"))

    class Meta:
        model = Subdistrict
        fields = ["q", "district"]


def _visible_zones(request):
    if request is None:
        return GridZone.objects.none()
    return grid_zones_visible_to(request.user).select_related("park")


def _visible_loggers(request):
    # People who may log entries in the parks the user sees: liaisons and park managers there,
    # and the office.
    if request is None:
        return User.objects.none()
    return loggers_visible_to(request.user)


class ActivityFilter(django_filters.FilterSet):
    """The office feed and /api/v1/activities/: park, zone, kind, period, liaison, search."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    park = django_filters.ModelChoiceFilter(queryset=_visible_parks, label=_("Park"))
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
