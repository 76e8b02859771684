"""The global search (/search/?q=): parks, grid zones, units, people, tasks and grievances the
user may see, grouped; never by or with a complainant's personal data."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parks.structure.choices import Role
from tests.factories import (
    GridZoneFactory,
    GrievanceFactory,
    OrganisationFactory,
    TaskFactory,
    UserFactory,
)
from tests.workbench import helpers

frozen_now = helpers.frozen_now
in_english = helpers.in_english

pytestmark = pytest.mark.django_db


@pytest.fixture
def both_parks(park, other_park):
    """The same word, 建材, in rows of both parks."""
    rows = {}
    for key, where in (("here", park), ("there", other_park)):
        rows[key] = {
            "zone": GridZoneFactory(park=where, code=f"J{where.pk}", name=f"建材区{key}"),
            "unit": OrganisationFactory(name=f"建材商会{key}", kind="union_federation", park=where),
            "liaison": UserFactory(role=Role.LIAISON, park=where, display_name=f"建材联络员{key}"),
            "task": TaskFactory(park=where, title=f"建材市场任务{key}"),
            "grievance": GrievanceFactory(
                park=where, title=f"建材仓库漏水{key}", complainant_name="李建材"
            ),
        }
    return rows


def _search(client, user, q):
    client.force_login(user)
    response = client.get(reverse("workbench:search"), {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def _group(html, name):
    match = re.search(rf'id="results-{name}".*?</section>', html, re.S)
    return match.group(0) if match else ""


def test_the_office_finds_rows_of_every_park(client, office_user, both_parks):
    html = _search(client, office_user, "建材")
    for key in ("here", "there"):
        rows = both_parks[key]
        assert rows["zone"].get_absolute_url() in _group(html, "zones")
        assert reverse("workbench:unit_detail", args=[rows["unit"].pk]) in _group(html, "units")
        assert rows["task"].get_absolute_url() in _group(html, "tasks")
        assert rows["grievance"].get_absolute_url() in _group(html, "grievances")
        # The office manages people: each found person opens their account.
        assert reverse("parks:person_edit", args=[rows["liaison"].pk]) in _group(html, "people")


def test_a_park_manager_finds_only_their_own_parks_rows(client, park_manager, both_parks):
    html = _search(client, park_manager, "建材")
    here, there = both_parks["here"], both_parks["there"]
    assert here["grievance"].get_absolute_url() in html
    assert here["task"].get_absolute_url() in html
    assert "建材联络员here" in _group(html, "people")
    assert reverse("parks:person_edit", args=[here["liaison"].pk]) not in html
    for row in ("zone", "task", "grievance"):
        assert there[row].get_absolute_url() not in html
    assert "建材商会there" not in html and "建材联络员there" not in html


def test_a_unit_finds_the_grievances_it_handles_anywhere(
    client, member_unit_user, other_park, both_parks
):
    helpers.put(both_parks["there"]["grievance"], "assigned", member_unit_user.organisation)
    html = _search(client, member_unit_user, "漏水")
    # A district reader sees both parks' grievances.
    assert both_parks["there"]["grievance"].get_absolute_url() in html
    assert both_parks["here"]["grievance"].get_absolute_url() in html


def test_a_liaison_in_another_park_finds_nothing_of_this_one(client, both_parks, other_park):
    stranger = UserFactory(role=Role.LIAISON, park=other_park)
    html = _search(client, stranger, "建材")
    assert both_parks["here"]["grievance"].get_absolute_url() not in html
    assert both_parks["there"]["grievance"].get_absolute_url() in html


def test_a_grievance_is_found_by_its_tracking_code(client, office_user, both_parks):
    grievance = both_parks["here"]["grievance"]
    html = _search(client, office_user, grievance.tracking_code.lower())
    assert grievance.get_absolute_url() in _group(html, "grievances")


def test_the_complainants_name_finds_nothing_and_is_never_shown(client, office_user, both_parks):
    html = _search(client, office_user, "李建材")
    assert 'id="search-nothing"' in html
    html = _search(client, office_user, "漏水")
    assert "李建材" not in html and "李**" not in html
    assert "13812345678" not in html


def test_an_empty_or_odd_query_is_a_page_not_an_error(client, office_user):
    assert 'id="search-results"' not in _search(client, office_user, "   ")
    assert 'id="search-nothing"' in _search(client, office_user, "x" * 500)
    assert _search(client, office_user, "a\x00b")


def test_the_navbar_has_the_search_box(client, office_user):
    html = _search(client, office_user, "")
    assert f'action="{reverse("workbench:search")}"' in html
    assert 'id="nav-search-q"' in html


def test_the_search_runs_the_same_queries_for_few_and_many_matches(client, office_user, park):
    client.force_login(office_user)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("workbench:search"), {"q": "漏水"})
        return len(captured)

    GrievanceFactory(park=park, title="漏水1")
    few = queries()
    for n in range(12):
        GrievanceFactory(park=park, title=f"漏水{n + 2}")
        TaskFactory(park=park, title=f"漏水整改{n}")
    assert queries() == few
    html = client.get(reverse("workbench:search"), {"q": "漏水"}).content.decode()
    assert len(re.findall(r"list-group-item-action", _group(html, "grievances"))) == 6
    assert "More results" in _group(html, "grievances")
