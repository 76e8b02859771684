"""The Content-Security-Policy built once per setting (parks/core/csp.py) is django-csp's:
the same headers on the same responses, with and without a nonce, report-only or not, for a
response a decorator touched or exempted, and on the portal's pages and API."""

import pytest
from csp.constants import HEADER, HEADER_REPORT_ONLY, NONCE, SELF
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory

from parks.core.csp import CSPMiddleware

NONCE_POLICY = {"DIRECTIVES": {"default-src": [SELF], "script-src": [SELF, NONCE]}}
REPORT_ONLY = {
    "EXCLUDE_URL_PREFIXES": ["/excluded/"],
    "DIRECTIVES": {"default-src": [SELF], "style-src": [SELF, NONCE], "report-uri": "/r/"},
}


def _headers(middleware_class, path, *, nonce, touch):
    middleware = middleware_class(lambda request: HttpResponse())
    request = RequestFactory().get(path)
    middleware.process_request(request)
    if nonce:
        request._csp_nonce = nonce  # as request.csp_nonce leaves it, the same for both
    response = HttpResponse()
    for name, value in touch.items():
        setattr(response, name, value)
    middleware.process_response(request, response)
    guard = type(request.csp_nonce).__name__
    return response.headers.get(HEADER), response.headers.get(HEADER_REPORT_ONLY), guard


TOUCHES = [
    {},
    {"_csp_update": {"img-src": ["https://example.org"]}},
    {"_csp_replace": {"script-src": [SELF]}},
    {"_csp_config_ro": {"default-src": [SELF]}},
    {"_csp_exempt": True},
    {"_csp_exempt_ro": True},
]


@pytest.mark.parametrize("touch", TOUCHES)
@pytest.mark.parametrize("nonce", [None, "bm9uY2Utb25l", "YW5vdGhlcg=="])
@pytest.mark.parametrize("path", ["/", "/excluded/page/"])
@pytest.mark.parametrize("policies", ["portal", "nonce", "report_only"])
def test_the_headers_are_django_csp_s(settings, policies, path, nonce, touch):
    if policies == "nonce":
        settings.CONTENT_SECURITY_POLICY = NONCE_POLICY
    elif policies == "report_only":
        settings.CONTENT_SECURITY_POLICY = NONCE_POLICY
        settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = REPORT_ONLY
    for _twice in range(2):  # built, then the built one
        ours = _headers(CSPMiddleware, path, nonce=nonce, touch=touch)
        theirs = _headers(DjangoCSPMiddleware, path, nonce=nonce, touch=touch)
        assert ours == theirs
    if nonce and policies != "portal" and not touch:
        assert nonce in ours[0]


def test_a_changed_setting_is_followed(settings):
    before = _headers(CSPMiddleware, "/", nonce=None, touch={})
    settings.CONTENT_SECURITY_POLICY = NONCE_POLICY
    after = _headers(CSPMiddleware, "/", nonce=None, touch={})
    assert after != before
    assert after == _headers(DjangoCSPMiddleware, "/", nonce=None, touch={})


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/api/v1/parks/", "/no-such-page/"])
def test_pages_answer_django_csp_s_header(client, settings, path):
    ours = client.get(path)
    settings.MIDDLEWARE = [
        "csp.middleware.CSPMiddleware" if name == "parks.core.csp.CSPMiddleware" else name
        for name in settings.MIDDLEWARE
    ]
    client.handler.load_middleware()
    theirs = client.get(path)
    assert ours.status_code == theirs.status_code
    assert ours.headers.get(HEADER) == theirs.headers.get(HEADER)
    assert ours.headers.get(HEADER)
