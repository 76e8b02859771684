"""The park, grid-zone and unit pages show their related rows, as NetBox's related panels do:
a count linking to the filtered list and the first few rows, in a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reforms.supervision.services import order_issue
from tests.factories import ActivityFactory, CarePaymentFactory, GrievanceFactory, TaskFactory
from tests.workbench import helpers
from tests.workbench.helpers import counts, panel

day = helpers.day
frozen_now = helpers.frozen_now
in_english = helpers.in_english

pytestmark = pytest.mark.django_db


def _page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_park_page_shows_its_tasks_grievances_log_ledgers_reports_and_posters(
    client, office_user, park, other_park, day
):
    CarePaymentFactory(park=park)
    GrievanceFactory(park=other_park, title="别的园区的诉求")
    html = _page(client, office_user, park.get_absolute_url())
    assert counts(html) == {
        "tasks": 4,
        "grievances": 8,  # every open one (not the closed one, nor the other park's)
        "orders": 0,  # supervision orders: tests/workbench/test_orders.py
        "activities": 2,
        "ledgers": 1,
        "reports": 1,
    }
    tasks = panel(html, "tasks")
    assert f'href="{reverse("reforms:task_list")}?park={park.pk}' in tasks
    assert "2 red" in tasks and "1 yellow" in tasks
    assert reverse("reforms:park_roadmap", args=[park.pk]) in tasks
    grievances = panel(html, "grievances")
    assert f"{reverse('grievances:inbox')}?park={park.pk}&amp;group=open" in grievances
    assert "别的园区的诉求" not in grievances and "已办结" not in grievances
    assert reverse("grievances:qr_poster", args=[park.pk]) in grievances
    assert f"{reverse('parks:activity_feed')}?park={park.pk}" in panel(html, "activities")
    assert f"{reverse('reforms:care_payment_list')}?park={park.pk}" in panel(html, "ledgers")


def test_the_panels_count_only_what_the_user_sees(client, member_unit_user, park, day):
    html = _page(client, member_unit_user, park.get_absolute_url())
    # A district reader sees the park's rows, but prints no QR posters.
    assert reverse("grievances:qr_poster", args=[park.pk]) not in html
    assert counts(html)["grievances"] == 8


def test_the_grid_zone_page_shows_its_grievances_and_log(client, office_user, park, grid_zone, day):
    GrievanceFactory(park=park, grid_zone=grid_zone, title="本网格的诉求")
    html = _page(client, office_user, grid_zone.get_absolute_url())
    assert counts(html) == {"grievances": 1, "orders": 0, "activities": 1}
    assert "本网格的诉求" in panel(html, "grievances")
    assert f"?grid_zone={grid_zone.pk}" in panel(html, "activities")


def test_the_unit_page_shows_the_units_tasks_and_grievances(client, office_user, day):
    union = day["union"]
    html = _page(client, office_user, reverse("workbench:unit_detail", args=[union.pk]))
    assert union.name in html
    # Open ones handled by the union; its supervision orders (none here).
    assert counts(html) == {"tasks": 3, "orders": 0, "grievances": 5}
    assert f"?unit={union.pk}" in panel(html, "tasks")
    assert f"?handling_unit={union.pk}" in panel(html, "grievances")
    assert "别的单位的" not in html


def test_the_park_page_links_its_organisations_to_their_unit_pages(client, office_user, park):
    from tests.factories import OrganisationFactory

    committee = OrganisationFactory(name="市场党委", kind="park_committee", park=park)
    html = _page(client, office_user, park.get_absolute_url())
    assert reverse("workbench:unit_detail", args=[committee.pk]) in html


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_pages_run_the_same_queries_for_1_and_10_related_rows(
    client, office_user, park, grid_zone, member_unit_user
):
    union = member_unit_user.organisation
    client.force_login(office_user)
    urls = [
        park.get_absolute_url(),
        grid_zone.get_absolute_url(),
        reverse("workbench:unit_detail", args=[union.pk]),
    ]

    def add(n):
        for _ in range(n):
            task = TaskFactory(park=park, lead_unit=union)
            grievance = GrievanceFactory(park=park, grid_zone=grid_zone)
            helpers.put(grievance, "assigned", union)
            for subject in ({"task": task}, {"grievance": grievance}):
                order_issue(
                    actor=office_user,
                    unit=None,
                    colour="red",
                    requirement="限期反馈",
                    reply_due=helpers.TODAY,
                    **subject,
                )
            ActivityFactory(grid_zone=grid_zone)
            CarePaymentFactory(park=park)

    add(1)
    one = [_queries(client, url) for url in urls]
    add(9)
    assert [_queries(client, url) for url in urls] == one
    assert counts(client.get(park.get_absolute_url()).content.decode())["tasks"] == 10
    # Supervision orders too: on the tasks and on the grievances, each listed in 1 query.
    assert counts(client.get(park.get_absolute_url()).content.decode())["orders"] == 20


def test_another_domain_adds_its_panel_and_workbench_section_by_registering(
    client, office_user, park, monkeypatch
):
    """The slot the supervision orders (督办单) fill: a provider registered for a kind of page
    shows on it, in its order, drawn by its own template if it names one."""
    from parks.core import related
    from parks.core.related import Panel

    monkeypatch.setattr(
        related, "_PROVIDERS", {kind: dict(p) for kind, p in related._PROVIDERS.items()}
    )

    def orders(user, obj):
        return Panel(key="orders", title="督办单", count=3, url="/orders/?x=1")

    related.register("park", "orders", orders, order=25)
    related.register("workbench", "orders_to_answer", orders, order=30)
    related.register("park", "hidden", lambda user, obj: None)  # e.g. out of the user's scope
    html = _page(client, office_user, park.get_absolute_url())
    keys = list(counts(html))
    assert keys.index("grievances") < keys.index("orders") < keys.index("activities")
    assert "hidden" not in keys
    assert counts(_page(client, office_user, "/"))["orders"] == 3
