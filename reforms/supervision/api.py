"""REST API v1 for supervision orders (督办单), at /api/v1/supervision-orders/.

Orders come from the scope selector, so an order outside a user's scope is a 404. Issuing is a
POST to the list; every later step is a POST action calling the one service
(reforms.supervision.services.order_act): a step the order's status does not allow answers 409
and changes nothing.
"""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from grievances.selectors import grievances_visible_to
from parks.access import organisations_visible_to
from parks.core.api.errors import state_conflicts_as_409
from parks.core.api.fields import ChoiceLabelField
from parks.core.api.schema import conflict, file_download
from parks.core.api.viewsets import ReadOnlyViewSet
from parks.core.downloads import stored_file_response
from parks.core.excel import XLSX_CONTENT_TYPE
from reforms.supervision import selectors, services
from reforms.supervision.choices import OrderAction, OrderColour
from reforms.supervision.excel import order_list_response
from reforms.supervision.filters import OrderFilter
from reforms.supervision.models import OrderEvent, OrderReply, OrderReplyFile, SupervisionOrder
from reforms.tasks.selectors import tasks_visible_to
from reforms.tasks.services import EVIDENCE_SIGNATURES


class _Visible(serializers.PrimaryKeyRelatedField):
    rule = None

    def get_queryset(self):
        return type(self).rule(self.context["request"].user)


@extend_schema_field(OpenApiTypes.INT)
class VisibleTaskField(_Visible):
    rule = staticmethod(tasks_visible_to)


@extend_schema_field(OpenApiTypes.INT)
class VisibleGrievanceField(_Visible):
    rule = staticmethod(grievances_visible_to)


@extend_schema_field(OpenApiTypes.INT)
class VisibleUnitField(_Visible):
    rule = staticmethod(organisations_visible_to)


class OrderSerializer(serializers.ModelSerializer):
    code = serializers.CharField(read_only=True, help_text=_("督办〔year〕n号"))
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    subject = serializers.CharField(source="subject.__str__", read_only=True)
    colour_display = ChoiceLabelField(source="colour")
    status_display = ChoiceLabelField(source="status")
    is_overdue = serializers.BooleanField(
        read_only=True,
        help_text=_("The reply date has passed and the unit still owes a reply."),
    )

    class Meta:
        model = SupervisionOrder
        fields = [
            "id",
            "code",
            "year",
            "number",
            "task",
            "grievance",
            "subject",
            "unit",
            "unit_name",
            "colour",
            "colour_display",
            "requirement",
            "reply_due",
            "status",
            "status_display",
            "is_overdue",
            "issued_by",
            "issued_at",
            "first_replied_at",
            "replied_at",
            "accepted_at",
            "urge_count",
            "last_urged_at",
        ]
        read_only_fields = fields


class ReplyFileSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = OrderReplyFile
        fields = ["id", "original_name", "size", "download_url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, row):
        url = reverse(
            "supervision-order-file", kwargs={"pk": row.reply.order_id, "file_id": row.pk}
        )
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class ReplySerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.__str__", read_only=True)
    files = ReplyFileSerializer(many=True, read_only=True)

    class Meta:
        model = OrderReply
        fields = ["id", "author", "author_name", "created_at", "text", "files"]
        read_only_fields = fields


class EventSerializer(serializers.ModelSerializer):
    actor_name = serializers.CharField(source="actor.__str__", read_only=True)

    class Meta:
        model = OrderEvent
        fields = ["id", "action", "actor", "actor_name", "at", "from_status", "to_status", "note"]
        read_only_fields = fields


class OrderDetailSerializer(OrderSerializer):
    replies = ReplySerializer(many=True, read_only=True)
    events = EventSerializer(many=True, read_only=True)

    class Meta(OrderSerializer.Meta):
        fields = [*OrderSerializer.Meta.fields, "replies", "events"]


class IssueSerializer(serializers.Serializer):
    """A new order about one task or one grievance."""

    task = VisibleTaskField(required=False, allow_null=True)
    grievance = VisibleGrievanceField(required=False, allow_null=True)
    unit = VisibleUnitField(
        required=False,
        allow_null=True,
        help_text=_("Default: the task's lead unit, the grievance's handling unit."),
    )
    colour = serializers.ChoiceField(choices=OrderColour.choices)
    requirement = serializers.CharField(max_length=services.REQUIREMENT_MAX_CHARS)
    reply_due = serializers.DateField(help_text=_("Today or later."))

    def validate(self, attrs):
        if bool(attrs.get("task")) == bool(attrs.get("grievance")):
            raise serializers.ValidationError(_("Name either a task or a grievance (one of them)."))
        return attrs


class ReplyInputSerializer(serializers.Serializer):
    """The unit's reply: send as multipart/form-data to attach files."""

    text = serializers.CharField(max_length=5000)
    files = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        max_length=services.MAX_REPLY_FILES,
        help_text=_("PDF, JPG, PNG or Office files. Repeat the field for each file."),
    )


class SendBackSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text=_("Why; shown to the unit."))


STEP_CONFLICT = conflict(_("The order's status does not allow this step (for example, closed)."))


@extend_schema_view(
    list=extend_schema(summary="List supervision orders in your scope"),
    retrieve=extend_schema(summary="One supervision order with its replies and timeline"),
)
class SupervisionOrderViewSet(mixins.CreateModelMixin, ReadOnlyViewSet):
    """Supervision orders (督办单) the district reform office issues to a unit about a reform task
    or a grievance. The office sees every order; a unit's staff see their unit's.

    Workflow: `issued` → (unit `reply`) → `answered` → office `accept` → `accepted` (closed), or
    office `send-back` → `sent_back` → (unit `reply`) → `answered`. The office may `urge` an
    order that awaits a reply (issued or sent back); each urge notifies the unit again and is
    counted (`urge_count`). `is_overdue`: the reply date has passed and the unit still owes a
    reply.
    """

    serializer_class = OrderSerializer
    filterset_class = OrderFilter
    ordering_fields = ["issued_at", "reply_due", "urge_count", "number"]

    def get_queryset(self):
        orders = selectors.order_table(user=self.request.user, today=timezone.localdate())
        if self.action == "retrieve":
            orders = orders.prefetch_related(
                Prefetch(
                    "replies",
                    OrderReply.objects.select_related("author")
                    .prefetch_related("files")
                    .order_by("created_at", "pk"),
                ),
                Prefetch("events", OrderEvent.objects.select_related("actor").order_by("at", "pk")),
            )
        return orders.order_by("-issued_at", "-pk")

    def get_serializer_class(self):
        if self.action == "retrieve":
            return OrderDetailSerializer
        if self.action == "create":
            return IssueSerializer
        return OrderSerializer

    def _detail(self, order, status_code=status.HTTP_200_OK):
        self.action = "retrieve"
        row = get_object_or_404(self.get_queryset(), pk=order.pk)
        body = OrderDetailSerializer(row, context=self.get_serializer_context()).data
        return Response(body, status=status_code)

    @extend_schema(
        summary="Issue a supervision order (office staff)",
        request=IssueSerializer,
        responses={201: OrderDetailSerializer},
    )
    def create(self, request, *args, **kwargs):
        data = IssueSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        fields = {"unit": None, **data.validated_data}
        order = services.order_issue(actor=request.user, **fields)
        return self._detail(order, status.HTTP_201_CREATED)

    def _step(self, request, step, text=""):
        order = self.get_object()
        order = state_conflicts_as_409(
            lambda: services.order_act(order=order, action=step, actor=request.user, text=text)
        )
        return self._detail(order)

    @extend_schema(
        summary="Reply to an order (the unit's staff), optionally with files (multipart)",
        request={
            "multipart/form-data": ReplyInputSerializer,
            "application/json": ReplyInputSerializer,
        },
        responses={200: OrderDetailSerializer, 409: STEP_CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        data = ReplyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = self.get_object()
        files = [*data.validated_data.get("files", []), *request.FILES.getlist("files[]")]
        order = state_conflicts_as_409(
            lambda: services.order_act(
                order=order,
                action=OrderAction.REPLY,
                actor=request.user,
                text=data.validated_data["text"],
                files=files,
            )
        )
        return self._detail(order)

    @extend_schema(
        summary="Urge an order awaiting a reply (office staff; notifies the unit again)",
        request=None,
        responses={200: OrderDetailSerializer, 409: STEP_CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def urge(self, request, pk=None):
        return self._step(request, OrderAction.URGE)

    @extend_schema(
        summary="Accept the unit's reply and close the order (office staff)",
        request=None,
        responses={200: OrderDetailSerializer, 409: STEP_CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._step(request, OrderAction.ACCEPT)

    @extend_schema(
        summary="Send the unit's reply back, saying why (office staff)",
        request=SendBackSerializer,
        responses={200: OrderDetailSerializer, 409: STEP_CONFLICT},
    )
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk=None):
        data = SendBackSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._step(request, OrderAction.SEND_BACK, data.validated_data["reason"])

    @extend_schema(
        summary="Download a file of one of the order's replies",
        responses=file_download(EVIDENCE_SIGNATURES, _("The file, as an attachment.")),
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"files/(?P<file_id>\d+)",
        url_name="file",
        filter_backends=[],
    )
    def files(self, request, pk=None, file_id=None):
        order = self.get_object()
        row = get_object_or_404(OrderReplyFile, reply__order=order, pk=file_id)
        return stored_file_response(row.file, row.original_name)

    @extend_schema(
        summary="The order list as Excel, with the same filters as the list",
        filters=True,
        responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY},
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def export(self, request):
        return order_list_response(self.filter_queryset(self.get_queryset()))
