"""Grievance time-limit policies, one per category, at /api/v1/grievance-policies/."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.permissions import IsAuthenticated

from parks.api.permissions import OfficeWritePermission

from ... import services
from ...models import TimeLimitPolicy
from ..serializers import TimeLimitPolicySerializer


@extend_schema_view(
    list=extend_schema(summary="Grievance time-limit policies, one per category"),
    retrieve=extend_schema(summary="One time-limit policy"),
    create=extend_schema(summary="Set the time limits of a category (office staff)"),
    update=extend_schema(summary="Change a category's time limits (office staff)"),
    partial_update=extend_schema(summary="Change a category's time limits (office staff)"),
)
class TimeLimitPolicyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """How fast grievances of each category must be answered (hours) and resolved (days).
    Changes apply to grievances received from then on; categories without a policy use the
    portal's defaults."""

    serializer_class = TimeLimitPolicySerializer
    queryset = TimeLimitPolicy.objects.order_by("category")
    permission_classes = [IsAuthenticated, OfficeWritePermission]
    filter_backends = []

    def perform_create(self, serializer):
        serializer.instance = services.policy_save(
            policy=TimeLimitPolicy(**serializer.validated_data), actor=self.request.user
        )

    def perform_update(self, serializer):
        policy = serializer.instance
        for field, value in serializer.validated_data.items():
            setattr(policy, field, value)
        serializer.instance = services.policy_save(policy=policy, actor=self.request.user)
