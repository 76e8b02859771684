"""A locked or slow table costs a web request a few seconds and a 503, not the whole portal.

Another connection holds `LOCK TABLE parks_activity IN ACCESS EXCLUSIVE MODE` (what a long
migration or a stuck maintenance job does to the grid log) while the portal is asked for pages.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from config.celery import allow_the_worker_longer_queries
from parks.core.db import database_timeout_options
from parks.structure import services

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db(transaction=True)


def _connect_aside():
    database = connection.settings_dict
    return psycopg.connect(
        host=database["HOST"],
        port=database["PORT"] or 5432,
        user=database["USER"],
        dbname=database["NAME"],
        autocommit=False,
    )


@pytest.fixture
def grid_log_locked():
    """The grid-log table and the tallies its feed counts from (parks.core.tallies), locked by
    another session until the test ends: with the table alone locked, an empty feed's count
    comes from the tally and its page of no rows is never read."""
    with _connect_aside() as other:
        other.execute("LOCK TABLE parks_activity, parks_tally IN ACCESS EXCLUSIVE MODE")
        yield
        other.rollback()


@pytest.fixture
def database_timeouts():
    """Reconnect the portal with the given timeouts, the way the settings configure them."""
    options = connection.settings_dict.setdefault("OPTIONS", {})
    saved = options.get("options")

    def reconnect_with(*, statement, lock):
        connection.close()
        options["options"] = database_timeout_options(
            statement_seconds=statement, lock_seconds=lock
        )

    yield reconnect_with
    connection.close()
    if saved is None:
        options.pop("options", None)
    else:
        options["options"] = saved


def _timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


# Waiting on the lock ends either way: lock_timeout (LockNotAvailable) or statement_timeout
# (QueryCanceled), whichever is shorter. The lock is held until the test ends, so any answer at
# all shows the limit worked; the bound on seconds only stops a broken limit from hanging the
# suite, and is generous because CI's two cores are busy with other tests.
ANSWERED_SOON = 15
TIMEOUTS = [{"statement": 30, "lock": 1}, {"statement": 1, "lock": 0}]


@pytest.mark.parametrize("timeouts", TIMEOUTS, ids=["lock-timeout", "statement-timeout"])
def test_the_api_answers_json_503_soon_when_a_table_is_locked(
    api_as, office_user, database_timeouts, grid_log_locked, timeouts
):
    client = api_as(office_user)
    database_timeouts(**timeouts)

    response, seconds = _timed(lambda: client.get("/api/v1/activities/", HTTP_ACCEPT_LANGUAGE="en"))

    assert response.status_code == 503
    assert seconds < ANSWERED_SOON
    assert response["Content-Type"] == "application/json"
    assert int(response["Retry-After"]) > 0
    assert response.json() == {
        "detail": "The portal's database is busy or unavailable. Try again in a moment."
    }


def test_a_write_to_a_locked_table_is_a_json_503_too(
    api_as, liaison, grid_zone, database_timeouts, grid_log_locked
):
    client = api_as(liaison)
    database_timeouts(statement=30, lock=1)

    response, seconds = _timed(
        lambda: client.post(
            "/api/v1/activities/bulk/",
            {
                "activities": [
                    {
                        "grid_zone": grid_zone.pk,
                        "kind": "visit",
                        "occurred_at": "2026-06-03T10:00:00+08:00",
                        "title": "走访",
                        "participants": 3,
                    }
                ]
            },
            format="json",
        )
    )

    assert response.status_code == 503
    assert seconds < ANSWERED_SOON
    assert response.json()["detail"]


def test_a_page_shows_the_chinese_busy_page_soon_when_a_table_is_locked(
    client, office_user, database_timeouts, grid_log_locked
):
    client.force_login(office_user)
    database_timeouts(statement=30, lock=1)

    response, seconds = _timed(lambda: client.get("/activities/"))

    assert response.status_code == 503
    assert seconds < ANSWERED_SOON
    assert int(response["Retry-After"]) > 0
    page = response.content.decode()
    assert '<html lang="zh-CN">' in page
    assert "返回平台首页" in page


def test_pages_that_do_not_read_the_locked_table_answer_at_once(
    client, api_as, office_user, park, database_timeouts, grid_log_locked
):
    database_timeouts(statement=30, lock=1)

    login, login_seconds = _timed(lambda: client.get("/accounts/login/"))
    parks, parks_seconds = _timed(lambda: api_as(office_user).get("/api/v1/parks/"))

    # Had either touched the locked table it would have waited the 1 s lock timeout and
    # answered 503: the 200s show they never waited.
    assert login.status_code == 200 and login_seconds < ANSWERED_SOON
    assert parks.status_code == 200 and parks_seconds < ANSWERED_SOON
    assert parks.json()["count"] == 1


@pytest.fixture
def gunicorn_with_two_workers():
    """The portal under gunicorn with two sync workers, on this test's database, with a lock
    timeout of 1 s from the environment: each worker serves one request at a time, as in
    production."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT'] or 5432}/"
            f"{database['NAME']}"
        ),
        "DATABASE_LOCK_TIMEOUT": "1",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "2", "--timeout", "30"]
        + ["--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while _http_get(base_url + "/accounts/login/")[0] != 200:
        assert time.monotonic() < deadline and server.poll() is None, "gunicorn did not start"
        time.sleep(0.3)
    yield base_url
    server.terminate()
    server.wait(timeout=30)


def _http_get(url, token=None, timeout=20):
    """(status, body, seconds); status None when the server could not be reached."""
    request = urllib.request.Request(url)  # noqa: S310 (http:// to our own server)
    if token:
        request.add_header("Authorization", f"Token {token}")
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    except (urllib.error.URLError, TimeoutError):
        status, body = None, b""
    return status, body, time.monotonic() - started


def test_requests_stuck_on_a_locked_table_no_longer_stall_the_login_page(
    office_user, gunicorn_with_two_workers, grid_log_locked
):
    _token, key = services.api_token_create(owner=office_user, actor=office_user, days=1)
    feed = gunicorn_with_two_workers + "/api/v1/activities/"

    with ThreadPoolExecutor(max_workers=2) as pool:
        # One request per worker, both waiting on the lock...
        stuck = [pool.submit(_http_get, feed, key) for _ in range(2)]
        time.sleep(0.3)
        # ...used to hold the login page until the lock went away, or gunicorn killed them.
        login_status, _body, login_seconds = _http_get(
            gunicorn_with_two_workers + "/accounts/login/"
        )
        answers = [future.result() for future in stuck]

    assert login_status == 200 and login_seconds < ANSWERED_SOON
    for status, body, seconds in answers:
        assert status == 503 and seconds < ANSWERED_SOON
        assert json.loads(body)["detail"]


def test_the_worker_gets_longer_timeouts_than_web_requests(settings, database_timeouts):
    database_timeouts(statement=10, lock=3)
    settings.WORKER_DATABASE_STATEMENT_TIMEOUT = 600
    settings.WORKER_DATABASE_LOCK_TIMEOUT = 60

    allow_the_worker_longer_queries()

    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        statement = cursor.fetchone()[0]
        cursor.execute("SHOW lock_timeout")
        lock = cursor.fetchone()[0]
    assert (statement, lock) == ("10min", "1min")


def _database_options(*, entry_point, **environ):
    """The default database's connection OPTIONS once a process started from `entry_point`
    (code run before Django has set up, or after) has set up, with this environment."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            f"{entry_point}; from django.db import connections; "
            "print(connections['default'].settings_dict.get('OPTIONS', {}))",
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local", **environ},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


WEB_SERVER = "import config.wsgi"
MANAGEMENT_COMMAND = "import django; django.setup()"


def test_the_web_server_gets_its_timeouts_from_the_environment():
    options = _database_options(
        entry_point=WEB_SERVER,
        DATABASE_URL="postgres://portal@db.example:5432/portal",
        DATABASE_STATEMENT_TIMEOUT="2.5",
        DATABASE_LOCK_TIMEOUT="1",
    )

    assert "-c statement_timeout=2500 -c lock_timeout=1000" in options


def test_migrations_and_other_commands_are_not_cut_off_by_the_web_timeouts():
    """Review finding: the web's 10 s / 3 s limits were in the settings, so `migrate` (an index
    on the million-row grid log), `backup` and beat ran under them too."""
    options = _database_options(
        entry_point=MANAGEMENT_COMMAND,
        DATABASE_URL="postgres://portal@db.example:5432/portal",
    )

    assert "statement_timeout" not in options
    assert "lock_timeout" not in options


def test_the_sqlite_demo_keeps_working_without_timeouts(tmp_path):
    options = _database_options(
        entry_point=WEB_SERVER, DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    )

    assert "statement_timeout" not in options
    assert "'timeout': 20" in options
