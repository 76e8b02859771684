"""The grievance rates page: what it counts, what each rate means, and for whom."""

import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from grievances import rates as grievance_rates
from grievances.funnel import FUNNEL
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

    Response: 1 of 3 in time (33.3%); resolution: 2 of 2 (100%), the third still has until 16
    June (pending); satisfaction: 1 of 2 calls (50%).
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
    # The resolution rate was 66.7 (2 / 3): issue 12's bug counted the grievance whose
    # resolution deadline (16 June) had not passed as a failure. It is pending now, shown apart.
    assert _cards(html) == {
        "response_rate": "33.3",
        "resolution_rate": "100.0",
        "on_time_resolution_rate": "100.0",
        "satisfaction_rate": "50.0",
        "first_call_satisfaction_rate": "50.0",
        "return_rate": "0.0",
        "reopen_rate": "0.0",
    }
    assert "1 / 3" in html and "2 / 2" in html and "1 / 2" in html
    pending = dict(re.findall(r'data-rate="([a-z_]+)">.*?data-pending="(\d+)"', html, re.S))
    assert pending == {"response_rate": "0", "resolution_rate": "1", "on_time_resolution_rate": "1"}
    funnel = dict(re.findall(r'data-funnel="([a-z_]+)">(\d+)<', html))
    assert funnel == {"handed_out": "900", "returned": "600", "opinions": "2", "rectified": "1"}
    data = json.loads(re.search(r'id="rates-data"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert data["months"] == ["2026-06"]
    assert data["month_rates"] == {
        "response_rate": [33.3],
        "resolution_rate": [100.0],  # was 66.7: the pending grievance counted as a failure
        "satisfaction_rate": [50.0],
    }
    assert data["parks"] == [park.name]
    assert [step["value"] for step in data["funnel"]] == [900, 600, 2, 1]
    by_zone = re.search(r'id="rates-by-grid_zone".*?</table>', html, re.S).group(0)
    assert "G01 瓷砖区" in by_zone and "No grid zone" in by_zone


def test_the_rates_page_writes_down_what_each_figure_means(client, office_user):
    # Issue 12: the definitions of grievances.rates, beside each rate and at the foot of the
    # page for every figure (they were three hand-written lines that left pending out).
    client.force_login(office_user)
    html = _html(client.get(reverse("grievances:rates")))
    assert (
        "Response rate = Responded in time ÷ counted for the response rate. Judged on the "
        "acceptance by the unit that finally handles the grievance" in html
    )
    assert "Resolution rate = Resolved ÷ counted for the resolution rates." in html
    assert "Satisfaction rate = Satisfied calls ÷ follow-up calls. Every call counts" in html
    assert "On-time resolution rate = Resolved in time ÷ counted for the resolution rates." in html
    assert (
        "First-call satisfaction rate = Satisfied at the first call ÷ grievances followed up."
        in html
    )
    assert "Return rate = Returned by a unit ÷ sent to a unit." in html
    assert "Reopen rate = Reopened ÷ grievances followed up." in html
    footnote = re.search(r'id="rate-definitions".*?</dl>', html, re.S).group(0)
    assert set(re.findall(r'data-definition="([a-z_]+)"', footnote)) == {
        measure.key for measure in (*grievance_rates.MEASURES, *FUNNEL)
    }
    assert "withdrawn ones are not counted, as in every grievance figure" in footnote


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
