"""The portal speaks Simplified Chinese unless the user picked English with the switch."""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


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
        if language not in self.supported and request.path.startswith("/api/"):
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
