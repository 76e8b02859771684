"""/api/v1/assessment/: schemes, scores and rankings, each through parks.access — the office sees
everything, a unit its own published scores (another's is a 404), a park manager the park's,
anyone else is refused — and each list at a fixed number of queries."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parks.structure.choices import Role
from reforms.assessment.choices import ItemKind, SchemeStatus, ScoreAction, SubjectKind
from reforms.assessment.indicators import INDICATORS
from reforms.assessment.models import SchemeItem, ScoreAdjustment, ScoreEvent
from tests.factories import OrganisationFactory, ParkFactory, UserFactory
from tests.reforms.assessment.factories_out import MONTH, SchemeFactory, make_score

pytestmark = pytest.mark.django_db

URL = "/api/v1/assessment/"
D = Decimal


class World:
    """Four units scored for October 2026 (红榜 and 黑榜 of 1 each), one of them unpublished;
    a park scheme with one park; a draft scheme nobody is scored by."""

    def __init__(self):
        self.scheme = SchemeFactory(red_list_size=1, black_list_size=1)
        self.units = [OrganisationFactory(name=f"单位{n}") for n in range(4)]
        self.scores = [
            make_score(
                self.scheme,
                unit,
                rank=rank,
                points={"task_on_time": D(60 - 10 * rank), "response_rate": D("30.00")},
                published=rank != 3,
            )
            for rank, unit in enumerate(self.units, start=1)
        ]
        self.staff = UserFactory(role=Role.MEMBER_UNIT, organisation=self.units[1])
        self.park_scheme = SchemeFactory(subject_kind=SubjectKind.PARK, name="园区考核方案")
        self.park = ParkFactory()
        self.park_score = make_score(
            self.park_scheme, self.park, rank=1, points={"task_on_time": D("50")}
        )
        self.manager = UserFactory(role=Role.PARK_MANAGER, park=self.park)
        self.draft = SchemeFactory(status=SchemeStatus.DRAFT, name="草稿方案")


@pytest.fixture
def world():
    return World()


def _ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# --- Scope ----------------------------------------------------------------------------------


def test_the_office_sees_every_score_and_scheme(api_as, office_user, world):
    api = api_as(office_user)
    assert len(_ids(api.get(f"{URL}scores/"))) == 5
    assert set(_ids(api.get(f"{URL}schemes/"))) == {
        world.scheme.pk,
        world.park_scheme.pk,
        world.draft.pk,
    }
    assert api.get(f"{URL}scores/{world.scores[2].pk}/").status_code == 200  # unpublished too


def test_a_unit_sees_only_its_own_published_score_and_others_are_404(api_as, world):
    api = api_as(world.staff)
    assert _ids(api.get(f"{URL}scores/")) == [world.scores[1].pk]
    assert api.get(f"{URL}scores/{world.scores[1].pk}/").status_code == 200
    for other in (world.scores[0], world.scores[3], world.park_score):
        assert api.get(f"{URL}scores/{other.pk}/").status_code == 404
    # The scheme its score was computed with, and no other.
    assert _ids(api.get(f"{URL}schemes/")) == [world.scheme.pk]
    assert api.get(f"{URL}schemes/{world.draft.pk}/").status_code == 404
    assert api.get(f"{URL}schemes/{world.park_scheme.pk}/").status_code == 404


def test_a_units_unpublished_score_is_not_yet_its_own(api_as, world):
    staff = UserFactory(role=Role.MEMBER_UNIT, organisation=world.units[2])
    api = api_as(staff)
    assert _ids(api.get(f"{URL}scores/")) == []
    assert api.get(f"{URL}scores/{world.scores[2].pk}/").status_code == 404
    assert _ids(api.get(f"{URL}schemes/")) == []


def test_a_park_manager_sees_the_parks_score(api_as, world):
    api = api_as(world.manager)
    assert _ids(api.get(f"{URL}scores/")) == [world.park_score.pk]
    assert api.get(f"{URL}scores/{world.scores[0].pk}/").status_code == 404


def test_those_the_assessment_does_not_concern_are_refused(api_as, api_client, liaison, world):
    api = api_as(liaison)
    for path in ("scores/", "schemes/", "rankings/", f"scores/{world.scores[0].pk}/"):
        assert api.get(f"{URL}{path}").status_code == 403, path
    api_client.force_authenticate(None)
    assert api_client.get(f"{URL}scores/").status_code == 401


# --- What a score says ----------------------------------------------------------------------


def test_a_score_explains_itself_indicator_by_indicator(api_as, office_user, world):
    score = world.scores[3]  # 单位3: task 20 of 60, response 30 of 40
    item = SchemeItem.objects.create(
        scheme=world.scheme, kind=ItemKind.DEDUCTION, name="投诉升级", points=D("5")
    )
    ScoreAdjustment.objects.create(
        score=score, item=item, points=D("-5"), reason="投诉升级至市级", made_by=office_user
    )
    ScoreEvent.objects.create(score=score, action=ScoreAction.COMPUTED, total_after=D("50"))
    body = api_as(office_user).get(f"{URL}scores/{score.pk}/").json()
    assert body["subject_name"] == "单位3" and body["subject_id"] == world.units[3].pk
    assert body["total"] == "50.00" and body["rank"] == 4
    indicators = {row["key"]: row for row in body["indicators"]}
    assert indicators["task_on_time"]["lost"] == "40.00"
    assert indicators["response_rate"]["points"] == "30.00"
    assert [row["key"] for row in body["shortfalls"]] == ["task_on_time", "response_rate"]
    assert body["adjustments"][0]["reason"] == "投诉升级至市级"
    assert body["adjustments"][0]["item_name"] == "投诉升级"
    assert [event["action"] for event in body["events"]] == ["computed"]


def test_scores_filter_by_scheme_period_and_subject(api_as, office_user, world):
    api = api_as(office_user)
    make_score(
        world.scheme,
        world.units[0],
        rank=1,
        points={"task_on_time": D("60")},
        start=date(2026, 9, 1),
        end=date(2026, 9, 30),
    )
    assert len(_ids(api.get(f"{URL}scores/", {"scheme": world.scheme.pk}))) == 5
    october = {"scheme": world.scheme.pk, "period_kind": "month", "period_start": "2026-10-01"}
    assert len(_ids(api.get(f"{URL}scores/", october))) == 4
    mine = {"subject_kind": "unit", "subject": world.units[0].pk}
    assert len(_ids(api.get(f"{URL}scores/", mine))) == 2
    assert _ids(api.get(f"{URL}scores/", {**mine, "period_start": "2026-09-01"})) != []
    assert _ids(api.get(f"{URL}scores/", {"subject_kind": "park"})) == [world.park_score.pk]
    assert len(_ids(api.get(f"{URL}scores/", {"published": "false"}))) == 1


# --- Rankings -------------------------------------------------------------------------------


def _october(api, scheme):
    params = {"scheme": scheme.pk, "period_kind": "month", "period_start": MONTH.isoformat()}
    response = api.get(f"{URL}rankings/", params)
    assert response.status_code == 200, response.content
    (ranking,) = response.json()["results"]
    return ranking


def test_the_office_gets_the_whole_ranking_with_its_lists(api_as, office_user, world):
    ranking = _october(api_as(office_user), world.scheme)
    assert ranking["size"] == 4 and ranking["period_end"] == "2026-10-31"
    rows = ranking["rows"]
    assert [row["subject_name"] for row in rows] == ["单位0", "单位1", "单位2", "单位3"]
    assert [row["total"] for row in rows] == ["80.00", "70.00", "60.00", "50.00"]
    assert [(row["red"], row["black"]) for row in rows] == [
        (True, False),
        (False, False),
        (False, False),
        (False, True),
    ]
    assert rows[2]["published"] is False
    assert rows[3]["shortfalls"][0] == {
        "key": "task_on_time",
        "term": INDICATORS["task_on_time"].term,
        "applies": True,
        "value": None,
        "weight": "60.00",
        "weight_used": "60.00",
        "points": "20.00",
        "lost": "40.00",
    }


def test_a_unit_sees_its_own_row_ranked_among_the_published(api_as, world):
    ranking = _october(api_as(world.staff), world.scheme)
    assert ranking["size"] == 3  # 单位2's score is not published
    assert [(row["subject_name"], row["rank"]) for row in ranking["rows"]] == [("单位1", 2)]


def test_rankings_list_every_period_scored_newest_first(api_as, office_user, world):
    make_score(
        world.scheme,
        world.units[0],
        rank=1,
        points={"task_on_time": D("60")},
        start=date(2026, 9, 1),
        end=date(2026, 9, 30),
    )
    body = api_as(office_user).get(f"{URL}rankings/").json()
    assert body["count"] == 3
    periods = [(row["scheme"], row["period_start"], row["size"]) for row in body["results"]]
    assert periods[-1] == (world.scheme.pk, "2026-09-01", 1)
    assert {periods[0][0], periods[1][0]} == {world.scheme.pk, world.park_scheme.pk}


# --- Queries --------------------------------------------------------------------------------


def _queries(api, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        assert api.get(url, params or {}).status_code == 200
    return len(queries)


def _more_periods(world, count):
    """`count` more months of scores for every unit."""
    for month in range(1, count + 1):
        start = date(2025, month, 1)
        end = date(2025, month, 28)
        for rank, unit in enumerate(world.units, start=1):
            make_score(
                world.scheme,
                unit,
                rank=rank,
                points={"task_on_time": D("40")},
                start=start,
                end=end,
            )


@pytest.mark.parametrize("path", ["scores/", "schemes/", "rankings/"])
def test_each_list_costs_the_same_queries_for_2_and_20_rows(api_as, office_user, world, path):
    api = api_as(office_user)
    few = _queries(api, f"{URL}{path}")
    _more_periods(world, 10)
    for n in range(18):
        SchemeFactory(year=2020 + n % 10, name=f"更多方案{n}", status=SchemeStatus.DRAFT)
    many = _queries(api, f"{URL}{path}")
    assert few == many
    staff = api_as(world.staff)
    assert _queries(staff, f"{URL}{path}") == _queries(staff, f"{URL}{path}", {"year": 2026})


def test_a_score_costs_the_same_queries_with_many_adjustments(api_as, office_user, world):
    api = api_as(office_user)
    score = world.scores[0]
    few = _queries(api, f"{URL}scores/{score.pk}/")
    for n in range(10):
        ScoreAdjustment.objects.create(
            score=score, points=D("1"), reason=f"第{n}项", made_by=UserFactory()
        )
        ScoreEvent.objects.create(
            score=score, action=ScoreAction.ADJUSTED, actor=UserFactory(), total_after=D("1")
        )
    assert _queries(api, f"{URL}scores/{score.pk}/") == few
