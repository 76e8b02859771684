"""What a request that failed answers: JSON under /api/, otherwise a Chinese page.

config/urls.py names these as Django's handler404 and handler500. The pages are rendered
without the request, so no context processor runs: they read neither the session, nor the
user, nor the bell's count, and render when the database is down.
"""

import sys

from django.http import HttpResponse
from django.template import loader
from django.views.defaults import page_not_found as portal_page_not_found
from rest_framework import exceptions, status

from parks.core.api.errors import (
    DATABASE_UNAVAILABLE,
    RETRY_AFTER_SECONDS,
    SERVER_ERROR,
    database_unavailable_json,
    is_api_request,
    is_database_unavailable,
    json_error,
)


def _page(template_name, *, status_code, context, headers=None):
    body = loader.get_template(template_name).render(context)
    return HttpResponse(body, status=status_code, headers=headers)


def database_unavailable(request):
    """503 with Retry-After: the database is down, or cut off a statement or a lock wait."""
    if is_api_request(request):
        return database_unavailable_json()
    return _page(
        "503.html",
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        context={"message": DATABASE_UNAVAILABLE},
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def server_error(request):
    """handler500. Django logs the exception with its traceback; the answer shows none of it.

    A database failure outside any view (SessionMiddleware saving the session, a 404 page
    reading the user) ends up here rather than in parks.core.middleware: it is still a 503.
    """
    if is_database_unavailable(sys.exc_info()[1]):
        return database_unavailable(request)
    if is_api_request(request):
        return json_error(SERVER_ERROR, status_code=status.HTTP_500_INTERNAL_SERVER_ERROR)
    return _page(
        "500.html",
        status_code=status.HTTP_500_INTERNAL_SERVER_ERROR,
        context={"message": SERVER_ERROR},
    )


def page_not_found(request, exception):
    """handler404: an unknown address under /api/ is DRF's JSON 404, a page the portal's."""
    if is_api_request(request):
        return json_error(exceptions.NotFound.default_detail, status_code=status.HTTP_404_NOT_FOUND)
    return portal_page_not_found(request, exception)
