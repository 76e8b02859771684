"""What the OpenAPI schema (/api/schema/) says about errors and files, in one place.

Every operation answers errors the views never declare one by one: 401 without a valid token,
403 when the scope or a service refuses, 404 for a row outside the scope (or a page past the
last), 429 when throttled, 500 and 503 when the server fails or the database is busy. Writes
also answer 400 (field messages), 413 (a body over the server's limit) and 415 (a body that is
not JSON or a form); reads with query parameters answer 400 for a value they cannot use.
`PortalAutoSchema` adds those to every operation that does not declare them itself, with the
bodies parks.core.api.errors produces: `Error` (`{"detail": ...}`) or `ValidationError` (messages
by field). A workflow step whose service may refuse in the current state declares its 409 with
`conflict()`. File downloads declare the media types they send with `file_download()`.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from parks.core.api.cursor import CursorPagination
from parks.core.downloads import UNKNOWN_FILE, file_media_type

JSON = "application/json"
WRITES = ("POST", "PUT", "PATCH")


class ErrorSerializer(serializers.Serializer):
    """An error about the whole request."""

    detail = serializers.CharField(help_text=_("What went wrong, in the user's language."))


class ValidationErrorSerializer(serializers.Serializer):
    """A request the portal could not accept: messages by field (a list of messages, or an
    object of messages for a nested field or list item), `non_field_errors` for the request as
    a whole, or `detail` when the body could not be read at all."""

    detail = serializers.CharField(required=False)
    non_field_errors = serializers.ListField(child=serializers.CharField(), required=False)


class ValidationErrorExtension(OpenApiSerializerExtension):
    """The field names vary by operation: any other property is a field's messages."""

    target_class = ValidationErrorSerializer

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        schema["additionalProperties"] = {}
        return schema


def error(description, serializer=ErrorSerializer) -> OpenApiResponse:
    return OpenApiResponse(serializer, description=description)


def conflict(description) -> OpenApiResponse:
    """409 Conflict: the row's state does not allow the step (errors.state_conflicts_as_409)."""
    return error(description)


def invalid(description=None):
    """400 with messages by field (the body parks.core.api.errors makes of a ValidationError)."""
    return error(
        description or _("The request is invalid: see the messages by field."),
        ValidationErrorSerializer,
    )


def file_download(extensions, description) -> dict:
    """The 200 responses of a download of a file with one of `extensions`, in the media types
    parks.core.downloads sends (and UNKNOWN_FILE, for a file stored before its type was checked)."""
    media_types = sorted({file_media_type(f"file{extension}") for extension in extensions})
    return {
        (200, media_type): OpenApiResponse(OpenApiTypes.BINARY, description=description)
        for media_type in [*media_types, UNKNOWN_FILE]
    }


class PortalAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema with the error responses every operation may give."""

    def _is_list_view(self, serializer=None) -> bool:
        # A list's cursor-paged twin (viewsets.CursorListMixin) lists the same rows.
        if getattr(self.view, "action", None) == "cursor":
            return True
        return super()._is_list_view(serializer)

    def get_paginated_name(self, serializer_name: str) -> str:
        if isinstance(self._get_paginator(), CursorPagination):
            return f"CursorPaginated{serializer_name}List"
        return super().get_paginated_name(serializer_name)

    def _map_serializer(self, serializer, direction, bypass_extensions=False):
        # A serializer given as an instance where the views are declared
        # (`responses=GrievanceEventSerializer(many=True)`) lives as long as the process and
        # keeps the fields it first built, titled in the language of the first schema made:
        # built anew here, they are titled in this schema's language.
        if isinstance(serializer, serializers.BaseSerializer):
            serializer.__dict__.pop("fields", None)
        return super()._map_serializer(serializer, direction, bypass_extensions)

    def _common_errors(self) -> dict:
        errors = {
            "403": error(_("You may not do this, or not to this row.")),
            "404": error(_("No such row in your scope, or no such page.")),
            "429": error(_("Too many requests: wait and try again.")),
            "500": error(_("The server failed; the error was logged.")),
            "503": error(_("The database is busy: try again in a moment.")),
        }
        if not all(isinstance(permission, AllowAny) for permission in self.view.get_permissions()):
            errors["401"] = error(_("Not signed in: send a valid `Authorization: Token <key>`."))
        has_query = any(parameter["in"] == "query" for parameter in self._get_parameters())
        if self.method in WRITES or has_query:
            errors["400"] = invalid()
        if self.method in WRITES:
            errors["413"] = error(_("The request body is larger than the server accepts."))
            errors["415"] = error(_("The body is not in a media type this operation reads."))
        return errors

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, response in self._common_errors().items():
            if code not in responses:
                # Errors are JSON whatever the operation's own media types (files, images).
                responses[code] = self._get_response_for_code(response, code, [JSON], direction)
        return dict(sorted(responses.items()))
