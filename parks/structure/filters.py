"""Filters for the park, grid zone, facility, organisation and subdistrict lists (API and pages)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parks import access
from parks.access import liaisons_visible_to, parks_visible_to
from parks.structure.choices import FacilityKind, OrganisationKind, ParkKind, PilotStatus
from parks.structure.models import (
    Facility,
    GridZone,
    Industry,
    Organisation,
    Park,
    Subdistrict,
)


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
    park = django_filters.ModelChoiceFilter(
        queryset=access.for_request(parks_visible_to), label=_("Park")
    )
    subdistrict = django_filters.ModelChoiceFilter(
        field_name="park__subdistrict", queryset=Subdistrict.objects.all(), label=_("Subdistrict")
    )
    liaison = django_filters.ModelChoiceFilter(
        queryset=access.for_request(liaisons_visible_to), label=_("Liaison")
    )
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
    park = django_filters.ModelChoiceFilter(
        queryset=access.for_request(parks_visible_to), label=_("Park")
    )
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
    park = django_filters.ModelChoiceFilter(
        queryset=access.for_request(parks_visible_to), label=_("Park")
    )
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
