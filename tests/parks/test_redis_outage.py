"""With Redis down, the portal keeps answering: the cache (throttles, the dashboard's figures)
misses with a warning in the log, and work that could not be queued is saved and sent later.
With Redis up, the throttles count as before."""

import logging
import socket
import subprocess
import threading
import time
from types import SimpleNamespace

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from redis.exceptions import AuthenticationError

from config.celery import app
from grievances.models import Grievance
from reforms.reporting.choices import ReportStatus
from reforms.reporting.models import Report
from tests.grievances.test_public import form_data, form_url
from tests.parks.test_client_address import production_setting

pytestmark = pytest.mark.django_db

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1
LIVE_REDIS = "redis://127.0.0.1:6379/13"
BACKEND = "parks.core.cache.FailOpenRedisCache"


def redis_cache(location):
    return {"default": {"BACKEND": BACKEND, "LOCATION": location}}


def cache_warnings(caplog):
    return [
        r for r in caplog.records if r.name == "parks.core.cache" and r.levelno == logging.WARNING
    ]


@pytest.fixture
def redis_down(settings, caplog):
    settings.CACHES = redis_cache(DEAD_REDIS)
    caplog.set_level(logging.WARNING, logger="parks.core.cache")


@pytest.fixture
def silent_server():
    """A server that takes connections and never answers, as a hung Redis does: its `url`, and
    the connections it `held`."""
    server = socket.create_server(("127.0.0.1", 0))
    held = []

    def hold():
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:  # closed at the end of the test
                return

    threading.Thread(target=hold, daemon=True).start()
    yield SimpleNamespace(url=f"redis://127.0.0.1:{server.getsockname()[1]}/0", held=held)
    server.close()
    for connection in held:
        connection.close()


@pytest.fixture
def silent_redis(settings, silent_server):
    settings.CACHES = redis_cache(silent_server.url)
    return silent_server


@pytest.fixture
def live_redis(settings):
    settings.CACHES = redis_cache(LIVE_REDIS)
    caches["default"].clear()
    yield
    caches["default"].clear()


def test_production_uses_the_cache_that_survives_an_outage():
    assert production_setting('CACHES["default"]["BACKEND"]') == BACKEND


# --- Redis down: the cache ------------------------------------------------------------------


def test_the_api_answers_while_redis_is_down(
    redis_down, api_throttles, api_as, office_user, caplog
):
    client = api_as(office_user)
    statuses = [client.get("/api/v1/parks/").status_code for _ in range(14)]
    assert statuses == [200] * 14
    # One warning, not one per request.
    [warning] = cache_warnings(caplog)
    assert "Redis cache unreachable" in warning.getMessage()


def test_the_dashboard_answers_while_redis_is_down(redis_down, client, office_user, caplog):
    client.force_login(office_user)
    assert client.get(reverse("reforms:dashboard")).status_code == 200
    assert client.get(reverse("reforms:dashboard")).status_code == 200
    assert len(cache_warnings(caplog)) == 1


def test_a_workers_grievance_is_saved_while_redis_is_down(redis_down, park, caplog):
    data = form_data(title="食堂饭菜变质", description="连续三天饭菜有异味，好几个人拉肚子。")
    response = Client().post(form_url(park), data, REMOTE_ADDR="192.0.2.10")
    assert response.status_code == 302
    grievance = Grievance.objects.get(park=park)
    assert grievance.title == "食堂饭菜变质"
    track = Client().get(reverse("grievances:public_track", args=[grievance.tracking_code]))
    assert track.status_code == 200
    assert cache_warnings(caplog)


def test_a_hung_redis_costs_one_short_wait_not_one_per_request(
    silent_redis, api_throttles, api_as, office_user
):
    client = api_as(office_user)
    for _ in range(10):
        assert client.get("/api/v1/parks/").status_code == 200
    # After the first wait times out, the cache leaves Redis alone for a few seconds instead of
    # making every request wait again (counted, not timed: CI's cores are busy).
    assert len(silent_redis.held) <= 2  # a second try if the requests outlast the pause


# --- Redis up: the throttles still count ----------------------------------------------------


def test_with_redis_up_the_api_throttle_counts(live_redis, api_throttles, api_as, office_user):
    api_throttles["user"] = "3/minute"
    client = api_as(office_user)
    statuses = [client.get("/api/v1/parks/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_with_redis_up_the_public_form_throttle_counts(live_redis, settings, park):
    settings.GRIEVANCE_PUBLIC_SUBMITS_PER_IP = 2
    client = Client()
    statuses = [
        client.post(form_url(park), form_data(), REMOTE_ADDR="192.0.2.10").status_code
        for _ in range(3)
    ]
    assert statuses == [302, 302, 429]
    assert Grievance.objects.count() == 2


# --- Broker down: the write is kept ---------------------------------------------------------


def point_celery_at(monkeypatch, url):
    """Send messages to `url` (Celery reads this variable first), dropping the connection pools
    so the next message tries it."""
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)


def ask_for_a_report(client, park):
    form = {"scope": "park", "park": park.pk, "period_kind": "month", "day": "2026-05-17"}
    started = time.monotonic()
    response = client.post(reverse("reforms:report_request"), form)
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert report.status == ReportStatus.QUEUED
    assert client.get(report.get_absolute_url()).status_code == 200
    return time.monotonic() - started


@pytest.mark.django_db(transaction=True)  # the message is sent when the request commits
def test_a_report_asked_for_while_the_broker_is_down_is_kept_for_the_sweep(
    monkeypatch, client, office_user, park, caplog
):
    point_celery_at(monkeypatch, DEAD_REDIS)
    client.force_login(office_user)
    assert ask_for_a_report(client, park) < 15  # refused at once; generous for a busy CI
    # Logged for the operators; the sweep sends what has waited past its patience.
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("127.0.0.1:1" in message for message in errors)


@pytest.mark.django_db(transaction=True)
def test_a_hung_broker_delays_the_request_by_seconds_not_forever(
    monkeypatch, silent_server, client, office_user, park
):
    point_celery_at(monkeypatch, silent_server.url)
    client.force_login(office_user)
    # Bounded by the broker's connect and socket timeouts; it used to wait forever.
    assert ask_for_a_report(client, park) < 30


@pytest.fixture
def redis_with_a_password(tmp_path):
    """A private Redis that asks for a password, on a free loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--requirepass", "right"]
        + ["--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while socket.socket().connect_ex(("127.0.0.1", port)) != 0:
        assert time.monotonic() < deadline, "redis-server did not start"
        time.sleep(0.05)
    yield port
    server.terminate()
    server.wait(timeout=10)


def test_a_wrong_redis_password_fails_loudly_instead_of_switching_throttles_off(
    settings, redis_with_a_password
):
    """Review finding: redis-py's AuthenticationError is a ConnectionError, so a wrong password
    in production made the cache 'fail open' for good, and every throttle with it."""
    settings.CACHES = redis_cache(f"redis://:wrong@127.0.0.1:{redis_with_a_password}/0")

    with pytest.raises(AuthenticationError):
        caches["default"].get("throttle_anon_192.0.2.10")
