"""The API's rate limits, counting each client under the address parks.core.client_ip resolves, not
under Django REST framework's own reading of X-Forwarded-For (which, with NUM_PROXIES unset,
keys on the whole header, so a client escapes by changing it).

Each limit is DRF's sliding window: a log of the client's request times over the last period,
at most `num_requests` of them. DRF reads the whole log from the cache and writes it back, two
Redis round trips per request (and the log pickled each way, up to 600 entries at production's
rate). With Redis as the cache, the same log is kept as a Redis list and trimmed, counted and
appended by one Lua script: one round trip, the same answers (tests pin them against DRF's),
and concurrent requests no longer overwrite each other's entries. Any other cache (the tests'
local memory) goes DRF's way.
"""

from django.core.cache import cache as default_cache
from django.core.cache import caches
from redis.commands.core import Script
from rest_framework import throttling

from parks.core.cache import FailOpenRedisCache
from parks.core.client_ip import client_key

# KEYS[1]: the log, newest first. ARGV: now, now minus the period (both as Python computes
# them: the same doubles), the limit, the period in milliseconds. DRF's steps, in Redis: drop
# the entries at or before the period's start, refuse at the limit, else log now and keep the
# log one period. Answers {allowed, entries in the log now, the oldest entry when refused}.
SLIDING_WINDOW = """
local oldest = redis.call('LINDEX', KEYS[1], -1)
while oldest and tonumber(oldest) <= tonumber(ARGV[2]) do
  redis.call('RPOP', KEYS[1])
  oldest = redis.call('LINDEX', KEYS[1], -1)
end
local count = redis.call('LLEN', KEYS[1])
if count >= tonumber(ARGV[3]) then
  return {0, count, oldest}
end
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {1, count + 1}
"""
_script = Script(None, SLIDING_WINDOW.encode())  # bytes: no client needed to name it


class LoggedInRedis(throttling.SimpleRateThrottle):
    # DRF's SimpleRateThrottle with its log kept by SLIDING_WINDOW when the cache is Redis
    # (module docstring); DRF's own steps otherwise.

    def allow_request(self, request, view):
        backend = caches["default"] if self.cache is default_cache else self.cache
        if not isinstance(backend, FailOpenRedisCache) or self.rate is None:
            return super().allow_request(request, view)
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        # Its own key: a process still running DRF's way reads a pickled list at self.key.
        answer = backend.run_script(
            _script,
            f"{self.key}:log",
            [
                repr(self.now),
                repr(self.now - self.duration),
                self.num_requests,
                self.duration * 1000,
            ],
        )
        if answer is None:  # Redis unreachable: let the request through, as DRF's way does
            return True
        if answer[0]:
            return True
        # Refused: the log as wait() reads it, its length and its oldest entry.
        count = answer[1]
        self.history = [float(answer[2])] * count if count else []
        return self.throttle_failure()


class AnonRateThrottle(LoggedInRedis, throttling.AnonRateThrottle):
    """API_THROTTLE_ANON per anonymous client address."""

    def get_ident(self, request):
        return client_key(request)


class UserRateThrottle(LoggedInRedis, throttling.UserRateThrottle):
    """API_THROTTLE_USER per signed-in user (per address for an anonymous request)."""

    def get_ident(self, request):
        return client_key(request)
