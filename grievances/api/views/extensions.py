"""The office's decisions on extension requests, at /api/v1/extensions/."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from grievances import selectors, services
from grievances.api.serializers import ExtensionSerializer, StepNoteSerializer
from grievances.api.views.grievances import CONFLICT_RESPONSE
from grievances.models import ExtensionRequest
from parks.core.api.errors import state_conflicts_as_409
from parks.core.api.viewsets import ReadOnlyViewSet


@extend_schema_view(
    list=extend_schema(summary="Extension requests of grievances in your scope"),
    retrieve=extend_schema(summary="One extension request"),
)
class ExtensionViewSet(ReadOnlyViewSet):
    """Requests for more time; the office approves (moving the resolution deadline) or rejects.
    Filter with `?state=pending` for the ones waiting."""

    serializer_class = ExtensionSerializer
    filterset_fields = ["state"]
    ordering_fields = ["requested_at"]

    def get_queryset(self):
        return (
            ExtensionRequest.objects.filter(
                grievance__in=selectors.grievances_visible_to(self.request.user)
            )
            .select_related("requested_by")
            .order_by("-requested_at", "-pk")
        )

    def _decide(self, request, approve):
        extension = self.get_object()
        data = StepNoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        extension = state_conflicts_as_409(
            lambda: services.extension_decide(
                extension=extension,
                actor=request.user,
                approve=approve,
                note=data.validated_data.get("note", ""),
            )
        )
        return Response(ExtensionSerializer(extension).data)

    @extend_schema(
        summary="Approve: the grievance's resolution deadline moves by the days asked (office)",
        request=StepNoteSerializer,
        responses={200: ExtensionSerializer, 409: CONFLICT_RESPONSE},
        filters=False,
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(request, True)

    @extend_schema(
        summary="Reject (office)",
        request=StepNoteSerializer,
        responses={200: ExtensionSerializer, 409: CONFLICT_RESPONSE},
        filters=False,
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._decide(request, False)
