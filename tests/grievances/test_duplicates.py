"""Likely duplicates: one definition (grievances.duplicates), shown when registering, in the
inbox with a count per row, and on the grievance page; the demo's four air-conditioner requests."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grievances.duplicates import candidates_for, duplicate_counts, duplicates_of
from grievances.models import Grievance, ReplyTemplate
from tests.demo_signal import demo_without
from tests.factories import GrievanceFactory
from tests.grievances import pages_helpers as shared
from tests.grievances.pages_helpers import NOW, _html, _in

frozen_now = shared.frozen_now
in_english = shared.in_english
union = shared.union

pytestmark = pytest.mark.django_db

AC = "车间空调坏了三天"


def at(days):
    return NOW - timedelta(days=days)


@pytest.fixture
def cases(park, other_park, union):
    """One request about the broken air conditioner, and what may or may not duplicate it."""
    made = {
        "first": GrievanceFactory(park=park, title=AC, received_at=at(3)),
        "punctuated": GrievanceFactory(park=park, title="车间空调坏了三天！", received_at=at(2)),
        "shorter": GrievanceFactory(park=park, title="车间空调坏了", received_at=at(1)),
        "other_park": GrievanceFactory(park=other_park, title=AC, received_at=at(2)),
        "long_ago": GrievanceFactory(park=park, title=AC, received_at=at(20)),
        "closed": GrievanceFactory(park=park, title=AC, received_at=at(2)),
        "other_matter": GrievanceFactory(park=park, title="食堂饭菜太咸", received_at=at(2)),
    }
    _in("closed", made["closed"], union)
    return made


def _titles_of(found, cases):
    names = {grievance.pk: name for name, grievance in cases.items()}
    return sorted(names[grievance.pk] for grievance in found)


def test_likely_duplicates_are_of_the_same_park_similar_recent_and_open(cases):
    found = duplicates_of(Grievance.objects.all(), cases["first"])
    assert _titles_of(found, cases) == ["punctuated", "shorter"]


def test_the_window_is_a_setting(cases, settings):
    settings.GRIEVANCE_DUPLICATE_DAYS = 30
    found = duplicates_of(Grievance.objects.all(), cases["first"])
    assert _titles_of(found, cases) == ["long_ago", "punctuated", "shorter"]


def test_a_closed_grievance_has_no_likely_duplicates(cases):
    assert not duplicates_of(Grievance.objects.all(), cases["closed"]).exists()


def test_a_title_being_typed_finds_them_too(cases, park):
    found = candidates_for(Grievance.objects.all(), park_id=park.pk, title=AC, received_at=NOW)
    assert _titles_of(found, cases) == ["first", "punctuated", "shorter"]


def test_the_counts_per_row_come_in_one_query(cases, django_assert_num_queries):
    ids = [grievance.pk for grievance in cases.values()]
    with django_assert_num_queries(1):
        counts = duplicate_counts(Grievance.objects.all(), ids)
    assert counts == {
        cases["first"].pk: 2,
        cases["punctuated"].pk: 2,
        cases["shorter"].pk: 2,
        # 20 days back, it has no open neighbour within 14 days.
    }


# --- The inbox --------------------------------------------------------------------------------


def _badges(client):
    """{tracking code: the count on its "possible duplicates" badge} of the inbox's rows."""
    html = _html(client.get(reverse("grievances:inbox")))
    rows = re.findall(r'<tr data-grievance="(\w+)"(.*?)</tr>', html, re.S)
    found = {code: re.search(r"Possible duplicates? (\d+)", body) for code, body in rows}
    return [code for code, _body in rows], {
        code: int(match.group(1)) for code, match in found.items() if match
    }


def test_the_inbox_marks_each_row_with_its_likely_duplicates(client, office_user, cases):
    client.force_login(office_user)
    _rows, badges = _badges(client)
    assert badges == {
        cases["first"].tracking_code: 2,
        cases["punctuated"].tracking_code: 2,
        cases["shorter"].tracking_code: 2,
    }


def test_the_inbox_runs_the_same_queries_with_2_and_20_duplicates(client, office_user, park):
    client.force_login(office_user)
    GrievanceFactory.create_batch(2, park=park, title=AC, received_at=at(1))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("grievances:inbox"))
    GrievanceFactory.create_batch(18, park=park, title=AC, received_at=at(1))
    with CaptureQueriesContext(connection) as many:
        _rows, badges = _badges(client)
    assert len(many) == len(few)
    assert set(badges.values()) == {19}


def test_a_liaison_counts_only_what_they_may_see(client, liaison, park, other_park):
    GrievanceFactory(park=park, title=AC, received_at=at(1))
    GrievanceFactory(park=other_park, title=AC, received_at=at(1))
    client.force_login(liaison)
    _rows, badges = _badges(client)
    assert badges == {}


# --- Registering ------------------------------------------------------------------------------


def _new(park, title=AC):
    return {
        "park": park.pk,
        "channel": "walk_in",
        "category": "opinion",
        "title": title,
        "description": "空调不制冷。",
    }


def test_registering_warns_of_likely_duplicates_and_still_saves(client, office_user, cases, park):
    client.force_login(office_user)
    response = client.post(reverse("grievances:grievance_create"), _new(park), follow=True)
    html = _html(response)
    saved = Grievance.objects.latest("pk")
    assert response.redirect_chain[-1][0] == saved.get_absolute_url()
    assert "Possible duplicates of the same park:" in html
    for name in ("first", "punctuated", "shorter"):
        assert cases[name].tracking_code in html
    assert cases["other_park"].tracking_code not in html


def test_a_form_sent_back_with_an_error_lists_them_too(client, office_user, cases, park):
    client.force_login(office_user)
    data = _new(park)
    del data["category"]
    html = _html(client.post(reverse("grievances:grievance_create"), data))
    assert 'class="alert alert-warning" id="likely-duplicates"' in html  # shown, not d-none
    assert cases["first"].tracking_code in html
    assert "You can still save it" in html


def test_the_form_asks_while_the_title_is_typed(client, liaison, cases, park, other_park):
    client.force_login(liaison)
    url = reverse("grievances:duplicate_check")
    found = client.get(url, {"park": park.pk, "title": AC}).json()["candidates"]
    assert [item["tracking_code"] for item in found] == [
        cases[name].tracking_code for name in ("first", "punctuated", "shorter")
    ]
    assert found[0]["url"] == cases["first"].get_absolute_url()
    # Another park's grievances are not the liaison's to see.
    assert client.get(url, {"park": other_park.pk, "title": AC}).json() == {"candidates": []}
    assert client.get(url, {"park": "x", "title": AC}).json() == {"candidates": []}
    assert client.get(url, {"park": park.pk}).json() == {"candidates": []}
    # A NUL in the title was a 500 (PostgreSQL text holds none); it is dropped.
    nul = client.get(url, {"park": park.pk, "title": f"{AC}\x00"})
    assert nul.status_code == 200 and len(nul.json()["candidates"]) == 3


def test_the_grievance_page_lists_its_likely_duplicates(client, office_user, cases):
    client.force_login(office_user)
    html = _html(client.get(cases["first"].get_absolute_url()))
    listed = re.findall(r'class="list-group-item likely-duplicate" data-grievance="(\w+)"', html)
    assert sorted(listed) == sorted(
        [cases["punctuated"].tracking_code, cases["shorter"].tracking_code]
    )
    assert html.count("Merge it into this case") == 2


# --- The demo ---------------------------------------------------------------------------------


def test_the_demos_four_air_conditioner_requests_are_found_as_duplicates():
    with demo_without("reforms_demo"):
        call_command("load_demo", stdout=StringIO())
    four = list(Grievance.objects.filter(title=AC).order_by("received_at"))
    assert len(four) == 4 and len({g.park_id for g in four}) == 1
    for grievance in four:
        others = duplicates_of(Grievance.objects.all(), grievance)
        assert sorted(g.pk for g in others) == sorted(g.pk for g in four if g != grievance)
    # The demo's office keeps standard replies too, one of them for these opinions.
    assert ReplyTemplate.objects.filter(category=four[0].category, is_active=True).exists()
