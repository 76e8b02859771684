"""A score's page explains it: each indicator's value, counts, weight, weight after
redistribution and points, "not applicable" with the scheme's rule, links to the lists it was
counted from, the adjustments with their reasons and the history. The office may adjust and
withdraw; the assessed read their own published score only."""

from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parks.structure.choices import Role
from reforms.assessment.choices import SubjectKind
from reforms.assessment.models import SchemeItem
from tests.factories import OrganisationFactory, TaskFactory, UserFactory
from tests.reforms.assessment.factories_web import SchemeFactory, adjust, make_score

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def unit():
    return OrganisationFactory(name="区人社局")


@pytest.fixture
def scored(unit):
    """区人社局's March: 3 of 4 tasks on time (75 %: half of the 60 points between 50 % and
    100 %, 30.00) and 9 of 10 grievances answered in time (90 %: 32.00 of 40) = 62.00."""
    scheme = SchemeFactory()
    score = make_score(scheme, unit, rank=2, total="62.00", task=(3, 4), response=(9, 10))
    make_score(scheme, OrganisationFactory(), rank=1, total="80.00")
    return score


def _rows(response):
    return {entry["row"].key: entry for entry in response.context["rows"]}


def test_each_indicator_shows_its_value_counts_weight_and_points(client, office_user, scored):
    client.force_login(office_user)
    response = client.get(scored.get_absolute_url())
    assert response.status_code == 200
    rows = _rows(response)
    task, answered = rows["task_on_time"]["row"], rows["response_rate"]["row"]
    assert (task.part, task.whole, str(task.value), str(task.points)) == (3, 4, "75.00", "30.00")
    assert (str(answered.weight_used), str(answered.points)) == ("40.00", "32.00")
    assert str(task.lost) == "30.00" and str(answered.lost) == "8.00"
    # The main shortfall first: task completion lost 30 points, the response rate 8.
    assert [row.key for row in response.context["shortfalls"]] == ["task_on_time", "response_rate"]
    page = response.content.decode()
    assert 'id="score-total">62.00<' in page
    assert "rank 2 of 2" in page
    assert "3 / 4" in page and "9 / 10" in page


def test_an_indicator_with_nothing_to_count_is_not_applicable_and_its_weight_moves(
    client, office_user, unit
):
    scheme = SchemeFactory()
    score = make_score(scheme, unit, rank=1, total="90.00", task=None, response=(9, 10))
    client.force_login(office_user)
    response = client.get(score.get_absolute_url())
    rows = _rows(response)
    assert rows["task_on_time"]["row"].applies is False
    assert rows["task_on_time"]["row"].lost == 0
    assert str(rows["response_rate"]["row"].weight_used) == "100.00"
    page = response.content.decode()
    assert "not applicable" in page
    assert "spread over the indicators that apply" in page


def test_the_lists_behind_a_units_score_are_narrowed_to_it_and_the_month(
    client, office_user, unit, scored
):
    client.force_login(office_user)
    rows = _rows(client.get(scored.get_absolute_url()))
    tasks = urlsplit(rows["task_on_time"]["link"])
    assert tasks.path == reverse("reforms:task_list")
    assert parse_qs(tasks.query) == {
        "lead_unit": [str(unit.pk)],
        "due_after": ["2026-03-01"],
        "due_before": ["2026-03-31"],
    }
    grievances = urlsplit(rows["response_rate"]["link"])
    assert grievances.path == reverse("grievances:inbox")
    assert parse_qs(grievances.query)["handling_unit"] == [str(unit.pk)]
    assert parse_qs(grievances.query)["received_before"] == ["2026-03-31"]
    # The list the link opens takes those filters: March's task of the unit, nothing else.
    march = TaskFactory(lead_unit=unit, due_date=date(2026, 3, 20))
    TaskFactory(lead_unit=unit, due_date=date(2026, 4, 20))
    TaskFactory(due_date=date(2026, 3, 20))
    listed = client.get(rows["task_on_time"]["link"]).context["page"]
    assert [task.pk for task in listed] == [march.pk]


def test_a_parks_links_go_to_the_parks_lists(client, office_user, park):
    scheme = SchemeFactory(subject_kind=SubjectKind.PARK)
    score = make_score(scheme, park, rank=1, total=80)
    client.force_login(office_user)
    rows = _rows(client.get(score.get_absolute_url()))
    assert parse_qs(urlsplit(rows["task_on_time"]["link"]).query)["park"] == [str(park.pk)]


def test_adjustments_with_their_reasons_and_the_history_are_shown(client, office_user, scored):
    item = SchemeItem.objects.get(scheme=scored.scheme, kind="bonus")
    adjust(scored, points=2, item=item, reason="经验做法被市里推广", by=office_user)
    client.force_login(office_user)
    page = client.get(scored.get_absolute_url()).content.decode()
    assert "经验做法被市里推广" in page and "典型案例被推广" in page
    assert 'id="score-adjustment">+2.00<' in page
    assert 'data-action="computed"' in page and 'data-action="adjusted"' in page
    assert "62.00 → 64.00" in page
    # The office gets the adjust form and a withdraw button on the live adjustment.
    assert 'id="adjust-form"' in page and "withdraw-form" in page


def test_a_units_staff_read_their_own_score_without_the_office_forms(client, unit, scored):
    staff = UserFactory(role=Role.MEMBER_UNIT, organisation=unit)
    client.force_login(staff)
    response = client.get(scored.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "rank 2 of 2" in page and "Where the points were lost" in page
    assert 'id="adjust-form"' not in page and "withdraw-form" not in page
    other = make_score(scored.scheme, OrganisationFactory(), rank=3, total=10, month=4)
    assert client.get(other.get_absolute_url()).status_code == 404
    url = reverse("reforms:assessment_adjust", args=[scored.pk])
    assert client.post(url, {"points": "5", "reason": "自己加分"}).status_code == 403


def test_the_adjust_form_needs_a_reason_and_an_item_or_points(client, office_user, scored):
    client.force_login(office_user)
    url = reverse("reforms:assessment_adjust", args=[scored.pk])
    response = client.post(url, {"points": "", "reason": ""})
    assert response.status_code == 400
    form = response.context["adjust_form"]
    assert "reason" in form.errors and "points" in form.errors
    assert scored.adjustments.count() == 0


def test_the_score_page_runs_a_fixed_number_of_queries(client, office_user):
    counts = []
    for size in (2, 20):
        scheme = SchemeFactory()
        units = [OrganisationFactory() for _n in range(size)]
        scores = [make_score(scheme, u, rank=n + 1, total=90 - n) for n, u in enumerate(units)]
        for n in range(size):
            adjust(scores[0], points=-0.5, reason=f"扣分{n}", by=office_user)
        for who in (office_user, UserFactory(role=Role.MEMBER_UNIT, organisation=units[0])):
            client.force_login(who)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(scores[0].get_absolute_url()).status_code == 200
            counts.append(len(queries))
    assert counts[:2] == counts[2:]
