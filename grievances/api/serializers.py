"""Serializers of the grievances API.

`status`, the deadlines and the handling times are read-only: they move only through the
workflow actions (grievances.services). The complainant's name, phone and employer, and a
mediation's parties, are masked unless the view has decided, for this response, that the
requester may see them; that decision and its log live in the view (see
GrievanceRepresentation), never here.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from grievances import policy
from grievances.choices import (
    EVENT_LABELS,
    Category,
    Channel,
    ExtensionState,
    MediationOutcome,
    Satisfaction,
    Status,
)
from grievances.filters import DEADLINE_FLAGS
from grievances.models import (
    Attachment,
    ExtensionRequest,
    Grievance,
    GrievanceEvent,
    Mediation,
    MediationSession,
    ReplyTemplate,
    SurveyCampaign,
    TimeLimitPolicy,
)
from grievances.selectors import (
    complainant_shown,
    grievances_visible_to,
    parties_shown,
    surveys_visible_to,
)
from grievances.services import MAX_ATTACHMENTS
from parks.access import grid_zones_visible_to, organisations_visible_to
from parks.core.api.fields import ChoiceLabelField
from parks.core.api.reading import ReadFastSerializer
from parks.structure.api.serializers import (
    NamedChoiceField,
    PortalModelSerializer,
    VisibleParkField,
)
from parks.structure.choice_labels import PERSON_COLUMNS
from parks.structure.models import Organisation, User


class StatusField(NamedChoiceField):
    component_name = "GrievanceStatusEnum"
    choice_class = Status


class CategoryField(NamedChoiceField):
    component_name = "GrievanceCategoryEnum"
    choice_class = Category


@extend_schema_field(OpenApiTypes.INT)
class ParkIdField(VisibleParkField):
    pass


@extend_schema_field(OpenApiTypes.INT)
class VisibleGridZoneField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return grid_zones_visible_to(self.context["request"].user)


@extend_schema_field(OpenApiTypes.INT)
class VisibleOrganisationField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return organisations_visible_to(self.context["request"].user)


class VisibleSurveyField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return surveys_visible_to(self.context["request"].user)


class AttachmentSerializer(ReadFastSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "original_name", "size", "download_url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, attachment):
        url = reverse("grievance-attachment-download", args=[attachment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class GrievanceSerializer(ReadFastSerializer):
    """A grievance as lists and details show it. Expects rows annotated by
    selectors.with_deadline_flags (selectors.inbox does it)."""

    park_name = serializers.CharField(source="park.name", read_only=True)
    grid_zone_code = serializers.CharField(
        source="grid_zone.code", read_only=True, allow_null=True, default=None
    )
    channel_display = ChoiceLabelField(source="channel")
    category = CategoryField(read_only=True)
    category_display = ChoiceLabelField(source="category")
    status = StatusField(read_only=True)
    status_display = ChoiceLabelField(source="status")
    satisfaction = NamedChoiceField(
        Satisfaction,
        "SatisfactionEnum",
        read_only=True,
        allow_null=True,
        help_text=_("Null until the follow-up call records it."),
    )
    satisfaction_display = ChoiceLabelField(source="satisfaction")
    handling_unit_name = serializers.CharField(
        source="handling_unit.name", read_only=True, allow_null=True, default=None
    )
    handler_name = serializers.SerializerMethodField()
    deadline_flag = serializers.ChoiceField(
        choices=DEADLINE_FLAGS,
        read_only=True,
        help_text=_(
            "breached: a time limit was missed (answered or resolved late counts too); "
            "due_soon: open and a time limit is near; ok: open and on time; done: closed or "
            "withdrawn within the limits."
        ),
    )
    response_breached = serializers.BooleanField(
        read_only=True, help_text=_("Not accepted by the response time limit, or accepted late.")
    )
    resolution_breached = serializers.BooleanField(
        read_only=True, help_text=_("No reply by the resolution time limit, or replied late.")
    )
    due_soon = serializers.BooleanField(
        read_only=True, help_text=_("Open, not breached, and the next time limit is near.")
    )
    personal_data_masked = serializers.SerializerMethodField(
        help_text=_("True when name, phone and employer are masked in this response.")
    )
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Grievance
        fields = [
            "id",
            "tracking_code",
            "park",
            "park_name",
            "grid_zone",
            "grid_zone_code",
            "channel",
            "channel_display",
            "category",
            "category_display",
            "survey",
            "title",
            "description",
            "complainant_name",
            "complainant_phone",
            "complainant_employer",
            "sms_consent",
            "personal_data_masked",
            "handling_unit",
            "handling_unit_name",
            "handler",
            "handler_name",
            "logged_by",
            "status",
            "status_display",
            "received_at",
            "response_due_at",
            "resolution_due_at",
            "responded_at",
            "resolved_at",
            "closed_at",
            "merged_into",
            "satisfaction",
            "satisfaction_display",
            "rectified",
            "reply",
            "deadline_flag",
            "response_breached",
            "resolution_breached",
            "due_soon",
            "attachments",
            "updated_at",
        ]
        read_only_fields = fields
        # What a list page reads of the rows it joins, as columns (parks.core.api.columns):
        # the names the dotted sources read, and the handler's name (get_handler_name).
        read_related = {
            "park": (),
            "grid_zone": (),
            "handling_unit": (),
            "handler": PERSON_COLUMNS,
        }

    def _unmasked(self, grievance) -> bool:
        return grievance.pk in self._unmasked_ids

    @cached_property
    def _unmasked_ids(self):
        # Read once per response (twice a row otherwise, through the root's context): the view
        # decides it before the serializer is made.
        return self.context.get("unmasked_ids", ())

    def get_handler_name(self, grievance) -> str | None:
        return self.related_str(grievance, "handler")

    def get_personal_data_masked(self, grievance) -> bool:
        return not self._unmasked(grievance)

    def to_representation(self, grievance):
        data = super().to_representation(grievance)
        if not self._unmasked(grievance):
            masked = complainant_shown(grievance, revealed=False)
            data["complainant_name"] = masked["name"]
            data["complainant_phone"] = masked["phone"]
            data["complainant_employer"] = masked["employer"]
        return data


class GrievanceCreateSerializer(PortalModelSerializer):
    """Log a grievance. Send multipart/form-data to attach files (repeat `attachments`)."""

    park = VisibleParkField()
    grid_zone = VisibleGridZoneField(allow_null=True, required=False)
    survey = VisibleSurveyField(
        allow_null=True,
        required=False,
        help_text=_("The survey campaign an opinion came from; only with channel survey."),
    )
    channel = serializers.ChoiceField(choices=Channel.choices)
    category = CategoryField()
    attachments = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        max_length=MAX_ATTACHMENTS,
        help_text=_("Photos (JPG, PNG) or PDF files. Repeat the field for each file."),
    )

    class Meta:
        model = Grievance
        fields = [
            "park",
            "grid_zone",
            "channel",
            "category",
            "survey",
            "title",
            "description",
            "complainant_name",
            "complainant_phone",
            "complainant_employer",
            "sms_consent",
            "attachments",
        ]

    def validate(self, attrs):
        if attrs.get("sms_consent") and not attrs.get("complainant_phone", "").strip():
            raise serializers.ValidationError(
                {"sms_consent": _("Give the worker's phone number to text them.")}
            )
        return attrs


class GrievanceEventSerializer(serializers.ModelSerializer):
    from_status = StatusField(read_only=True, allow_null=True, help_text=_("Null for the receipt."))
    to_status = StatusField(read_only=True)
    action_display = serializers.SerializerMethodField()
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = GrievanceEvent
        fields = [
            "id",
            "at",
            "action",
            "action_display",
            "actor",
            "actor_name",
            "from_status",
            "to_status",
            "note",
        ]
        read_only_fields = fields

    def get_action_display(self, event) -> str:
        return str(EVENT_LABELS.get(event.action, event.action))

    def get_actor_name(self, event) -> str | None:
        return str(event.actor) if event.actor_id else None


# --- Workflow step inputs ---------------------------------------------------------------------


class StepNoteSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text=_("Optional remark.")
    )


class StepRequiredNoteSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=2000, help_text=_("Why, or what the worker is told; kept on the timeline.")
    )


class AssignSerializer(StepNoteSerializer):
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(is_active=True),
        help_text=_("The organisation that will handle the grievance."),
    )
    handler = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text=_("A person of that unit; optional."),
    )


class FollowUpSerializer(StepNoteSerializer):
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices)
    rectified = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("For opinions: the problem was put right."),
    )


@extend_schema_field(OpenApiTypes.INT)
class VisibleGrievanceField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return grievances_visible_to(self.context["request"].user)


class MergeSerializer(StepNoteSerializer):
    into = VisibleGrievanceField(
        help_text=_(
            "The grievance that goes on (the survivor), of the same park and still open. If it "
            "was itself merged, this one goes to the case it was merged into."
        )
    )


# --- Surveys and policies ---------------------------------------------------------------------


class SurveySerializer(serializers.ModelSerializer):
    park = VisibleParkField()
    park_name = serializers.CharField(source="park.name", read_only=True)
    opinions = serializers.IntegerField(
        source="opinion_count",
        read_only=True,
        help_text=_("Grievances logged as opinions from this survey."),
    )
    rectified = serializers.IntegerField(
        source="rectified_count", read_only=True, help_text=_("Opinions put right.")
    )

    class Meta:
        model = SurveyCampaign
        fields = [
            "id",
            "park",
            "park_name",
            "title",
            "held_on",
            "handed_out",
            "returned",
            "opinions",
            "rectified",
        ]

    def validate_park(self, park):
        if self.instance is not None:
            refusal = policy.survey_move_refusal(self.instance, park)
            if refusal is not None:
                raise serializers.ValidationError(refusal.message_dict["park"])
        return park


class ReplyTemplateSerializer(serializers.ModelSerializer):
    category = CategoryField()

    class Meta:
        model = ReplyTemplate
        fields = ["id", "category", "title", "text", "is_active", "updated_at"]
        read_only_fields = ["id", "updated_at"]


class TimeLimitPolicySerializer(serializers.ModelSerializer):
    category = CategoryField(
        validators=[
            UniqueValidator(
                queryset=TimeLimitPolicy.objects.all(),
                message=_("This category already has a policy; change that one."),
            )
        ]
    )
    category_display = ChoiceLabelField(source="category")

    class Meta:
        model = TimeLimitPolicy
        fields = [
            "id",
            "category",
            "category_display",
            "respond_within_hours",
            "resolve_within_days",
        ]


# --- Extensions -------------------------------------------------------------------------------


class ExtensionSerializer(serializers.ModelSerializer):
    requested_by_name = serializers.CharField(source="requested_by.__str__", read_only=True)
    state = serializers.ChoiceField(choices=ExtensionState.choices, read_only=True)
    state_display = ChoiceLabelField(source="state")

    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "grievance",
            "requested_by",
            "requested_by_name",
            "requested_at",
            "days",
            "reason",
            "state",
            "state_display",
            "decided_by",
            "decided_at",
        ]
        read_only_fields = fields


class ExtensionInputSerializer(serializers.Serializer):
    days = serializers.IntegerField(
        min_value=1, max_value=60, help_text=_("Extra days to resolve.")
    )
    reason = serializers.CharField(max_length=2000, help_text=_("Why more time is needed."))


# --- Mediation --------------------------------------------------------------------------------


class MediationSessionSerializer(PortalModelSerializer):
    class Meta:
        model = MediationSession
        fields = ["id", "held_at", "place", "notes"]


class MediationSerializer(serializers.ModelSerializer):
    mediator_name = serializers.CharField(source="mediator.__str__", read_only=True)
    outcome = NamedChoiceField(
        MediationOutcome,
        "OutcomeEnum",
        read_only=True,
        allow_null=True,
        help_text=_("Null until the mediation is concluded."),
    )
    outcome_display = ChoiceLabelField(source="outcome")
    sessions = MediationSessionSerializer(many=True, read_only=True)
    arbitration_available_on = serializers.SerializerMethodField(
        help_text=_(
            "The first day a party may seek arbitration if no agreement has been reached: "
            "the day after the 15 days of mediation, which start the day after the "
            "application (applied on 1 June: from 17 June)."
        )
    )
    may_seek_arbitration = serializers.SerializerMethodField(
        help_text=_("That day has come and the mediation has no outcome yet.")
    )
    personal_data_masked = serializers.SerializerMethodField(
        help_text=_("True when the parties are masked in this response.")
    )

    def _unmasked(self, mediation) -> bool:
        return mediation.grievance_id in self.context.get("unmasked_ids", ())

    def get_personal_data_masked(self, mediation) -> bool:
        return not self._unmasked(mediation)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # The parties are named people: masked like the complainant unless the view has
        # decided, for this response, that they are shown (GrievanceRepresentation).
        data["parties"] = parties_shown(instance, revealed=self._unmasked(instance))
        return data

    class Meta:
        model = Mediation
        fields = [
            "id",
            "grievance",
            "applied_on",
            "parties",
            "mediator",
            "mediator_name",
            "outcome",
            "outcome_display",
            "amount_agreed",
            "concluded_on",
            "sessions",
            "arbitration_available_on",
            "may_seek_arbitration",
            "personal_data_masked",
        ]
        read_only_fields = fields

    def get_arbitration_available_on(self, mediation) -> OpenApiTypes.DATE:
        return policy.arbitration_opens_on(mediation)

    def get_may_seek_arbitration(self, mediation) -> bool:
        return policy.may_seek_arbitration(mediation, today=timezone.localdate())


class MediationOpenSerializer(serializers.Serializer):
    applied_on = serializers.DateField(help_text=_("The day the mediation was applied for."))
    parties = serializers.CharField(
        max_length=2000, help_text=_("Who is in dispute, one per line.")
    )
    mediator = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))


class MediationConcludeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=MediationOutcome.choices)
    concluded_on = serializers.DateField(
        required=False, help_text=_("Defaults to today in the portal's time zone.")
    )
    amount_agreed = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        help_text=_("Yuan, when an agreement names an amount."),
    )
