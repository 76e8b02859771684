"""The grievance rates page: what it counts, what each rate means, and for whom."""

import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from tests.factories import GrievanceFactory, SurveyCampaignFactory
from tests.grievances import pages_helpers as shared
from tests.grievances.pages_helpers import _html, _in

# The shared fixtures, bound here so pytest finds them by name.
frozen_now = shared.frozen_now
grievance = shared.grievance
in_english = shared.in_english
union = shared.union


pytestmark = pytest.mark.django_db


# --- Rates --------------------------------------------------------------------------------------


@pytest.fixture
def rate_data(park, other_park, grid_zone, union):
    """Four grievances counted in June in the park, one withdrawn, one in another park.

    Response: 1 of 3 in time (33.3%); resolution: 2 of 3 (66.7%); satisfaction: 1 of 2 (50%).
    """
    received = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)

    def make(**fields):
        return GrievanceFactory(park=park, received_at=received, **fields)

    _in(
        "closed",
        make(grid_zone=grid_zone, channel="survey", category="opinion"),
        union,
        responded_at=received + timedelta(hours=1),
        satisfaction="satisfied",
        rectified=True,
        closed_at=received + timedelta(days=3),
    )
    _in(
        "followed_up",
        make(channel="survey", category="opinion"),
        union,
        responded_at=received + timedelta(hours=30),  # late
        satisfaction="unsatisfied",
    )
    make()  # received, nothing done yet
    _in("withdrawn", make(), None)  # not counted
    GrievanceFactory(park=other_park, received_at=received)
    SurveyCampaignFactory(park=park, held_on=date(2026, 5, 20), handed_out=900, returned=600)
    SurveyCampaignFactory(park=other_park, held_on=date(2026, 5, 21), handed_out=50, returned=5)


CARD = re.compile(
    r'data-rate="([a-z_]+)">\s*<div class="card-body">\s*<div[^>]*>[^<]*</div>\s*'
    r'<div class="rate-value" data-value="([0-9.]*)"'
)


def _cards(html):
    return dict(CARD.findall(html))


def test_the_rates_page_counts_a_known_data_set(client, park, office_user, rate_data):
    client.force_login(office_user)
    params = {"park": park.pk, "date_from": "2026-05-01", "date_to": "2026-06-30"}
    html = _html(client.get(reverse("grievances:rates"), params))
    assert _cards(html) == {
        "response_rate": "33.3",
        "resolution_rate": "66.7",
        "satisfaction_rate": "50.0",
    }
    assert "1 / 3" in html and "2 / 3" in html and "1 / 2" in html
    funnel = dict(re.findall(r'data-funnel="([a-z_]+)">(\d+)<', html))
    assert funnel == {"handed_out": "900", "returned": "600", "opinions": "2", "rectified": "1"}
    data = json.loads(re.search(r'id="rates-data"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert data["months"] == ["2026-06"]
    assert data["month_rates"] == {
        "response_rate": [33.3],
        "resolution_rate": [66.7],
        "satisfaction_rate": [50.0],
    }
    assert data["parks"] == [park.name]
    assert [step["value"] for step in data["funnel"]] == [900, 600, 2, 1]
    by_zone = re.search(r'id="rates-by-grid_zone".*?</table>', html, re.S).group(0)
    assert "G01 瓷砖区" in by_zone and "No grid zone" in by_zone


def test_the_rates_page_writes_down_what_each_rate_means(client, office_user):
    client.force_login(office_user)
    html = _html(client.get(reverse("grievances:rates")))
    assert "Response rate = responded within the time limit ÷ received" in html
    assert "Resolution rate = resolved (replied to the worker) ÷ received" in html
    assert "Satisfaction rate = satisfied + basically satisfied ÷ followed up" in html


def test_the_rates_period_and_scope_narrow_the_count(
    client, park, other_park, office_user, rate_data
):
    client.force_login(office_user)
    url = reverse("grievances:rates")
    html = _html(client.get(url, {"date_from": "2026-05-01", "date_to": "2026-06-30"}))
    assert "1 / 4" in html  # the other park's grievance was never taken up
    html = _html(client.get(url, {"date_from": "2026-07-01", "date_to": "2026-07-31"}))
    assert all(value == "" for value in _cards(html).values())
    html = _html(client.get(url, {"date_from": "2026-06-30", "date_to": "2026-06-01"}))
    assert "The end of the period is before its start." in html
    # The default period is this year, with quick links for month, quarter and year.
    html = _html(client.get(url))
    assert 'value="2026-01-01"' in html
    assert 'data-preset="month"' in html and "date_from=2026-06-01" in html
    assert "date_from=2026-04-01" in html


def test_the_rates_count_only_what_the_user_sees(client, park, liaison, rate_data):
    client.force_login(liaison)
    html = _html(
        client.get(
            reverse("grievances:rates"), {"date_from": "2026-05-01", "date_to": "2026-06-30"}
        )
    )
    assert "1 / 3" in html
    assert "900" in html and ">50<" not in html


def test_the_nav_links_to_grievances_and_rates(client, liaison):
    client.force_login(liaison)
    html = _html(client.get(reverse("grievances:inbox")))
    assert f'href="{reverse("grievances:inbox")}">Inbox</a>' in html
    assert f'href="{reverse("grievances:rates")}">Rates</a>' in html
    assert re.search(r'class="nav-link dropdown-toggle active"[^>]*>Worker grievances</a>', html)
