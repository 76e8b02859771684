"""REST API v1 for exports: /api/v1/exports/.

A client asks for an export of a list (`kind`) with that list's query parameters (`filters`):
**202 Accepted** with the export, whose `url` (also the `Location` header) it polls until
`status` is `done`, then fetches `download_url`. The filters are checked at once with the list's
own filterset, so a bad value is a 400 before anything is queued. Each person sees only their
own exports: another's is a 404, as for one that does not exist.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from parks.core.api.errors import Conflict
from parks.core.api.negotiation import FileDownloadNegotiation
from parks.core.api.parsers import JSONParser
from parks.core.api.schema import conflict, invalid
from parks.core.api.viewsets import ReadOnlyViewSet
from parks.core.excel import XLSX_CONTENT_TYPE
from parks.exports import services
from parks.exports.choices import ExportStatus
from parks.exports.models import Export
from parks.exports.views import export_file_response

NULLABLE_URI = {"type": "string", "format": "uri", "nullable": True}


def _absolute(request, url):
    return request.build_absolute_uri(url) if request else url


class ExportRequestSerializer(serializers.Serializer):
    """What to export: the list and its filters."""

    kind = serializers.CharField(
        max_length=40,
        help_text=gettext_lazy(
            "The list: `grievances` (the inbox), `tasks` (the construction table), "
            "`activities` (the grid log's feed), or a ledger: `ledger-care`, "
            "`ledger-publicity`, `ledger-training`, `ledger-proposal`."
        ),
    )
    filters = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        default=dict,
        help_text=gettext_lazy(
            "The list's query parameters, as its page takes them (e.g. `park`, `status`, "
            "`date_from`; for grievances also `group`, `ordering` and `unmask`; for a ledger "
            "`period`): a value or a list of values each. An unknown parameter or a value the "
            "list refuses is a 400."
        ),
    )


class ExportSerializer(serializers.ModelSerializer):
    """An export and how far it has got."""

    url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Export
        fields = [
            "id",
            "kind",
            "status",
            "progress",
            "rows_done",
            "rows_total",
            "url",
            "download_url",
            "created_at",
            "finished_at",
            "expires_at",
            "error",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "progress": {"help_text": gettext_lazy("0–100 while the export is written.")},
            "rows_total": {
                "help_text": gettext_lazy("The rows to write; null until the worker counted them.")
            },
            "expires_at": {
                "help_text": gettext_lazy(
                    "When the file and the export are deleted (null until finished)."
                )
            },
            "error": {"help_text": gettext_lazy("Why the export failed; empty otherwise.")},
        }

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, export):
        return _absolute(self.context.get("request"), reverse("export-detail", args=[export.pk]))

    @extend_schema_field(NULLABLE_URI)
    def get_download_url(self, export):
        if export.status != ExportStatus.DONE:
            return None
        return _absolute(self.context.get("request"), reverse("export-download", args=[export.pk]))


NOT_DONE = conflict(gettext_lazy("The export is not done (still queued or running, or failed)."))


@extend_schema_view(
    list=extend_schema(summary="List your exports, newest first"),
    retrieve=extend_schema(
        summary="One of your exports, to poll until it is done",
        description=gettext_lazy("Yours only: another person's export is a 404."),
        responses={200: ExportSerializer},
    ),
)
class ExportViewSet(mixins.CreateModelMixin, ReadOnlyViewSet):
    """Exports of a list (grievances, tasks, the grid log, a ledger) as an Excel workbook,
    written by the worker. Yours only; each is deleted some days after it is written."""

    serializer_class = ExportSerializer
    filterset_class = None
    # `filters` is an object: a JSON body only (a form could not carry it).
    parser_classes = [JSONParser]
    ordering_fields = ["created_at", "id"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return services.exports_of(self.request.user)

    @extend_schema(
        summary="Ask for an export of a list",
        description=gettext_lazy(
            "Answers **202 Accepted**: the export is queued; poll `url` (also the `Location` "
            "header) until `status` is `done`, then fetch `download_url`. `filters` are the "
            "list's query parameters; they are checked at once with the list's own filters, "
            "so an unknown kind, an unknown parameter or a value the list refuses is a 400. "
            "The rows are those the list shows you (your scope), and names and phones stay "
            "masked unless you may see them and ask (`unmask`: `1`, for grievances); every "
            "row shown in the clear is logged."
        ),
        request=ExportRequestSerializer,
        responses={
            202: OpenApiResponse(ExportSerializer, description=gettext_lazy("Queued.")),
            400: invalid(gettext_lazy("An unknown kind, or filters the list refuses.")),
        },
        examples=[
            OpenApiExample(
                "The open grievances of one park",
                value={"kind": "grievances", "filters": {"park": 1, "group": "open"}},
                request_only=True,
            )
        ],
    )
    def create(self, request, *args, **kwargs):
        given = ExportRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        export = services.export_request(
            user=request.user,
            kind=given.validated_data["kind"],
            filters=given.validated_data["filters"],
        )
        response = Response(self.get_serializer(export).data, status=status.HTTP_202_ACCEPTED)
        response["Location"] = response.data["url"]
        return response

    @extend_schema(
        summary="Download a finished export (an Excel workbook)",
        description=gettext_lazy("409 while the export is not done."),
        responses={
            (200, XLSX_CONTENT_TYPE): OpenApiResponse(
                OpenApiTypes.BINARY, description=gettext_lazy("The workbook.")
            ),
            409: NOT_DONE,
        },
        filters=False,
    )
    @action(
        detail=True,
        methods=["get"],
        filter_backends=[],
        pagination_class=None,
        content_negotiation_class=FileDownloadNegotiation,
    )
    def download(self, request, pk=None):
        export = self.get_object()
        if export.status != ExportStatus.DONE:
            raise Conflict(
                _("The export is not ready: it is %(status)s.")
                % {"status": str(export.get_status_display()).lower()}
            )
        try:
            handle = services.export_path(export).open("rb")
        except FileNotFoundError:
            raise Conflict(_("The export's file is gone: ask for it again.")) from None
        return export_file_response(export, handle)
