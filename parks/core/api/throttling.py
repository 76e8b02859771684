"""The API's rate limits, counting each client under the address parks.core.client_ip resolves, not
under Django REST framework's own reading of X-Forwarded-For (which, with NUM_PROXIES unset,
keys on the whole header, so a client escapes by changing it)."""

from rest_framework import throttling

from parks.core.client_ip import client_key


class AnonRateThrottle(throttling.AnonRateThrottle):
    """API_THROTTLE_ANON per anonymous client address."""

    def get_ident(self, request):
        return client_key(request)


class UserRateThrottle(throttling.UserRateThrottle):
    """API_THROTTLE_USER per signed-in user (per address for an anonymous request)."""

    def get_ident(self, request):
        return client_key(request)
