"""Grievance time-limit policies, one per category, at /api/v1/grievance-policies/, and the
office's standard replies per category at /api/v1/grievance-reply-templates/."""

from drf_spectacular.utils import extend_schema, extend_schema_view

from grievances import replies, services
from grievances.api.serializers import ReplyTemplateSerializer, TimeLimitPolicySerializer
from grievances.models import ReplyTemplate, TimeLimitPolicy
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


@extend_schema_view(
    list=extend_schema(summary="Standard replies (标准答复) per category"),
    retrieve=extend_schema(summary="One standard reply"),
    create=extend_schema(summary="Add a standard reply (office staff)"),
    update=extend_schema(summary="Change a standard reply (office staff)"),
    partial_update=extend_schema(summary="Change a standard reply (office staff)"),
)
class ReplyTemplateViewSet(EditViewSet):
    """The replies the office keeps for each category, which a handling unit starts its reply
    from. `?category=wages` narrows the list; `is_active=false` ones are no longer offered."""

    serializer_class = ReplyTemplateSerializer
    permission_class = OfficeWritePermission
    filter_backends = []

    def get_queryset(self):
        templates = ReplyTemplate.objects.order_by("category", "title", "pk")
        category = self.request.query_params.get("category")
        return templates.filter(category=category) if category else templates

    def save_with_service(self, template, data):
        return replies.reply_template_save(template=assign(template, data), actor=self.request.user)
