"""The no-environment demo path: SQLite, the file-system broker and a real Celery worker.

The rest of the suite runs on PostgreSQL and Redis; this keeps `make run` from breaking unseen.
Each step runs in a child process with config.settings.local, as `make run` does.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def demo_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        CELERY_BROKER_DIR=str(tmp_path / "broker"),
    )
    return env


def _manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def _shell(env, code):
    return _manage(env, "shell", "--no-imports", "-c", code).strip()


def test_migrate_and_load_demo_work_on_sqlite_and_twice_and_the_pages_answer(demo_env):
    _manage(demo_env, "migrate", "--noinput")
    _manage(demo_env, "load_demo")
    _manage(demo_env, "load_demo")
    counts = _shell(
        demo_env,
        "from parks.models import Park, GridZone; "
        "print(Park.objects.count(), GridZone.objects.filter(liaison__isnull=False).count())",
    )
    assert counts == "2 20"
    # The pinyin collation is registered on SQLite too: names come back in Chinese order.
    names = _shell(
        demo_env,
        "from parks.models import Park; from parks.core.db import chinese_order; "
        "names = Park.objects.order_by(chinese_order('name')).values_list('name', flat=True); "
        "print(','.join(names))",
    )
    assert names == "无锡华夏家居港建材市场,无锡盛阳食品城"
    # Found in review: a planned prefetch wrote PostgreSQL's `= ANY(%s::bigint[])`, which
    # SQLite refuses: the park page and the API's grievances answered 500 on the demo.
    statuses = _shell(
        demo_env,
        "from django.test import Client; from parks.models import Park, User; "
        "from grievances.models import Grievance; "
        "client = Client(HTTP_HOST='127.0.0.1'); "
        "client.force_login(User.objects.get(username='office')); "
        "park, grievance = Park.objects.first(), Grievance.objects.first(); "
        "paths = [f'/parks/{park.pk}/', '/api/v1/grievances/', "
        "f'/api/v1/grievances/{grievance.pk}/', '/api/v1/activities/', '/api/v1/tasks/']; "
        "print(' '.join(str(client.get(path).status_code) for path in paths))",
    )
    assert statuses == "200 200 200 200 200"


def test_a_real_worker_runs_tasks_over_the_file_system_broker(demo_env, tmp_path):
    _manage(demo_env, "migrate", "--noinput")
    _manage(demo_env, "load_demo")
    _shell(
        demo_env,
        "from datetime import timedelta; from knox.models import AuthToken; "
        "from parks.models import User; "
        "AuthToken.objects.create(user=User.objects.get(username='office'), "
        "expiry=timedelta(seconds=-1))",
    )
    # The worker's output goes to a file, not a pipe: the demo's notices are e-mailed to the
    # console, and a pipe nobody reads until the end fills up and stops the worker mid-send.
    log = (tmp_path / "worker.log").open("w+")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        env=demo_env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _shell(
            demo_env,
            "from parks.structure.jobs import purge_expired_api_tokens; "
            "purge_expired_api_tokens.delay()",
        )
        # The worker first sends the demo's notices (about a hundred e-mails), then the purge.
        deadline = time.monotonic() + 90
        remaining = None
        while time.monotonic() < deadline:
            remaining = _shell(
                demo_env, "from knox.models import AuthToken; print(AuthToken.objects.count())"
            )
            if remaining == "0":
                break
            time.sleep(1)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.seek(0)
        output = log.read()
        log.close()
    assert remaining == "0", f"the worker did not purge the expired token:\n{output[-3000:]}"
    assert "filesystem" in output.lower()
