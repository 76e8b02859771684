"""The menu offers what the pages allow: its links come from parks.access, not from roles."""

import pytest
from django.urls import reverse

from parks.structure.choices import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _menu(client, user):
    client.force_login(user)
    response = client.get(reverse("parks:park_list"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_liaison_finds_the_dashboard_in_the_menu_because_it_serves_their_park(
    client, liaison, park
):
    # Bug (issue 11): the menu hid "Dashboard" from liaisons, though the dashboard serves them
    # (it sends them to their park's).
    page = _menu(client, liaison)
    assert f'href="{reverse("reforms:dashboard")}"' in page
    followed = client.get(reverse("reforms:dashboard"), follow=True)
    assert followed.status_code == 200
    assert followed.redirect_chain[-1][0] == reverse("reforms:dashboard_park", args=[park.pk])


@pytest.mark.parametrize(
    ("role", "field_menu"),
    [
        (Role.LIAISON, True),
        (Role.PARK_MANAGER, True),
        (Role.INSTRUCTOR, False),
        (Role.OBSERVER, False),
    ],
)
def test_my_grid_zones_is_offered_to_people_who_log_in_the_field(role, field_menu, client, park):
    page = _menu(client, UserFactory(role=role, park=park))
    assert (f'href="{reverse("parks:my_grid_zones")}"' in page) is field_menu


def test_office_staff_get_people_and_logging_but_no_my_tasks(client, office_user):
    page = _menu(client, office_user)
    assert f'href="{reverse("parks:people_list")}"' in page
    assert f'href="{reverse("reforms:my_tasks")}"' not in page
    assert page.count(f'href="{reverse("parks:my_grid_zones")}"') == 1  # "Log an activity"


def test_others_get_my_tasks_and_neither_people_nor_administration(client, park_manager):
    page = _menu(client, park_manager)
    assert f'href="{reverse("reforms:my_tasks")}"' in page
    assert f'href="{reverse("parks:people_list")}"' not in page
    assert f'href="{reverse("admin:index")}"' not in page


def test_the_report_list_offers_schedules_to_the_office_only(client, office_user, park_manager):
    client.force_login(office_user)
    assert b'id="report-schedules"' in client.get(reverse("reforms:report_list")).content
    client.force_login(park_manager)
    assert b'id="report-schedules"' not in client.get(reverse("reforms:report_list")).content


def test_the_office_finds_the_audit_log_in_its_user_menu_and_no_one_else_does(
    client, office_user, park_manager
):
    # The audit page existed with no link to it.
    assert f'href="{reverse("parks:audit")}"' in _menu(client, office_user)
    assert f'href="{reverse("parks:audit")}"' not in _menu(client, park_manager)
