"""REST API v1 for the parks app: queryset from the scope selector + serializer + filterset."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.exceptions import PermissionDenied

from parks import access
from parks import access as parks_access
from parks.access.permissions import OfficeWritePermission, ParkWritePermission
from parks.core.api.viewsets import EditViewSet, ReadOnlyViewSet, assign
from parks.structure import selectors, services
from parks.structure.api.serializers import (
    FacilitySerializer,
    GridZoneSerializer,
    OrganisationSerializer,
    ParkSerializer,
    SubdistrictSerializer,
)
from parks.structure.filters import (
    FacilityFilter,
    GridZoneFilter,
    OrganisationFilter,
    ParkFilter,
    SubdistrictFilter,
)


class ParkScopedViewSet(EditViewSet):
    """Rows that belong to a park: visible through the park, written by whoever manages it.

    Services raise Django's ValidationError; the API's exception handler turns it into a 400.
    """

    permission_class = ParkWritePermission

    def park_of(self, obj):
        return obj.park

    def can_create(self, request):
        return True  # the park named in the body is checked in perform_create

    def perform_create(self, serializer):
        if not access.may_manage_park(self.request.user, serializer.validated_data["park"]):
            raise PermissionDenied
        super().perform_create(serializer)

    def perform_update(self, serializer):
        new_park = serializer.validated_data.get("park")
        if new_park is not None and not access.may_manage_park(self.request.user, new_park):
            raise PermissionDenied
        super().perform_update(serializer)


@extend_schema_view(
    list=extend_schema(summary="List parks in your scope"),
    retrieve=extend_schema(summary="One park"),
    create=extend_schema(summary="Add a park (office staff)"),
    update=extend_schema(summary="Replace a park's details"),
    partial_update=extend_schema(summary="Change some of a park's details"),
)
class ParkViewSet(ParkScopedViewSet):
    serializer_class = ParkSerializer
    filterset_class = ParkFilter
    ordering_fields = ["name", "designation_year", "created_at"]
    chinese_ordering_fields = ["name"]

    def get_queryset(self):
        return selectors.park_list(user=self.request.user)

    def park_of(self, obj):
        return obj

    def can_create(self, request):
        return access.may_create_parks(request.user)

    def perform_create(self, serializer):
        EditViewSet.perform_create(self, serializer)  # the park is new: nobody manages it yet

    def save_with_service(self, park, data):
        industries = data.pop("industries", None)
        saved = services.park_save(
            park=assign(park, data), industries=industries, actor=self.request.user
        )
        # Re-read with the list annotations so the response shows the same fields as GET.
        return get_object_or_404(self.get_queryset(), pk=saved.pk)


@extend_schema_view(list=extend_schema(summary="List grid zones in your scope"))
class GridZoneViewSet(ParkScopedViewSet):
    serializer_class = GridZoneSerializer
    filterset_class = GridZoneFilter
    ordering_fields = ["code", "name"]
    chinese_ordering_fields = ["name"]

    def get_queryset(self):
        return (
            parks_access.grid_zones_visible_to(self.request.user)
            .select_related("park", "liaison")
            .order_by("park_id", "code")
        )

    def save_with_service(self, grid_zone, data):
        return services.grid_zone_save(grid_zone=assign(grid_zone, data), actor=self.request.user)


@extend_schema_view(list=extend_schema(summary="List facilities (阵地) in your scope"))
class FacilityViewSet(ParkScopedViewSet):
    serializer_class = FacilitySerializer
    filterset_class = FacilityFilter
    ordering_fields = ["name", "area_m2", "kind"]
    chinese_ordering_fields = ["name"]

    def get_queryset(self):
        return (
            parks_access.facilities_visible_to(self.request.user)
            .select_related("park")
            .order_by("park_id", "kind", "pk")
        )

    def save_with_service(self, facility, data):
        return services.facility_save(facility=assign(facility, data), actor=self.request.user)


@extend_schema_view(list=extend_schema(summary="List the district's subdistricts"))
class SubdistrictViewSet(ReadOnlyViewSet):
    serializer_class = SubdistrictSerializer
    filterset_class = SubdistrictFilter
    permission_class = OfficeWritePermission

    def get_queryset(self):
        return parks_access.subdistricts_visible_to(self.request.user).order_by("pk")


@extend_schema_view(list=extend_schema(summary="List organisations in your scope"))
class OrganisationViewSet(ReadOnlyViewSet):
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    permission_class = OfficeWritePermission

    def get_queryset(self):
        return parks_access.organisations_visible_to(self.request.user).order_by("kind", "pk")
