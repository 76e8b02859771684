"""A list page told its count (parks.core.view_helpers.paginate's `count`) pages exactly as the
paginator counting its rows: the inbox hands it its tab's count, the feed its entries."""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse

from grievances.models import Grievance
from grievances.views.common import STATUS_GROUPS
from parks.core.view_helpers import paginate
from parks.gridlog.choices import ActivityKind
from parks.gridlog.models import Activity
from tests.factories import ActivityFactory, GrievanceFactory
from tests.grievances.pages_helpers import _in

pytestmark = pytest.mark.django_db


def _page_as_seen(page):
    return (
        page.number,
        [row.pk for row in page.object_list],
        page.paginator.count,
        page.paginator.num_pages,
        page.has_previous(),
        page.has_next(),
        page.start_index(),
        page.end_index(),
    )


@pytest.mark.parametrize("asked", [None, "1", "2", "3", "0", "-1", "x", "999"])
def test_a_page_told_its_count_is_the_page_counted(park, asked):
    GrievanceFactory.create_batch(27, park=park)
    rows = Grievance.objects.order_by("pk")
    request = RequestFactory().get("/", {} if asked is None else {"page": asked})
    assert _page_as_seen(paginate(request, rows, count=rows.count())) == _page_as_seen(
        paginate(request, rows)
    )


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.mark.parametrize(
    "query",
    [{}, {"park": "own"}, {"q": "工资"}, {"flag": "breached"}, {"park": "999999"}, {"page": "2"}],
)
def test_the_inbox_pages_each_tab_by_its_own_count(
    client, office_user, park, other_park, member_unit_user, query
):
    statuses = ["received", "assigned", "accepted", "replied", "closed"]
    for index in range(40):
        grievance = GrievanceFactory(
            park=park if index % 3 else other_park, title="拖欠工资" if index % 2 else "空调坏了"
        )
        if index % len(statuses):
            _in(statuses[index % len(statuses)], grievance, member_unit_user.organisation)
    client.force_login(office_user)
    params = {**query, "park": str(park.pk)} if query.get("park") == "own" else query
    for group in STATUS_GROUPS:
        response = client.get(reverse("grievances:inbox"), {**params, "group": group})
        assert response.status_code == 200
        page = response.context["page"]
        # Counted as the plain paginator counts: the rows of the page's own queryset.
        counted = page.paginator.object_list.count()
        assert page.paginator.count == counted
        (tab,) = [tab for tab in response.context["tabs"] if tab["key"] == group]
        assert tab["count"] == counted


@pytest.mark.parametrize(
    "query",
    [{}, {"kind": ActivityKind.VISIT}, {"q": "走访1"}, {"park": "999999"}, {"page": "2"}],
)
def test_the_feed_pages_by_its_entries(client, office_user, grid_zone, query, english):
    for index in range(30):
        ActivityFactory(
            grid_zone=grid_zone,
            kind=ActivityKind.VISIT if index % 2 else ActivityKind.LECTURE,
            occurred_at=datetime(2026, 6, 3, 2, 0, tzinfo=UTC) + timedelta(hours=index),
        )
    client.force_login(office_user)
    response = client.get(reverse("parks:activity_feed"), query)
    assert response.status_code == 200
    page = response.context["page"]
    counted = page.paginator.object_list.count()
    assert page.paginator.count == counted == response.context["entries"]
    assert Activity.objects.count() == 30
