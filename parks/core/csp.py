"""django-csp's middleware, the policy built once per process instead of on every response.

django-csp builds the Content-Security-Policy header from the settings on every response
(copying each directive, joining them: ~0.14 ms of CPU, pages and API alike), though it only
changes with the settings, a view's @csp_update/@csp_replace/@csp decorators and the request's
nonce. Here a response no decorator touched gets the header built once per setting and kind
(enforced, report-only); a nonce, where the policy asks for one, is put in its place. A
response a decorator touched is django-csp's own. The checks on what gets a header (a
decorator's exemption, the excluded prefixes, a header already set, the debug pages) and the
nonce's guard after the response are django-csp's, step for step (django-csp 4.0).
tests/parks/test_csp_once.py pins the headers to django-csp's.
"""

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpRequest
from django.http.response import HttpResponseBase

# Stands for the request's nonce in a policy built once: no setting holds it.
_NONCE = "\x00nonce\x00"
# (report only, with a nonce) -> the policy; emptied when a CSP setting changes.
_built: dict[tuple[bool, bool], str] = {}

# What django-csp's decorators leave on a response (csp.decorators).
_TOUCHED = tuple(
    f"_csp_{kind}{suffix}" for kind in ("config", "update", "replace") for suffix in ("", "_ro")
)
_SETTINGS = ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY")


def _forget(*, setting: str, **_kwargs) -> None:
    if setting in _SETTINGS:
        _built.clear()


setting_changed.connect(_forget)


def _policy(report_only: bool, nonce: str | None) -> str:
    """`build_policy(nonce=nonce, report_only=report_only)` for a response no decorator touched."""
    key = (report_only, nonce is not None)
    policy = _built.get(key)
    if policy is None:
        policy = _built[key] = build_policy(
            nonce=_NONCE if nonce is not None else None, report_only=report_only
        )
    return policy if nonce is None else policy.replace(_NONCE, nonce)


class CSPMiddleware(DjangoCSPMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if any(getattr(response, name, None) is not None for name in _TOUCHED):
            return super().process_response(request, response)
        if response.status_code in (500, 404) and settings.DEBUG:
            return response
        nonce = getattr(request, "_csp_nonce", None)
        for report_only, header, exempt, setting in (
            (False, HEADER, "_csp_exempt", "CONTENT_SECURITY_POLICY"),
            (True, HEADER_REPORT_ONLY, "_csp_exempt_ro", "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
        ):
            csp = _policy(report_only, nonce)
            if csp:
                is_not_exempt = getattr(response, exempt, False) is False
                no_header = header not in response
                policy = getattr(settings, setting, None) or {}
                prefixes = policy.get("EXCLUDE_URL_PREFIXES", None) or ()
                is_not_excluded = not request.path_info.startswith(tuple(prefixes))
                if no_header and is_not_exempt and is_not_excluded:
                    response[header] = csp
        if getattr(request, "_csp_nonce", None) is None:
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response
