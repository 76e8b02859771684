"""Admin for reform plans and tasks. Status and progress stay read-only: the workflow owns them.

Saves go through reforms.services, and files are linked through the views that check who asks,
never through MEDIA_URL."""

from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_celery_beat.admin import PeriodicTaskAdmin
from django_celery_beat.models import PeriodicTask

from parks.history.audit import AdminAuditMixin, record_delete
from reforms.ledgers.models import CarePayment, Proposal, Publicity, Training
from reforms.tasks.models import (
    Evidence,
    Milestone,
    MilestoneReminder,
    Plan,
    ProgressUpdate,
    Task,
    TaskEvent,
    TaskImport,
    TaskReminder,
)
from reforms.tasks.services import (
    TASK_DETAIL_FIELDS,
    milestone_save,
    plan_save,
    task_save,
    validate_plan_document,
)


class _StoredFile:
    """A stored file as ClearableFileInput shows it: its name, linked to a checking view."""

    def __init__(self, name, url):
        self.name, self.url = name, url

    def __str__(self):
        return self.name


class PlanDocumentInput(forms.ClearableFileInput):
    """Links the current document through reforms:plan_document instead of MEDIA_URL."""

    def __init__(self, *args, plan_pk=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan_pk = plan_pk

    def format_value(self, value):
        value = super().format_value(value)
        if self.plan_pk is not None and self.is_initial(value):
            return _StoredFile(value.name, reverse("reforms:plan_document", args=[self.plan_pk]))
        return value


class PlanAdminForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["title", "issuer", "year", "scope", "subdistrict", "park", "document"]

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if isinstance(document, UploadedFile):
            validate_plan_document(document)
        return document


@admin.register(Plan)
class PlanAdmin(AdminAuditMixin, admin.ModelAdmin):
    form = PlanAdminForm
    list_display = ["title", "year", "scope", "issuer", "subdistrict", "park"]
    list_filter = ["year", "scope"]
    search_fields = ["title"]
    list_select_related = ["issuer", "subdistrict", "park"]
    autocomplete_fields = ["issuer"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.base_fields["document"].widget = PlanDocumentInput(plan_pk=obj.pk if obj else None)
        return form

    def save_model(self, request, obj, form, change):
        plan_save(plan=obj, actor=request.user)


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    # Ticked off through the services, which date it and write the task's history.
    readonly_fields = ["done_on"]


@admin.register(Task)
class TaskAdmin(AdminAuditMixin, admin.ModelAdmin):
    list_display = ["code", "title", "park", "lead_unit", "due_date", "status", "progress"]
    list_filter = ["status", "category", "park", "lead_unit"]
    search_fields = ["code", "title"]
    list_select_related = ["park", "lead_unit"]
    autocomplete_fields = ["lead_unit", "supporting_units", "owner"]
    readonly_fields = ["status", "progress", "done_on", "created_at", "updated_at"]
    inlines = [MilestoneInline]

    def save_model(self, request, obj, form, change):
        changed = set(form.changed_data)
        task_save(
            task=obj,
            actor=request.user,
            # Only what was changed on the form: the rest may have moved on since it was drawn.
            fields=[name for name in TASK_DETAIL_FIELDS if name in changed] if change else None,
            supporting_units=(
                form.cleaned_data["supporting_units"] if "supporting_units" in changed else None
            ),
        )

    def save_formset(self, request, form, formset, change):
        # Milestones are saved and deleted as the pages do, so the audit log has them too.
        saved = formset.save(commit=False)
        for deleted in formset.deleted_objects:
            record_delete(actor=request.user, instance=deleted)
            deleted.delete()
        for milestone in saved:
            milestone_save(milestone=milestone, actor=request.user)
        formset.save_m2m()

    def has_delete_permission(self, request, obj=None):
        # A task someone has reported on or moved is a record; cancel it instead.
        if obj is not None and (obj.updates.exists() or obj.events.exists()):
            return False
        return super().has_delete_permission(request, obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    """History and evidence are records: they can be read here, never changed."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ReadOnlyAdmin):
    list_display = ["task", "percent", "author", "created_at"]
    list_select_related = ["task", "author"]
    search_fields = ["task__code", "text"]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "size", "update"]
    list_select_related = ["update__task"]
    fields = ["update", "original_name", "size", "download"]
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, evidence):
        url = reverse("reforms:evidence_download", args=[evidence.pk])
        return format_html('<a href="{}">{}</a>', url, evidence.original_name)


@admin.register(TaskEvent)
class TaskEventAdmin(ReadOnlyAdmin):
    list_display = ["task", "from_status", "to_status", "actor", "at"]
    list_filter = ["to_status"]
    list_select_related = ["task", "actor"]


@admin.register(TaskReminder)
class TaskReminderAdmin(ReadOnlyAdmin):
    list_display = ["task", "level", "day", "recipient", "sent_at"]
    list_filter = ["level", "day"]
    list_select_related = ["task", "recipient"]


@admin.register(MilestoneReminder)
class MilestoneReminderAdmin(ReadOnlyAdmin):
    list_display = ["milestone", "level", "sent_at"]
    list_filter = ["level"]
    list_select_related = ["milestone"]


@admin.register(TaskImport)
class TaskImportAdmin(ReadOnlyAdmin):
    list_display = ["file_name", "state", "created_by", "created_at", "committed_at"]
    list_filter = ["state"]
    list_select_related = ["created_by"]


@admin.register(CarePayment)
class CarePaymentAdmin(ReadOnlyAdmin):
    """Ledgers are kept on the ledger pages, which check who may write each park's rows."""

    list_display = ["event", "park", "paid_on", "recipients", "amount"]
    list_filter = ["park"]
    list_select_related = ["park"]
    search_fields = ["event", "reason"]
    date_hierarchy = "paid_on"


@admin.register(Publicity)
class PublicityAdmin(ReadOnlyAdmin):
    list_display = ["title", "channel", "outlet", "park", "published_on"]
    list_filter = ["channel", "park"]
    list_select_related = ["park"]
    search_fields = ["title", "outlet"]
    date_hierarchy = "published_on"


@admin.register(Training)
class TrainingAdmin(ReadOnlyAdmin):
    list_display = ["course", "provider", "park", "started_on", "hours", "trainees", "certificates"]
    list_filter = ["park"]
    list_select_related = ["park"]
    search_fields = ["course", "provider"]
    date_hierarchy = "started_on"


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "status", "submitter", "park", "submitted_on"]
    list_filter = ["kind", "status", "park"]
    list_select_related = ["park"]
    search_fields = ["title", "submitter"]
    date_hierarchy = "submitted_on"


# Report schedules are django-celery-beat's rows; edited in its admin they are logged too.
admin.site.unregister(PeriodicTask)


@admin.register(PeriodicTask)
class AuditedPeriodicTaskAdmin(AdminAuditMixin, PeriodicTaskAdmin):
    audit_admin_saves = True


# The assessment's records, read-only (written through reforms.assessment.services).
from reforms.assessment import admin as assessment_admin  # noqa: E402, F401
