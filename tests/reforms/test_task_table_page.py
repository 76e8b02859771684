"""The construction table of reform tasks: scope, warnings, filters, sorting, queries, export and
my tasks."""

from datetime import date
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from parks.core.excel import XLSX_CONTENT_TYPE
from parks.structure.choices import Role
from tests.export_helpers import content, export_via_page
from tests.factories import OrganisationFactory, TaskFactory, UserFactory
from tests.reforms import pages_helpers as shared
from tests.reforms.pages_helpers import _codes, _html

# The shared fixtures, bound here so pytest finds them by name.
in_english = shared.in_english
on_the_first_of_june = shared.on_the_first_of_june
tasks = shared.tasks
union = shared.union


pytestmark = pytest.mark.django_db


def _table(client, **params):
    return _codes(_html(client.get(reverse("reforms:task_list"), params)))


# --- The construction table ------------------------------------------------------------------


@pytest.mark.parametrize(
    "role_fixture",
    ["office_user", "park_manager", "liaison", "subdistrict_user", "member_unit_user"],
)
def test_the_construction_table_opens_for_every_role(client, request, role_fixture, tasks):
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get(reverse("reforms:task_list")).status_code == 200


def test_the_construction_table_asks_strangers_to_sign_in(client):
    response = client.get(reverse("reforms:task_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_park_user_sees_only_the_tasks_of_their_park(client, liaison, tasks):
    client.force_login(liaison)
    assert sorted(_table(client)) == ["T-RED", "T-YELLOW"]


def test_the_table_shows_coloured_warning_badges_progress_and_days_left(client, office_user, tasks):
    client.force_login(office_user)
    html = _html(client.get(reverse("reforms:task_list")))
    for level in ("red", "yellow", "green", "done_late"):
        assert f'class="badge badge-warning-{level}"' in html
    assert 'aria-valuenow="50"' in html
    assert "31 days overdue" in html  # T-RED was due on 1 May
    assert "213 days left" in html  # T-GREEN is due on 31 December


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "培训"}, ["T-YELLOW"]),
        ({"category": "rights"}, ["T-RED"]),
        ({"status": "done"}, ["T-LATE"]),
        ({"warning": "red"}, ["T-RED"]),
        ({"warning": "yellow"}, ["T-YELLOW"]),
        ({"warning": "done_late"}, ["T-LATE"]),
    ],
)
def test_the_table_filters(client, office_user, tasks, params, expected):
    client.force_login(office_user)
    assert sorted(_table(client, **params)) == expected


def test_the_table_filters_by_park_and_by_unit(client, office_user, tasks, park, union):
    client.force_login(office_user)
    assert sorted(_table(client, park=park.pk)) == ["T-RED", "T-YELLOW"]
    assert sorted(_table(client, unit=union.pk)) == ["T-GREEN", "T-RED"]


def test_a_supporting_unit_finds_its_tasks_with_the_unit_filter(client, office_user, tasks):
    helper = OrganisationFactory(name="区司法局")
    tasks["yellow"].supporting_units.add(helper)
    client.force_login(office_user)
    assert _table(client, unit=helper.pk) == ["T-YELLOW"]


def test_a_hidden_park_in_the_filter_matches_nothing(client, liaison, tasks, other_park):
    client.force_login(liaison)
    html = _html(client.get(reverse("reforms:task_list"), {"park": other_park.pk}))
    assert _codes(html) == []
    assert "is-invalid" in html


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("", ["T-LATE", "T-RED", "T-GREEN", "T-YELLOW"]),  # due date, then code
        ("code", ["T-GREEN", "T-LATE", "T-RED", "T-YELLOW"]),
        ("-code", ["T-YELLOW", "T-RED", "T-LATE", "T-GREEN"]),
        ("-due_date", ["T-GREEN", "T-YELLOW", "T-RED", "T-LATE"]),
        ("progress", ["T-YELLOW", "T-GREEN", "T-RED", "T-LATE"]),
        ("-progress", ["T-LATE", "T-RED", "T-GREEN", "T-YELLOW"]),
        ("warning", ["T-RED", "T-YELLOW", "T-LATE", "T-GREEN"]),  # worst first
        ("-warning", ["T-GREEN", "T-LATE", "T-YELLOW", "T-RED"]),
        ("unit", ["T-LATE", "T-YELLOW", "T-GREEN", "T-RED"]),  # by pinyin: qu ren… < qu zong…
        ("title; DROP TABLE", ["T-LATE", "T-RED", "T-GREEN", "T-YELLOW"]),  # not on the list
    ],
)
def test_the_table_sorts_by_whitelisted_columns_only(
    client, office_user, tasks, ordering, expected
):
    client.force_login(office_user)
    assert _table(client, ordering=ordering) == expected


def test_sort_links_keep_the_filters_and_flip_the_direction(client, office_user, tasks, park):
    client.force_login(office_user)
    html = _html(client.get(reverse("reforms:task_list"), {"park": park.pk, "ordering": "code"}))
    assert f'href="?park={park.pk}&amp;ordering=-code"' in html
    assert 'aria-sort="ascending"' in html


def _table_queries(client):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("reforms:task_list"), {"ordering": "warning"})
    assert response.status_code == 200
    return len(captured)


def test_the_table_runs_the_same_queries_for_2_and_25_rows(client, office_user, park):
    client.force_login(office_user)
    owner = UserFactory(role=Role.MEMBER_UNIT, organisation=OrganisationFactory())

    def add(count):
        for _ in range(count):
            task = TaskFactory(park=park, owner=owner)
            task.supporting_units.add(OrganisationFactory(), OrganisationFactory())

    add(2)
    few = _table_queries(client)
    add(23)
    assert _table_queries(client) == few


def test_office_staff_get_import_and_new_task_buttons_others_do_not(
    client, office_user, liaison, tasks
):
    client.force_login(office_user)
    html = _html(client.get(reverse("reforms:task_list")))
    assert reverse("reforms:task_import") in html and reverse("reforms:task_create") in html
    client.force_login(liaison)
    html = _html(client.get(reverse("reforms:task_list")))
    assert reverse("reforms:task_import") not in html
    assert reverse("reforms:task_create") not in html


def test_the_export_link_carries_the_filters(client, office_user, tasks, park):
    client.force_login(office_user)
    html = _html(client.get(reverse("reforms:task_list"), {"park": park.pk, "ordering": "code"}))
    assert f'href="{reverse("reforms:task_export")}?park={park.pk}&amp;ordering=code"' in html


def test_the_export_returns_the_filtered_table_as_xlsx(client, office_user, tasks, park):
    client.force_login(office_user)
    response = export_via_page(
        client, reverse("reforms:task_export"), {"park": park.pk, "ordering": "-code"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(content(response))).active
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert codes == ["T-YELLOW", "T-RED"]


def test_the_export_leaves_out_hidden_tasks(client, liaison, tasks):
    client.force_login(liaison)
    response = export_via_page(client, reverse("reforms:task_export"))
    sheet = load_workbook(BytesIO(content(response))).active
    assert sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True)) == [
        "T-RED",
        "T-YELLOW",
    ]


# --- My tasks --------------------------------------------------------------------------------


def test_my_tasks_lists_the_units_and_owned_tasks_worst_first(
    client, member_unit_user, tasks, union
):
    owned = TaskFactory(code="T-OWNED", owner=member_unit_user, due_date=date(2026, 6, 5))
    TaskFactory(code="T-CLOSED", lead_unit=union, status="cancelled")
    client.force_login(member_unit_user)
    html = _html(client.get(reverse("reforms:my_tasks")))
    # Red, then yellow (due in 4 days), then green; other units' and closed tasks left out.
    assert _codes(html) == ["T-RED", owned.code, "T-GREEN"]
    html = _html(client.get(reverse("reforms:my_tasks"), {"closed": "1"}))
    assert "T-CLOSED" in _codes(html)
