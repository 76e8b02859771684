"""API errors are JSON with field messages, whatever part of the portal raised them."""

from django.conf import settings
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.views import exception_handler


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
