"""REST API v1 for the park's reform ledgers (台账): /api/v1/subsidies/ (care and subsidy
payments), /api/v1/publicity/, /api/v1/trainings/ and /api/v1/proposals/.

Rows come from reforms.ledgers.selectors.ledger_visible_to, so a row outside the user's scope is a
404. Every write goes through reforms.ledgers.services (ledger_save, ledger_delete,
proposal_advance); office staff keep every ledger and a park manager their own park's, everyone
else reads. A write to a row the user sees but may not change is a 403. Money is a decimal string
in yuan.
"""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from parks.access import activities_visible_to
from parks.access.permissions import LedgerWritePermission
from parks.core.api.errors import state_conflicts_as_409
from parks.core.api.fields import ChoiceLabelField
from parks.core.api.schema import conflict
from parks.core.api.viewsets import EditViewSet, assign
from parks.gridlog.choices import ActivityKind
from parks.structure.api.serializers import NamedChoiceField, VisibleParkField
from reforms.ledgers import selectors, services
from reforms.ledgers.choices import ProposalKind, ProposalStatus, PublicityChannel
from reforms.ledgers.filters import (
    CarePaymentFilter,
    ProposalFilter,
    PublicityFilter,
    TrainingFilter,
)
from reforms.ledgers.models import CarePayment, Proposal, Publicity, Training

ZERO = Decimal("0")


def _money(**kwargs):
    return serializers.DecimalField(max_digits=12, decimal_places=2, min_value=ZERO, **kwargs)


# --- Serializers ------------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.INT)
class VisibleActivityField(serializers.PrimaryKeyRelatedField):
    """A care activity of the grid log the user sees: care money is paid at a care activity."""

    def get_queryset(self):
        return activities_visible_to(self.context["request"].user).filter(kind=ActivityKind.CARE)


class LedgerSerializer(serializers.ModelSerializer):
    """What every ledger row shows: its park and who recorded it when."""

    park = VisibleParkField()
    park_name = serializers.CharField(source="park.name", read_only=True, allow_null=True)
    recorded_by_name = serializers.CharField(source="recorded_by.__str__", read_only=True)

    common_fields = ["recorded_by", "recorded_by_name", "created_at", "updated_at"]


class CarePaymentSerializer(LedgerSerializer):
    """Care and subsidy money paid to workers (关爱帮扶、专项补助)."""

    recipients = serializers.IntegerField(
        min_value=1, max_value=2_147_483_647, help_text=gettext_lazy("How many people were paid.")
    )
    amount = _money(help_text=gettext_lazy('Yuan, as a decimal string: "42000.00".'))
    activity = VisibleActivityField(
        required=False,
        allow_null=True,
        help_text=gettext_lazy("The grid-log entry the money was paid at, in the same park."),
    )

    class Meta:
        model = CarePayment
        fields = [
            "id",
            "park",
            "park_name",
            "event",
            "paid_on",
            "recipients",
            "amount",
            "reason",
            "funding_source",
            "activity",
            *LedgerSerializer.common_fields,
        ]
        read_only_fields = LedgerSerializer.common_fields

    def validate(self, attrs):
        park = attrs.get("park", getattr(self.instance, "park", None))
        activity = attrs.get("activity", getattr(self.instance, "activity", None))
        if activity is not None and park is not None and activity.park_id != park.pk:
            raise serializers.ValidationError(
                {"activity": _("This activity was logged in another park.")}
            )
        return attrs


class PublicitySerializer(LedgerSerializer):
    """An article, broadcast or post about the reform (宣传报道)."""

    park = VisibleParkField(
        allow_null=True,
        help_text=gettext_lazy("Null for the district office's own publicity."),
    )
    channel = NamedChoiceField(PublicityChannel, "PublicityChannelEnum")
    channel_display = ChoiceLabelField(source="channel")

    class Meta:
        model = Publicity
        fields = [
            "id",
            "park",
            "park_name",
            "channel",
            "channel_display",
            "outlet",
            "title",
            "published_on",
            "link",
            *LedgerSerializer.common_fields,
        ]
        read_only_fields = LedgerSerializer.common_fields


class TrainingSerializer(LedgerSerializer):
    """A skills-training course (技能培训)."""

    hours = serializers.DecimalField(
        max_digits=6, decimal_places=1, min_value=Decimal("0.1"), max_value=Decimal("2000")
    )
    trainees = serializers.IntegerField(min_value=1, max_value=2_147_483_647)
    certificates = serializers.IntegerField(
        min_value=0,
        max_value=2_147_483_647,
        required=False,
        help_text=gettext_lazy("Trainees who earned a certificate."),
    )

    class Meta:
        model = Training
        fields = [
            "id",
            "park",
            "park_name",
            "course",
            "provider",
            "started_on",
            "hours",
            "trainees",
            "certificates",
            *LedgerSerializer.common_fields,
        ]
        read_only_fields = LedgerSerializer.common_fields


class ProposalSerializer(LedgerSerializer):
    """A rationalisation proposal or technical innovation. `status`, `status_changed_on` and
    `reward_amount` change only through the `advance` action."""

    kind = NamedChoiceField(ProposalKind, "ProposalKindEnum")
    kind_display = ChoiceLabelField(source="kind")
    status = NamedChoiceField(ProposalStatus, "ProposalStatusEnum", read_only=True)
    status_display = ChoiceLabelField(source="status")
    benefit_amount = _money(
        required=False, allow_null=True, help_text=gettext_lazy("Savings or added value, yuan.")
    )
    reward_amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, read_only=True, allow_null=True
    )

    class Meta:
        model = Proposal
        fields = [
            "id",
            "park",
            "park_name",
            "kind",
            "kind_display",
            "title",
            "submitter",
            "submitter_employer",
            "description",
            "submitted_on",
            "status",
            "status_display",
            "status_changed_on",
            "benefit",
            "benefit_amount",
            "reward_amount",
            *LedgerSerializer.common_fields,
        ]
        read_only_fields = ["status_changed_on", *LedgerSerializer.common_fields]


class ProposalAdvanceSerializer(serializers.Serializer):
    to_status = NamedChoiceField(
        ProposalStatus,
        "ProposalStatusEnum",
        help_text=gettext_lazy(
            "submitted → evaluated → adopted (or not_adopted) → rewarded; no other move."
        ),
    )
    benefit = serializers.CharField(max_length=500, required=False, allow_blank=True)
    benefit_amount = _money(required=False)
    reward_amount = _money(
        required=False, help_text=gettext_lazy("Yuan; only when moving to rewarded.")
    )

    def validate(self, attrs):
        if "reward_amount" in attrs and attrs["to_status"] != ProposalStatus.REWARDED:
            raise serializers.ValidationError(
                {"reward_amount": _("A reward is recorded when the proposal is rewarded.")}
            )
        return attrs


# --- Totals -----------------------------------------------------------------------------------


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2026-06"})
class MonthField(serializers.Field):
    def to_representation(self, value):
        return value.strftime("%Y-%m")


def _count():
    return serializers.IntegerField()


def _sum(places=2):
    # No digit limit: a sum over many rows may be longer than any one row's amount.
    return serializers.DecimalField(max_digits=None, decimal_places=places)


def _totals_serializer(prefix, fields):
    """{"totals": {...}, "by_month": [{"month": "2026-06", ...}]} for one ledger's sums
    (reforms.ledgers.selectors.ledger_totals / ledger_by_month), money as decimal strings."""
    totals = type(
        f"{prefix}TotalsSerializer",
        (serializers.Serializer,),
        {name: make() for name, make in fields.items()},
    )
    month = type(f"{prefix}MonthTotalsSerializer", (totals,), {"month": MonthField()})
    return type(
        f"{prefix}LedgerTotalsSerializer",
        (serializers.Serializer,),
        {"totals": totals(), "by_month": month(many=True)},
    )


CareTotals = _totals_serializer("Care", {"entries": _count, "recipients": _count, "amount": _sum})
PublicityTotals = _totals_serializer(
    "Publicity", {"entries": _count, **{channel: _count for channel in PublicityChannel.values}}
)
TrainingTotals = _totals_serializer(
    "Training",
    {
        "entries": _count,
        "hours": lambda: _sum(places=1),
        "trainees": _count,
        "certificates": _count,
    },
)
ProposalTotals = _totals_serializer(
    "Proposal",
    {
        "entries": _count,
        "innovations": _count,
        "benefit_amount": _sum,
        "reward_amount": _sum,
        **{status_: _count for status_ in ProposalStatus.values},
    },
)


# --- Views ------------------------------------------------------------------------------------


def _ledger_schema(noun, totals_serializer):
    return extend_schema_view(
        list=extend_schema(summary=f"List {noun} in your scope"),
        retrieve=extend_schema(summary=f"One row of {noun}"),
        create=extend_schema(summary=f"Record a row of {noun} (office; park manager)"),
        update=extend_schema(summary=f"Replace a row of {noun}"),
        partial_update=extend_schema(summary=f"Correct some fields of a row of {noun}"),
        destroy=extend_schema(summary=f"Delete a row of {noun}"),
        totals=extend_schema(
            summary=f"Totals of {noun}, overall and by month, with the list's filters",
            description=(
                "The sums over every row the filters select (not only one page): `totals` for "
                "the whole selection, `by_month` per calendar month of the ledger's date, oldest "
                "first. Money is a decimal string in yuan."
            ),
            responses=totals_serializer,
            filters=True,
        ),
    )


class LedgerViewSet(mixins.DestroyModelMixin, EditViewSet):
    """Base of the four ledgers: scope from ledger_visible_to, writes through ledger_save."""

    model = None
    permission_class = LedgerWritePermission
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.ledger_visible_to(self.model, self.request.user).select_related(
            "recorded_by"
        )

    def perform_create(self, serializer):
        serializer.instance = services.ledger_save(
            entry=self.model(**serializer.validated_data), actor=self.request.user
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.ledger_save(
            entry=assign(serializer.instance, data),
            actor=self.request.user,
            # Only what the client sent, so a correction never overwrites someone else's.
            fields=list(data),
        )

    def perform_destroy(self, instance):
        services.ledger_delete(entry=instance, actor=self.request.user)

    totals_serializer = None

    @action(detail=False, methods=["get"], pagination_class=None)
    def totals(self, request):
        rows = self.filter_queryset(self.get_queryset())
        body = {
            "totals": selectors.ledger_totals(rows),
            "by_month": selectors.ledger_by_month(rows),
        }
        return Response(self.totals_serializer(body).data)


@_ledger_schema("care and subsidy payments", CareTotals)
class CarePaymentViewSet(LedgerViewSet):
    """Care and subsidy payments (关爱帮扶、专项补助): the event, how many people were paid and
    how much. `totals` gives the source document's figures (e.g. 42 people paid 42,000 yuan)."""

    model = CarePayment
    serializer_class = CarePaymentSerializer
    filterset_class = CarePaymentFilter
    ordering_fields = ["paid_on", "amount", "recipients", "created_at"]
    totals_serializer = CareTotals


@_ledger_schema("publicity", PublicityTotals)
class PublicityViewSet(LedgerViewSet):
    """Publicity about the reform (宣传报道) by channel. Rows without a park are the district
    office's own, seen by everyone and written by the office. `totals` counts by channel."""

    model = Publicity
    serializer_class = PublicitySerializer
    filterset_class = PublicityFilter
    ordering_fields = ["published_on", "channel", "created_at"]
    totals_serializer = PublicityTotals


@_ledger_schema("trainings", TrainingTotals)
class TrainingViewSet(LedgerViewSet):
    """Skills-training courses (技能培训): provider, hours, trainees and certificates."""

    model = Training
    serializer_class = TrainingSerializer
    filterset_class = TrainingFilter
    ordering_fields = ["started_on", "hours", "trainees", "created_at"]
    totals_serializer = TrainingTotals


CONFLICT_RESPONSE = conflict(
    gettext_lazy("The proposal's current status does not allow this move.")
)


@_ledger_schema("proposals", ProposalTotals)
class ProposalViewSet(LedgerViewSet):
    """Rationalisation proposals and technical innovations (合理化建议、科技创新成果).

    `status` is read-only here: it moves through `POST /proposals/{id}/advance/` along
    submitted → evaluated → adopted (or not adopted) → rewarded; any other move is a 409.
    """

    model = Proposal
    serializer_class = ProposalSerializer
    filterset_class = ProposalFilter
    ordering_fields = ["submitted_on", "status", "created_at"]
    totals_serializer = ProposalTotals

    @extend_schema(
        summary="Move a proposal to its next status (office; park manager)",
        request=ProposalAdvanceSerializer,
        responses={200: ProposalSerializer, 409: CONFLICT_RESPONSE},
        filters=False,
    )
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        proposal = self.get_object()
        data = ProposalAdvanceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = state_conflicts_as_409(
            lambda: services.proposal_advance(
                proposal=proposal, actor=request.user, **data.validated_data
            )
        )
        fresh = self.get_queryset().get(pk=proposal.pk)
        return Response(ProposalSerializer(fresh, context=self.get_serializer_context()).data)
