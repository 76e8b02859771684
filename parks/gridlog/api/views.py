"""REST API v1 for the grid log: /api/v1/activities/, their photos and the bulk endpoint.

Reading follows parks.access.activities_visible_to, so an entry outside the user's scope is a
404. Every write goes through parks.services (activity_create, activity_update, activity_delete,
activities_bulk_create): they decide who may log where and what is valid. Their PermissionDenied
is a 403 and their ValidationError a 400 (parks.core.api.errors).
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.response import Response

from parks import access as parks_access
from parks.access.lists import ScopedPlannedListMixin
from parks.core.api.errors import PayloadTooLarge
from parks.core.api.negotiation import FileDownloadNegotiation
from parks.core.api.parsers import JSONParser
from parks.core.api.schema import error
from parks.core.api.viewsets import CursorListMixin, ReadOnlyViewSet
from parks.core.downloads import stored_file_response
from parks.gridlog import selectors, services
from parks.gridlog.api.serializers import (
    ActivityBulkItemSerializer,
    ActivityBulkSerializer,
    ActivityCreateSerializer,
    ActivitySerializer,
    ActivityUpdateSerializer,
    BulkCreatedSerializer,
    BulkRefusedSerializer,
    preload_references,
)
from parks.gridlog.filters import ActivityFilter
from parks.gridlog.models import Activity, ActivityPhoto

# --- Request bodies that are too big ---------------------------------------------------------


def _too_large(*, batch):
    size = f"{(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0) / (1024 * 1024):g}"
    if batch:
        message = _(
            "The request body is larger than %(size)s MB. Send at most %(n)d activities in one "
            "request and split bigger exports into several batches."
        ) % {"size": size, "n": settings.ACTIVITY_BULK_MAX}
    else:
        message = _(
            "The text of this entry is larger than %(size)s MB (photos not counted). Shorten it."
        ) % {"size": size}
    return PayloadTooLarge(message)


# --- The viewset -----------------------------------------------------------------------------


def _refused_batch(detail, errors=()):
    return Response({"detail": detail, "errors": list(errors)}, status=status.HTTP_400_BAD_REQUEST)


def _messages_by_field(errors: dict) -> dict:
    return {
        ("non_field_errors" if field == "__all__" else field): [str(m) for m in messages]
        for field, messages in errors.items()
    }


# API documentation is in English, like the other endpoints' descriptions.
CREATE_DESCRIPTION = (
    "Log an activity, as JSON or as multipart/form-data with photos (repeat `photos`). "
    "Office staff log anywhere; a park manager in every zone of their park and park-wide there; "
    "a liaison in their own grid zones only.\n\n"
    "**Idempotent by `client_id`:** if you already logged an entry with this `client_id`, the "
    "answer is **200** with that entry, unchanged, and nothing new is saved (a retry after a "
    "dropped connection makes no duplicate). A new entry is **201**. A `client_id` someone "
    "else used is a 400."
)

BULK_DESCRIPTION = (
    f"Log up to {settings.ACTIVITY_BULK_MAX} activities from another system in one request, as "
    'JSON `{"activities": [{...}, ...]}`; the items take the fields of a single entry, without '
    "photos.\n\n"
    "**All or none:** if any item is invalid, nothing is saved and the answer is 400 with "
    '`{"detail": ..., "errors": [{"index": i, "errors": {field: [messages]}}]}`, listing '
    "every failing item by its position (from 0). Items are checked in two passes: first "
    "their form (types, required fields, a park or zone you can see), then, once every item "
    "is well formed, the rules (where you may log, dates, client ids); a batch is refused by "
    "the first pass that finds errors.\n\n"
    "Items whose `client_id` you already logged are not logged again: they come back with "
    "`created: false`, so a whole batch may be resent after a failure. On success the answer "
    'is 201 `{"created": n, "existing": m, "results": [{"index", "id", "created"}]}`.\n\n'
    f"A batch of more than {settings.ACTIVITY_BULK_MAX} items is refused with a 400 before any "
    "item is checked; a body larger than the server's request limit (2.5 MB by default) with "
    "a 413."
)

REFUSED_BATCH = OpenApiResponse(
    BulkRefusedSerializer,
    description=gettext_lazy(
        "Nothing was saved: the batch is malformed, too long, or some items are invalid."
    ),
)


@extend_schema_view(
    list=extend_schema(summary="The grid log in your scope, newest first"),
    retrieve=extend_schema(summary="One entry of the grid log"),
    destroy=extend_schema(summary="Delete an entry and its photos"),
)
class ActivityViewSet(CursorListMixin, ScopedPlannedListMixin, ReadOnlyViewSet):
    """The grid work log (网格工作日志): visits, lectures, care activities, forums… per grid zone
    or park-wide, with photos.

    Everyone reads the entries of the parks in their scope. Liaisons log in their own grid zones
    and correct their own entries within `ACTIVITY_EDIT_HOURS` (72 by default) of saving them;
    park managers log and correct anywhere in their park, park-wide included; office staff
    everywhere. Observers, member units and subdistrict staff read only. A write to an entry you
    can see but may not change is a 403; an entry outside your scope is a 404.

    Photos are served only through `/api/v1/activities/{id}/photos/{photo_id}/`, to users who
    see the entry.
    """

    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter
    lookup_value_regex = r"\d+"
    ordering_fields = ["occurred_at", "created_at", "participants", "title"]
    chinese_ordering_fields = ["title"]
    # Corrections are partial: PATCH only, so a client never blanks fields it did not send.
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    # The list's rows (parks.core.api.planned): the feed of the user's scope; no values.
    def list_queryset(self):
        return selectors.activity_list(user=self.request.user)

    def get_queryset(self):
        user = self.request.user
        if self.action in ("list", "cursor"):
            return self.listed()
        if self.action == "retrieve":
            return selectors.activity_list(user=user)
        return parks_access.activities_visible_to(user).select_related("park", "grid_zone")

    def handle_exception(self, exc):
        # portal_exception_handler answers every over-large body with a 413; here it says how
        # to split a batch, or that an entry's text (photos not counted) is too long.
        if isinstance(exc, RequestDataTooBig):
            exc = _too_large(batch=self.action == "bulk")
        # A refused batch always has the documented shape, `errors` included, even when the
        # body could not be read as JSON at all.
        if self.action == "bulk" and isinstance(exc, exceptions.ParseError):
            return _refused_batch(str(exc.detail))
        return super().handle_exception(exc)

    def _represent(self, activity):
        fresh = (
            Activity.objects.select_related("park", "grid_zone", "logged_by")
            .prefetch_related(Prefetch("photos", queryset=ActivityPhoto.objects.order_by("pk")))
            .get(pk=activity.pk)
        )
        return ActivitySerializer(fresh, context=self.get_serializer_context()).data

    def _check_may_edit(self, activity):
        if not parks_access.may_edit_activity(self.request.user, activity):
            raise exceptions.PermissionDenied(
                _(
                    "You may not change this entry. Liaisons correct their own entries within "
                    "%(hours)d hours of saving them; park managers and office staff any entry."
                )
                % {"hours": settings.ACTIVITY_EDIT_HOURS}
            )

    @extend_schema(
        summary="Log an activity (idempotent by client_id)",
        description=CREATE_DESCRIPTION,
        request={
            "multipart/form-data": ActivityCreateSerializer,
            "application/json": ActivityCreateSerializer,
        },
        responses={
            201: ActivitySerializer,
            200: OpenApiResponse(
                ActivitySerializer,
                description=gettext_lazy(
                    "You had already logged an entry with this client_id: here it is, unchanged."
                ),
            ),
        },
    )
    def create(self, request, *args, **kwargs):
        data = ActivityCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        photos = fields.pop("photos", [])
        activity, created = services.activity_create(
            activity=Activity(**fields), actor=request.user, photos=photos
        )
        return Response(
            self._represent(activity),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        summary="Correct an entry: only the fields sent change",
        description=gettext_lazy(
            "Send JSON, or multipart/form-data to add photos. `remove_photos` lists ids of the "
            "entry's photos to remove. An entry moves to another park only by choosing a grid "
            "zone of that park."
        ),
        request={
            "multipart/form-data": ActivityUpdateSerializer,
            "application/json": ActivityUpdateSerializer,
        },
        responses=ActivitySerializer,
    )
    def partial_update(self, request, *args, **kwargs):
        activity = self.get_object()
        self._check_may_edit(activity)
        data = ActivityUpdateSerializer(
            activity, data=request.data, partial=True, context=self.get_serializer_context()
        )
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        photos = fields.pop("photos", [])
        remove_ids = set(fields.pop("remove_photos", []))
        remove = list(activity.photos.filter(pk__in=remove_ids))
        unknown = remove_ids - {photo.pk for photo in remove}
        if unknown:
            raise exceptions.ValidationError(
                {
                    "remove_photos": [
                        _("This entry has no photo with id %(id)s.") % {"id": photo_id}
                        for photo_id in sorted(unknown)
                    ]
                }
            )
        services.activity_update(
            activity=activity,
            actor=request.user,
            fields=fields,
            photos=photos,
            remove_photos=remove,
        )
        return Response(self._represent(activity))

    def destroy(self, request, *args, **kwargs):
        activity = self.get_object()
        self._check_may_edit(activity)
        services.activity_delete(activity=activity, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="A photo of an entry (JPEG), for users who see the entry",
        parameters=[
            OpenApiParameter(
                "photo_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The photo's id."
            ),
            OpenApiParameter(
                "size",
                OpenApiTypes.STR,
                enum=["full", "thumb"],
                description=gettext_lazy("`thumb` for the small version; `full` by default."),
            ),
        ],
        responses={
            (200, "image/jpeg"): OpenApiResponse(
                OpenApiTypes.BINARY, description=gettext_lazy("The photo.")
            )
        },
        filters=False,
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"photos/(?P<photo_id>[0-9]+)",
        url_name="photo",
        filter_backends=[],
        pagination_class=None,
        content_negotiation_class=FileDownloadNegotiation,
    )
    def photo(self, request, pk=None, photo_id=None):
        size = request.query_params.get("size", "full")
        if size not in ("full", "thumb"):
            raise exceptions.ValidationError({"size": [_("Use “full” or “thumb”.")]})
        photo = get_object_or_404(ActivityPhoto, pk=photo_id, activity=self.get_object())
        stored = photo.thumbnail if size == "thumb" else photo.image
        response = stored_file_response(stored, photo.download_name, as_attachment=False)
        # Each user's browser may keep it; no shared cache may, since access depends on the user.
        response["Cache-Control"] = "private, max-age=3600"
        return response

    @extend_schema(
        summary="Log a batch of activities, all or none",
        description=BULK_DESCRIPTION,
        request=ActivityBulkSerializer,
        responses={
            201: BulkCreatedSerializer,
            400: REFUSED_BATCH,
            413: error(gettext_lazy("The request body is over the server's size limit.")),
        },
        filters=False,
    )
    @action(detail=False, methods=["post"], parser_classes=[JSONParser])
    def bulk(self, request):
        """All or none: every item is checked first; if any fails, nothing is saved and the
        failing items are listed by index. Items already logged (same client_id, same person)
        are reported with created False. More than ACTIVITY_BULK_MAX items are refused before
        any is checked; a body over DATA_UPLOAD_MAX_MEMORY_SIZE is refused unread (413)."""
        items = request.data.get("activities") if isinstance(request.data, dict) else None
        if not isinstance(items, list) or not items:
            return _refused_batch(
                _('Send a JSON object with a non-empty list: {"activities": [{...}, ...]}.')
            )
        if len(items) > settings.ACTIVITY_BULK_MAX:
            return _refused_batch(
                _(
                    "At most %(max)d activities in one request; this one has %(n)d. "
                    "Split it into batches. Nothing was saved."
                )
                % {"max": settings.ACTIVITY_BULK_MAX, "n": len(items)}
            )
        context = {**self.get_serializer_context(), **preload_references(request.user, items)}
        activities, errors = [], []
        for index, item in enumerate(items):
            data = ActivityBulkItemSerializer(data=item, context=context)
            if data.is_valid():
                activities.append(Activity(**data.validated_data))
            else:
                errors.append({"index": index, "errors": data.errors})
        if errors:
            return _refused_batch(_nothing_saved(len(errors)), errors)
        try:
            results = services.activities_bulk_create(activities=activities, actor=request.user)
        except services.BulkValidationError as error:
            return _refused_batch(
                _nothing_saved(len(error.item_errors)),
                [
                    {"index": index, "errors": _messages_by_field(messages)}
                    for index, messages in sorted(error.item_errors.items())
                ],
            )
        except DjangoValidationError as error:
            return _refused_batch(" ".join(error.messages))
        created = sum(1 for _activity, is_new in results if is_new)
        return Response(
            {
                "created": created,
                "existing": len(results) - created,
                "results": [
                    {"index": index, "id": activity.pk, "created": is_new}
                    for index, (activity, is_new) in enumerate(results)
                ],
            },
            status=status.HTTP_201_CREATED,
        )


def _nothing_saved(n):
    return _("Nothing was saved: %(n)d of the activities have errors.") % {"n": n}
