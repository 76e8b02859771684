"""The benchmark's HTTP client: sign in, check a floor against its endpoint, time them.

The client is http.client on the loopback, one connection per thread. gunicorn's sync workers
(production's) close the connection after each response, so every request opens a new TCP
connection, as the reverse proxy's would; http.client reopens it without other overhead.
Latency is measured one request at a time, portal and floor interleaved (P, F, P, F…), so both
see the same machine; throughput with 16 threads for a few seconds each, the portal's then the
floor's. The client shares the machine's two cores with gunicorn and PostgreSQL: at 16 clients
its own work (well under a millisecond a request) is part of what is measured.
"""

import http.client
import json
import re
import statistics
import threading
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from tests.bench.serve import PORT


@dataclass(frozen=True)
class Credentials:
    token: str
    session: str  # the session cookie's value


class Client:
    """One keep-alive-capable connection; each request carries the office's credentials."""

    def __init__(self, credentials: Credentials | None = None):
        self.connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
        self.credentials = credentials

    def headers(self, path: str) -> dict[str, str]:
        if self.credentials is None:
            return {}
        if path.startswith(("/api/", "/bench-floor/api/")):
            return {"Authorization": f"Token {self.credentials.token}"}
        return {"Cookie": f"sessionid={self.credentials.session}"}

    def request(self, method: str, path: str, body=None, headers=None) -> tuple[int, bytes, dict]:
        self.connection.request(
            method, path, body=body, headers={**self.headers(path), **(headers or {})}
        )
        response = self.connection.getresponse()
        data = response.read()
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
        return response.status, data, dict(response.getheaders())

    def get(self, path: str) -> tuple[int, bytes]:
        status, data, _headers = self.request("GET", path)
        return status, data

    def json(self, path: str) -> dict:
        status, data = self.get(path)
        if status != 200:
            raise AssertionError(f"GET {path} answered {status}: {data[:300]!r}")
        return json.loads(data)

    def close(self) -> None:
        self.connection.close()


def _cookies(headers: list[tuple[str, str]]) -> dict[str, str]:
    jar = SimpleCookie()
    for name, value in headers:
        if name.lower() == "set-cookie":
            jar.load(value)
    return {key: morsel.value for key, morsel in jar.items()}


def sign_in(username: str, password: str) -> str:
    """Sign in through the login form (CSRF token and all, django-axes watching); the session
    cookie's value."""
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    connection.request("GET", "/accounts/login/")
    response = connection.getresponse()
    page = response.read().decode()
    csrf = _cookies(response.getheaders())["csrftoken"]
    field = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if field is None:
        raise AssertionError("the login form has no CSRF field")
    connection.close()
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    connection.request(
        "POST",
        "/accounts/login/",
        body=urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": field.group(1)}
        ),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf}",
            "Referer": f"http://127.0.0.1:{PORT}/accounts/login/",
        },
    )
    response = connection.getresponse()
    response.read()
    connection.close()
    session = _cookies(response.getheaders()).get("sessionid")
    if response.status != 302 or not session:
        raise AssertionError(f"signing in answered {response.status} without a session")
    return session


# --- Timing ---------------------------------------------------------------------------------


@dataclass
class Latency:
    p50: float  # milliseconds
    p95: float
    samples: int


def latency(timings: list[float]) -> Latency:
    ordered = sorted(timings)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return Latency(statistics.median(ordered) * 1000, p95 * 1000, len(ordered))


def timed_get(client: Client, path: str) -> float:
    started = time.perf_counter()
    status, data = client.get(path)
    elapsed = time.perf_counter() - started
    if status != 200:
        raise AssertionError(f"GET {path} answered {status}: {data[:300]!r}")
    return elapsed


def interleaved(
    client: Client, portal: str, floor: str | None, *, samples: int, warmup: int
) -> tuple[Latency, Latency | None]:
    """p50/p95 of the portal's path and its floor's, requested alternately, one at a time."""
    for _ in range(warmup):
        timed_get(client, portal)
        if floor:
            timed_get(client, floor)
    portal_times, floor_times = [], []
    for _ in range(samples):
        portal_times.append(timed_get(client, portal))
        if floor:
            floor_times.append(timed_get(client, floor))
    return latency(portal_times), latency(floor_times) if floor else None


def throughput(credentials: Credentials, path: str, *, clients: int, seconds: float) -> float:
    """Requests per second answered for `path` by `clients` threads asking back to back."""
    counts = [0] * clients
    errors: list[str] = []
    start = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def run(index: int) -> None:
        client = Client(credentials)
        start.wait()
        try:
            while time.perf_counter() < stop_at[0]:
                status, data = client.get(path)
                if status != 200:
                    errors.append(f"{status}: {data[:200]!r}")
                    return
                counts[index] += 1
        finally:
            client.close()

    threads = [threading.Thread(target=run, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    stop_at[0] = time.perf_counter() + seconds
    started = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise AssertionError(f"GET {path} under load answered {errors[0]}")
    return sum(counts) / elapsed
