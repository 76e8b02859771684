"""The grievance pages: satisfaction surveys and the office's time limits per category."""

import pytest
from django.conf import settings
from django.urls import reverse

from grievances.models import SurveyCampaign, TimeLimitPolicy
from tests.factories import SurveyCampaignFactory
from tests.grievances import pages_helpers as shared
from tests.grievances.pages_helpers import _html

# The shared fixtures, bound here so pytest finds them by name.
frozen_now = shared.frozen_now
in_english = shared.in_english


pytestmark = pytest.mark.django_db


# --- Surveys and time limits --------------------------------------------------------------------


def test_a_liaison_records_a_survey_of_their_park(client, park, liaison):
    client.force_login(liaison)
    url = reverse("grievances:survey_create")
    data = {
        "park": park.pk,
        "title": "经营户满意度调查",
        "held_on": "2026-05-20",
        "handed_out": 900,
        "returned": 901,
    }
    html = _html(client.post(url, data))
    assert "More surveys cannot come back than were handed out." in html
    assert not SurveyCampaign.objects.exists()
    data["returned"] = 600
    response = client.post(url, data, follow=True)
    assert "Survey “经营户满意度调查” saved." in _html(response)
    survey = SurveyCampaign.objects.get()
    html = _html(client.get(reverse("grievances:survey_list")))
    assert "经营户满意度调查" in html
    response = client.post(
        reverse("grievances:survey_edit", args=[survey.pk]), {**data, "returned": 650}
    )
    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.returned == 650


def test_surveys_of_other_parks_are_out_of_reach(client, other_park, liaison, subdistrict_user):
    survey = SurveyCampaignFactory(park=other_park)
    client.force_login(liaison)
    assert client.get(reverse("grievances:survey_edit", args=[survey.pk])).status_code == 404
    assert "经营户满意度调查" not in _html(client.get(reverse("grievances:survey_list")))
    client.force_login(subdistrict_user)
    assert client.get(reverse("grievances:survey_create")).status_code == 403


def test_the_office_sets_time_limits_per_category(client, office_user, park):
    client.force_login(office_user)
    url = reverse("grievances:policies")
    html = _html(client.get(url))
    assert 'name="wages-respond_within_hours"' in html
    data = {}
    for category in (
        "labour_dispute",
        "injury_subsidy",
        "illness",
        "wages",
        "life_dispute",
        "safety",
        "opinion",
        "proposal",
    ):
        data[f"{category}-respond_within_hours"] = settings.GRIEVANCE_DEFAULT_RESPOND_HOURS
        data[f"{category}-resolve_within_days"] = settings.GRIEVANCE_DEFAULT_RESOLVE_DAYS
    data.update({"safety-respond_within_hours": 4, "safety-resolve_within_days": 3})
    data.update({"wages-respond_within_hours": 0})
    html = _html(client.post(url, data))
    assert "Nothing was saved." in html
    assert "Ensure this value is greater than or equal to 1." in html
    assert not TimeLimitPolicy.objects.exists()
    data["wages-respond_within_hours"] = 12
    response = client.post(url, data, follow=True)
    assert "Time limits saved." in _html(response)
    policies = {
        p.category: (p.respond_within_hours, p.resolve_within_days)
        for p in TimeLimitPolicy.objects.all()
    }
    assert policies == {"safety": (4, 3), "wages": (12, settings.GRIEVANCE_DEFAULT_RESOLVE_DAYS)}


def test_others_read_the_time_limits_but_cannot_change_them(client, liaison):
    TimeLimitPolicy.objects.create(category="safety", respond_within_hours=4, resolve_within_days=3)
    client.force_login(liaison)
    html = _html(client.get(reverse("grievances:policies")))
    assert "<input" not in html.split('id="policy-table"')[1].split("</table>")[0]
    response = client.post(reverse("grievances:policies"), {"safety-respond_within_hours": 1})
    assert response.status_code == 403
