"""The portal speaks Simplified Chinese unless the user picked English with the switch; a
database that cannot answer now is a 503, not a server error."""

import logging

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

from parks.core.api.errors import is_api_request, is_database_unavailable
from parks.core.error_pages import database_unavailable

logger = logging.getLogger(__name__)


class ChosenLanguageMiddleware:
    """Use the language cookie set by the switch, else LANGUAGE_CODE.

    Django's LocaleMiddleware would follow the browser's Accept-Language, which on office
    machines is often English; users here expect Chinese until they choose otherwise.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported and is_api_request(request):
            # REST clients have no switch to press; their Accept-Language header is their choice.
            language = translation.get_language_from_request(request)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        response.headers.setdefault("Content-Language", language)
        return response


class DatabaseUnavailableMiddleware:
    """A view (or a DRF endpoint) whose query failed because the database is down, or was cut
    off by statement_timeout / lock_timeout (config/settings/base.py), answers 503 with
    Retry-After: JSON under /api/, the Chinese busy page elsewhere.

    Expected under load rather than a bug: logged as one warning line with the database's reason,
    no traceback. Failures outside views reach parks.core.error_pages.server_error, which answers
    the same.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        logger.warning("Database unavailable on %s %s: %s", request.method, request.path, exception)
        return database_unavailable(request)
