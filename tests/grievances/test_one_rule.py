"""Rules that the pages and the API once answered differently (issue 11): the mediation clock,
moving or deleting a survey that has opinions, and the survey funnel of one grid zone. Each is
asked of the page and of the API, which must now give the same answer."""

import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from grievances import services
from grievances.models import Mediation, SurveyCampaign
from tests.factories import GridZoneFactory, GrievanceFactory, SurveyCampaignFactory

pytestmark = pytest.mark.django_db

APPLIED_ON = date(2026, 6, 1)


@pytest.fixture(autouse=True)
def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _html(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- The mediation clock ------------------------------------------------------------------------


@pytest.fixture
def mediation(park, member_unit_user):
    grievance = GrievanceFactory(
        park=park,
        status="in_progress",
        handling_unit=member_unit_user.organisation,
        category="labour_dispute",
    )
    return Mediation.objects.create(
        grievance=grievance, applied_on=APPLIED_ON, parties="甲\n乙", mediator=member_unit_user
    )


def _on(time_machine, day):
    """Noon in Shanghai on `day`."""
    time_machine.move_to(datetime(day.year, day.month, day.day, 4, 0, tzinfo=UTC), tick=False)


def _page_says(client, mediation):
    html = _html(client.get(mediation.grievance.get_absolute_url()))
    opens_on = re.search(r'id="mediation-deadline">(\d{4}-\d\d-\d\d)', html).group(1)
    return opens_on, 'id="arbitration-flag"' in html


def _api_says(api_as, user, mediation):
    body = api_as(user).get(f"/api/v1/grievances/{mediation.grievance_id}/mediation/").json()
    return body["arbitration_available_on"], body["may_seek_arbitration"]


@pytest.mark.parametrize(
    ("days_after", "may_seek"),
    [
        (0, False),
        # Day 15 is still within the fifteen days: the parties may yet agree on it.
        (15, False),
        (16, True),
        (40, True),
    ],
)
def test_page_and_api_open_arbitration_on_the_same_day(
    client, api_as, time_machine, member_unit_user, mediation, days_after, may_seek
):
    _on(time_machine, APPLIED_ON + timedelta(days=days_after))
    client.force_login(member_unit_user)

    # 劳动争议调解仲裁法 §14: not agreed within 15 days of the application → arbitration;
    # the day of application is not counted, so the first day for arbitration is 17 June.
    assert _page_says(client, mediation) == ("2026-06-17", may_seek)
    assert _api_says(api_as, member_unit_user, mediation) == ("2026-06-17", may_seek)


def test_a_concluded_mediation_offers_no_arbitration_on_either(
    client, api_as, time_machine, member_unit_user, mediation
):
    Mediation.objects.filter(pk=mediation.pk).update(
        outcome="agreement", concluded_on=date(2026, 6, 10)
    )
    _on(time_machine, date(2026, 7, 1))
    client.force_login(member_unit_user)

    assert _page_says(client, mediation)[1] is False
    assert _api_says(api_as, member_unit_user, mediation)[1] is False


# --- A survey with opinions stays in its park ---------------------------------------------------


@pytest.fixture
def survey_with_opinion(park):
    survey = SurveyCampaignFactory(park=park, handed_out=100, returned=80)
    GrievanceFactory(park=park, channel="survey", category="opinion", survey=survey)
    return survey


def _survey_form(survey, **changes):
    return {
        "park": survey.park_id,
        "title": survey.title,
        "held_on": survey.held_on.isoformat(),
        "handed_out": survey.handed_out,
        "returned": survey.returned,
        **changes,
    }


MOVE_REFUSED = "Opinions were logged from this survey; it cannot move to another park."


def test_the_survey_page_refuses_to_move_a_survey_with_opinions(
    client, office_user, survey_with_opinion, park, other_park
):
    client.force_login(office_user)
    url = reverse("grievances:survey_edit", args=[survey_with_opinion.pk])

    html = _html(client.post(url, _survey_form(survey_with_opinion, park=other_park.pk)))

    assert MOVE_REFUSED in html
    survey_with_opinion.refresh_from_db()
    assert survey_with_opinion.park == park
    assert survey_with_opinion.opinions.get().park == park


def test_the_api_refuses_the_same_move(api_as, office_user, survey_with_opinion, park, other_park):
    response = api_as(office_user).patch(
        f"/api/v1/surveys/{survey_with_opinion.pk}/",
        {"park": other_park.pk},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert response.json() == {"park": [MOVE_REFUSED]}
    survey_with_opinion.refresh_from_db()
    assert survey_with_opinion.park == park


def test_the_service_refuses_the_move_whoever_calls_it(
    office_user, survey_with_opinion, park, other_park
):
    survey_with_opinion.park = other_park

    with pytest.raises(ValidationError) as refused:
        services.survey_save(survey=survey_with_opinion, actor=office_user)

    assert refused.value.message_dict == {"park": [MOVE_REFUSED]}
    assert SurveyCampaign.objects.get(pk=survey_with_opinion.pk).park == park


def test_a_survey_without_opinions_may_move_and_its_other_details_may_change(
    client, office_user, survey_with_opinion, park, other_park
):
    empty = SurveyCampaignFactory(park=park)
    client.force_login(office_user)

    moved = client.post(
        reverse("grievances:survey_edit", args=[empty.pk]), _survey_form(empty, park=other_park.pk)
    )
    kept = client.post(
        reverse("grievances:survey_edit", args=[survey_with_opinion.pk]),
        _survey_form(survey_with_opinion, returned=90),
    )

    assert moved.status_code == kept.status_code == 302
    empty.refresh_from_db()
    survey_with_opinion.refresh_from_db()
    assert (empty.park, survey_with_opinion.returned) == (other_park, 90)


def test_deleting_a_survey_goes_through_one_service(office_user, survey_with_opinion, park):
    empty = SurveyCampaignFactory(park=park)

    with pytest.raises(ValidationError) as refused:
        services.survey_delete(survey=survey_with_opinion, actor=office_user)
    services.survey_delete(survey=empty, actor=office_user)

    assert refused.value.messages == [
        "Opinions were logged from this survey; it cannot be deleted."
    ]
    assert list(SurveyCampaign.objects.all()) == [survey_with_opinion]


def test_deleting_a_survey_is_for_those_who_may_write_it(
    api_as, liaison, subdistrict_user, other_park, park
):
    elsewhere = SurveyCampaignFactory(park=other_park)
    own = SurveyCampaignFactory(park=park)

    assert api_as(liaison).delete(f"/api/v1/surveys/{elsewhere.pk}/").status_code == 404
    assert api_as(subdistrict_user).delete(f"/api/v1/surveys/{own.pk}/").status_code == 403
    assert api_as(liaison).delete(f"/api/v1/surveys/{own.pk}/").status_code == 204
    assert list(SurveyCampaign.objects.all()) == [elsewhere]


# --- The survey funnel of one grid zone ----------------------------------------------------------


@pytest.fixture
def zone_with_surveys(park, other_park):
    """A zone of `park`, whose surveys handed out 120; `other_park`'s handed out 50."""
    zone = GridZoneFactory(park=park, code="G09")
    received = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)
    GrievanceFactory(park=park, grid_zone=zone, received_at=received, channel="survey")
    GrievanceFactory(park=other_park, received_at=received, channel="survey")
    SurveyCampaignFactory(park=park, held_on=date(2026, 6, 1), handed_out=100, returned=70)
    SurveyCampaignFactory(park=park, held_on=date(2026, 6, 5), handed_out=20, returned=10)
    SurveyCampaignFactory(park=other_park, held_on=date(2026, 6, 1), handed_out=50, returned=5)
    return zone


ZONE_FUNNEL = {"handed_out": 120, "returned": 80, "opinions": 1, "rectified": 0}


def test_the_rates_api_narrows_a_zones_funnel_to_its_park(api_as, office_user, zone_with_surveys):
    body = (
        api_as(office_user)
        .get("/api/v1/grievances/rates/", {"grid_zone": zone_with_surveys.pk})
        .json()
    )
    assert body["funnel"] == ZONE_FUNNEL
    assert body["totals"]["received"] == 1


def test_the_rates_page_shows_the_same_funnel_as_the_api(
    client, office_user, zone_with_surveys, time_machine
):
    time_machine.move_to(datetime(2026, 7, 1, 4, 0, tzinfo=UTC), tick=False)
    client.force_login(office_user)

    html = _html(client.get(reverse("grievances:rates"), {"grid_zone": zone_with_surveys.pk}))

    data = json.loads(re.search(r'id="rates-data"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert [step["value"] for step in data["funnel"]] == list(ZONE_FUNNEL.values())
    assert data["received"] == 1


# --- Mediation is offered where it may be opened -------------------------------------------------


def test_a_withdrawn_dispute_is_not_mediated_by_page_or_api(
    client, api_as, office_user, park, member_unit_user
):
    grievance = GrievanceFactory(
        park=park,
        status="withdrawn",
        handling_unit=member_unit_user.organisation,
        category="labour_dispute",
    )
    client.force_login(office_user)

    html = _html(client.get(grievance.get_absolute_url()))
    response = api_as(office_user).post(
        f"/api/v1/grievances/{grievance.pk}/mediation/",
        {"applied_on": "2026-06-01", "parties": "甲\n乙", "mediator": office_user.pk},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    # The page used to hide the button while the API opened the mediation anyway.
    assert 'id="open-mediation"' not in html
    assert response.status_code == 409
    assert response.json()["detail"] == "A closed or withdrawn grievance is not mediated."
    assert not Mediation.objects.exists()
