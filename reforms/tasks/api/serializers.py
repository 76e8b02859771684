"""Serializers of the reforms API. Status, progress and completion are read-only here: they move
only through the workflow actions and progress updates (reforms.services)."""

from functools import cached_property

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from parks.core.api.fields import ChoiceLabelField
from parks.core.api.reading import ReadFastSerializer
from parks.structure.api.serializers import PortalDateTimeField, VisibleParkField
from parks.structure.choice_labels import PERSON_COLUMNS
from parks.structure.models import Organisation, Subdistrict, User
from reforms.tasks.choices import WarningLevel
from reforms.tasks.models import Evidence, Milestone, Plan, ProgressUpdate, Task
from reforms.tasks.selectors import plans_visible_to, tasks_visible_to
from reforms.tasks.services import MAX_EVIDENCE_FILES


class VisiblePlanField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return plans_visible_to(self.context["request"].user)


class VisibleTaskField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return tasks_visible_to(self.context["request"].user)


class PlanSerializer(serializers.ModelSerializer):
    issuer = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    issuer_name = serializers.CharField(source="issuer.name", read_only=True)
    scope_display = ChoiceLabelField(source="scope")
    subdistrict = serializers.PrimaryKeyRelatedField(
        queryset=Subdistrict.objects.all(), allow_null=True, required=False
    )
    park = VisibleParkField(allow_null=True, required=False)
    document = serializers.FileField(
        write_only=True,
        required=False,
        help_text=_("The plan's text: a PDF or Word (.doc, .docx) file. Send as multipart."),
    )
    document_url = serializers.SerializerMethodField(
        help_text=_("Where signed-in users who see the plan download its document; null if none.")
    )

    class Meta:
        model = Plan
        fields = [
            "id",
            "title",
            "issuer",
            "issuer_name",
            "year",
            "scope",
            "scope_display",
            "subdistrict",
            "park",
            "document",
            "document_url",
            "created_at",
        ]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_document_url(self, plan) -> str | None:
        if not plan.document:
            return None
        url = reverse("reforms:plan_document", args=[plan.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class MilestoneSerializer(serializers.ModelSerializer):
    task = VisibleTaskField()
    done = serializers.SerializerMethodField()

    class Meta:
        model = Milestone
        fields = ["id", "task", "order", "title", "due_date", "done_on", "done"]
        read_only_fields = ["done_on"]

    def get_done(self, milestone) -> bool:
        return milestone.done_on is not None


class TaskMilestoneSerializer(MilestoneSerializer):
    """A milestone inside its task: the task is implied."""

    class Meta(MilestoneSerializer.Meta):
        fields = ["id", "order", "title", "due_date", "done_on", "done"]


class TaskSerializer(ReadFastSerializer):
    """A row of the construction table. `warning` and `days_left` come from the SQL annotation
    of reforms.tasks.selectors.with_warning."""

    plan = VisiblePlanField()
    plan_title = serializers.CharField(source="plan.title", read_only=True)
    park = VisibleParkField(allow_null=True, required=False)
    park_name = serializers.CharField(source="park.name", read_only=True, allow_null=True)
    category_display = ChoiceLabelField(source="category")
    lead_unit = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    lead_unit_name = serializers.CharField(source="lead_unit.name", read_only=True)
    supporting_units = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), many=True, required=False
    )
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), allow_null=True, required=False
    )
    owner_name = serializers.SerializerMethodField()
    status_display = ChoiceLabelField(source="status")
    warning = serializers.ChoiceField(
        choices=WarningLevel.choices,
        read_only=True,
        help_text=_("green, yellow, red, done_late or none; see the task list's description."),
    )
    warning_display = serializers.SerializerMethodField()
    days_left = serializers.IntegerField(
        read_only=True, help_text=_("Days until the due date; negative when overdue.")
    )
    expected_updated_at = PortalDateTimeField(
        write_only=True,
        required=False,
        help_text=_(
            "The `updated_at` you read before editing. If the task was saved since, the edit "
            "is refused instead of overwriting the other change."
        ),
    )

    class Meta:
        model = Task
        fields = [
            "id",
            "code",
            "plan",
            "plan_title",
            "park",
            "park_name",
            "category",
            "category_display",
            "title",
            "description",
            "lead_unit",
            "lead_unit_name",
            "supporting_units",
            "owner",
            "owner_name",
            "start_date",
            "due_date",
            "weight",
            "status",
            "status_display",
            "progress",
            "done_on",
            "warning",
            "warning_display",
            "days_left",
            "created_at",
            "updated_at",
            "expected_updated_at",
        ]
        read_only_fields = ["status", "progress", "done_on", "created_at", "updated_at"]
        # What a list page reads of the rows it joins, as columns (parks.core.api.columns):
        # the names the dotted sources read, and the owner's name (get_owner_name).
        read_related = {"plan": (), "park": (), "lead_unit": (), "owner": PERSON_COLUMNS}

    def get_owner_name(self, task) -> str | None:
        return self.related_str(task, "owner")

    @cached_property
    def _warning_labels(self) -> dict[str, str]:
        # Translated once per response (the language does not change within it), not per row.
        return {value: str(label) for value, label in WarningLevel.choices}

    def get_warning_display(self, task) -> str:
        return self._warning_labels[task.warning]


class TaskDetailSerializer(TaskSerializer):
    milestones = TaskMilestoneSerializer(many=True, read_only=True)

    class Meta(TaskSerializer.Meta):
        fields = [*TaskSerializer.Meta.fields, "milestones"]


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text=_("Optional remark.")
    )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text=_("Why; recorded in the history."))


class EvidenceSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = ["id", "original_name", "size", "download_url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, evidence):
        url = reverse("evidence-download", args=[evidence.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class ProgressUpdateSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.__str__", read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = ProgressUpdate
        fields = [
            "id",
            "task",
            "author",
            "author_name",
            "created_at",
            "percent",
            "text",
            "evidence",
        ]
        read_only_fields = fields


class ProgressInputSerializer(serializers.Serializer):
    """A new progress update: send as multipart/form-data to attach files."""

    percent = serializers.IntegerField(min_value=0, max_value=100)
    text = serializers.CharField(max_length=5000)
    files = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        max_length=MAX_EVIDENCE_FILES,
        help_text=_("Evidence: PDF, JPG, PNG or Office files. Repeat the field for each file."),
    )
