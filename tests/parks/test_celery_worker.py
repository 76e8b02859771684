"""A real Celery worker, on the test suite's Redis broker, runs the portal's scheduled jobs."""

import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from knox.models import AuthToken

from parks import services
from parks.tasks import purge_expired_api_tokens

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker_queue():
    """A worker listening on a queue of its own, reading this test's database."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    database = connection.settings_dict
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="config.settings.test",
        TEST_DATABASE_URL=(
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
            f"{database['NAME']}"
        ),
    )
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-mingle",
            "--without-gossip",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
    )
    yield queue
    worker.terminate()
    worker.wait(timeout=30)


@pytest.mark.django_db(transaction=True)
def test_a_worker_on_redis_purges_expired_tokens(office_user, worker_queue):
    live, _ = services.api_token_create(owner=office_user, actor=office_user, days=3)
    expired, _ = services.api_token_create(owner=office_user, actor=office_user, days=3)
    AuthToken.objects.filter(pk=expired.pk).update(expiry=timezone.now() - timedelta(seconds=1))

    purge_expired_api_tokens.apply_async(queue=worker_queue)

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and AuthToken.objects.filter(pk=expired.pk).exists():
        time.sleep(0.5)
    assert list(AuthToken.objects.values_list("pk", flat=True)) == [live.pk]
