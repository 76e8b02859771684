"""Admin for grievances. The workflow, the timeline and the logs stay read-only here: status and
deadlines move only through grievances.services. A complainant's name, phone and employer are
never listed and show masked on the change page, so the admin is no way round the masking and
its log."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from grievances.models import (
    Attachment,
    ExtensionRequest,
    FollowUp,
    Grievance,
    GrievanceEvent,
    GrievanceReminder,
    Mediation,
    MediationSession,
    PersonalDataView,
    ReplyTemplate,
    SurveyCampaign,
    TimeLimitPolicy,
)
from grievances.replies import reply_template_save
from grievances.selectors import complainant_shown, parties_shown
from grievances.services import policy_save, survey_save
from parks.history.audit import AdminAuditMixin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records: read here, never changed."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TimeLimitPolicy)
class TimeLimitPolicyAdmin(AdminAuditMixin, admin.ModelAdmin):
    list_display = ["category", "respond_within_hours", "resolve_within_days"]

    def save_model(self, request, obj, form, change):
        policy_save(policy=obj, actor=request.user)


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(AdminAuditMixin, admin.ModelAdmin):
    list_display = ["category", "title", "is_active", "updated_at"]
    list_filter = ["category", "is_active"]

    def save_model(self, request, obj, form, change):
        reply_template_save(template=obj, actor=request.user)


@admin.register(SurveyCampaign)
class SurveyCampaignAdmin(AdminAuditMixin, admin.ModelAdmin):
    list_display = ["title", "park", "held_on", "handed_out", "returned"]
    list_filter = ["park"]
    list_select_related = ["park"]
    search_fields = ["title"]
    date_hierarchy = "held_on"

    def save_model(self, request, obj, form, change):
        survey_save(survey=obj, actor=request.user)


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ["original_name", "size", "file"]
    readonly_fields = fields


class GrievanceEventInline(ReadOnlyInline):
    model = GrievanceEvent
    fields = ["at", "action", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields


class FollowUpInline(ReadOnlyInline):
    model = FollowUp
    fields = ["number", "at", "satisfaction", "actor"]
    readonly_fields = fields


@admin.register(Grievance)
class GrievanceAdmin(ReadOnlyAdmin):
    """Grievances are logged and moved on the pages and the API; here they are read."""

    list_display = [
        "tracking_code",
        "title",
        "park",
        "category",
        "channel",
        "status",
        "handling_unit",
        "received_at",
        "resolution_due_at",
    ]
    list_filter = ["status", "category", "channel", "park"]
    list_select_related = ["park", "handling_unit"]
    # Deliberately not the complainant's name or phone: a search would confirm who complained.
    search_fields = ["tracking_code", "title"]
    date_hierarchy = "received_at"
    fields = [
        "tracking_code",
        "park",
        "grid_zone",
        "channel",
        "category",
        "survey",
        "title",
        "description",
        "complainant_masked",
        "handling_unit",
        "handler",
        "logged_by",
        "status",
        "received_at",
        "response_due_at",
        "resolution_due_at",
        "responded_at",
        "resolved_at",
        "closed_at",
        "satisfaction",
        "rectified",
        "reply",
        "updated_at",
    ]
    readonly_fields = fields
    inlines = [AttachmentInline, GrievanceEventInline, FollowUpInline]

    @admin.display(description=_("complainant"))
    def complainant_masked(self, grievance):
        parts = complainant_shown(grievance, revealed=False).values()
        return " ".join(part for part in parts if part) or "—"


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "size", "grievance"]
    list_select_related = ["grievance"]
    search_fields = ["original_name", "grievance__tracking_code"]


@admin.register(GrievanceEvent)
class GrievanceEventAdmin(ReadOnlyAdmin):
    list_display = ["grievance", "action", "from_status", "to_status", "actor", "at"]
    list_filter = ["action", "to_status"]
    list_select_related = ["grievance", "actor"]
    search_fields = ["grievance__tracking_code"]


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ReadOnlyAdmin):
    list_display = ["grievance", "days", "state", "requested_by", "requested_at", "decided_by"]
    list_filter = ["state"]
    list_select_related = ["grievance", "requested_by", "decided_by"]


class MediationSessionInline(ReadOnlyInline):
    model = MediationSession
    fields = ["held_at", "place", "notes"]
    readonly_fields = fields


@admin.register(Mediation)
class MediationAdmin(ReadOnlyAdmin):
    list_display = ["grievance", "applied_on", "mediator", "outcome", "concluded_on"]
    list_filter = ["outcome"]
    list_select_related = ["grievance", "mediator"]
    # The parties are named people: masked here too, like the complainant.
    fields = [
        "grievance",
        "applied_on",
        "parties_masked",
        "mediator",
        "outcome",
        "amount_agreed",
        "concluded_on",
    ]
    readonly_fields = fields
    inlines = [MediationSessionInline]

    @admin.display(description=_("parties"))
    def parties_masked(self, mediation):
        return parties_shown(mediation, revealed=False)


@admin.register(MediationSession)
class MediationSessionAdmin(ReadOnlyAdmin):
    list_display = ["mediation", "held_at", "place"]
    list_select_related = ["mediation__grievance"]


@admin.register(GrievanceReminder)
class GrievanceReminderAdmin(ReadOnlyAdmin):
    list_display = ["grievance", "level", "sent_at"]
    list_filter = ["level"]
    list_select_related = ["grievance"]


@admin.register(PersonalDataView)
class PersonalDataViewAdmin(ReadOnlyAdmin):
    list_display = ["grievance", "viewer", "via", "at"]
    list_filter = ["via"]
    list_select_related = ["grievance", "viewer"]
    search_fields = ["grievance__tracking_code", "viewer__username"]
    date_hierarchy = "at"
