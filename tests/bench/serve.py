"""The processes of `make bench`: a fresh database per size, the portal under gunicorn with
production settings, a Celery worker for the export. Every process started here is stopped by
`Processes.stop_all` (the runner calls it on exit and on Ctrl-C), and every database made here
is dropped by `drop_database` unless the run keeps it."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
BIN = Path(PYTHON).parent
SERVER = "postgres://postgres@127.0.0.1:5432"
# Overridable so that two runs (or a run and someone profiling) need not share a port or a
# Redis database.
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10")
PORT = int(os.environ.get("BENCH_PORT", "8710"))
WEB_WORKERS = 2  # as in production (README, config/deploy)


def environment(database: str, *, port: int = PORT, redis: str = REDIS) -> dict[str, str]:
    """What config.settings.production requires, for tests.bench.settings."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.bench.settings",
        "DJANGO_SECRET_KEY": "bench-" + "k" * 40,
        "DATABASE_URL": f"{os.environ.get('BENCH_DATABASE_SERVER', SERVER)}/{database}",
        "REDIS_URL": redis,
        "PORTAL_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        # The client talks to gunicorn directly: no proxy's X-Forwarded-For to trust.
        "PORTAL_TRUSTED_PROXY_COUNT": "0",
        # No bench reaches these; a one-second window keeps DRF's list of request times (read
        # and written on each request) short, as production's 600 a minute keeps it.
        "API_THROTTLE_USER": "100000/second",
        "API_THROTTLE_ANON": "100000/second",
        "DJANGO_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


def _admin() -> psycopg.Connection:
    server = os.environ.get("BENCH_DATABASE_SERVER", SERVER)
    return psycopg.connect(f"{server}/postgres", autocommit=True)


def create_database(name: str) -> None:
    with _admin() as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    with _admin() as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_version() -> str:
    with _admin() as connection:
        row = connection.execute("SHOW server_version").fetchone()
    return row[0] if row else "?"


def collect_static(env: dict[str, str]) -> None:
    """Production serves hashed static files (whitenoise's manifest): pages need it."""
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )


def prepare(size: str, env: dict[str, str]) -> dict:
    """Migrate and load the database (tests.bench.prepare); what it printed last."""
    done = subprocess.run(
        [PYTHON, "-m", "tests.bench.prepare", "--size", size],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@dataclass
class Processes:
    """Started processes, each in a process group of its own, stopped together."""

    started: list[subprocess.Popen] = field(default_factory=list)

    def start(self, command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("ab") as output:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.started.append(process)
        return process

    def stop(self, process: subprocess.Popen) -> None:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        if process in self.started:
            self.started.remove(process)

    def stop_all(self) -> None:
        for process in list(reversed(self.started)):
            self.stop(process)


def start_portal(processes: Processes, env: dict[str, str], log: Path) -> subprocess.Popen:
    """gunicorn with the production worker class and count, answering on PORT."""
    process = processes.start(
        [
            str(BIN / "gunicorn"),
            "config.wsgi",
            "--workers",
            str(WEB_WORKERS),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--timeout",
            "30",
        ],
        env,
        log,
    )
    _wait_for_port(PORT, process, log)
    return process


def _wait_for_port(port: int, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}; see {log}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer on port {port} in {timeout} s; see {log}")


def start_worker(processes: Processes, env: dict[str, str], log: Path) -> subprocess.Popen:
    """One Celery worker with one child, as the export's memory is measured on that child."""
    return processes.start(
        [str(BIN / "celery"), "-A", "config", "worker", "--concurrency=1", "--loglevel=WARNING"],
        env,
        log,
    )


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def peak_rss_mb(pid: int) -> float | None:
    """VmHWM, the process's peak resident memory, in MB."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None
