"""/api/v1/audit/: the audit log for the district office, filtered as on the audit page."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers
from rest_framework.permissions import BasePermission

from parks import access
from parks.core.api.viewsets import ReadOnlyViewSet
from parks.history import selectors
from parks.history.choices import AuditAction
from parks.history.filters import AuditEventFilter
from parks.history.models import AuditEvent, field_label


class OfficeOnlyPermission(BasePermission):
    """The audit log names everyone's edits everywhere: the district office reads it."""

    message = _("Only the district reform office reads the audit log.")

    def has_permission(self, request, view):
        return access.may_read_audit_log(request.user)


class AuditChangeSerializer(serializers.Serializer):
    """One changed field. Values are as logged: choices by their code, foreign keys by the name
    the row had, files by file name, dates in ISO form; "***" for masked personal data."""

    field = serializers.CharField(help_text=_("The field's name in the API."))
    label = serializers.CharField(help_text=_("The field's name as the pages show it."))
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)


class AuditEventSerializer(serializers.ModelSerializer):
    """One create, change or delete of one record."""

    actor = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text=_("Empty for the system.")
    )
    action = serializers.ChoiceField(choices=AuditAction.choices, read_only=True)
    object_type = serializers.SerializerMethodField(help_text=_('"app.model", as the filter.'))
    object_type_label = serializers.SerializerMethodField()
    changes = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "at",
            "actor",
            "actor_name",
            "action",
            "object_type",
            "object_type_label",
            "object_id",
            "object_repr",
            "changes",
        ]
        read_only_fields = fields

    def get_object_type(self, event) -> str:
        return f"{event.content_type.app_label}.{event.content_type.model}"

    def get_object_type_label(self, event) -> str:
        return str(event.content_type.name)

    @extend_schema_field(AuditChangeSerializer(many=True))
    def get_changes(self, event) -> list:
        model = event.record_model
        return [
            {"field": name, "label": field_label(model, name), "before": before, "after": after}
            for name, before, after in event.changed_values()
        ]


@extend_schema_view(
    list=extend_schema(
        summary="The audit log (office staff)",
        description=(
            "Every create, change and delete of parks, grid zones, facilities, people, "
            "activities, ledger rows, time-limit policies, survey campaigns, report schedules, "
            "plans, tasks, milestones and grievances, newest first: who, when, and each changed "
            "field's value before and after. Filter by `actor` (a user id), `object_type` "
            '("app.model", e.g. "parks.park"), `object_id`, `action` and a `date_from`/`date_to` '
            "period of local days."
        ),
    ),
    retrieve=extend_schema(summary="One audit event"),
)
class AuditEventViewSet(ReadOnlyViewSet):
    permission_class = OfficeOnlyPermission
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilter

    def get_queryset(self):
        return selectors.audit_events()
