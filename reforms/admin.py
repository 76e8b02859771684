"""Admin for reform plans and tasks. Status and progress stay read-only: the workflow owns them."""

from django.contrib import admin

from .models import (
    Evidence,
    Milestone,
    Plan,
    ProgressUpdate,
    Task,
    TaskEvent,
    TaskImport,
    TaskReminder,
)
from .services import task_save


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "scope", "issuer", "subdistrict", "park"]
    list_filter = ["year", "scope"]
    search_fields = ["title"]
    list_select_related = ["issuer", "subdistrict", "park"]
    autocomplete_fields = ["issuer"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "park", "lead_unit", "due_date", "status", "progress"]
    list_filter = ["status", "category", "park", "lead_unit"]
    search_fields = ["code", "title"]
    list_select_related = ["park", "lead_unit"]
    autocomplete_fields = ["lead_unit", "supporting_units", "owner"]
    readonly_fields = ["status", "progress", "done_on", "created_at", "updated_at"]
    inlines = [MilestoneInline]

    def save_model(self, request, obj, form, change):
        task_save(task=obj, actor=request.user)


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


@admin.register(TaskImport)
class TaskImportAdmin(ReadOnlyAdmin):
    list_display = ["file_name", "state", "created_by", "created_at", "committed_at"]
    list_filter = ["state"]
    list_select_related = ["created_by"]
