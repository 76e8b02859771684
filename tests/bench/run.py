"""`make bench`: the portal against its raw-SQL floors, at 10k/100k and at 100k/1M.

    python -m tests.bench.run [--sizes small,large] [--samples 100] [--seconds 5] [--keep]
                              [--out var/bench]

For each size: a fresh database (bench_<size>), migrated and loaded once (tests.bench.prepare),
the portal under gunicorn (2 sync workers, production settings, tests.bench.settings adding the
floors of tests/bench/floors.py), the office signed in through the login form and holding an API
token. Each endpoint is checked once against its floor (same ids, count and figures), then timed
against it (tests.bench.measure). Prints a table per size and the growth from small to large,
and writes them to <out>/<timestamp>.md and .json. Stops its processes and drops its databases
on the way out, Ctrl-C included (--keep keeps the databases).
"""

import argparse
import html
import json
import os
import platform
import re
import signal
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tests.bench import serve
from tests.bench.measure import Client, Credentials, interleaved, sign_in, throughput, timed_get

RATIO_TARGET = 1.5
GROWTH_TARGET = 1.3
RATE_TARGET = 300  # req/s at 16 clients, for the two detail endpoints
DASHBOARD_TARGET_MS = 150
EXPORT_TARGET_S = 15
CLIENTS = 16


@dataclass(frozen=True)
class Endpoint:
    key: str
    name: str
    portal: str  # path, formatted with the prepared facts
    floor: str
    check: str  # how the floor is checked against the portal: ids, detail, rates, html
    list: bool = False  # in the growth table
    min_rate: float | None = None  # req/s at 16 clients


ENDPOINTS = (
    Endpoint("E1", "API grievances page 1", "/api/v1/grievances/", "api/grievances/", "ids", True),
    Endpoint("E2", "inbox page 1", "/grievances/", "grievances/", "html_grievances", True),
    Endpoint(
        "E3",
        "API activities page 50",
        "/api/v1/activities/?page=50",
        "api/activities/?page=50",
        "ids",
        True,
    ),
    Endpoint(
        "E4",
        "activity feed page 50",
        "/activities/?page=50",
        "activities/?page=50",
        "html_activities",
        True,
    ),
    Endpoint(
        "E5", "API tasks page 50", "/api/v1/tasks/?page=50", "api/tasks/?page=50", "ids", True
    ),
    Endpoint(
        "E6",
        "API grievance detail",
        "/api/v1/grievances/{grievance_id}/",
        "api/grievances/{grievance_id}/",
        "detail",
        min_rate=RATE_TARGET,
    ),
    Endpoint(
        "E7",
        "grievance detail page",
        "/grievances/{grievance_id}/",
        "grievances/{grievance_id}/",
        "html_detail",
    ),
    # The same page for a dispute with a history (prepare._lived_grievance): its timeline,
    # extension, mediation and audit trail drawn, as real grievances have them.
    Endpoint(
        "E7h",
        "grievance page with its history",
        "/grievances/{lived_grievance_id}/",
        "grievances/{lived_grievance_id}/",
        "html_detail",
    ),
    Endpoint(
        "E8",
        "API rates for one month",
        "/api/v1/grievances/rates/?from={rates_from}&to={rates_to}",
        "api/grievances/rates/?from={rates_from}&to={rates_to}",
        "rates",
        True,
    ),
    Endpoint("E9", "API report list", "/api/v1/reports/", "api/reports/", "ids", True),
    Endpoint(
        "E10",
        "park detail page",
        "/parks/{park_id}/",
        "parks/{park_id}/",
        "html_park",
        min_rate=RATE_TARGET,
    ),
)
DASHBOARD = "/reforms/dashboard/"


# --- Checks: the floor returns what the endpoint returns ------------------------------------


def _ids(rows: list[dict]) -> list[int]:
    return [row["id"] for row in rows]


def _html_ids(page: str, pattern: str) -> list[int]:
    """The ids of the rows a page links to, in the order of their first link."""
    seen: dict[int, None] = {}
    for found in re.finditer(pattern, page):
        seen.setdefault(int(found.group(1)), None)
    return list(seen)


def check(client: Client, endpoint: Endpoint, portal: str, floor: str) -> None:
    """Fail loudly when the floor does not return the endpoint's rows (ids, count, figures)."""
    mine = client.json(floor)
    if endpoint.check == "ids":
        theirs = client.json(portal)
        _same(endpoint, "count", theirs["count"], mine["count"])
        _same(endpoint, "ids", _ids(theirs["results"]), _ids(mine["results"]))
    elif endpoint.check == "detail":
        theirs = client.json(portal)
        for key in ("id", "tracking_code", "status", "deadline_flag", "handling_unit"):
            _same(endpoint, key, theirs[key], mine[key])
    elif endpoint.check == "rates":
        theirs = client.json(portal)
        for key, value in mine["totals"].items():
            _same(endpoint, f"totals.{key}", theirs["totals"][key], value)
        _same(endpoint, "funnel", theirs["funnel"], mine["funnel"])
    else:
        status, body = client.get(portal)
        if status != 200:
            raise AssertionError(f"{endpoint.key} {portal} answered {status}")
        page = body.decode()
        if endpoint.check == "html_grievances":
            # Every row links to its grievance; the inbox's page and order are the floor's.
            shown = _html_ids(page, r'href="/grievances/(\d+)/"')
            _same(endpoint, "ids", shown, _ids(mine["results"]))
        elif endpoint.check == "html_activities":
            shown = _html_ids(page, r'href="/grid-log/(\d+)/"')
            _same(endpoint, "ids", shown, _ids(mine["results"]))
        elif endpoint.check == "html_detail":
            # Its code, and its history: each step's note and each mediation session's.
            shown = [mine["tracking_code"], *(event["note"] for event in mine["events"])]
            for session in mine["mediation_sessions"]:
                shown.append(session["notes"])
            for text in shown:
                # As the page prints a note: escaped, its lines broken (|linebreaksbr).
                text = html.escape(text.replace("\r\n", "\n")).replace("\n", "<br>")
                if text and text not in page:
                    raise AssertionError(f"{endpoint.key}: the page lacks {text!r}")
        elif mine["park"]["name"] not in page:
            raise AssertionError(f"{endpoint.key}: the page lacks {mine['park']['name']}")


def _same(endpoint: Endpoint, what: str, portal, floor) -> None:
    if portal != floor:
        raise AssertionError(
            f"{endpoint.key} {endpoint.name}: the floor's {what} differs from the portal's:\n"
            f"  portal: {str(portal)[:400]}\n  floor:  {str(floor)[:400]}"
        )


# --- One size -------------------------------------------------------------------------------


def bench_size(size: str, args, processes: serve.Processes, logs: Path) -> dict:
    database = f"{os.environ.get('BENCH_DB_PREFIX', 'bench')}_{size}"
    env = serve.environment(database)
    kept_facts = Path(args.out) / f"facts-{database}.json"
    if args.reuse and kept_facts.exists():
        print(f"\n== {size}: reusing {database}", flush=True)
        facts = json.loads(kept_facts.read_text())
    else:
        print(f"\n== {size}: making {database}", flush=True)
        serve.create_database(database)
        facts = serve.prepare(size, env)
        print(
            f"   migrated in {facts['seconds']['migrate']} s, loaded in "
            f"{facts['seconds']['load']} s",
            flush=True,
        )
    try:
        if args.keep or args.reuse:
            kept_facts.parent.mkdir(parents=True, exist_ok=True)
            kept_facts.write_text(json.dumps(facts))
        portal = serve.start_portal(processes, env, logs / f"gunicorn-{size}.log")
        try:
            return _measure(size, args, facts, env, processes, logs)
        finally:
            processes.stop(portal)
    finally:
        if args.keep or args.reuse:
            print(f"   kept database {database}")
        else:
            serve.drop_database(database)


def _measure(size, args, facts, env, processes, logs) -> dict:
    credentials = Credentials(
        token=facts["token"], session=sign_in(facts["username"], facts["password"])
    )
    client = Client(credentials)
    results = []
    for endpoint in ENDPOINTS:
        if args.only and endpoint.key not in args.only:
            continue
        portal = endpoint.portal.format(**facts)
        floor = "/bench-floor/" + endpoint.floor.format(**facts)
        check(client, endpoint, portal, floor)
        queries = (_queries(client, portal), _queries(client, floor))
        portal_latency, floor_latency = interleaved(
            client, portal, floor, samples=args.samples, warmup=args.warmup
        )
        portal_rate = throughput(credentials, portal, clients=CLIENTS, seconds=args.seconds)
        floor_rate = throughput(credentials, floor, clients=CLIENTS, seconds=args.seconds)
        row = {
            "key": endpoint.key,
            "name": endpoint.name,
            "portal_p50": portal_latency.p50,
            "portal_p95": portal_latency.p95,
            "floor_p50": floor_latency.p50,
            "floor_p95": floor_latency.p95,
            "ratio": portal_latency.p50 / floor_latency.p50,
            "portal_rate": portal_rate,
            "floor_rate": floor_rate,
            "min_rate": endpoint.min_rate,
            "queries": queries,
            "list": endpoint.list,
        }
        row["met"] = row["ratio"] <= RATIO_TARGET and portal_rate >= (endpoint.min_rate or 0)
        results.append(row)
        print(f"   {_row(row)}", flush=True)
    dashboard = export = None
    if not args.only or "E11" in args.only:
        dashboard = _dashboard_cold(client, samples=max(10, args.samples // 5))
        print(f"   E11 dashboard, cache cold: p50 {dashboard['p50']:.0f} ms", flush=True)
    if not args.only or "E12" in args.only:
        export = _export(client, env, processes, logs, size)
        print(f"   E12 export: {export.get('text')}", flush=True)
    client.close()
    return {
        "size": size,
        "facts": facts,
        "endpoints": results,
        "dashboard": dashboard,
        "export": export,
    }


def _queries(client: Client, path: str) -> str:
    """The queries one request ran (tests.bench.middleware)."""
    _status, _data, headers = client.request("GET", path)
    return headers.get("X-Bench-Queries", "?")


def _dashboard_cold(client: Client, *, samples: int) -> dict:
    """The dashboard right after its cache entries (reforms.reporting.views.dashboard, keys
    "dashboard:…") are dropped from the bench's Redis database."""
    import redis

    cache = redis.Redis.from_url(serve.REDIS)
    timings = []
    for _ in range(samples + 1):
        keys = list(cache.scan_iter(match="*dashboard:*"))
        if keys:
            cache.delete(*keys)
        timings.append(timed_get(client, DASHBOARD))
    from tests.bench.measure import latency

    cold = latency(timings[1:])  # the first also warms the worker's imports
    return {
        "p50": cold.p50,
        "p95": cold.p95,
        "target": DASHBOARD_TARGET_MS,
        "met": cold.p50 < DASHBOARD_TARGET_MS,
    }


def _export(client: Client, env, processes: serve.Processes, logs: Path, size: str) -> dict:
    """A grievance export through POST /api/v1/exports/, built by a Celery worker: seconds
    from the request to the file downloaded, and the worker child's peak memory."""
    body = json.dumps({"kind": "grievances", "filters": {}})
    status, _data, _headers = client.request(
        "OPTIONS", "/api/v1/exports/", headers={"Content-Type": "application/json"}
    )
    if status == 404:
        return {"available": False, "text": "not available on this code"}
    worker = serve.start_worker(processes, env, logs / f"worker-{size}.log")
    try:
        deadline = time.monotonic() + 60
        while not serve.children(worker.pid) and time.monotonic() < deadline:
            time.sleep(0.5)  # the worker connects to Redis and forks its child
        time.sleep(2)
        started = time.perf_counter()
        status, data, _headers = client.request(
            "POST", "/api/v1/exports/", body=body, headers={"Content-Type": "application/json"}
        )
        answered = time.perf_counter() - started
        if status != 202:
            raise AssertionError(f"POST /api/v1/exports/ answered {status}: {data[:300]!r}")
        job = json.loads(data)
        while job["status"] not in ("done", "failed"):
            if time.perf_counter() - started > 300:
                raise AssertionError("the export did not finish in 5 minutes")
            time.sleep(0.25)
            job = client.json(_path(job["url"]))
        if job["status"] != "done":
            raise AssertionError(f"the export failed: {job}")
        status, file = client.get(_path(job["download_url"]))
        seconds = time.perf_counter() - started
        rss = [serve.peak_rss_mb(child) for child in serve.children(worker.pid)]
        peak = max((value for value in rss if value), default=None)
        return {
            "available": True,
            "seconds": seconds,
            "request_ms": answered * 1000,
            "bytes": len(file),
            "peak_rss_mb": peak,
            "met": seconds < EXPORT_TARGET_S,
            "text": f"{seconds:.1f} s to the file ({len(file) / 1e6:.1f} MB; the POST answered "
            f"in {answered * 1000:.0f} ms); worker child peak RSS "
            + (f"{peak:.0f} MB" if peak else "unknown"),
        }
    finally:
        processes.stop(worker)


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


# --- Tables ---------------------------------------------------------------------------------


def _row(row: dict) -> str:
    target = f"≤{RATIO_TARGET}×" + (f", ≥{row['min_rate']:.0f}/s" if row["min_rate"] else "")
    return (
        f"| {row['key']} {row['name']} | {row['portal_p50']:.1f} / {row['portal_p95']:.1f} | "
        f"{row['floor_p50']:.1f} / {row['floor_p95']:.1f} | {row['ratio']:.2f}× | "
        f"{row['portal_rate']:.0f} | {row['floor_rate']:.0f} | "
        f"{row['queries'][0]} / {row['queries'][1]} | {target} | "
        f"{'yes' if row['met'] else 'NO'} |"
    )


def report(results: list[dict], args) -> str:
    lines = [
        f"# Benchmark {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}, PostgreSQL {serve.postgres_version()}. "
        f"gunicorn {serve.WEB_WORKERS} sync workers, production settings. "
        f"Latency: {args.samples} requests each, portal and floor interleaved, one at a time; "
        f"req/s: {CLIENTS} clients for {args.seconds:g} s each.",
    ]
    for result in results:
        facts = result["facts"]
        lines += [
            "",
            f"## {result['size']}: {_sizes(result['size'])}",
            "",
            "| endpoint | portal p50 / p95 ms | floor p50 / p95 ms | ratio p50 | portal req/s@16 "
            "| floor req/s@16 | queries portal / floor | target | met? |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
            *(_row(row) for row in result["endpoints"]),
        ]
        dash = result["dashboard"]
        if dash:
            lines.append(
                f"| E11 dashboard, cache cold | {dash['p50']:.1f} / {dash['p95']:.1f} | — | — | "
                f"— | — | — | <{DASHBOARD_TARGET_MS} ms | {'yes' if dash['met'] else 'NO'} |"
            )
        export = result["export"]
        if export:
            lines += ["", f"E12 export of the grievances: {export['text']}"]
        if export and export.get("available"):
            lines[-1] += f" (target <{EXPORT_TARGET_S} s: {'met' if export['met'] else 'NOT met'})"
        lines.append(
            f"(rates for {facts['rates_from']} to {facts['rates_to']}; grievance "
            f"{facts['grievance_id']}, park {facts['park_id']})"
        )
    lines += _growth(results)
    return "\n".join(lines) + "\n"


def _sizes(size: str) -> str:
    from tests.bench.prepare import SIZES

    sizes = SIZES[size]
    return f"{sizes['grievances']:,} grievances, {sizes['activities']:,} grid-log entries"


def _growth(results: list[dict]) -> list[str]:
    by_size = {result["size"]: result for result in results}
    if not {"small", "large"} <= set(by_size):
        return []
    small = {row["key"]: row for row in by_size["small"]["endpoints"]}
    lines = [
        "",
        "## Growth: large p50 ÷ small p50",
        "",
        "| endpoint | small p50 ms | large p50 ms | growth | target | met? |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in by_size["large"]["endpoints"]:
        if not row["list"]:
            continue
        before = small[row["key"]]["portal_p50"]
        growth = row["portal_p50"] / before
        lines.append(
            f"| {row['key']} {row['name']} | {before:.1f} | {row['portal_p50']:.1f} | "
            f"{growth:.2f}× | ≤{GROWTH_TARGET}× | {'yes' if growth <= GROWTH_TARGET else 'NO'} |"
        )
    return lines


# --- The run --------------------------------------------------------------------------------


def _stop(signum, frame):
    raise KeyboardInterrupt  # a kill cleans up as Ctrl-C does


def main() -> int:
    # Explicitly: a shell starting the run in the background leaves SIGINT ignored.
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="small,large")
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--out", default=str(serve.ROOT / "var" / "bench"))
    parser.add_argument("--keep", action="store_true", help="keep the bench databases")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="use the databases a --keep or --reuse run left (and keep them)",
    )
    parser.add_argument("--only", default="", help="endpoint keys to measure, e.g. E1,E6,E11")
    args = parser.parse_args()
    args.only = {key.strip() for key in args.only.split(",") if key.strip()}
    sizes = [size.strip() for size in args.sizes.split(",") if size.strip()]
    out = Path(args.out)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    logs = out / f"{stamp}-logs"
    processes = serve.Processes()
    results = []
    try:
        serve.collect_static(serve.environment("postgres"))
        for size in sizes:
            results.append(bench_size(size, args, processes, logs))
    except KeyboardInterrupt:
        print("\ninterrupted: stopping the portal and dropping the databases", file=sys.stderr)
        return 130
    finally:
        processes.stop_all()
    text = report(results, args)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{stamp}.md").write_text(text)
    (out / f"{stamp}.json").write_text(
        json.dumps({"args": vars(args), "results": results}, indent=2, default=str)
    )
    print("\n" + text)
    print(f"written to {out / stamp}.md and .json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
