"""Aggregates and list pages run from plans (parks.core.prepared.prepared_aggregate,
parks.core.api.planned) answer what the plain ORM path answers (issue 14): the API's rates
of a period and its report list; a rates query naming only its period is validated as the
whole query is.

Each is read twice from its plans (made, then reused), then the plain way, by each role, in
Chinese and in English, over every narrowing the rates take: the same answers byte for byte,
the same SQL text, the same number of queries.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.db.models import Count, Sum
from django.test.utils import CaptureQueriesContext

import grievances.funnel
from grievances.api.rate_serializers import (
    RatesPeriodSerializer,
    RatesQuerySerializer,
    rates_query_serializer,
)
from grievances.models import Grievance
from parks.core import prepared as prepared_module
from parks.core import tallies
from parks.core.api import pagination
from parks.core.prepared import prepared_aggregate
from parks.structure.choices import Role
from reforms.reporting.choices import PeriodKind, ReportScope, ReportStatus
from reforms.reporting.models import Report
from tests.factories import (
    GridZoneFactory,
    GrievanceFactory,
    OrganisationFactory,
    SurveyCampaignFactory,
    UserFactory,
)
from tests.grievances.test_api_rates import graded

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 8, 3, 4, 5, 6, tzinfo=UTC)
JUNE = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)
USERS = ["office_user", "park_manager", "liaison", "subdistrict_user", "member_unit_user"]


def _plain_aggregate(key, build, *values, using="default"):
    queryset, aggregates = build(*values)
    return queryset.using(using).aggregate(**aggregates)


def _read(client, paths, language):
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as queries:
        answers = [
            (path, response.status_code, response.content)
            for path in paths
            for response in [client.get(path, HTTP_ACCEPT_LANGUAGE=language)]
        ]
    return answers, [query["sql"] for query in queries]


@pytest.fixture
def rated(park, other_park):
    unit = OrganisationFactory()
    zone = GridZoneFactory(park=park, code="G07")
    graded(park, JUNE, "closed", 2, 3, "satisfied", grid_zone=zone, unit=unit)
    graded(other_park, JUNE, "followed_up", 5, 10, "unsatisfied", unit=unit)
    graded(park, JUNE + timedelta(days=9), "in_progress", 1, grid_zone=zone)
    graded(other_park, JUNE + timedelta(days=18), "withdrawn", 1)
    graded(park, JUNE + timedelta(days=27), "replied", 3, 2, channel="survey", rectified=True)
    graded(park, JUNE + timedelta(days=36), "assigned", unit=unit)
    SurveyCampaignFactory(park=park, held_on=date(2026, 6, 20), handed_out=90, returned=60)
    SurveyCampaignFactory(park=other_park, held_on=date(2026, 7, 1), handed_out=50, returned=5)
    return zone, unit


def _rate_paths(park, subdistrict, zone, unit):
    base = "/api/v1/grievances/rates/"
    return [
        base,
        f"{base}?from=2026-06-01&to=2026-06-30",
        f"{base}?from=2026-06-15",
        f"{base}?to=2026-06-15",
        f"{base}?park={park.pk}&from=2026-06-01",
        f"{base}?subdistrict={subdistrict.pk}",
        f"{base}?grid_zone={zone.pk}&to=2026-07-31",
        f"{base}?unit={unit.pk}&group_by=park",
        f"{base}?from=2026-06-01&to=2026-07-31&group_by=month",
        f"{base}?from=2026-07-01&to=2026-06-01",  # a 400
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("who", USERS)
def test_the_rates_from_plans_answer_what_the_plain_aggregates_answer(
    request, api_as, monkeypatch, rated, park, subdistrict, who, language
):
    client = api_as(request.getfixturevalue(who))
    paths = _rate_paths(park, subdistrict, *rated)
    fast = _read(client, paths, language)
    again = _read(client, paths, language)  # from the plans made above
    monkeypatch.setattr(grievances.funnel, "prepared_aggregate", _plain_aggregate)
    plain = _read(client, paths, language)
    assert fast == again == plain
    assert {status for _path, status, _body in fast[0]} >= {200}


def _reports(count):
    """`count` reports, one a week, some built (and out of date), some not."""
    built = datetime(2026, 7, 1, tzinfo=UTC)
    return Report.objects.bulk_create(
        Report(
            scope=ReportScope.DISTRICT,
            period_kind=PeriodKind.WEEK,
            period_start=date(2025, 1, 6) + timedelta(weeks=n),
            period_end=date(2025, 1, 12) + timedelta(weeks=n),
            status=ReportStatus.DONE if n % 3 else ReportStatus.QUEUED,
            finished_at=built if n % 3 else None,
            as_of=built if n % 3 else None,
        )
        for n in range(count)
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("who", USERS)
def test_the_report_list_from_a_plan_answers_what_the_plain_list_answers(
    request, api_as, monkeypatch, park, who, language
):
    _reports(53)
    Report.objects.create(
        scope=ReportScope.PARK,
        park=park,
        period_kind=PeriodKind.MONTH,
        period_start=date(2026, 6, 1),
        period_end=date(2026, 6, 30),
    )
    GrievanceFactory(park=park)  # a write after the builds: they are out of date
    client = api_as(request.getfixturevalue(who))
    paths = [
        "/api/v1/reports/",
        "/api/v1/reports/?page=2",
        "/api/v1/reports/?page=9",
        "/api/v1/reports/?ordering=-period_start&page=2",
    ]
    fast = _read(client, paths, language)  # makes the plans (and reads the content types)
    again = _read(client, paths, language)
    monkeypatch.setattr(pagination, "list_plan", lambda view, request, queryset, shaped: None)
    plain = _read(client, paths, language)
    assert fast[0] == again[0] == plain[0]
    assert again[1] == plain[1]


def test_an_aggregate_from_a_plan_runs_the_same_sql_once(park):
    rows = [GrievanceFactory(park=park) for _ in range(3)]

    def counts(pk, status):
        return Grievance.objects.filter(pk__gte=pk, status=status).order_by(), {
            "n": Count("pk"),
            "most": Sum("pk"),
        }

    for pk in (rows[0].pk, rows[1].pk, rows[2].pk + 1):
        for status in ("received", "closed"):
            with CaptureQueriesContext(connection) as fast:
                found = prepared_aggregate(("test", "counts"), counts, pk, status)
            with CaptureQueriesContext(connection) as plain:
                expected = _plain_aggregate(None, counts, pk, status)
            assert found == expected
            assert [q["sql"] for q in fast] == [q["sql"] for q in plain]
            assert len(fast) == 1
    assert prepared_module._AGGREGATE_PLANS[(("test", "counts"), "default")] is not None


def test_an_aggregate_that_cannot_match_runs_no_sql(park):
    def nothing(pk):
        return Grievance.objects.none().filter(pk__gte=pk), {"n": Count("pk"), "s": Sum("pk")}

    with CaptureQueriesContext(connection) as queries:
        assert prepared_aggregate(("test", "none"), nothing, 1) == {"n": 0, "s": None}
    assert len(queries) == 0


def test_an_aggregate_django_nests_or_rewrites_is_run_the_plain_way(park):
    rows = [GrievanceFactory(park=park, title=title) for title in ("拖欠工资", "工伤", "工伤")]

    def first_two(pk):  # sliced: Django aggregates it in a subquery of its own
        return Grievance.objects.filter(pk__gte=pk).order_by("pk")[:2], {"n": Count("pk")}

    def containing(text):  # `%text%`: not the value given
        return Grievance.objects.filter(title__contains=text).order_by(), {"n": Count("pk")}

    with CaptureQueriesContext(connection) as queries:
        assert prepared_aggregate(("test", "sliced"), first_two, rows[1].pk) == {"n": 2}
        assert prepared_aggregate(("test", "contains"), containing, "工伤") == {"n": 2}
        assert prepared_aggregate(("test", "contains"), containing, "工资") == {"n": 1}
    assert len(queries) == 3  # planning ran none of its own
    assert prepared_module._AGGREGATE_PLANS[(("test", "sliced"), "default")] is None
    assert prepared_module._AGGREGATE_PLANS[(("test", "contains"), "default")] is None


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"from": "2026-06-01"},
        {"to": "2026-06-30"},
        {"from": "2026-06-01", "to": "2026-06-30"},
        {"from": "2026-07-01", "to": "2026-06-01"},
        {"from": "2026-6-1", "to": "yesterday"},
        {"from": "", "to": ""},
        {"from": "1899-01-01"},
    ],
)
def test_a_period_only_rates_query_validates_as_the_whole_query_does(rf, office_user, query):
    request = rf.get("/api/v1/grievances/rates/", query)
    request.user = office_user
    assert rates_query_serializer(query) is RatesPeriodSerializer
    period, whole = (
        serializer(data=query, context={"request": request})
        for serializer in (RatesPeriodSerializer, RatesQuerySerializer)
    )
    assert period.is_valid() == whole.is_valid()
    assert (period.errors, period.validated_data if not period.errors else None) == (
        whole.errors,
        whole.validated_data if not whole.errors else None,
    )
    assert rates_query_serializer({**query, "park": "1"}) is RatesQuerySerializer


def test_a_report_list_plan_serves_only_its_own_scope(api_as, park, other_park):
    for place in (park, other_park):
        Report.objects.create(
            scope=ReportScope.PARK,
            park=place,
            period_kind=PeriodKind.MONTH,
            period_start=date(2026, 6, 1),
            period_end=date(2026, 6, 30),
        )
    managers = [
        UserFactory(username=f"manager-{place.pk}", role=Role.PARK_MANAGER, park=place)
        for place in (park, other_park)
    ]
    for _ in range(2):  # the second time from the plans
        for manager, place in zip(managers, (park, other_park), strict=True):
            body = api_as(manager).get("/api/v1/reports/").json()
            assert [row["park"] for row in body["results"]] == [place.pk]
            assert body["count"] == 1


def test_a_rates_plan_serves_only_its_own_scope(api_as, monkeypatch, rated, park, other_park):
    managers = [
        UserFactory(username=f"manager-{place.pk}", role=Role.PARK_MANAGER, park=place)
        for place in (park, other_park)
    ]
    paths = ["/api/v1/grievances/rates/", "/api/v1/grievances/rates/?from=2026-06-01"]
    planned = [_read(api_as(manager), paths, "en")[0] for manager in managers * 2]
    monkeypatch.setattr(grievances.funnel, "prepared_aggregate", _plain_aggregate)
    plain = [_read(api_as(manager), paths, "en")[0] for manager in managers]
    assert planned == plain * 2
    assert plain[0] != plain[1]


def test_a_planned_count_counts_as_count_does(park):
    _reports(3)
    for name, reports in (
        ("all", Report.objects.all()),
        ("queued", Report.objects.filter(status=ReportStatus.QUEUED)),
        ("none", Report.objects.none()),
    ):
        with CaptureQueriesContext(connection) as plain:
            expected = reports.count()
        for _ in range(2):
            with CaptureQueriesContext(connection) as planned:
                found = tallies.count(reports, plan_key=("test", name))
            assert found == expected
            assert [q["sql"] for q in planned] == [q["sql"] for q in plain]
