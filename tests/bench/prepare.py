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
    lived = _lived_grievance(office, today)
    last_month_end = today.replace(day=1) - timedelta(days=1)
    if vacuum:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return {
        "username": office.username,
        "password": PASSWORD,
        "token": token,
        "grievance_id": grievance.pk,
        "lived_grievance_id": lived,
        "park_id": loaded.parks[0].pk,
        "rates_from": last_month_end.replace(day=1).isoformat(),
        "rates_to": last_month_end.isoformat(),
        "first_day": first_day.isoformat(),
    }


def _lived_grievance(office, today: date) -> int:
    """A dispute with the history a real one carries, made by the services the pages call: sent
    to a unit, accepted and started by its handler, more time asked and granted, mediation opened
    with two sessions, the complainant's details revealed once. So its page draws a timeline, an
    extension, a mediation and an audit trail (the loader's grievances have none). The newest
    received dispute: its deadlines still run."""
    from datetime import datetime, time

    from django.utils import timezone

    from grievances import services, workflow
    from grievances.choices import DISPUTE_CATEGORIES
    from grievances.models import Grievance
    from parks.structure.choices import Role
    from parks.structure.models import Organisation, User

    grievance = (
        Grievance.objects.filter(status="received", category__in=DISPUTE_CATEGORIES)
        .order_by("-received_at", "-pk")
        .first()
    )
    unit = Organisation.objects.filter(kind="member_unit").order_by("pk").first()
    handler = User.objects.create(
        username="bench-unit", display_name="基准经办人", role=Role.MEMBER_UNIT, organisation=unit
    )
    grievance = workflow.grievance_assign(
        grievance=grievance, actor=office, unit=unit, note="请尽快核实处理"
    )
    grievance = workflow.grievance_accept(grievance=grievance, actor=handler, note="已受理")
    grievance = workflow.grievance_start(grievance=grievance, actor=handler, note="已联系企业")
    extension = services.extension_request(
        grievance=grievance, actor=handler, days=5, reason="需要到企业现场核实工资发放记录"
    )
    services.extension_decide(extension=extension, actor=office, approve=True, note="同意延期")
    grievance.refresh_from_db()
    mediation = services.mediation_open(
        grievance=grievance,
        actor=office,
        applied_on=today,
        parties="申请人：园区职工；被申请人：基准企业",
        mediator=office,
    )
    for hour, notes in ((9, "双方陈述诉求"), (15, "企业同意补发部分工资")):
        services.mediation_session_add(
            mediation=mediation,
            actor=office,
            held_at=timezone.make_aware(datetime.combine(today, time(hour))),
            place="园区调解室",
            notes=notes,
        )
    services.personal_data_reveal(viewer=office, grievances=[grievance], asked=True, via="page")
    return grievance.pk


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
