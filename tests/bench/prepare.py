"""Fill a fresh bench database: `python -m tests.bench.prepare --size small|large`.

Run by tests.bench.run with DJANGO_SETTINGS_MODULE=tests.bench.settings and DATABASE_URL naming
an empty database it has just made. Migrates it, loads the district of tests/bench/report_data.py
(two years ending today, so the dashboard's twelve months and last month's rates have data),
adds what the benchmarked endpoints need that the loader lacks — a password and an API token
for "bench-office", a few dozen built progress reports — vacuums, and prints what the
benchmark needs to know as one line of JSON.
"""

import argparse
import json
import time
from datetime import date, timedelta

import django

SIZES = {
    "small": {"grievances": 10_000, "activities": 100_000},
    "large": {"grievances": 100_000, "activities": 1_000_000},
}
DAYS = 730
PASSWORD = "bench-office-password-1"  # noqa: S105 a throwaway database's
# Built reports in the list: the district's months, and a few parks' months.
DISTRICT_MONTHS = 24
PARK_REPORTS = (5, 6)  # parks, months each


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", choices=sorted(SIZES), required=True)
    size = parser.parse_args().size
    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrated = time.perf_counter()
    facts = load(report_data_sizes(size))
    facts["size"] = size
    facts["seconds"] = {
        "migrate": round(migrated - started, 1),
        "load": round(time.perf_counter() - migrated, 1),
    }
    print(json.dumps(facts))


def report_data_sizes(size: str):
    from tests.bench import report_data

    return report_data.Sizes(**SIZES[size])


def load(sizes, *, vacuum: bool = True) -> dict:
    """Load the district and the extras into the current database; the facts the benchmark
    needs (credentials, the ids it asks for, last month's dates)."""
    from django.db import connection
    from django.utils import timezone

    from grievances.models import Grievance
    from parks.structure.services import api_token_create
    from tests.bench import report_data

    today = timezone.localdate()
    first_day = today - timedelta(days=DAYS)
    loaded = report_data.load(first_day=first_day, days=DAYS, sizes=sizes)
    office = loaded.office
    office.set_password(PASSWORD)
    office.save(update_fields=["password"])
    _token_row, token = api_token_create(owner=office, actor=office, days=365)
    _reports(loaded, today)
    # A grievance in progress (a handling unit, a response, deadlines running) from the middle.
    in_progress = Grievance.objects.filter(status="in_progress").order_by("pk")
    grievance = in_progress[in_progress.count() // 2]
    last_month_end = today.replace(day=1) - timedelta(days=1)
    if vacuum:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return {
        "username": office.username,
        "password": PASSWORD,
        "token": token,
        "grievance_id": grievance.pk,
        "park_id": loaded.parks[0].pk,
        "rates_from": last_month_end.replace(day=1).isoformat(),
        "rates_to": last_month_end.isoformat(),
        "first_day": first_day.isoformat(),
    }


def _reports(loaded, today: date) -> None:
    """Done monthly reports, all with one real snapshot (the list never reads it)."""
    from django.utils import timezone

    from reforms.reporting.choices import PeriodKind, ReportScope, ReportStatus
    from reforms.reporting.contents import build_snapshot
    from reforms.reporting.models import Report, scope_key_for

    months = []
    first = today.replace(day=1)
    for _ in range(DISTRICT_MONTHS):
        end = first - timedelta(days=1)
        first = end.replace(day=1)
        months.append((first, end))
    now = timezone.now()
    snapshot = build_snapshot(
        Report(
            scope=ReportScope.DISTRICT,
            period_kind=PeriodKind.MONTH,
            period_start=months[0][0],
            period_end=months[0][1],
        )
    )
    targets = [(ReportScope.DISTRICT, None, months)]
    parks, per_park = PARK_REPORTS
    targets += [(ReportScope.PARK, park, months[:per_park]) for park in loaded.parks[:parks]]
    Report.objects.bulk_create(
        Report(
            scope=scope,
            park=park,
            scope_key=scope_key_for(scope, None, getattr(park, "pk", None)),
            period_kind=PeriodKind.MONTH,
            period_start=start,
            period_end=end,
            status=ReportStatus.DONE,
            progress=100,
            snapshot=snapshot,
            requested_by=loaded.office,
            started_at=now,
            finished_at=now,
            as_of=now,
        )
        for scope, park, periods in targets
        for start, end in periods
    )


if __name__ == "__main__":
    main()
