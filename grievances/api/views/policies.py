"""Grievance time-limit policies, one per category, at /api/v1/grievance-policies/."""

from drf_spectacular.utils import extend_schema, extend_schema_view

from grievances import services
from grievances.api.serializers import TimeLimitPolicySerializer
from grievances.models import TimeLimitPolicy
from parks.access.permissions import OfficeWritePermission
from parks.core.api.viewsets import EditViewSet, assign


@extend_schema_view(
    list=extend_schema(summary="Grievance time-limit policies, one per category"),
    retrieve=extend_schema(summary="One time-limit policy"),
    create=extend_schema(summary="Set the time limits of a category (office staff)"),
    update=extend_schema(summary="Change a category's time limits (office staff)"),
    partial_update=extend_schema(summary="Change a category's time limits (office staff)"),
)
class TimeLimitPolicyViewSet(EditViewSet):
    """How fast grievances of each category must be answered (hours) and resolved (days).
    Changes apply to grievances received from then on; categories without a policy use the
    portal's defaults."""

    serializer_class = TimeLimitPolicySerializer
    queryset = TimeLimitPolicy.objects.order_by("category")
    permission_class = OfficeWritePermission
    filter_backends = []

    def save_with_service(self, policy, data):
        return services.policy_save(policy=assign(policy, data), actor=self.request.user)
