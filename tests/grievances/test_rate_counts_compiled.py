"""The grievance figures' aggregates are compiled once per process (parks.core.compiled,
compiled_aggregates) and give the very SQL, and so the very figures, the definition in
grievances.rates gives when built and compiled afresh: aggregated, grouped by park, by month or
by subdistrict (a join), narrowed through a join, nested in another query, counted only or not,
with every figure or only a rate's."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.models import Q
from django.db.models.functions import TruncMonth
from django.test.utils import CaptureQueriesContext

from grievances import funnel, rates
from grievances.choices import Action, Satisfaction, Status
from grievances.models import Grievance, GrievanceEvent
from tests.factories import GrievanceFactory, OrganisationFactory, record_follow_ups

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 20, 9, 30, tzinfo=UTC)


def _plain(counted_only: bool, keys=()) -> dict:
    """The definition, built and compiled afresh (what rate_counts returned before)."""
    counts = rates._rate_counts(NOW, counted=Q() if counted_only else rates.COUNTED)
    return {key: counts[key] for key in rates.counts_for(keys)} if keys else counts


def _compiled(counted_only: bool, keys=()) -> dict:
    return rates.rate_counts(NOW, rates=keys, counted_only=counted_only)


@pytest.fixture
def grievances(park, other_park):
    unit = OrganisationFactory()
    made = []
    for n in range(24):
        received = datetime(2026, 1 + n % 6, 3 + n, 2, tzinfo=UTC)
        status = [Status.RECEIVED, Status.REPLIED, Status.IN_PROGRESS, Status.WITHDRAWN][n % 4]
        grievance = GrievanceFactory(
            park=park if n % 3 else other_park,
            status=status,
            handling_unit=None if status == Status.RECEIVED and n % 2 else unit,
            received_at=received,
            response_due_at=received + timedelta(days=n % 5),
            resolution_due_at=received + timedelta(days=60 * (n % 3)),
            responded_at=received + timedelta(days=n % 4) if n % 5 else None,
            resolved_at=received + timedelta(days=n % 7) if status == Status.REPLIED else None,
            satisfaction="",
        )
        if n % 4 == 2:
            record_follow_ups(grievance, [Satisfaction.UNSATISFIED, Satisfaction.SATISFIED])
        if n % 6 == 1:
            GrievanceEvent.objects.create(grievance=grievance, action=Action.RETURN)
        if n % 8 == 2:
            GrievanceEvent.objects.create(grievance=grievance, action=Action.REOPEN)
        made.append(grievance)
    return made


def _ran(run) -> tuple[object, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        result = run()
    return result, [query["sql"] for query in queries.captured_queries]


SHAPES = {
    "aggregate": lambda counts: Grievance.objects.order_by().aggregate(**counts),
    "by park": lambda counts: list(
        Grievance.objects.order_by("park").values("park").annotate(**counts)
    ),
    "by month": lambda counts: list(
        Grievance.objects.order_by()
        .annotate(month=TruncMonth("received_at"))
        .values("month")
        .annotate(**counts)
        .order_by("month")
    ),
    "by subdistrict": lambda counts: list(
        Grievance.objects.order_by("park__subdistrict")
        .values("park__subdistrict")
        .annotate(**counts)
    ),
    "through a join": lambda counts: Grievance.objects.filter(
        park__subdistrict__isnull=False, received_at__lt=NOW
    ).aggregate(**counts),
    "annotated": lambda counts: (
        Grievance.objects.order_by()
        .annotate(month=TruncMonth("received_at"))
        .filter(month__isnull=False)
        .aggregate(**counts)
    ),
    "nested (rows only)": lambda counts: list(
        Grievance.objects.filter(
            park__in=Grievance.objects.order_by()
            .values("park")
            .annotate(**counts)
            .filter(received__gt=0)
            .values("park")
        ).values_list("pk", flat=True)
    ),
    "having": lambda counts: list(
        Grievance.objects.order_by("park").values("park").annotate(**counts).filter(received__gte=1)
    ),
}


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("counted_only", [False, True])
@pytest.mark.parametrize("keys", [(), ("response_rate", "satisfaction_rate")])
def test_compiled_figures_are_the_definitions_own(grievances, shape, counted_only, keys):
    run = SHAPES[shape]
    expected, expected_sql = _ran(lambda: run(_plain(counted_only, keys)))
    # Twice: the first compiles, the second reads what was compiled.
    for _ in range(2):
        got, sql = _ran(lambda: run(_compiled(counted_only, keys)))
        assert got == expected
        if shape.endswith("(rows only)"):
            # Nested, its subqueries are named afresh (U… or V…): the same SQL otherwise.
            continue
        for mine, theirs in zip(sql, expected_sql, strict=True):
            if mine != theirs:
                at = next(i for i, (a, b) in enumerate(zip(mine, theirs, strict=False)) if a != b)
                raise AssertionError(
                    f"...{mine[at - 200 : at + 200]}\n...{theirs[at - 200 : at + 200]}"
                )


def test_figures_follow_the_moment(grievances):
    """The moment pending is judged at is each call's own, not the first compilation's."""
    for moment in (NOW, NOW + timedelta(days=40), NOW - timedelta(days=150)):
        plain = rates._rate_counts(moment, counted=rates.COUNTED)
        assert Grievance.objects.aggregate(**rates.rate_counts(moment)) == (
            Grievance.objects.aggregate(**plain)
        )


def test_rates_and_funnel_reads_the_same(grievances, park):
    from grievances.models import SurveyCampaign

    compiled = funnel.rates_and_funnel(
        grievances=Grievance.objects.filter(park=park),
        surveys=SurveyCampaign.objects.all(),
        now=NOW,
    )
    row = Grievance.objects.filter(park=park).aggregate(
        **_plain(False), **funnel._opinion_counts(counted=rates.COUNTED)
    )
    opinions = {key: row.pop(key) for key in ("opinions", "rectified")}
    assert compiled[0] == rates.with_rates(row)
    assert compiled[1] == {**funnel.survey_counts(SurveyCampaign.objects.all()), **opinions}


@pytest.mark.parametrize("counted_only", [False, True])
def test_opinion_figures_are_the_definitions_own(grievances, counted_only):
    plain = funnel._opinion_counts(counted=Q() if counted_only else rates.COUNTED)
    expected = _ran(lambda: Grievance.objects.order_by().aggregate(**plain))
    for _ in range(2):
        compiled = funnel.opinion_counts(counted_only=counted_only)
        assert _ran(lambda c=compiled: Grievance.objects.order_by().aggregate(**c)) == expected


@pytest.mark.parametrize("counted_only", [False, True])
def test_backlog_figures_are_the_definitions_own(grievances, counted_only):
    """The backlogs at several moments in one query, as a report counts them."""
    moments = {"a": NOW, "b": NOW - timedelta(days=100), "c": NOW - timedelta(days=170)}
    counted = Q() if counted_only else rates.COUNTED

    def run(counts_at):
        return Grievance.objects.order_by().aggregate(
            **{
                f"{name}_{key}": expression
                for name, at in moments.items()
                for key, expression in counts_at(at).items()
            }
        )

    expected, expected_sql = _ran(
        lambda: run(lambda at: rates._backlog_counts(at, counted=counted))
    )
    for _ in range(2):
        got, sql = _ran(lambda: run(lambda at: rates.backlog_counts(at, counted_only=counted_only)))
        assert (got, sql) == (expected, expected_sql)


def test_survey_counts_are_the_definitions_own(park, other_park):
    from grievances.models import SurveyCampaign
    from tests.factories import SurveyCampaignFactory

    SurveyCampaignFactory(park=park, handed_out=40, returned=25)
    SurveyCampaignFactory(park=other_park, handed_out=7, returned=3)
    for surveys in (
        SurveyCampaign.objects.all(),
        SurveyCampaign.objects.filter(park=park),
        SurveyCampaign.objects.filter(park__subdistrict=park.subdistrict),
        SurveyCampaign.objects.filter(handed_out__gt=1000),  # no rows: Sum's default
    ):
        plain = _ran(
            lambda surveys=surveys: surveys.order_by().aggregate(**funnel._survey_counts())
        )
        for _ in range(2):
            assert _ran(lambda surveys=surveys: funnel.survey_counts(surveys)) == plain


@pytest.mark.parametrize("counted_only", [False, True])
def test_a_scope_of_nothing_runs_no_query_as_the_definitions(grievances, counted_only):
    """A queryset that cannot match (EmptyResultSet) is answered without SQL, with each
    definition's value over no rows, as Django answers the plain definitions."""
    from grievances.models import SurveyCampaign

    none = Grievance.objects.none()
    plain = _ran(lambda: none.aggregate(**_plain(counted_only)))
    assert plain[1] == []
    assert _ran(lambda: none.aggregate(**_compiled(counted_only))) == plain
    opinions = funnel._opinion_counts(counted=Q() if counted_only else rates.COUNTED)
    plain = _ran(lambda: none.aggregate(**opinions))
    compiled = funnel.opinion_counts(counted_only=counted_only)
    assert _ran(lambda: none.aggregate(**compiled)) == plain
    surveys = SurveyCampaign.objects.none()
    plain = _ran(lambda: surveys.aggregate(**funnel._survey_counts()))
    assert plain == ({"handed_out": 0, "returned": 0}, [])
    assert _ran(lambda: funnel.survey_counts(surveys)) == plain
