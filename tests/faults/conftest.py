"""Fixtures of the fault suite: a private Redis, a door in front of PostgreSQL and the portal's
own processes (gunicorn, a prefork Celery worker, beat) pointed at both, as in production."""

import os
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from parks.structure import services as parks_services
from reforms.reporting import schedules
from reforms.reporting.choices import ReportStatus
from reforms.reporting.models import Report
from tests.faults.infra import (
    DatabaseDoor,
    PrivateRedis,
    Service,
    Web,
    free_port,
    unit_command,
    wait_until,
)


class Portal:
    """The portal's processes for one test, each under supervision (see infra.Service)."""

    def __init__(self, tmp_path, redis_server: PrivateRedis, door: DatabaseDoor):
        self.tmp_path, self.redis, self.door = tmp_path, redis_server, door
        self.build_log = tmp_path / "builds.log"
        self.build_log.touch()
        self.services: list[Service] = []
        self.web_port = None

    def _env(self, **extra) -> dict:
        database = connection.settings_dict
        return dict(
            os.environ,
            DJANGO_SETTINGS_MODULE="config.settings.test",
            REDIS_URL=self.redis.url,
            # Through the door: the test's own connection (assertions, fixtures) goes direct.
            TEST_DATABASE_URL=(
                f"postgres://{database['USER']}@127.0.0.1:{self.door.port}/{database['NAME']}"
            ),
            FAULT_BUILD_LOG=str(self.build_log),
            PYTHONUNBUFFERED="1",
            **extra,
        )

    def _start(self, name, command, env) -> Service:
        log = self.tmp_path / f"{name}-{len(self.services)}.log"
        service = Service(name, [str(part) for part in command], env, log)
        self.services.append(service)
        service.start()
        return service

    def worker(self, **env) -> Service:
        """`celery -A config worker` as config/deploy/systemd/portal-worker.service runs it:
        the prefork pool with two processes."""
        command = unit_command("portal-worker")
        command += ["-n", f"faults-{len(self.services)}@%h", "-I", "tests.faults.worker_hooks"]
        worker = self._start("worker", command, self._env(**env))
        self.wait_ready(worker)
        return worker

    def wait_ready(self, worker: Service, times: int = 1):
        wait_until(
            lambda: worker.log.read_text(errors="replace").count(" ready.") >= times,
            what=f"the worker to be ready\n{worker.tail()}",
            timeout=60,
        )

    def beat(self) -> Service:
        command = [*unit_command("portal-beat"), "--max-interval=5"]
        return self._start("beat", command, self._env())

    def web(self) -> Service:
        """gunicorn as config/deploy/systemd/portal-web.service runs it, with its timeouts."""
        self.web_port = free_port()
        command = unit_command("portal-web")
        # A free port instead of production's 8000 (gunicorn adds a second --bind, not replaces).
        command[command.index("--bind") + 1] = f"127.0.0.1:{self.web_port}"
        command[command.index("--workers") + 1] = "2"  # two cores on this machine
        web = self._start("web", command, self._env())
        probe = Web(self.web_port, token="")
        wait_until(
            lambda: probe.request("GET", "/api/v1/")[0] != 0,
            what=f"gunicorn to answer\n{web.tail()}",
            timeout=60,
        )
        return web

    def client(self, user) -> Web:
        """Requests as `user`, with an API token of their own."""
        _, key = parks_services.api_token_create(owner=user, actor=user, days=1)
        return Web(self.web_port, key)

    def build_attempts(self) -> list[int]:
        return [int(line) for line in self.build_log.read_text().split()]

    def stop(self):
        for service in reversed(self.services):
            service.stop()


@pytest.fixture
def private_redis(tmp_path):
    directory = tmp_path / "redis"
    directory.mkdir()
    server = PrivateRedis(directory)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def database_door():
    database = connection.settings_dict
    door = DatabaseDoor((database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432)))
    door.open()
    yield door
    if door.is_open:
        door.shut()


@pytest.fixture
def portal(tmp_path, private_redis, database_door):
    # Only the reports a test asks for: no enabled schedule for a catch-up to fill in.
    PeriodicTask.objects.filter(task=schedules.SCHEDULE_TASK).delete()
    portal = Portal(tmp_path, private_redis, database_door)
    yield portal
    portal.stop()


def last_month(park) -> dict:
    """What a park manager's script POSTs to /api/v1/reports/ for last month's park report."""
    start = timezone.localdate().replace(day=1) - timedelta(days=1)
    return {"scope": "park", "park": park.pk, "period_kind": "month", "start": start.isoformat()}


def build_under_way(report_id) -> bool:
    """The build has its figures and sits in the hook's delay, before anything is stored."""
    return Report.objects.filter(pk=report_id, status=ReportStatus.RUNNING, progress=90).exists()


def built(report_id) -> bool:
    return Report.objects.filter(pk=report_id, status=ReportStatus.DONE).exists()


def died(*services: Service):
    """For wait_until: a reason to stop waiting when a supervised process exited by itself."""

    def reason():
        for service in services:
            if service.exits:
                return f"{service.name} exited {service.exits}:\n{service.tail()}"
        return None

    return reason
