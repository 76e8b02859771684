"""The assessment's records in the Django admin, to read: schemes, scores, adjustments and score
history are written through reforms.assessment.services (the assessment pages and the API), so
the rules, the caps, the history and the audit log are never bypassed."""

from django.contrib import admin

from reforms.assessment.models import (
    Scheme,
    SchemeIndicator,
    SchemeItem,
    Score,
    ScoreAdjustment,
    ScoreEvent,
)


class ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SchemeIndicatorInline(ReadOnly, admin.TabularInline):
    model = SchemeIndicator
    fields = ["indicator", "weight", "full_at", "zero_at", "position"]
    extra = 0


class SchemeItemInline(ReadOnly, admin.TabularInline):
    model = SchemeItem
    fields = ["kind", "name", "points", "position"]
    extra = 0


@admin.register(Scheme)
class SchemeAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["name", "year", "subject_kind", "status", "version", "total_weight"]
    list_filter = ["year", "subject_kind", "status"]
    search_fields = ["name"]
    inlines = [SchemeIndicatorInline, SchemeItemInline]


class ScoreAdjustmentInline(ReadOnly, admin.TabularInline):
    model = ScoreAdjustment
    fields = ["points", "item", "reason", "made_by", "made_at", "withdrawn_at", "withdrawn_by"]
    readonly_fields = fields
    extra = 0


class ScoreEventInline(ReadOnly, admin.TabularInline):
    model = ScoreEvent
    fields = ["action", "actor", "at", "total_before", "total_after", "note"]
    readonly_fields = fields
    extra = 0


@admin.register(Score)
class ScoreAdmin(ReadOnly, admin.ModelAdmin):
    list_display = [
        "scheme",
        "subject_kind",
        "unit",
        "subdistrict",
        "park",
        "period_kind",
        "period_start",
        "total",
        "rank",
        "published_at",
    ]
    list_filter = ["period_kind", "subject_kind", "scheme__year"]
    list_select_related = ["scheme", "unit", "subdistrict", "park"]
    date_hierarchy = "period_start"
    inlines = [ScoreAdjustmentInline, ScoreEventInline]


@admin.register(ScoreEvent)
class ScoreEventAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["score", "action", "actor", "at", "total_before", "total_after"]
    list_filter = ["action"]
    list_select_related = ["score__unit", "score__subdistrict", "score__park", "actor"]
