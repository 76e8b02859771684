"""The fault suite's machinery, all on loopback: a Redis of its own that it may kill, a door in
front of PostgreSQL that it may shut, and the portal's processes (web, worker, beat) run and
restarted the way the systemd units in config/deploy/systemd/ run them.

The machine's shared Redis and PostgreSQL are never restarted: other test runs use them.
"""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
UNITS = ROOT / "config" / "deploy" / "systemd"
INSTALLED_VENV = "/srv/park-reform/.venv/bin/"


def read_unit(name: str) -> dict[str, dict[str, str]]:
    """A systemd unit file as {section: {key: value}}, backslash-continued lines joined."""
    sections: dict[str, dict[str, str]] = {}
    section = None
    text = (UNITS / f"{name}.service").read_text().replace("\\\n", " ")
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = sections.setdefault(line[1:-1], {})
        else:
            key, _, value = line.partition("=")
            section[key.strip()] = " ".join(value.split())
    return sections


def unit_command(name: str) -> list[str]:
    """The unit's ExecStart, run from this checkout's virtualenv: the fault suite starts the
    portal's processes exactly as production's units do."""
    command = read_unit(name)["Service"]["ExecStart"].split()
    return [part.replace(INSTALLED_VENV, f"{BIN}/") for part in command]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, *, what, timeout, every=0.3, failing=lambda: None):
    """Poll `condition()` until it holds; `failing()` may return a reason to stop early."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        reason = failing()
        if reason:
            raise AssertionError(f"{reason} while waiting for {what}")
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class PrivateRedis:
    """A redis-server on a free loopback port with its append-only file in `directory`, as
    production runs it (appendfsync always here, so a test never races the once-a-second flush)."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        command = ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port)]
        command += ["--dir", str(self.directory), "--appendonly", "yes", "--appendfsync", "always"]
        command += ["--save", "", "--loglevel", "warning"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        wait_until(lambda: self._answers(client), what="redis-server to start", timeout=20)

    @staticmethod
    def _answers(client) -> bool:
        try:
            return client.ping()
        except redis.ConnectionError:
            return False

    def kill(self):
        """As a crash or a power cut would: no chance to write anything more."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.kill()


class DatabaseDoor:
    """A TCP relay on a free loopback port in front of PostgreSQL. Shut, it drops every
    connection and refuses new ones: what the portal sees while PostgreSQL restarts."""

    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.port = free_port()
        self._listener = None
        self._lock = threading.Lock()
        self._sockets = set()

    @property
    def is_open(self) -> bool:
        return self._listener is not None

    def open(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.2)  # so a shut door's accept loop notices and ends
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def shut(self):
        listener, self._listener = self._listener, None
        listener.close()
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            self._close(sock)

    def _accept(self, listener):
        while self._listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self._lock:
                if self._listener is not listener:  # shut while connecting
                    self._close(client)
                    self._close(server)
                    return
                self._sockets.update((client, server))
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        for sock in (source, target):
            self._close(sock)
            with self._lock:
                self._sockets.discard(sock)

    @staticmethod
    def _close(sock):
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()


class Service:
    """One portal process under supervision, like a systemd unit with Restart=always and
    RestartSec=1: in a process group of its own (a kill reaches its pool's children too, as
    systemd's control group does), started again whenever it exits until `stop()`."""

    def __init__(self, name: str, command: list[str], env: dict, log: Path):
        self.name, self.command, self.env, self.log = name, command, env, log
        self.exits: list[int] = []  # exit codes, in order, of every run that ended by itself
        self.starts = 0
        self.process = None
        self._stopping = False
        self._thread = threading.Thread(target=self._supervise, daemon=True)

    def start(self):
        self._thread.start()
        wait_until(lambda: self.process is not None, what=f"{self.name} to start", timeout=10)

    def _supervise(self):
        with self.log.open("ab") as log:
            while not self._stopping:
                process = subprocess.Popen(
                    self.command,
                    cwd=ROOT,
                    env=self.env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
                self.process, self.starts = process, self.starts + 1
                code = process.wait()
                if self._stopping:
                    return
                self.exits.append(code)
                log.write(f"\n[supervisor] {self.name} exited with {code}\n".encode())
                log.flush()
                time.sleep(1)

    def kill(self):
        """SIGKILL the whole process group: the OOM killer or a power cut, mid-work."""
        process = self.process
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self):
        self._stopping = True
        process = self.process
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self._thread.join(timeout=30)


class Web:
    """Requests to the portal's gunicorn with an API token; a refused or dropped connection
    reads as status 0 (the caller decides whether that is allowed)."""

    def __init__(self, port: int, token: str):
        self.port, self.token = port, token

    def request(self, method: str, path: str, body=None, timeout=30) -> tuple[int, object]:
        headers = {"Authorization": f"Token {self.token}", "Accept-Language": "en"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            raw = response.read()
        except OSError:
            return 0, None
        finally:
            connection.close()
        try:
            return response.status, json.loads(raw or b"null")
        except ValueError:
            return response.status, raw.decode(errors="replace")
