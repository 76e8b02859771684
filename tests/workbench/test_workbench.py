"""The workbench (工作台): what waits for each person, counted as the lists they open count it."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import UserFactory
from tests.workbench import helpers
from tests.workbench.helpers import counts, panel, received

day = helpers.day
frozen_now = helpers.frozen_now
in_english = helpers.in_english

pytestmark = pytest.mark.django_db


def _workbench(client, user):
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def _codes(client, url):
    """Tracking codes the inbox lists at `url` (what a count links to)."""
    html = client.get(url).content.decode()
    return re.findall(r'<tr data-grievance="([A-Z0-9]+)"', html)


def _link(html, key):
    return re.search(r'class="badge[^"]*panel-count" href="([^"]+)"', panel(html, key)).group(1)


def test_a_units_staff_member_sees_what_to_accept_and_handle_and_their_units_tasks(
    client, member_unit_user, day
):
    html = _workbench(client, member_unit_user)
    assert counts(html) == {
        "grievances_to_accept": 2,
        "grievances_to_handle": 2,
        "orders_to_answer": 0,  # orders are counted in tests/workbench/test_orders.py
        "tasks": 2,  # one red, one yellow; the green one and the other unit's are not theirs
        "milestones": 1,
    }
    to_accept = panel(html, "grievances_to_accept")
    # Most urgent first: two hours left before the one with twenty.
    assert to_accept.index("快到期的派单") < to_accept.index("新派单")
    assert day["assigned_late"].get_absolute_url() in to_accept
    assert "别的单位的" not in html
    tasks = panel(html, "tasks")
    assert tasks.index("逾期任务") < tasks.index("临期任务")
    assert "正常任务" not in tasks and "别人的逾期任务" not in tasks
    assert "1 red" in tasks and "1 yellow" in tasks
    assert "本周节点" in panel(html, "milestones")
    # Everything added up in the summary line: 2 + 2 + 2 + 1.
    assert "7 items wait for you" in html


def test_each_count_links_to_the_list_that_shows_exactly_those_rows(client, member_unit_user, day):
    html = _workbench(client, member_unit_user)
    codes = _codes(client, _link(html, "grievances_to_accept").replace("&amp;", "&"))
    assert sorted(codes) == sorted(
        [day["assigned_late"].tracking_code, day["assigned"].tracking_code]
    )
    codes = _codes(client, _link(html, "grievances_to_handle").replace("&amp;", "&"))
    assert sorted(codes) == sorted(
        [day["accepted"].tracking_code, day["in_progress"].tracking_code]
    )
    # The inbox says what it is narrowed to, and a new filter keeps it.
    inbox = client.get(_link(html, "grievances_to_handle").replace("&amp;", "&")).content.decode()
    assert 'id="status-chosen"' in inbox and "Accepted" in inbox
    assert '<input type="hidden" name="status" value="accepted">' in inbox
    assert '<input type="hidden" name="status" value="in_progress">' in inbox
    table = client.get(_link(html, "tasks").replace("&amp;", "&")).content.decode()
    assert "逾期任务" in table and "临期任务" in table
    assert "别人的逾期任务" not in table


def test_the_office_sees_what_to_assign_and_follow_up_and_every_red_or_yellow_task(
    client, office_user, day
):
    html = _workbench(client, office_user)
    assert counts(html) == {
        "grievances_to_assign": 2,  # received and returned
        "grievances_to_follow_up": 1,  # replied
        "orders_to_check": 0,
        "orders_overdue": 0,
        "tasks": 3,  # two red (one another unit's) and one yellow
        "milestones": 1,
        "silent_zones": 1,  # G01 logged last week only; G02 logged on Tuesday
        "reports": 1,
    }
    assert "G01" in panel(html, "silent_zones") and "G02" not in panel(html, "silent_zones")
    assert "2 red" in panel(html, "tasks")
    assert _link(html, "silent_zones") == reverse("parks:coverage")


def test_a_park_manager_sees_their_parks_silent_zones_and_its_new_report(client, park_manager, day):
    html = _workbench(client, park_manager)
    assert counts(html) == {"tasks": 0, "milestones": 0, "silent_zones": 1, "reports": 1}
    assert 'id="register-grievance"' in html  # a park's own people log grievances there
    assert 'href="/grid-log/"' in html  # and activities


def test_an_observer_has_nothing_to_do_and_no_buttons_to_log(client, park, day):
    observer = UserFactory(role="observer", park=park)
    html = _workbench(client, observer)
    assert counts(html) == {"tasks": 0, "milestones": 0}
    assert 'id="register-grievance"' not in html


def test_a_liaison_keeps_landing_on_their_grid_zones_with_logging_first(
    client, liaison, grid_zone, day
):
    client.force_login(liaison)
    assert client.get("/").url == reverse("parks:my_grid_zones")
    html = client.get(reverse("parks:my_grid_zones")).content.decode()
    log = html.index('class="btn btn-primary btn-lg w-100 mt-auto log-button"')
    assert log < html.index('id="register-grievance"')
    assert f'href="{reverse("grievances:grievance_create")}"' in html


def test_signing_in_lands_on_the_workbench(client, member_unit_user):
    member_unit_user.set_password("pw-12345678")
    member_unit_user.save()
    response = client.post(
        reverse("login"), {"username": member_unit_user.username, "password": "pw-12345678"}
    )
    assert response.url == "/"


def _queries(client):
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    return len(captured)


def test_the_workbench_runs_the_same_queries_for_1_and_20_items(
    client, office_user, member_unit_user, park, grid_zone
):
    union = member_unit_user.organisation
    for user, make in (
        (office_user, lambda n: received(park, f"待分派{n}")),
        (
            member_unit_user,
            lambda n: helpers.put(received(park, f"待签收{n}"), "assigned", union),
        ),
    ):
        client.force_login(user)
        make(0)
        one = _queries(client)
        for n in range(1, 20):
            make(n)
        assert _queries(client) == one
        key = "grievances_to_assign" if user == office_user else "grievances_to_accept"
        assert counts(client.get("/").content.decode())[key] == 20
