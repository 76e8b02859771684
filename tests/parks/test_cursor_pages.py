"""The big lists' cursor pages (`<list>/cursor/`): the same rows in the same order as the list,
no count, and the same queries for the first page and a far one."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ActivityFactory, GridZoneFactory, GrievanceFactory, TaskFactory

pytestmark = pytest.mark.django_db


def _listed(client, url, **query):
    """The ids of the page-number list, all of it on one page."""
    response = client.get(url, {**query, "page_size": 200})
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def _pages(client, url, **query):
    """Every page of `<url>cursor/`, following `next` from the first."""
    pages = []
    response = client.get(f"{url}cursor/", query)
    while True:
        assert response.status_code == 200, response.json()
        body = response.json()
        assert set(body) == {"next", "previous", "results"}  # no count
        pages.append(body)
        if body["next"] is None:
            return pages
        response = client.get(body["next"])


def _ids(pages):
    return [row["id"] for page in pages for row in page["results"]]


def test_tasks_come_in_the_lists_order_tied_due_dates_and_all(api_as, office_user, park):
    for day in (5, 1, 5, 5, 3, 1, 9):
        TaskFactory(park=park, due_date=date(2026, 7, day))
    client = api_as(office_user)

    pages = _pages(client, "/api/v1/tasks/", page_size=2)

    assert _ids(pages) == _listed(client, "/api/v1/tasks/")
    assert [len(page["results"]) for page in pages] == [2, 2, 2, 1]
    assert pages[0]["previous"] is None and pages[-1]["next"] is None


def test_previous_links_walk_back_over_the_same_pages(api_as, office_user, park):
    for day in range(1, 8):
        TaskFactory(park=park, due_date=date(2026, 7, day % 3 + 1))
    client = api_as(office_user)
    pages = _pages(client, "/api/v1/tasks/", page_size=3)

    back = [pages[-1]]
    while back[-1]["previous"] is not None:
        back.append(client.get(back[-1]["previous"]).json())

    assert [page["results"] for page in reversed(back)] == [page["results"] for page in pages]


def test_grievances_without_a_next_deadline_follow_in_the_lists_order(api_as, office_user, park):
    received = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    for hours, status in [(5, "withdrawn"), (1, "received"), (1, "received"), (3, "withdrawn")] * 3:
        GrievanceFactory(park=park, status=status, received_at=received + timedelta(hours=hours))
    client = api_as(office_user)

    pages = _pages(client, "/api/v1/grievances/", page_size=5)

    assert _ids(pages) == _listed(client, "/api/v1/grievances/")
    assert len(_ids(pages)) == 12


def test_the_lists_filters_apply_and_the_order_is_the_lists_own(api_as, office_user, park):
    zone, other = GridZoneFactory(park=park), GridZoneFactory(park=park)
    at = datetime(2026, 6, 3, 2, 0, tzinfo=UTC)
    for minutes in (0, 0, 30, 0, 90, 30):
        ActivityFactory(grid_zone=zone, occurred_at=at + timedelta(minutes=minutes))
    ActivityFactory(grid_zone=other)
    client = api_as(office_user)

    pages = _pages(client, "/api/v1/activities/", grid_zone=zone.pk, page_size=4)

    assert _ids(pages) == _listed(client, "/api/v1/activities/", grid_zone=zone.pk)
    assert len(_ids(pages)) == 6
    # `?ordering=` belongs to the list: the cursor pages keep the list's own order.
    assert _ids(_pages(client, "/api/v1/tasks/", ordering="-title")) == _listed(
        client, "/api/v1/tasks/"
    )


def test_a_far_page_costs_the_queries_of_the_first_and_none_counts(api_as, office_user, park):
    for day in range(1, 13):
        TaskFactory(park=park, due_date=date(2026, 7, day))
    client = api_as(office_user)

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return response.json(), [query["sql"] for query in captured.captured_queries]

    first, first_queries = queries("/api/v1/tasks/cursor/?page_size=2")
    page = first
    for _ in range(4):
        page, far_queries = queries(page["next"])

    assert len(far_queries) == len(first_queries)
    assert not [sql for sql in first_queries + far_queries if "COUNT(" in sql]
    assert not [sql for sql in far_queries if "OFFSET" in sql]


def test_a_mangled_cursor_is_a_404(api_as, office_user):
    client = api_as(office_user)
    for cursor in ("nonsense", "eyJkIjogIm5leHQiLCAidiI6IFsxXX0=", "e30="):
        response = client.get("/api/v1/tasks/cursor/", {"cursor": cursor})
        assert response.status_code == 404, cursor


def test_the_cursor_pages_are_in_the_schema_beside_the_unchanged_lists(client):
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/tasks/cursor/"]["get"]
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/CursorPaginatedTaskList"}
    page = schema["components"]["schemas"]["CursorPaginatedTaskList"]
    assert set(page["properties"]) == {"next", "previous", "results"}
    assert {"cursor", "page_size", "status", "park"} <= {p["name"] for p in operation["parameters"]}
    assert "ordering" not in {p["name"] for p in operation["parameters"]}
    listed = schema["components"]["schemas"]["PaginatedTaskList"]
    assert set(listed["properties"]) == {"count", "next", "previous", "results"}
    for path in ("/api/v1/grievances/cursor/", "/api/v1/activities/cursor/"):
        assert path in schema["paths"]
