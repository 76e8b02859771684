"""API errors are JSON with field messages, whatever part of the portal raised them."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.views import exception_handler


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
    return exception_handler(exc, context)
