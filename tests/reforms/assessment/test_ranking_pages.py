"""The ranking page (红黑榜) and the assessment's landing page: the office sees every subject
with the red and black lists and the year's trend; a unit's staff, a park manager and
subdistrict staff see only their own published row, as "rank r of n"; everyone else gets no
page; fixed query counts for 2 and 20 subjects."""

from datetime import date

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parks.structure.choices import Role
from reforms.assessment.choices import SubjectKind
from tests.factories import OrganisationFactory, UserFactory
from tests.reforms.assessment.factories_web import SchemeFactory, make_score

pytestmark = pytest.mark.django_db

MARCH = date(2026, 3, 1)


@pytest.fixture(autouse=True)
def in_english(client):
    """Pages in English, so the assertions hold whatever the Chinese catalogue says."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _units(count):
    return [OrganisationFactory() for _n in range(count)]


def _board(count, *, published=True):
    """A unit scheme with `count` units scored for March 2026, ranked 1..count."""
    scheme = SchemeFactory()
    units = _units(count)
    scores = [
        make_score(scheme, unit, rank=n + 1, total=95 - n * 2, published=published)
        for n, unit in enumerate(units)
    ]
    return scheme, units, scores


def _url(scheme, kind="month", start=MARCH):
    return reverse("reforms:assessment_ranking", args=[scheme.pk, kind, start.isoformat()])


def _ranked(response):
    return [row.score.pk for row in response.context["board"].rows]


def test_the_office_sees_every_subject_with_the_red_and_black_lists(client, office_user):
    scheme, units, scores = _board(6)
    client.force_login(office_user)
    response = client.get(_url(scheme))
    assert response.status_code == 200
    assert _ranked(response) == [score.pk for score in scores]
    board = response.context["board"]
    assert [row.score.rank for row in board.red_rows] == [1, 2]
    assert [row.score.rank for row in board.black_rows] == [5, 6]
    page = response.content.decode()
    assert page.count('class="ranking-entry rank-red"') == 2
    assert page.count('class="ranking-entry rank-black"') == 2
    for unit in units:
        assert unit.name in page
    # The worst unit's main shortfall is named: it lost on task completion (3 of 4 on time).
    assert "按时完成率 −" in page


def test_ties_at_the_edge_share_the_list_and_a_small_period_fills_the_red_list_first(
    client, office_user
):
    scheme = SchemeFactory()
    units = _units(3)
    make_score(scheme, units[0], rank=1, total=90)
    make_score(scheme, units[1], rank=2, total=80)
    make_score(scheme, units[2], rank=2, total=80)
    client.force_login(office_user)
    board = client.get(_url(scheme)).context["board"]
    # Two red places, a tie for the second: both are on it; nobody is on both lists.
    assert [row.red for row in board.rows] == [True, True, True]
    assert [row.black for row in board.rows] == [False, False, False]


def test_a_tie_at_the_bottom_is_on_the_black_list_whole(client, office_user):
    scheme = SchemeFactory(red_list_size=1, black_list_size=1)
    units = _units(4)
    scores = [make_score(scheme, units[0], rank=1, total=100)] + [
        make_score(scheme, unit, rank=2, total=0) for unit in units[1:]
    ]
    client.force_login(office_user)
    board = client.get(_url(scheme)).context["board"]
    assert [row.score.pk for row in board.black_rows] == [score.pk for score in scores[1:]]
    # A unit of the tie reads the same from its own page: black, rank 2 of 4.
    staff = UserFactory(role=Role.MEMBER_UNIT, organisation=units[2])
    client.force_login(staff)
    page = client.get(scores[2].get_absolute_url()).content.decode()
    assert "rank 2 of 4" in page and "rank-badge-black" in page


def test_unpublished_scores_are_the_offices_draft(client, office_user):
    scheme, units, scores = _board(3, published=False)
    staff = UserFactory(role=Role.MEMBER_UNIT, organisation=units[0])
    client.force_login(office_user)
    page = client.get(_url(scheme)).content.decode()
    assert 'id="unpublished"' in page and 'id="publish"' in page
    client.force_login(staff)
    assert client.get(_url(scheme)).status_code == 404
    assert client.get(scores[0].get_absolute_url()).status_code == 404
    home = client.get(reverse("reforms:assessment"))
    assert home.context["rows"] == []


def test_a_units_staff_see_only_their_own_row_as_rank_r_of_n(client):
    scheme, units, scores = _board(5)
    staff = UserFactory(role=Role.MEMBER_UNIT, organisation=units[3])
    client.force_login(staff)
    response = client.get(_url(scheme))
    assert response.status_code == 200
    assert _ranked(response) == [scores[3].pk]
    page = response.content.decode()
    assert "rank 4 of 5" in page
    assert 'class="badge rank-badge-black"' in page  # 4th of 5 with a black list of 2
    for other in units[:3] + units[4:]:
        assert other.name not in page
    # No office buttons, and the trend shows only their own line.
    for button in ('id="publish"', 'id="recompute"', 'id="ranking-xlsx"', 'id="compute-now"'):
        assert button not in page
    assert [line.subject for line in response.context["trend"]] == [units[3]]
    home = client.get(reverse("reforms:assessment"))
    assert [row["score"].pk for row in home.context["rows"]] == [scores[3].pk]
    assert "rank 4 of 5" in home.content.decode()


def test_a_park_manager_and_subdistrict_staff_see_their_own_parks(client, park, other_park):
    scheme = SchemeFactory(subject_kind=SubjectKind.PARK)
    mine = make_score(scheme, park, rank=2, total=80)
    theirs = make_score(scheme, other_park, rank=1, total=90)
    manager = UserFactory(role=Role.PARK_MANAGER, park=park)
    client.force_login(manager)
    response = client.get(_url(scheme))
    assert _ranked(response) == [mine.pk]
    assert "rank 2 of 2" in response.content.decode()
    assert client.get(theirs.get_absolute_url()).status_code == 404
    subdistrict_staff = UserFactory(role=Role.SUBDISTRICT, subdistrict=park.subdistrict)
    client.force_login(subdistrict_staff)
    assert _ranked(client.get(_url(scheme))) == [mine.pk]


@pytest.mark.parametrize("role", [Role.OBSERVER, Role.LIAISON, Role.INSTRUCTOR])
def test_others_get_no_page_and_no_menu_entry(client, park, role):
    scheme, _units_, scores = _board(2)
    user = UserFactory(role=role, park=park if role != Role.OBSERVER else None)
    client.force_login(user)
    assert client.get(_url(scheme)).status_code == 403
    assert client.get(scores[0].get_absolute_url()).status_code == 403
    assert client.get(reverse("reforms:assessment")).status_code == 403
    assert 'id="nav-assessment"' not in client.get(reverse("reforms:task_list")).content.decode()


def test_the_menu_offers_the_assessment_to_the_office_and_the_assessed(client, office_user):
    staff = UserFactory(role=Role.MEMBER_UNIT, organisation=OrganisationFactory())
    for user in (office_user, staff):
        client.force_login(user)
        assert 'id="nav-assessment"' in client.get(reverse("reforms:task_list")).content.decode()


@pytest.mark.parametrize(
    "kind,start",
    [("month", "2026-03-02"), ("week", "2026-03-02"), ("month", "March"), ("year", "2026-03-01")],
)
def test_a_period_that_is_not_one_is_404(client, office_user, kind, start):
    scheme = SchemeFactory()
    client.force_login(office_user)
    url = reverse("reforms:assessment_ranking", args=[scheme.pk, kind, start])
    assert client.get(url).status_code == 404


def test_the_year_trend_shows_each_month_and_rank(client, office_user):
    scheme = SchemeFactory()
    first, second = _units(2)
    for month, (a, b) in {1: (90, 80), 2: (70, 85), 3: (88, 60)}.items():
        make_score(scheme, first, rank=1 if a > b else 2, total=a, month=month)
        make_score(scheme, second, rank=1 if b > a else 2, total=b, month=month)
    client.force_login(office_user)
    trend = client.get(_url(scheme)).context["trend"]
    assert [line.subject for line in trend] == [first, second]  # by March's rank
    assert [str(total) for total in trend[0].totals[:4]] == ["90.00", "70.00", "88.00", "None"]
    assert trend[1].ranks[:3] == [2, 1, 2]
    assert len(trend[0].spark.split()) == 3


def test_the_landing_page_lists_the_schemes_with_their_latest_ranking(client, office_user):
    scheme, _units_, _scores = _board(2)
    draft = SchemeFactory(status="draft", subject_kind=SubjectKind.PARK, rows=False)
    client.force_login(office_user)
    page = client.get(reverse("reforms:assessment")).content.decode()
    assert _url(scheme) in page
    assert draft.get_absolute_url() in page and 'id="new-scheme"' in page


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["office", "staff"])
def test_the_ranking_page_runs_a_fixed_number_of_queries(client, office_user, who):
    counts = []
    for size in (2, 20):
        scheme, units, _scores = _board(size)
        for unit in units:  # a second month, for the trend
            make_score(scheme, unit, rank=1, total=70, month=2)
        user = (
            office_user
            if who == "office"
            else UserFactory(role=Role.MEMBER_UNIT, organisation=units[0])
        )
        client.force_login(user)
        counts.append(_queries(client, _url(scheme)))
    assert counts[0] == counts[1]


def test_the_landing_pages_run_a_fixed_number_of_queries(client, office_user):
    counts = []
    for size in (2, 20):
        scheme, units, _scores = _board(size)
        client.force_login(office_user)
        office = _queries(client, reverse("reforms:assessment"))
        staff = UserFactory(role=Role.MEMBER_UNIT, organisation=units[0])
        for month in range(1, 1 + size // 2):
            make_score(SchemeFactory(name=f"另一方案{size}{month}"), units[0], rank=1, total=80)
        client.force_login(staff)
        counts.append((office, _queries(client, reverse("reforms:assessment"))))
    assert counts[0] == counts[1]


@override_settings(ROOT_URLCONF="tests.reforms.assessment.urls_with_downloads")
def test_the_office_gets_the_excel_and_the_notice_of_the_period(client, office_user):
    scheme, units, _scores = _board(2)
    client.force_login(office_user)
    page = client.get(_url(scheme)).content.decode()
    args = [scheme.pk, "month", MARCH.isoformat()]
    assert reverse("reforms:assessment_ranking_xlsx", args=args) in page
    assert reverse("reforms:assessment_notice", args=args) in page
    client.force_login(UserFactory(role=Role.MEMBER_UNIT, organisation=units[0]))
    page = client.get(_url(scheme)).content.decode()
    assert 'id="ranking-xlsx"' not in page and 'id="ranking-notice"' not in page
