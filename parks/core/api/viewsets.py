"""The base every API viewset inherits: the set-up they all share, said once.

- Reading: each viewset's `get_queryset` asks its app's scope selector (parks.access
  underneath), so a row outside the user's scope is a 404 before it is a 403. The `queryset`
  attribute is only the model for the schema generator; it is derived from the serializer.
- Filtering and paging come from settings (PortalFilterBackend, ChineseOrderingFilter,
  PortalPagination); a viewset names its `filterset_class` and ordering fields.
- Permission: every viewset needs a signed-in user; `permission_class` names the one class
  (parks.access.permissions, parks.access underneath) that decides the rest, usually who
  writes. Creates and updates go through a service in `save_with_service`, never
  `serializer.save()`.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated

from parks.core.api.cursor import CursorPagination
from parks.core.api.filtering import PortalFilterBackend


def assign(instance, data):
    """Copy validated fields onto a model instance for a service to save."""
    for field, value in data.items():
        setattr(instance, field, value)
    return instance


# The bases carry comments, not docstrings: a viewset's docstring is its description in the
# API schema, and a base's would become the description of every viewset without its own.


class PortalViewSet(viewsets.GenericViewSet):
    # Signed-in users only; `permission_class`, when set, decides the rest.
    permission_classes = [IsAuthenticated]
    permission_class = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "permission_class" in cls.__dict__ and cls.permission_class is not None:
            cls.permission_classes = [IsAuthenticated, cls.permission_class]
        # The schema generator reads the model from `queryset`; the rows come from get_queryset.
        model = getattr(getattr(cls.serializer_class, "Meta", None), "model", None)
        if "queryset" not in cls.__dict__ and model is not None:
            cls.queryset = model.objects.none()


class ReadOnlyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PortalViewSet):
    pass


class CursorListMixin:
    # A big list answers at `<list>/cursor/` too: the same rows, filters and order, paged by
    # cursor (parks.core.api.cursor) for clients that read all of it. `?ordering=` is the
    # list's alone: a cursor continues along one fixed order. The view's get_queryset treats
    # the action "cursor" as "list".

    @extend_schema(
        summary="Page through the whole list by cursor",
        description=(
            "The same rows, filters and order as the list, without a count: follow `next` "
            "until it is null. Each page costs the same however far in it is, where the "
            "list's `?page=` grows with the page number."
        ),
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="cursor",
        pagination_class=CursorPagination,
        filter_backends=[PortalFilterBackend],
    )
    def cursor(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)


class EditViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ReadOnlyViewSet):
    # Creates and updates each go through `save_with_service`. Services raise Django's
    # ValidationError; the API's exception handler turns it into a 400.

    def perform_create(self, serializer):
        instance = serializer.Meta.model()
        serializer.instance = self.save_with_service(instance, dict(serializer.validated_data))

    def perform_update(self, serializer):
        serializer.instance = self.save_with_service(
            serializer.instance, dict(serializer.validated_data)
        )

    def save_with_service(self, instance, data):
        raise NotImplementedError
