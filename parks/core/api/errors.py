"""API errors are JSON with field messages, whatever part of the portal raised them.

DRF's views answer through `portal_exception_handler`. What fails outside them (a bug, an
unknown address, a database that is down or busy) is answered by parks.core.error_pages and
parks.core.middleware, which use `json_error` and the messages below for anything under /api/.
"""

import sqlite3

from django.conf import settings
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.views import exception_handler

API_PATH_PREFIX = "/api/"

SERVER_ERROR = gettext_lazy(
    "Something went wrong on the server. The error has been logged; try again later."
)
DATABASE_UNAVAILABLE = gettext_lazy(
    "The portal's database is busy or unavailable. Try again in a moment."
)
# Seconds a client is asked to wait after a 503: a lock wait is cut off within
# DATABASE_LOCK_TIMEOUT, so asking again a little later usually succeeds.
RETRY_AFTER_SECONDS = 10


def is_api_request(request):
    """Whether the request is for the REST API, whose clients read JSON, not pages."""
    return request.path.startswith(API_PATH_PREFIX)


# SQLSTATEs that mean "not now" rather than "wrong": the statement or lock limit cut the query
# off (57014, 55P03), a deadlock or serialization failure (40P01, 40001), the server is shutting
# down, starting or out of resources (57P0x, 53xxx), or the connection failed (08xxx).
_UNAVAILABLE_SQLSTATES = {"57014", "55P03", "40P01", "40001"}
_UNAVAILABLE_SQLSTATE_CLASSES = ("08", "53", "57P")


def is_database_unavailable(exc):
    """Whether `exc` means the database could not answer now, rather than a bug.

    Django wraps the driver's errors: a statement cut off by statement_timeout (QueryCanceled)
    or lock_timeout (LockNotAvailable), a refused or lost connection and SQLite's "database is
    locked" all arrive as OperationalError, a connection closed under the request as
    InterfaceError. So do bugs (SQLite's "no such table", PostgreSQL's "index row requires
    … bytes"): those must stay server errors, with their traceback, so the cause is judged.
    """
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if isinstance(cause, sqlite3.OperationalError):
        return "is locked" in str(cause)  # "database is locked", "database table is locked"
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate is None:
        # psycopg gives no SQLSTATE when it never reached the server or lost it mid-query.
        return cause is not None and type(cause).__module__.startswith("psycopg")
    return sqlstate in _UNAVAILABLE_SQLSTATES or sqlstate.startswith(_UNAVAILABLE_SQLSTATE_CLASSES)


def json_error(detail, *, status_code, headers=None):
    """The API's error body, `{"detail": "…"}`, for answers made outside DRF's views."""
    return JsonResponse({"detail": str(detail)}, status=status_code, headers=headers)


def database_unavailable_json():
    return json_error(
        DATABASE_UNAVAILABLE,
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("The record's current state does not allow this step.")
    default_code = "conflict"


def state_conflicts_as_409(call):
    """Run a service call; a ValidationError that names no field means the state forbids it
    (an illegal workflow move): a 409 with the service's message. Field errors stay 400s."""
    try:
        return call()
    except DjangoValidationError as error:
        if hasattr(error, "error_dict"):
            raise
        raise Conflict(" ".join(error.messages)) from error


def portal_exception_handler(exc, context):
    # Services raise Django's exceptions; turn them into DRF's so clients get a 400/403 body.
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            messages = exc.message_dict
            if NON_FIELD_ERRORS in messages:
                messages["non_field_errors"] = messages.pop(NON_FIELD_ERRORS)
            exc = exceptions.ValidationError(messages)
        else:
            exc = exceptions.ValidationError({"non_field_errors": exc.messages})
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    # get_object_or_404's text ("No Grievance matches the given query.") is English whatever the
    # client's language and names the model; every missing or unseen object is DRF's "Not found."
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    # Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE (for multipart: its text fields)
    # and an overfull form while DRF reads it; left alone they would be Django's HTML 400 page.
    elif isinstance(exc, RequestDataTooBig):
        size = f"{(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0) / (1024 * 1024):g}"
        exc = PayloadTooLarge(
            _("The request body is larger than %(size)s MB (files not counted).") % {"size": size}
        )
    elif isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        exc = exceptions.ParseError(_("The request has too many fields or files."))
    return exception_handler(exc, context)
