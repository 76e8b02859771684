"""REST API v1 for grievances: the rates endpoint."""

from datetime import UTC, date, datetime, timedelta

import pytest

from tests.factories import (
    GridZoneFactory,
    GrievanceFactory,
    OrganisationFactory,
    ParkFactory,
    SurveyCampaignFactory,
)
from tests.grievances import api_helpers as shared

# The shared fixtures, bound here so pytest finds them by name.
assigned = shared.assigned
unit = shared.unit


pytestmark = pytest.mark.django_db


# --- The three rates --------------------------------------------------------------------------

JUNE = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)


JULY = datetime(2026, 7, 10, 9, 0, tzinfo=UTC)


def graded(park, received, status, responded=None, resolved=None, satisfaction="", **fields):
    """A grievance with known handling times: `responded` hours, `resolved` days after receipt."""
    return GrievanceFactory(
        park=park,
        received_at=received,
        status=status,
        handling_unit=fields.pop("unit", None) or OrganisationFactory(),
        responded_at=received + timedelta(hours=responded) if responded is not None else None,
        resolved_at=received + timedelta(days=resolved) if resolved is not None else None,
        satisfaction=satisfaction,
        **fields,
    )


@pytest.fixture
def rated(park, other_park, unit):
    """Park: 5 counted in June (+1 withdrawn), 1 in July. Other park: 2 in June."""
    zone = GridZoneFactory(park=park, code="G07")
    graded(park, JUNE, "closed", 2, 3, "satisfied", grid_zone=zone, unit=unit)
    graded(park, JUNE, "closed", 30, 20, "basically_satisfied", grid_zone=zone)
    graded(park, JUNE, "followed_up", 5, 10, "unsatisfied", unit=unit)
    graded(park, JUNE, "in_progress", 1)
    graded(park, JUNE, "assigned")
    graded(park, JUNE, "withdrawn", 1)
    graded(park, JULY, "replied", 3, 2, channel="survey", rectified=True)
    graded(other_park, JUNE, "closed", 10, 5, "satisfied")
    graded(other_park, JUNE, "replied", 48, 10)
    SurveyCampaignFactory(park=park, held_on=date(2026, 7, 1), handed_out=900, returned=600)
    SurveyCampaignFactory(park=park, held_on=date(2026, 5, 1), handed_out=100, returned=90)
    SurveyCampaignFactory(park=other_park, held_on=date(2026, 7, 1), handed_out=50, returned=5)
    return zone


RATES = "/api/v1/grievances/rates/"


def test_rates_over_the_whole_scope(api_as, office_user, rated):
    body = api_as(office_user).get(RATES).json()

    # Issue 12: every figure is defined (in the workbook's fixed Chinese), not only the three
    # rates, and the totals gained the pending counts and four more rates. Every deadline here
    # has passed, so the three rates are what they were.
    assert set(body["definitions"]) == set(body["totals"])
    assert body["definitions"]["satisfaction_rate"].startswith("满意率 = 满意次数 ÷ 回访次数")
    assert body["totals"] == {
        "received": 8,
        "response_pending": 0,
        "response_counted": 8,
        "responded_in_time": 5,  # 2 h, 5 h, 1 h, 3 h, 10 h
        "resolution_pending": 0,
        "resolution_counted": 8,
        "resolved": 6,
        "resolved_in_time": 5,
        "dispatched": 8,
        "returned_to_office": 0,
        "first_calls": 4,
        "first_call_satisfied": 3,
        "followed_up": 4,
        "satisfied": 3,
        "reopened": 0,
        "response_rate": 62.5,  # 5 / 8
        "resolution_rate": 75.0,  # 6 / 8
        "on_time_resolution_rate": 62.5,  # 5 / 8
        "satisfaction_rate": 75.0,  # 3 / 4
        "first_call_satisfaction_rate": 75.0,  # 3 / 4
        "return_rate": 0.0,
        "reopen_rate": 0.0,
    }
    assert body["groups"] == []
    assert body["funnel"] == {"handed_out": 1050, "returned": 695, "opinions": 1, "rectified": 1}


def test_rates_by_park_for_a_period(api_as, office_user, rated, park, other_park):
    body = (
        api_as(office_user)
        .get(RATES, {"group_by": "park", "from": "2026-06-01", "to": "2026-06-30"})
        .json()
    )

    assert body["totals"]["received"] == 7
    groups = {g["label"]: g for g in body["groups"]}
    assert groups[park.name]["key"] == str(park.pk)
    assert (
        groups[park.name]["received"],
        groups[park.name]["response_rate"],  # 3 / 5
        groups[park.name]["resolution_rate"],  # 3 / 5
        groups[park.name]["satisfaction_rate"],  # 2 / 3
    ) == (5, 60.0, 60.0, 66.7)
    assert (
        groups[other_park.name]["received"],
        groups[other_park.name]["response_rate"],
        groups[other_park.name]["resolution_rate"],
    ) == (2, 50.0, 100.0)
    # No survey was held in June.
    assert body["funnel"] == {"handed_out": 0, "returned": 0, "opinions": 0, "rectified": 0}


def test_rates_by_month_zone_and_unit(api_as, office_user, rated, park, unit):
    client = api_as(office_user)

    months = client.get(RATES, {"group_by": "month", "park": park.pk}).json()["groups"]
    assert [(g["key"], g["received"]) for g in months] == [("2026-06", 5), ("2026-07", 1)]
    assert months[1]["satisfaction_rate"] is None

    zones = client.get(RATES, {"group_by": "grid_zone", "grid_zone": rated.pk}).json()
    assert [(g["label"], g["received"], g["satisfaction_rate"]) for g in zones["groups"]] == [
        ("G07", 2, 100.0)
    ]

    units = client.get(RATES, {"unit": unit.pk}).json()["totals"]
    assert (units["received"], units["followed_up"], units["satisfied"]) == (2, 2, 1)


def test_a_liaison_gets_the_rates_of_their_park(api_as, liaison, rated, park):
    body = api_as(liaison).get(RATES, {"group_by": "park"}).json()
    assert body["totals"]["received"] == 6
    assert [g["key"] for g in body["groups"]] == [str(park.pk)]
    assert body["funnel"]["handed_out"] == 1000


def test_rates_by_subdistrict(api_as, office_user, rated, park, subdistrict):
    ParkFactory(subdistrict=subdistrict)
    body = api_as(office_user).get(RATES, {"subdistrict": subdistrict.pk}).json()
    assert body["totals"]["received"] == 6


@pytest.mark.parametrize(
    "params",
    [
        {"group_by": "week"},
        {"from": "June"},
        {"from": "2026-07-01", "to": "2026-06-01"},
        {"park": 999999},
        {"unit": "x"},
    ],
)
def test_bad_rate_parameters_are_400s(api_as, office_user, params):
    response = api_as(office_user).get(RATES, params)
    assert response.status_code == 400
    assert set(response.json()) & {"group_by", "from", "to", "park", "unit"}


def test_a_park_outside_the_scope_is_a_bad_parameter(api_as, liaison, other_park):
    assert api_as(liaison).get(RATES, {"park": other_park.pk}).status_code == 400


def test_the_schema_documents_the_rates(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
    schema = (tmp_path / "s.yml").read_text()
    assert "/api/v1/grievances/rates/" in schema
    assert "/api/v1/grievances/{id}/follow-up/" in schema
    # Issue 12: each figure's definition, in English and in the workbook's Chinese (口径).
    assert "Satisfied calls ÷ follow-up calls." in schema
    assert "满意率 = 满意次数 ÷ 回访次数" in schema
    assert "首次回访满意率 = 首次回访满意数 ÷ 已回访诉求数。" in schema
