"""Files attached to grievances, at /api/v1/grievance-attachments/."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action

from grievances import selectors
from grievances.api.serializers import AttachmentSerializer
from grievances.models import Attachment
from grievances.services import ATTACHMENT_SIGNATURES
from parks.core.api.schema import file_download
from parks.core.api.viewsets import PortalViewSet
from parks.core.downloads import stored_file_response


@extend_schema_view(retrieve=extend_schema(summary="One grievance attachment's details"))
class AttachmentViewSet(mixins.RetrieveModelMixin, PortalViewSet):
    """Files attached to grievances, readable by whoever sees the grievance."""

    serializer_class = AttachmentSerializer
    filter_backends = []

    def get_queryset(self):
        return Attachment.objects.filter(
            grievance__in=selectors.grievances_visible_to(self.request.user)
        )

    @extend_schema(
        summary="Download a grievance attachment",
        responses=file_download(ATTACHMENT_SIGNATURES, _("The file, as an attachment.")),
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        attachment = self.get_object()
        return stored_file_response(attachment.file, attachment.original_name)
