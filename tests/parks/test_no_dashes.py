"""No select shows Django's "---------": filters say 全部 (All), form selects 请选择 (Choose…).
Fixed at the source: the filter bar drops the empty choice, the forms' base mixin words it."""

import pytest
from django.urls import reverse

from tests.factories import GridZoneFactory

pytestmark = pytest.mark.django_db

PAGES = [
    "parks:park_list",
    "parks:people_list",
    "parks:person_create",
    "parks:activity_feed",
    "parks:coverage",
    "reforms:task_list",
    "reforms:task_create",
    "reforms:care_payment_list",
    "reforms:care_payment_create",
    "reforms:report_list",
    "reforms:report_request",
    "grievances:inbox",
    "grievances:grievance_create",
    "grievances:survey_list",
]


def test_no_page_shows_dashes_in_a_select(client, office_user, park):
    GridZoneFactory(park=park)
    client.force_login(office_user)
    for name in PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert "---------" not in response.content.decode(), name


def test_the_park_list_filters_say_all_in_chinese(client, office_user, park):
    client.force_login(office_user)
    html = client.get(reverse("parks:park_list")).content.decode()
    assert '<option value="">全部</option>' in html


def test_a_form_select_with_nothing_chosen_asks_to_choose(client, office_user, park):
    client.force_login(office_user)
    html = client.get(reverse("reforms:report_request")).content.decode()
    assert "请选择" in html or "Choose…" in html
