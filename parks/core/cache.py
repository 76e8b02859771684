"""A Redis cache that a Redis outage cannot turn into a 500.

Everything the portal keeps in its cache can be lost: throttle counts, the dashboard's figures.
So while Redis cannot be reached, this cache behaves as one whose entries expire at once: a read
misses, a write does nothing, incr() finds no key (ValueError, as Django documents it). The
throttles then let requests through and pages compute their figures, which beats every page and
every worker's grievance answering 500.

A dead Redis must cost milliseconds, not seconds: sockets time out quickly, and after a failure
Redis is left alone for a few seconds before it is tried again. The warning goes out at most
once a minute per process, however many requests the outage touches.
"""

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis import exceptions as redis_errors

logger = logging.getLogger(__name__)

# Redis runs beside the portal: a healthy one answers in well under these.
DEFAULT_OPTIONS = {"socket_connect_timeout": 0.25, "socket_timeout": 0.5}
PAUSE_AFTER_FAILURE_SECONDS = 5
WARNING_EVERY_SECONDS = 60
UNREACHABLE = (redis_errors.ConnectionError, redis_errors.TimeoutError)
# A wrong password is a ConnectionError to redis-py too, but it is not an outage: failing open
# would quietly switch off every throttle (the tracking-code guard among them) for as long as
# the setting stays wrong. It must fail loudly instead.
MISCONFIGURED = (redis_errors.AuthenticationError, redis_errors.AuthorizationError)


def _or_else(fallback):
    """Run the cache operation, or answer fallback(*args, **kwargs) if Redis is unreachable."""

    def decorate(operation):
        @functools.wraps(operation)
        def guarded(self, *args, **kwargs):
            if time.monotonic() < self._paused_until:
                self._failures += 1
                return fallback(*args, **kwargs)
            try:
                result = operation(self, *args, **kwargs)
            except MISCONFIGURED:
                raise
            except UNREACHABLE as error:
                self._unreachable(error)
                return fallback(*args, **kwargs)
            self._reachable()
            return result

        return guarded

    return decorate


def _missing_key(key, *args, **kwargs):
    raise ValueError(f"Key '{key}' not found.")


class FailOpenRedisCache(RedisCache):
    """Django's Redis cache that treats an unreachable Redis as an empty cache (see above)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._options = {**DEFAULT_OPTIONS, **self._options}
        self._paused_until = 0.0
        self._warned_at = None
        self._failures = 0

    def _unreachable(self, error):
        now = time.monotonic()
        self._paused_until = now + PAUSE_AFTER_FAILURE_SECONDS
        self._failures += 1
        if self._warned_at is None or now - self._warned_at >= WARNING_EVERY_SECONDS:
            # The error names host and port, never the password a LOCATION URL may carry.
            logger.warning(
                "Redis cache unreachable (%s); running without the cache, throttles let "
                "requests through (%d failed operations since the last warning).",
                error,
                self._failures,
            )
            self._warned_at = now
            self._failures = 0

    def _reachable(self):
        if self._warned_at is not None:
            logger.info("Redis cache reachable again.")
            self._warned_at = None
            self._failures = 0

    def _run_script(self, script, key, args):
        return script(keys=[self.make_and_validate_key(key)], args=args, client=self._redis(key))

    def _redis(self, key):
        # One client, made on first use: Django's get_client makes a new redis-py client for every
        # operation, and the throttles run one on every API request (~20 % of its cost). A client
        # holds no connection of its own (its pool does), and every write goes to the one pool
        # (Django's write pool is the first server's, whatever the key).
        client = self.__dict__.get("_writer")
        if client is None:
            client = self._writer = self._cache.get_client(key, write=True)
        return client

    # A Lua script over one key of this cache (`script`: redis-py's Script), in one round trip;
    # None while Redis cannot be reached.
    run_script = _or_else(lambda *args, **kwargs: None)(_run_script)
    get = _or_else(lambda key, default=None, version=None: default)(RedisCache.get)
    get_many = _or_else(lambda keys, version=None: {})(RedisCache.get_many)
    has_key = _or_else(lambda key, version=None: False)(RedisCache.has_key)
    # Stored, and expired at once: the caller goes on as after any other successful add().
    add = _or_else(lambda *args, **kwargs: True)(RedisCache.add)
    set = _or_else(lambda *args, **kwargs: None)(RedisCache.set)
    set_many = _or_else(lambda *args, **kwargs: [])(RedisCache.set_many)
    touch = _or_else(lambda *args, **kwargs: False)(RedisCache.touch)
    incr = _or_else(_missing_key)(RedisCache.incr)
    delete = _or_else(lambda *args, **kwargs: False)(RedisCache.delete)
    delete_many = _or_else(lambda *args, **kwargs: None)(RedisCache.delete_many)
    clear = _or_else(lambda *args, **kwargs: False)(RedisCache.clear)
