"""The grievances' busiest reads stay cheap as the district grows (issue 14): the inbox's first
page is read off an index in its order, a period's rates read the grievances once through an
index on the time of receipt, and the labels the API shows are the model's.

The plans are PostgreSQL's own choice on a few thousand rows (no planner switches forced), so a
dropped index or a query that no longer matches it fails here.
"""

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from grievances import selectors
from grievances.choices import Category, Channel, Satisfaction, Status
from grievances.duplicates import duplicate_counts
from grievances.filters import GrievanceFilter
from grievances.models import Grievance
from grievances.views.inbox import filtered_grievances
from tests.factories import (
    GrievanceFactory,
    OrganisationFactory,
    ParkFactory,
    SurveyCampaignFactory,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
START = datetime(2026, 1, 1, tzinfo=UTC)
STATUSES = [Status.RECEIVED, Status.IN_PROGRESS, Status.REPLIED, Status.CLOSED, Status.WITHDRAWN]


@pytest.fixture
def district(park, other_park):
    """3,000 grievances over 40 parks and a year and a half, most of them closed."""
    parks = [park, other_park, *(ParkFactory() for _ in range(38))]
    unit = OrganisationFactory()
    rows = []
    for n in range(3000):
        received = START + timedelta(hours=4 * n)
        status = STATUSES[n % len(STATUSES)]
        replied = status in (Status.REPLIED, Status.CLOSED)
        rows.append(
            Grievance(
                tracking_code=f"HOT{n:06d}",
                park=parks[n % len(parks)],
                channel=Channel.SURVEY if n % 7 == 0 else Channel.HOTLINE,
                category=Category.WAGES,
                title=f"诉求 {n % 50}",
                description="说明",
                status=status,
                handling_unit=None if status == Status.RECEIVED else unit,
                received_at=received,
                response_due_at=received + timedelta(hours=24),
                resolution_due_at=received + timedelta(days=15),
                responded_at=None if status == Status.RECEIVED else received + timedelta(hours=5),
                resolved_at=received + timedelta(days=3) if replied else None,
                satisfaction=Satisfaction.SATISFIED if status == Status.CLOSED else "",
                rectified=n % 3 == 0,
            )
        )
    Grievance.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE grievances_grievance")
    return parks


def _plan(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _inbox_page_plan(user, **query):
    request = RequestFactory().get("/grievances/", query)
    request.user = user
    _filter, _all, in_group, _group = filtered_grievances(request)
    return _plan(*in_group[:25].query.sql_with_params())


@pytest.mark.parametrize("group", ["open", "to_assign", "waiting_reply", "all"])
def test_the_inbox_reads_its_first_page_off_the_deadline_index(district, office_user, group):
    """Without the index (or with an order that no longer spells its expression) PostgreSQL
    reads and sorts every grievance in scope for 25 rows: 277 ms at 100,000."""
    plan = _inbox_page_plan(office_user, group=group)

    assert "grievance_next_deadline" in plan
    assert "Sort" not in plan


def test_the_api_list_reads_its_first_page_off_the_deadline_index(district, office_user):
    grievances = selectors.inbox(user=office_user)

    plan = _plan(*grievances[:50].query.sql_with_params())

    assert "grievance_next_deadline" in plan
    assert "Sort" not in plan


def test_a_period_is_read_through_the_index_on_the_time_of_receipt(district, office_user):
    """A `received_at__date` lookup wrapped the column in a date cast, which no index serves."""
    march = selectors.grievances_in_period(
        selectors.grievances_visible_to(office_user),
        start=date(2026, 3, 1),
        end=date(2026, 4, 1),
    )
    sql, params = march.query.sql_with_params()

    assert "AT TIME ZONE" not in sql
    assert "grievance_received" in _plan(sql, params)


def test_a_day_runs_midnight_to_midnight_in_the_portal_time_zone(park, office_user):
    # Shanghai is UTC+8: 16:00 UTC is midnight there.
    last_of_march = GrievanceFactory(
        park=park, received_at=datetime(2026, 3, 31, 15, 59, 59, tzinfo=UTC)
    )
    first_of_april = GrievanceFactory(park=park, received_at=datetime(2026, 3, 31, 16, tzinfo=UTC))
    first_of_march = GrievanceFactory(park=park, received_at=datetime(2026, 2, 28, 16, tzinfo=UTC))
    GrievanceFactory(park=park, received_at=datetime(2026, 2, 28, 15, 59, 59, tzinfo=UTC))

    march = selectors.RateScope(start=date(2026, 3, 1), last=date(2026, 3, 31))
    assert selectors.rates_for(office_user, march).totals["received"] == 2
    in_march = GrievanceFilter(
        {"received_after": "2026-03-01", "received_before": "2026-03-31"},
        queryset=Grievance.objects.all(),
    ).qs
    assert set(in_march) == {first_of_march, last_of_march}
    april = GrievanceFilter({"received_after": "2026-04-01"}, queryset=Grievance.objects.all()).qs
    assert list(april) == [first_of_april]


def test_the_rates_and_the_funnel_of_a_period_read_the_grievances_once(district, office_user):
    """The funnel's opinions used to be a second scan of the period's grievances."""
    SurveyCampaignFactory(park=district[0], held_on=date(2026, 3, 10), handed_out=90, returned=60)
    scope = selectors.RateScope(start=date(2026, 3, 1), last=date(2026, 3, 31))

    with CaptureQueriesContext(connection) as queries:
        counted = selectors.rates_for(office_user, scope)

    reads = [query["sql"] for query in queries.captured_queries]
    assert len(reads) == 2
    assert sum('FROM "grievances_grievance"' in sql for sql in reads) == 1
    # The same figures as the rates and the funnel counted apart.
    assert counted.totals == selectors.rates(counted.grievances, now=counted.now)
    visible_surveys = selectors.surveys_visible_to(office_user).filter(
        held_on__gte=scope.start, held_on__lte=scope.last
    )
    funnel = selectors.survey_funnel(surveys=visible_surveys, grievances=counted.grievances)
    assert counted.funnel == funnel
    assert funnel["handed_out"] == 90 and funnel["opinions"] > 0


def test_the_duplicate_hints_read_the_park_and_time_index(district):
    ids = list(Grievance.objects.order_by("pk").values_list("pk", flat=True)[:25])

    with CaptureQueriesContext(connection) as queries:
        duplicate_counts(Grievance.objects.all(), ids)

    (query,) = queries.captured_queries
    assert "grievance_park_received" in _plan(query["sql"])


def test_the_api_shows_the_models_labels_in_the_requests_language(api_as, office_user, park):
    GrievanceFactory(park=park, channel=Channel.HOTLINE, category=Category.WAGES)
    client = api_as(office_user)

    for language in ("zh-hans", "en"):
        (row,) = client.get("/api/v1/grievances/", HTTP_ACCEPT_LANGUAGE=language).json()["results"]
        grievance = Grievance.objects.get()
        with translation.override(language):
            assert row["channel_display"] == grievance.get_channel_display()
            assert row["category_display"] == grievance.get_category_display()
            assert row["status_display"] == grievance.get_status_display()
        # No satisfaction yet: the model shows the blank value itself.
        assert row["satisfaction_display"] == ""
    assert row["status_display"] == "Received"


def test_the_web_server_turns_jit_compilation_off():
    """JIT compiled a month's rates for 37 of its 65 ms, and only past some size of district."""
    script = (
        "import json, config.wsgi; from django.db import connection; "
        "print(json.dumps(connection.settings_dict['OPTIONS'].get('options', '')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DATABASE_URL": "postgres://portal@db.example:5432/portal",
        },
        capture_output=True,
        text=True,
        check=True,
    )

    assert "-c jit=off" in json.loads(result.stdout.strip().splitlines()[-1])
