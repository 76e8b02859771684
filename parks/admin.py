"""The Django admin for parks, their zones and rooms, the bodies around them, and the people.

Parks, grid zones and facilities are saved through the services, as everywhere else. People are
saved by Django's own user forms, which hash the password; the model's validation still runs.
Every save and delete of those is in the audit log (parks.history.audit): the services log their
saves, AdminAuditMixin the rest.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.db.models import Count, Prefetch
from django.utils.translation import gettext_lazy as _

from parks.core.db import chinese_order
from parks.gridlog.models import Activity, ActivityPhoto
from parks.history import audit
from parks.notices.models import Notification
from parks.structure import services
from parks.structure.models import (
    Facility,
    GridZone,
    Industry,
    Organisation,
    Park,
    Subdistrict,
    User,
)


class ChineseNameAdmin(admin.ModelAdmin):
    """Lists sort by the pinyin of the name, as Chinese readers expect, also on a header click."""

    def get_ordering(self, request):
        return [chinese_order("name")]

    @admin.display(description=_("name"), ordering=chinese_order("name"))
    def chinese_name(self, obj):
        return obj.name


@admin.register(Subdistrict)
class SubdistrictAdmin(ChineseNameAdmin):
    list_display = ["chinese_name", "district", "park_count"]
    list_filter = ["district"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(park_count=Count("parks"))

    @admin.display(description=_("parks"), ordering="park_count")
    def park_count(self, obj):
        return obj.park_count


@admin.register(Industry)
class IndustryAdmin(ChineseNameAdmin):
    list_display = ["chinese_name", "park_count"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(park_count=Count("parks"))

    @admin.display(description=_("parks"), ordering="park_count")
    def park_count(self, obj):
        return obj.park_count


class GridZoneInline(admin.TabularInline):
    model = GridZone
    fields = ["code", "name", "liaison", "boundary"]
    autocomplete_fields = ["liaison"]
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("liaison").order_by("code")


class FacilityInline(admin.TabularInline):
    model = Facility
    fields = ["kind", "name", "area_m2", "location"]
    extra = 0
    show_change_link = True


def _save_through_service(instance, actor):
    if isinstance(instance, GridZone):
        return services.grid_zone_save(grid_zone=instance, actor=actor)
    if isinstance(instance, Facility):
        return services.facility_save(facility=instance, actor=actor)
    raise TypeError(f"No service saves {type(instance).__name__}.")


@admin.register(Park)
class ParkAdmin(audit.AdminAuditMixin, ChineseNameAdmin):
    list_display = [
        "chinese_name",
        "kind",
        "subdistrict",
        "pilot_status",
        "designation_year",
        "industry_names",
        "grid_zone_count",
    ]
    list_filter = ["kind", "pilot_status", "designation_year", "subdistrict", "industries"]
    list_select_related = ["subdistrict"]
    search_fields = ["name", "address", "motto"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    autocomplete_fields = ["subdistrict", "industries"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "kind", "subdistrict", "industries", "address"]}),
        (_("Reform"), {"fields": ["pilot_status", "designation_year"]}),
        (_("About"), {"fields": ["motto", "honours", "description"]}),
        (_("Notices"), {"fields": ["wecom_webhook"]}),
        (_("Record"), {"fields": ["created_at", "updated_at"]}),
    ]
    inlines = [GridZoneInline, FacilityInline]

    def get_queryset(self, request):
        # distinct: the industries filter joins another table that would multiply the count.
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("industries", queryset=Industry.objects.order_by("name")))
            .annotate(grid_zone_count=Count("grid_zones", distinct=True))
        )

    @admin.display(description=_("industries"))
    def industry_names(self, obj):
        return "、".join(industry.name for industry in obj.industries.all())

    @admin.display(description=_("grid zones"), ordering="grid_zone_count")
    def grid_zone_count(self, obj):
        return obj.grid_zone_count

    def save_model(self, request, obj, form, change):
        # Given here so the park's history logs them; save_related sets the same again.
        services.park_save(
            park=obj, industries=form.cleaned_data.get("industries"), actor=request.user
        )

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for deleted in formset.deleted_objects:
            audit.record_delete(actor=request.user, instance=deleted)
            deleted.delete()
        for instance in instances:
            _save_through_service(instance, request.user)
        formset.save_m2m()


@admin.register(Organisation)
class OrganisationAdmin(ChineseNameAdmin):
    list_display = ["chinese_name", "kind", "subdistrict", "park", "is_active"]
    list_filter = ["kind", "is_active", "subdistrict", "park"]
    list_select_related = ["subdistrict", "park"]
    search_fields = ["name"]
    autocomplete_fields = ["subdistrict", "park"]
    fields = ["name", "kind", "subdistrict", "park", "is_active", "wecom_webhook"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(GridZone)
class GridZoneAdmin(audit.AdminAuditMixin, admin.ModelAdmin):
    list_display = ["code", "name", "park", "liaison", "updated_at"]
    list_display_links = ["code", "name"]
    list_filter = ["park"]
    list_select_related = ["park", "liaison"]
    search_fields = ["code", "name", "park__name", "liaison__display_name", "liaison__username"]
    autocomplete_fields = ["park", "liaison"]
    readonly_fields = ["created_at", "updated_at"]

    def get_ordering(self, request):
        return [chinese_order("park__name"), "code"]

    def save_model(self, request, obj, form, change):
        _save_through_service(obj, request.user)


@admin.register(Facility)
class FacilityAdmin(audit.AdminAuditMixin, ChineseNameAdmin):
    list_display = ["chinese_name", "kind", "park", "area_m2", "location"]
    list_filter = ["kind", "park"]
    list_select_related = ["park"]
    search_fields = ["name", "location", "park__name"]
    autocomplete_fields = ["park"]

    def get_ordering(self, request):
        return [chinese_order("park__name"), chinese_order("name")]

    def save_model(self, request, obj, form, change):
        _save_through_service(obj, request.user)


PORTAL_FIELDS = ["display_name", "phone", "role", "organisation", "subdistrict", "park"]


@admin.register(User)
class UserAdmin(audit.AdminAuditMixin, DjangoUserAdmin):
    audit_admin_saves = True  # Django's user forms save people here, not the service

    fieldsets = [*DjangoUserAdmin.fieldsets, (_("Portal role"), {"fields": PORTAL_FIELDS})]
    add_fieldsets = [
        *DjangoUserAdmin.add_fieldsets,
        (_("Portal role"), {"classes": ["wide"], "fields": PORTAL_FIELDS}),
    ]
    list_display = [
        "username",
        "display_name",
        "role",
        "park",
        "subdistrict",
        "organisation",
        "is_active",
        "is_staff",
    ]
    list_filter = ["role", "is_active", "is_staff", "park", "subdistrict", "groups"]
    list_select_related = ["park", "subdistrict", "organisation"]
    search_fields = ["username", "display_name", "first_name", "last_name", "email", "phone"]
    autocomplete_fields = ["organisation", "subdistrict", "park"]

    # Only a superuser hands out superuser rights or raw permissions, or touches a superuser.
    PRIVILEGE_FIELDS = ("is_superuser", "groups", "user_permissions")

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += self.PRIVILEGE_FIELDS
        return readonly

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "created_at", "read_at"]
    list_filter = ["read_at"]
    list_select_related = ["recipient"]
    search_fields = ["title", "recipient__username"]
    readonly_fields = ["recipient", "title", "body", "url", "created_at"]


class ActivityPhotoInline(admin.TabularInline):
    model = ActivityPhoto
    fields = ["original_name", "width", "height", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    """Read here; entries are written and corrected on the grid-log pages, which check who may
    and re-encode photos (files are never linked through MEDIA_URL)."""

    list_display = [
        "title",
        "kind",
        "park",
        "grid_zone",
        "occurred_at",
        "participants",
        "logged_by",
    ]
    list_filter = ["kind", "park"]
    list_select_related = ["park", "grid_zone", "logged_by"]
    search_fields = ["title", "description", "place"]
    date_hierarchy = "occurred_at"
    inlines = [ActivityPhotoInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
