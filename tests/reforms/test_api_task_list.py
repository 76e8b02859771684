"""REST API v1 for reforms: the task list, its filters, sorting, scope, queries and export."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reforms.tasks import services
from reforms.tasks.choices import WarningLevel
from tests.factories import MilestoneFactory, OrganisationFactory, TaskFactory, UserFactory
from tests.reforms import api_helpers as shared
from tests.reforms.api_helpers import _days, _green, _pdf, _post, _red

# The shared fixtures, bound here so pytest finds them by name.
other_liaison = shared.other_liaison
unit = shared.unit


pytestmark = pytest.mark.django_db


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _yellow(**fields):
    # Due in three days: inside the default seven-day "due soon" window.
    return TaskFactory(
        start_date=_days(-60), due_date=_days(3), status="in_progress", progress=95, **fields
    )


def _codes(response):
    assert response.status_code == 200, response.json()
    return sorted(row["code"] for row in response.json()["results"])


# --- Reading tasks ----------------------------------------------------------------------------


def test_anonymous_clients_are_refused(api_client):
    assert api_client.get("/api/v1/tasks/").status_code == 401


def test_the_task_list_carries_warning_units_and_owner(api_as, office_user, park, unit):
    helper = OrganisationFactory(name="区妇联")
    owner = UserFactory(display_name="王科长")
    task = _red(code="2026-HX-01", park=park, lead_unit=unit, owner=owner)
    task.supporting_units.set([helper])

    body = api_as(office_user).get("/api/v1/tasks/").json()

    [row] = body["results"]
    assert row["code"] == "2026-HX-01"
    assert (row["warning"], row["warning_display"]) == ("red", str(WarningLevel.RED.label))
    assert row["days_left"] == -1
    assert (row["lead_unit"], row["lead_unit_name"]) == (unit.pk, "区总工会")
    assert row["supporting_units"] == [helper.pk]
    assert (row["owner"], row["owner_name"]) == (owner.pk, "王科长")
    assert (row["park"], row["park_name"]) == (park.pk, park.name)
    assert (row["status"], row["progress"], row["done_on"]) == ("in_progress", 50, None)
    assert "milestones" not in row


def test_the_task_list_is_paginated(api_as, office_user):
    TaskFactory.create_batch(5)
    body = api_as(office_user).get("/api/v1/tasks/", {"page_size": 2}).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 5 and len(body["results"]) == 2 and body["next"]


def test_task_detail_lists_its_milestones_in_order(api_as, office_user):
    task = _green()
    MilestoneFactory(task=task, order=2, title="验收")
    MilestoneFactory(task=task, order=1, title="启动")

    body = api_as(office_user).get(f"/api/v1/tasks/{task.pk}/").json()

    assert [m["title"] for m in body["milestones"]] == ["启动", "验收"]
    assert body["warning"] == "green"


def test_tasks_can_be_sorted_by_warning_and_due_date(api_as, office_user):
    late, soon = _red(code="LATE"), _yellow(code="SOON")
    rows = api_as(office_user).get("/api/v1/tasks/", {"ordering": "-due_date"}).json()["results"]
    assert [row["code"] for row in rows] == [soon.code, late.code]


def test_sorting_by_warning_puts_the_worst_first(api_as, office_user):
    _green(code="GREEN")
    _red(code="RED")
    TaskFactory(code="NONE", status="cancelled")
    _yellow(code="YELLOW")
    TaskFactory(
        code="LATE",
        status="done",
        progress=100,
        start_date=_days(-60),
        due_date=_days(-10),
        done_on=_days(-5),
    )
    client = api_as(office_user)

    worst_first = client.get("/api/v1/tasks/", {"ordering": "warning"}).json()["results"]
    best_first = client.get("/api/v1/tasks/", {"ordering": "-warning"}).json()["results"]

    expected = ["RED", "YELLOW", "LATE", "GREEN", "NONE"]
    assert [row["code"] for row in worst_first] == expected
    assert [row["code"] for row in best_first] == expected[::-1]


# --- Filters ----------------------------------------------------------------------------------


def test_filter_by_warning_and_overdue(api_as, office_user):
    red, yellow, green = _red(), _yellow(), _green()
    client = api_as(office_user)

    assert _codes(client.get("/api/v1/tasks/", {"warning": "red"})) == [red.code]
    assert _codes(client.get("/api/v1/tasks/", {"warning": "yellow"})) == [yellow.code]
    assert _codes(client.get("/api/v1/tasks/", {"overdue": "true"})) == [red.code]
    assert _codes(client.get("/api/v1/tasks/", {"overdue": "false"})) == sorted(
        [yellow.code, green.code]
    )


def test_an_unknown_warning_value_is_a_400_naming_the_filter(api_as, office_user):
    response = api_as(office_user).get("/api/v1/tasks/", {"warning": "purple"})
    assert response.status_code == 400
    assert "warning" in response.json()


def test_filter_by_unit_matches_lead_or_supporting_once(api_as, office_user, unit):
    led = _green(lead_unit=unit)
    supported = _green()
    supported.supporting_units.set([unit, OrganisationFactory()])
    both = _green(lead_unit=unit)
    both.supporting_units.set([unit])
    _green()

    response = api_as(office_user).get("/api/v1/tasks/", {"unit": unit.pk})

    assert _codes(response) == sorted([led.code, supported.code, both.code])
    assert response.json()["count"] == 3


def test_filter_by_status_park_search_and_due_dates(api_as, office_user, park, other_park):
    planned = _green(park=park, title="职工书屋建设")
    running = _red(park=other_park, description="建设户外劳动者驿站")
    stopped = _green(status="suspended")
    client = api_as(office_user)

    def codes(**params):
        return _codes(client.get("/api/v1/tasks/", params))

    assert codes(status=["planned", "suspended"]) == sorted([planned.code, stopped.code])
    assert codes(park=park.pk) == [planned.code]
    assert codes(q="书屋") == [planned.code]
    assert codes(q="驿站") == [running.code]
    assert codes(q=running.code.lower()) == [running.code]
    assert codes(due_before=_days(0).isoformat()) == [running.code]
    assert codes(due_after=_days(1).isoformat(), category="care") == sorted(
        [planned.code, stopped.code]
    )


def test_a_hidden_park_cannot_be_used_as_a_filter(api_as, liaison, other_park):
    response = api_as(liaison).get("/api/v1/tasks/", {"park": other_park.pk})
    assert response.status_code == 400 and "park" in response.json()


def test_the_owner_filter_offers_only_owners_of_visible_tasks(api_as, liaison, park, other_park):
    here, there = UserFactory(), UserFactory()
    task = _green(park=park, owner=here)
    _green(park=other_park, owner=there)
    client = api_as(liaison)

    assert _codes(client.get("/api/v1/tasks/", {"owner": here.pk})) == [task.code]
    # Someone who owns only hidden tasks looks exactly like nobody at all.
    hidden = client.get("/api/v1/tasks/", {"owner": there.pk})
    missing = client.get("/api/v1/tasks/", {"owner": 999_999})
    assert hidden.status_code == missing.status_code == 400
    assert "owner" in hidden.json()


def test_mine_lists_the_tasks_i_may_update(api_as, member_unit_user, unit):
    led = _green(lead_unit=unit)
    owned = _green(owner=member_unit_user)
    supported = _green()
    supported.supporting_units.set([unit])

    response = api_as(member_unit_user).get("/api/v1/tasks/", {"mine": "true"})

    assert _codes(response) == sorted([led.code, owned.code])


# --- Scope per role ---------------------------------------------------------------------------


def test_each_role_reads_its_scope(
    api_as, office_user, subdistrict_user, liaison, other_liaison, park, other_park
):
    here, there, district_wide = _green(park=park), _green(park=other_park), _green()

    assert _codes(api_as(office_user).get("/api/v1/tasks/")) == sorted(
        [here.code, there.code, district_wide.code]
    )
    assert _codes(api_as(subdistrict_user).get("/api/v1/tasks/")) == [here.code]
    assert _codes(api_as(liaison).get("/api/v1/tasks/")) == [here.code]
    assert _codes(api_as(other_liaison).get("/api/v1/tasks/")) == [there.code]


def test_a_liaison_of_another_park_gets_404s(api_as, other_liaison, park):
    task = _green(park=park)
    client = api_as(other_liaison)
    assert client.get(f"/api/v1/tasks/{task.pk}/").status_code == 404
    assert _post(client, task, "start").status_code == 404
    report = client.post(f"/api/v1/tasks/{task.pk}/progress/", {"percent": 1, "text": "x"})
    assert report.status_code == 404
    task.refresh_from_db()
    assert task.status == "planned"


def test_readers_in_scope_cannot_act_on_tasks(api_as, liaison, subdistrict_user, park):
    task = _green(park=park)
    for user in (liaison, subdistrict_user):
        client = api_as(user)
        assert client.get(f"/api/v1/tasks/{task.pk}/").status_code == 200
        assert _post(client, task, "start").status_code == 403
        assert client.patch(f"/api/v1/tasks/{task.pk}/", {"title": "改"}).status_code == 403


# --- Query counts -----------------------------------------------------------------------------


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _tasks_with_everything(n):
    owner, helper = UserFactory(), OrganisationFactory()
    for _ in range(n):
        task = _red(owner=owner, park=None)
        task.supporting_units.set([helper])


def test_the_task_list_runs_the_same_queries_for_2_and_50_rows(api_as, office_user):
    client = api_as(office_user)
    _tasks_with_everything(2)
    few = _queries(client, "/api/v1/tasks/")
    _tasks_with_everything(48)
    assert client.get("/api/v1/tasks/").json()["count"] == 50
    assert _queries(client, "/api/v1/tasks/") == few


def test_the_progress_list_runs_the_same_queries_for_2_and_50_updates(api_as, office_user):
    task = _green()
    client = api_as(office_user)

    def post(n):
        for i in range(n):
            services.progress_post(
                task=task, actor=office_user, percent=i % 100, text="进展", files=[_pdf()]
            )

    post(2)
    few = _queries(client, f"/api/v1/tasks/{task.pk}/progress/")
    post(48)
    assert len(client.get(f"/api/v1/tasks/{task.pk}/progress/").json()["results"]) == 50
    assert _queries(client, f"/api/v1/tasks/{task.pk}/progress/") == few


# --- Excel export -----------------------------------------------------------------------------


def test_the_export_is_an_xlsx_honouring_the_filters(api_as, office_user, other_liaison, park):
    from openpyxl import load_workbook

    red, green = _red(code="RED-01", park=park), _green(code="GREEN-01", park=park)

    response = api_as(office_user).get("/api/v1/tasks/export/", {"warning": "red"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith(XLSX)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(content)).active
    cells = {str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell}
    assert red.code in cells and green.code not in cells

    # Scope still applies: another park's liaison exports nothing of this park.
    other = api_as(other_liaison).get("/api/v1/tasks/export/")
    content = b"".join(other.streaming_content) if other.streaming else other.content
    sheet = load_workbook(io.BytesIO(content)).active
    cells = {str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell}
    assert red.code not in cells
