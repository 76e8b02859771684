"""The API throttles' log kept in Redis by one Lua script (parks.core.api.throttling) answers
what Django REST framework's two-round-trip log answers: the same requests allowed and refused,
the same Retry-After, over the same moments."""

import pytest
from django.core.cache import caches
from rest_framework import throttling as drf
from rest_framework.test import APIClient

from parks.core.api import throttling
from parks.structure import services
from tests.factories import GrievanceFactory
from tests.parks.test_redis_outage import live_redis, redis_down  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

# Request moments (seconds): a burst, the period passing one entry at a time (an entry exactly
# one period old no longer counts), a pause longer than the period, a second burst.
MOMENTS = [0.0, 0.4, 1.25, 1.25, 59.9, 60.0, 60.4, 60.41, 61.25, 200.0, 200.1, 200.2, 200.3]


class Request:
    def __init__(self, user):
        self.user = user
        self.META = {"REMOTE_ADDR": "192.0.2.7"}


def _answers(throttle_class, user, rate):
    answers = []
    for moment in MOMENTS:
        throttle = throttle_class()
        throttle.rate, (throttle.num_requests, throttle.duration) = rate, throttle.parse_rate(rate)
        throttle.timer = lambda moment=moment: 1_800_000_000.0 + moment
        allowed = throttle.allow_request(Request(user), view=None)
        answers.append((allowed, None if allowed else throttle.wait()))
    return answers


class DrfUserRateThrottle(drf.UserRateThrottle):
    def get_ident(self, request):
        return "192.0.2.7"


@pytest.mark.parametrize("rate", ["3/minute", "1/minute", "5/minute", "0/minute"])
def test_the_redis_log_answers_what_drfs_log_answers(live_redis, office_user, liaison, rate):  # noqa: F811
    in_redis = _answers(throttling.UserRateThrottle, office_user, rate)
    # DRF's own steps, on the same cache, for another user (another key).
    assert in_redis == _answers(DrfUserRateThrottle, liaison, rate)
    assert (True, None) in in_redis or rate.startswith("0/")
    assert any(not allowed for allowed, _wait in in_redis)


def test_the_redis_log_is_one_list_kept_one_period(live_redis, office_user):  # noqa: F811
    _answers(throttling.UserRateThrottle, office_user, "3/minute")
    redis = caches["default"]._cache.get_client(write=True)
    [key] = redis.keys("*throttle_user_*:log")
    assert redis.llen(key) == 3
    assert 0 < redis.pttl(key) <= 60_000


def test_with_redis_up_the_api_refuses_past_the_rate_with_retry_after(
    live_redis,  # noqa: F811
    api_throttles,
    office_user,
):
    api_throttles["user"] = "2/minute"
    _token, key = services.api_token_create(owner=office_user, actor=office_user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    url = f"/api/v1/grievances/{GrievanceFactory().pk}/"
    responses = [client.get(url) for _ in range(3)]
    assert [response.status_code for response in responses] == [200, 200, 429]
    assert 0 < int(responses[2]["Retry-After"]) <= 60


def test_with_redis_down_the_redis_log_lets_requests_through(redis_down, office_user):  # noqa: F811
    assert _answers(throttling.UserRateThrottle, office_user, "1/minute") == [(True, None)] * len(
        MOMENTS
    )


def test_the_script_runs_on_one_client_of_the_write_pool(live_redis, office_user):  # noqa: F811
    """The cache makes its redis-py client once (parks.core.cache._redis), not per request:
    the client Django's get_client would make, on the same pool."""
    cache = caches["default"]
    _answers(throttling.UserRateThrottle, office_user, "3/minute")
    client = cache._redis("any key")
    _answers(throttling.UserRateThrottle, office_user, "3/minute")
    assert cache._redis("another key") is client
    assert client.connection_pool is cache._cache.get_client(write=True).connection_pool
