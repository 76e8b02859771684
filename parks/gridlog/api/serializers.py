"""Serializers of the grid log API (/api/v1/activities/): what clients read, what they send for
one entry, a correction or a batch, and the bulk endpoint's answers.

Park and zone fields accept only rows the user sees, so a hidden park reads as nonexistent (a 400
that reveals nothing); whether the user may log there is the service's decision.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from parks import access as selectors
from parks.core.api.fields import ChoiceLabelField
from parks.core.api.reading import ReadFastSerializer
from parks.gridlog.choices import ActivityKind
from parks.gridlog.models import Activity, ActivityPhoto
from parks.structure.api.serializers import (
    NamedChoiceField,
    PortalModelSerializer,
    VisibleParkField,
)
from parks.structure.choice_labels import PERSON_COLUMNS, ZONE_COLUMNS


class _PreloadedLookup:
    """A reference field that can look its rows up in a dict the view loaded beforehand.

    The bulk endpoint loads every park and zone its items name in one query each and passes
    them in the serializer context under `preloaded_key`; 500 items then cost no query apiece.
    Without that key the field queries as usual. Either way only rows the user may see exist.
    """

    preloaded_key = ""

    def to_internal_value(self, data):
        preloaded = self.context.get(self.preloaded_key)
        if preloaded is None:
            return super().to_internal_value(data)
        if isinstance(data, bool) or not (
            isinstance(data, int) or (isinstance(data, str) and data.isascii() and data.isdigit())
        ):
            self.fail("incorrect_type", data_type=type(data).__name__)
        row = preloaded.get(int(data))
        if row is None:
            self.fail("does_not_exist", pk_value=data)
        return row


@extend_schema_field(OpenApiTypes.INT)
class LoggableParkField(_PreloadedLookup, VisibleParkField):
    preloaded_key = "preloaded_parks"


@extend_schema_field(OpenApiTypes.INT)
class VisibleGridZoneField(_PreloadedLookup, serializers.PrimaryKeyRelatedField):
    """A grid zone of a park the user sees; zones of other parks read as "does not exist"."""

    preloaded_key = "preloaded_grid_zones"

    def get_queryset(self):
        # The zone's park comes along: the service reads it to check the zone and the park match.
        return selectors.grid_zones_visible_to(self.context["request"].user).select_related("park")


def preload_references(user, items) -> dict:
    """The parks and zones a batch of items names, as the serializer context the fields read."""
    wanted = {"park": set(), "grid_zone": set()}
    for item in items:
        if not isinstance(item, dict):
            continue
        for name, ids in wanted.items():
            value = item.get(name)
            if isinstance(value, int) and not isinstance(value, bool):
                ids.add(value)
            # isascii: "²".isdigit() is true, but int("²") fails.
            elif isinstance(value, str) and value.isascii() and value.isdigit():
                ids.add(int(value))
    parks = selectors.parks_visible_to(user).filter(pk__in=wanted["park"])
    zones = (
        selectors.grid_zones_visible_to(user)
        .filter(pk__in=wanted["grid_zone"])
        .select_related("park")
    )
    return {
        "preloaded_parks": {park.pk: park for park in parks},
        "preloaded_grid_zones": {zone.pk: zone for zone in zones},
    }


class ActivityPhotoSerializer(ReadFastSerializer):
    url = serializers.SerializerMethodField(
        help_text=gettext_lazy("The photo (JPEG, at most 1600 px a side), for signed-in users.")
    )
    thumbnail_url = serializers.SerializerMethodField(
        help_text=gettext_lazy("A small version for lists (JPEG, at most 360 px a side).")
    )

    class Meta:
        model = ActivityPhoto
        fields = ["id", "width", "height", "url", "thumbnail_url"]

    def _url(self, photo, query=""):
        url = reverse("activity-photo", kwargs={"pk": photo.activity_id, "photo_id": photo.pk})
        request = self.context.get("request")
        url = request.build_absolute_uri(url) if request else url
        return url + query

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, photo):
        return self._url(photo)

    @extend_schema_field(OpenApiTypes.URI)
    def get_thumbnail_url(self, photo):
        return self._url(photo, "?size=thumb")


# A page of 50 is read often (REST clients paging through the log): the fields read
# attributes and never call a method per row. The docstring is the schema's description.
class ActivitySerializer(ReadFastSerializer):
    """An entry of the grid log as clients read it."""

    park_name = serializers.CharField(source="park.name", read_only=True)
    grid_zone_label = serializers.SerializerMethodField(
        help_text=gettext_lazy("Code and name of the grid zone; null for a park-wide entry.")
    )
    kind = NamedChoiceField(ActivityKind, "ActivityKindEnum", read_only=True)
    kind_display = ChoiceLabelField(source="kind")
    # str() of the user, as `logged_by.__str__` gave it, without DRF inspecting the method's
    # signature on every row.
    logged_by_name = serializers.CharField(source="logged_by", read_only=True)
    photos = ActivityPhotoSerializer(many=True, read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "park",
            "park_name",
            "grid_zone",
            "grid_zone_label",
            "kind",
            "kind_display",
            "occurred_at",
            "place",
            "title",
            "description",
            "participants",
            "organisers",
            "logged_by",
            "logged_by_name",
            "client_id",
            "created_at",
            "updated_at",
            "photos",
        ]
        read_only_fields = fields
        # What a list page reads of the rows it joins, as columns (parks.core.api.columns):
        # the park's name, the zone's label (get_grid_zone_label: str(zone)), the author's
        # name (logged_by_name: str(user)).
        read_related = {"park": (), "grid_zone": ZONE_COLUMNS, "logged_by": PERSON_COLUMNS}

    def get_grid_zone_label(self, activity) -> str | None:
        return self.related_str(activity, "grid_zone")


class ActivityFieldsSerializer(PortalModelSerializer):
    """What an entry says. Park and zone must be ones the user sees; whether the user may log
    there is the service's decision (a 403)."""

    park = LoggableParkField(
        required=False,
        help_text=gettext_lazy(
            "The park. Optional when a grid zone is given (the zone decides its park); "
            "required for a park-wide entry."
        ),
    )
    grid_zone = VisibleGridZoneField(
        required=False,
        allow_null=True,
        help_text=gettext_lazy("The grid zone; null or left out for a park-wide entry."),
    )
    kind = NamedChoiceField(ActivityKind, "ActivityKindEnum")

    class Meta:
        model = Activity
        fields = [
            "park",
            "grid_zone",
            "kind",
            "occurred_at",
            "place",
            "title",
            "description",
            "participants",
            "organisers",
        ]

    def validate(self, attrs):
        park, zone = attrs.get("park"), attrs.get("grid_zone")
        if zone is not None and park is not None and zone.park_id != park.pk:
            raise serializers.ValidationError(
                {"grid_zone": _("This grid zone is not in the chosen park.")}
            )
        if self.instance is None and zone is None and park is None:
            raise serializers.ValidationError(
                {"park": _("Choose the park or one of its grid zones.")}
            )
        return attrs


class ActivityBulkItemSerializer(ActivityFieldsSerializer):
    """One entry of a batch: the same fields as a single entry, without photos."""

    # Declared rather than derived from the model: the model's uniqueness check would refuse a
    # resend, which the service answers with the entry already logged.
    client_id = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text=gettext_lazy(
            "A UUID the client makes for the entry. Sending an entry again with a client id you "
            "already logged returns that entry instead of logging a duplicate."
        ),
    )

    class Meta(ActivityFieldsSerializer.Meta):
        fields = [*ActivityFieldsSerializer.Meta.fields, "client_id"]


PHOTOS_FIELD_HELP = gettext_lazy(
    "Photos (JPEG, PNG or WebP; send as multipart/form-data and repeat the field for each file). "
    "Each is checked, re-encoded as JPEG and resized on the server."
)


class ActivityCreateSerializer(ActivityBulkItemSerializer):
    """A new entry. Send multipart/form-data to attach photos."""

    photos = serializers.ListField(
        # Not ImageField: that decodes the whole picture, before the pixel limit is checked.
        child=serializers.FileField(),
        required=False,
        max_length=settings.ACTIVITY_PHOTOS_PER_ENTRY,
        help_text=PHOTOS_FIELD_HELP,
    )

    class Meta(ActivityBulkItemSerializer.Meta):
        fields = [*ActivityBulkItemSerializer.Meta.fields, "photos"]


class ActivityUpdateSerializer(ActivityFieldsSerializer):
    """A correction: only the fields sent change."""

    photos = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        max_length=settings.ACTIVITY_PHOTOS_PER_ENTRY,
        help_text=PHOTOS_FIELD_HELP,
    )
    remove_photos = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text=gettext_lazy("Ids of this entry's photos to remove."),
    )

    class Meta(ActivityFieldsSerializer.Meta):
        fields = [*ActivityFieldsSerializer.Meta.fields, "photos", "remove_photos"]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        park = attrs.pop("park", None)
        if park is None:
            return attrs
        # The service moves an entry to another park only through a zone of that park.
        zone = attrs["grid_zone"] if "grid_zone" in attrs else self.instance.grid_zone
        if park.pk != (zone.park_id if zone is not None else self.instance.park_id):
            raise serializers.ValidationError(
                {"park": _("To move an entry to another park, choose one of that park's zones.")}
            )
        return attrs


class ActivityBulkSerializer(serializers.Serializer):
    activities = ActivityBulkItemSerializer(many=True, max_length=settings.ACTIVITY_BULK_MAX)


class BulkResultSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text=gettext_lazy("Position in the request, from 0."))
    id = serializers.IntegerField()
    created = serializers.BooleanField(
        help_text=gettext_lazy("False when its client_id was already logged by you.")
    )


class BulkCreatedSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    existing = serializers.IntegerField()
    results = BulkResultSerializer(many=True)


class BulkItemErrorSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=gettext_lazy("Messages by field name."),
    )


class BulkRefusedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = BulkItemErrorSerializer(many=True)
