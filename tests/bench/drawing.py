"""Where an endpoint's CPU goes: drawing its answer against reading its rows, beside its floor.

    python -m tests.bench.drawing [--size large] [--requests 200] [--only E7,E7h] [--out var/bench]

Needs the database and facts a `python -m tests.bench.run --keep` (or `--reuse`) run left
(bench_<size>, var/bench/facts-bench_<size>.json; BENCH_DB_PREFIX and BENCH_REDIS_URL as for
the run). In this one process, with the production settings the benchmark serves, each endpoint
of tests.bench.run and its floor are requested through Django's test client, interleaved, and
timed in CPU seconds of this process (time.process_time: the database server's own work is not
in it, and another job on the machine barely moves it). Each of the portal's requests is split:

- *drawing*: inside the template engine (a page) or the renderer (the API's JSON), less the
  queries a template runs while drawing (its notification count, its panels' rows);
- *the rest*: everything else — middleware, the view, the ORM and every query's client side.

A page whose rest is its floor's CPU and whose drawing is the difference reads its rows as
cheaply as the hand-written SQL does; what it adds is HTML that the floor (rows as JSON) does
not draw. Prints a table (medians in ms of CPU) and writes it to <out>/drawing-<timestamp>.md.
"""

import argparse
import json
import os
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

from tests.bench import serve


class _Split:
    """CPU spent drawing, less the queries run while drawing, for the request under way."""

    def __init__(self):
        self.depth = 0
        self.drawing = 0.0
        self.queried = 0.0

    def drawn(self, draw):
        def timed(*args, **kwargs):
            if self.depth:
                return draw(*args, **kwargs)
            self.depth += 1
            started = time.process_time()
            try:
                return draw(*args, **kwargs)
            finally:
                self.drawing += time.process_time() - started
                self.depth -= 1

        return timed

    def query(self, execute, sql, params, many, context):
        if not self.depth:
            return execute(sql, params, many, context)
        started = time.process_time()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queried += time.process_time() - started


def _patch(split: _Split) -> None:
    from django.template.backends.django import Template
    from rest_framework.renderers import JSONRenderer

    Template.render = split.drawn(Template.render)
    JSONRenderer.render = split.drawn(JSONRenderer.render)


def _clients(facts: dict):
    from django.test import Client

    from parks.models import User

    web = Client(HTTP_HOST="127.0.0.1")
    web.force_login(User.objects.get(username=facts["username"]))
    api = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {facts['token']}")
    return web, api


def _measure(endpoint, facts, clients, split: _Split, requests: int) -> dict:
    from django.db import connection

    web, api = clients
    client = api if endpoint.check in {"ids", "detail", "rates"} else web
    portal = endpoint.portal.format(**facts)
    floor = "/bench-floor/" + endpoint.floor.format(**facts)
    totals, drawings, floors = [], [], []
    with connection.execute_wrapper(split.query):
        for number in range(20 + requests):
            split.drawing = split.queried = 0.0
            started = time.process_time()
            answered = client.get(portal)
            total = time.process_time() - started
            assert answered.status_code == 200, (endpoint.key, answered.status_code)
            drawing = split.drawing - split.queried
            started = time.process_time()
            assert client.get(floor).status_code == 200, endpoint.key
            if number >= 20:  # the first twenty warm the plans and fragments up
                totals.append(total)
                drawings.append(drawing)
                floors.append(time.process_time() - started)
    total, drawing = statistics.median(totals), statistics.median(drawings)
    rests = [whole - drawn for whole, drawn in zip(totals, drawings, strict=True)]
    return {
        "key": endpoint.key,
        "name": endpoint.name,
        "total_ms": round(total * 1000, 2),
        "drawing_ms": round(drawing * 1000, 2),
        "rest_ms": round(statistics.median(rests) * 1000, 2),
        "floor_ms": round(statistics.median(floors) * 1000, 2),
    }


def report(rows: list[dict], size: str) -> str:
    lines = [
        f"CPU per request in one process, {size} set (medians, ms; {datetime.now(UTC):%Y-%m-%d})",
        "",
        "| endpoint | portal | drawing | the rest | floor | the rest ÷ floor |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        ratio = row["rest_ms"] / row["floor_ms"] if row["floor_ms"] else 0
        lines.append(
            f"| {row['key']} {row['name']} | {row['total_ms']:.2f} | {row['drawing_ms']:.2f} | "
            f"{row['rest_ms']:.2f} | {row['floor_ms']:.2f} | {ratio:.2f}× |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="large", choices=["small", "large"])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--only", default="", help="endpoint keys, e.g. E7,E7h")
    parser.add_argument("--out", default="var/bench")
    args = parser.parse_args()
    database = f"{os.environ.get('BENCH_DB_PREFIX', 'bench')}_{args.size}"
    facts_file = Path(args.out) / f"facts-{database}.json"
    if not facts_file.exists():
        parser.error(f"{facts_file} is missing: run `python -m tests.bench.run --keep` first")
    facts = json.loads(facts_file.read_text())
    os.environ.update(serve.environment(database))
    import django

    django.setup()
    from tests.bench.run import ENDPOINTS

    split = _Split()
    _patch(split)
    clients = _clients(facts)
    rows = []
    for endpoint in ENDPOINTS:
        if args.only and endpoint.key not in args.only.split(","):
            continue
        rows.append(_measure(endpoint, facts, clients, split, args.requests))
        print(report(rows[-1:], args.size).splitlines()[-1], flush=True)
    text = report(rows, args.size)
    print("\n" + text)
    written = Path(args.out) / f"drawing-{datetime.now(UTC):%Y%m%d-%H%M%S}.md"
    written.write_text(text + "\n")
    print(f"\nwritten to {written}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
