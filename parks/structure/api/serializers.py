from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers

from parks.access import liaisons_visible_to, parks_visible_to
from parks.core.api.fields import ChoiceLabelField, DateTimeField
from parks.structure.models import (
    Facility,
    GridZone,
    Industry,
    Organisation,
    Park,
    Subdistrict,
    User,
)


class PortalDateTimeField(DateTimeField):
    """DRF's DateTimeField, with a naive time in year 1 refused as out of range.

    DRF reports an overflow for aware times but not for naive ones, whose conversion into the
    portal's time zone raises OverflowError (a 500) before its own check runs.
    """

    def to_internal_value(self, value):
        try:
            return super().to_internal_value(value)
        except OverflowError:
            self.fail("overflow")


class PortalModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer whose model DateTimeFields become PortalDateTimeFields."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: PortalDateTimeField,
    }


class NamedChoiceField(serializers.ChoiceField):
    """A choice field documented as an enum component of its own name.

    Several models have a `kind` (parks, facilities, organisations, activities, proposals) or a
    `status` with different choices; drf-spectacular's automatic enum names collide on them.
    Give the choices and the name as arguments, or as class attributes of a subclass.
    """

    choice_class = None
    component_name = ""
    # to_representation reads the value and allow_null alone: a read plan may share the bound
    # field across responses (parks.core.api.reading).
    context_free = True

    def __init__(self, choice_class=None, component_name=None, **kwargs):
        self.choice_class = choice_class or self.choice_class
        self.component_name = component_name or self.component_name
        super().__init__(choices=self.choice_class.choices, **kwargs)

    def to_representation(self, value):
        # A choice not made yet is stored blank; a field that allows null shows it as null, so
        # a client reads "no value" rather than a string that is none of the enum's values.
        if value == "" and self.allow_null:
            return None
        return super().to_representation(value)


class NamedChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = NamedChoiceField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        component = ResolvedComponent(
            name=field.component_name,
            type=ResolvedComponent.SCHEMA,
            object=field.component_name,
            schema={
                "type": "string",
                "enum": list(field.choice_class.values),
                "description": "\n".join(
                    f"* `{value}` - {label}" for value, label in field.choice_class.choices
                ),
            },
        )
        auto_schema.registry.register_on_missing(component)
        if field.allow_blank:
            return {"oneOf": [component.ref, {"type": "string", "maxLength": 0}]}
        if field.allow_null:
            # drf-spectacular's own spelling of a nullable enum, which client generators know.
            null = ResolvedComponent(
                name="NullEnum",
                type=ResolvedComponent.SCHEMA,
                object="NullEnum",
                schema={"enum": [None]},
            )
            auto_schema.registry.register_on_missing(null)
            return {"oneOf": [component.ref, null.ref]}
        return component.ref


class VisibleParkField(serializers.PrimaryKeyRelatedField):
    """A park reference the requesting user is allowed to see; others read as "does not exist"."""

    def get_queryset(self):
        return parks_visible_to(self.context["request"].user)


class VisibleLiaisonField(serializers.PrimaryKeyRelatedField):
    """A liaison of a park the requesting user sees; nobody else can be named or discovered."""

    def get_queryset(self):
        return liaisons_visible_to(self.context["request"].user)


class SubdistrictSerializer(serializers.ModelSerializer):
    class Meta:
        model = Subdistrict
        fields = ["id", "district", "name"]


class OrganisationSerializer(serializers.ModelSerializer):
    kind_display = ChoiceLabelField(source="kind")

    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "kind_display", "subdistrict", "park", "is_active"]


class PersonSerializer(serializers.ModelSerializer):
    """Who a person is at work; contact details stay out of the API."""

    name = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "name", "role"]


class ParkSerializer(serializers.ModelSerializer):
    industries = serializers.SlugRelatedField(
        many=True,
        slug_field="name",
        queryset=Industry.objects.all(),
        required=False,
        help_text=_("Names of existing industries."),
    )
    subdistrict_name = serializers.CharField(source="subdistrict.name", read_only=True)
    kind_display = ChoiceLabelField(source="kind")
    pilot_status_display = ChoiceLabelField(source="pilot_status")
    grid_zone_count = serializers.IntegerField(read_only=True)
    facility_area = serializers.DecimalField(
        max_digits=10, decimal_places=1, read_only=True, allow_null=True
    )

    class Meta:
        model = Park
        fields = [
            "id",
            "name",
            "kind",
            "kind_display",
            "subdistrict",
            "subdistrict_name",
            "industries",
            "pilot_status",
            "pilot_status_display",
            "designation_year",
            "address",
            "motto",
            "honours",
            "description",
            "grid_zone_count",
            "facility_area",
            "created_at",
            "updated_at",
        ]


class GridZoneSerializer(serializers.ModelSerializer):
    park = VisibleParkField()
    liaison = VisibleLiaisonField(allow_null=True, required=False)
    liaison_detail = PersonSerializer(source="liaison", read_only=True)

    class Meta:
        model = GridZone
        fields = ["id", "park", "code", "name", "liaison", "liaison_detail", "boundary"]
        # Uniqueness of (park, code) is checked by the model's full_clean in the service.
        validators = []


class FacilitySerializer(serializers.ModelSerializer):
    park = VisibleParkField()
    kind_display = ChoiceLabelField(source="kind")
    area_m2 = serializers.DecimalField(max_digits=8, decimal_places=1, min_value=Decimal("0.1"))

    class Meta:
        model = Facility
        fields = [
            "id",
            "park",
            "kind",
            "kind_display",
            "name",
            "area_m2",
            "location",
            "description",
        ]
        validators = []
