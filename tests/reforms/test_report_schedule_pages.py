"""The report schedules page: office staff read and change the schedules in the browser."""

import re
from datetime import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from tests.reforms import report_services_helpers as shared
from tests.reforms.report_services_helpers import SHANGHAI

# The shared fixtures, bound here so pytest finds them by name.
default_schedules = shared.default_schedules
observer = shared.observer
on_wednesday = shared.on_wednesday


# --- The schedules page -----------------------------------------------------------------------


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _card(html, kind):
    return html.split(f'id="schedule-{kind}"', 1)[1].split("</section>", 1)[0]


def _invalid_fields(html):
    """The ids of the inputs marked invalid."""
    tags = re.findall(r"<(?:input|select)[^>]*>", html)
    return [re.search(r'\sid="([^"]+)"', tag)[1] for tag in tags if "is-invalid" in tag]


@pytest.mark.django_db
def test_office_staff_see_the_four_schedules_with_their_runs(
    english, office_user, default_schedules, on_wednesday
):
    PeriodicTask.objects.filter(name="progress-reports-weekly").update(
        last_run_at=datetime(2026, 6, 8, 6, 0, 1, tzinfo=SHANGHAI)
    )
    english.force_login(office_user)
    response = english.get(reverse("reforms:report_schedules"))
    assert response.status_code == 200
    html = response.content.decode()
    weekly = _card(html, "week")
    assert "Every Monday at 06:00" in weekly
    assert "2026-06-08 06:00" in weekly  # last run
    assert "2026-06-15 06:00" in weekly  # next run
    assert "Day 1 of every month at 06:30" in _card(html, "month")
    assert "Day 1 of January, April, July and October at 07:00" in _card(html, "quarter")
    assert "1 January every year at 07:30" in _card(html, "year")
    assert "2027-01-01 07:30" in _card(html, "year")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", ["subdistrict_user", "park_manager", "liaison", "member_unit_user", "observer"]
)
def test_the_schedules_page_is_for_office_staff_only(client, request, role, default_schedules):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("reforms:report_schedules")).status_code == 403
    response = client.post(
        reverse("reforms:report_schedules"),
        {"period_kind": "week", "week-hour": "6", "week-minute": "0", "week-day": "1"},
    )
    assert response.status_code == 403
    assert PeriodicTask.objects.get(name="progress-reports-weekly").enabled


@pytest.mark.django_db
def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("reforms:report_schedules"))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.django_db
def test_office_staff_move_the_monthly_run_in_the_browser(
    english, office_user, default_schedules, on_wednesday
):
    english.force_login(office_user)
    response = english.post(
        reverse("reforms:report_schedules"),
        {
            "period_kind": "month",
            "month-enabled": "on",
            "month-hour": "9",
            "month-minute": "5",
            "month-day": "3",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Monthly reports: saved." in html
    assert "Day 3 of every month at 09:05" in _card(html, "month")
    assert "2026-07-03 09:05" in _card(html, "month")
    crontab = PeriodicTask.objects.get(name="progress-reports-monthly").crontab
    assert (crontab.hour, crontab.minute, crontab.day_of_month) == ("9", "5", "3")


@pytest.mark.django_db
def test_office_staff_switch_the_weekly_run_off(english, office_user, default_schedules):
    english.force_login(office_user)
    english.post(
        reverse("reforms:report_schedules"),
        {"period_kind": "week", "week-hour": "6", "week-minute": "0", "week-day": "1"},
    )
    assert not PeriodicTask.objects.get(name="progress-reports-weekly").enabled
    html = english.get(reverse("reforms:report_schedules")).content.decode()
    assert 'data-enabled="false"' in _card(html, "week")
    assert "None: switched off" in _card(html, "week")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "data", "field"),
    [
        ("week", {"hour": "25", "minute": "0", "day": "1"}, "hour"),
        ("week", {"hour": "6", "minute": "0", "day": "8"}, "day"),
        ("month", {"hour": "6", "minute": "0", "day": "32"}, "day"),
        ("quarter", {"hour": "6", "minute": "75", "day": "1"}, "minute"),
        ("year", {"hour": "six", "minute": "0", "day": "1"}, "hour"),
        ("month", {"hour": "", "minute": "0", "day": "1"}, "hour"),
    ],
)
def test_a_bad_schedule_in_the_browser_shows_errors_and_saves_nothing(
    english, office_user, default_schedules, kind, data, field
):
    english.force_login(office_user)
    before = list(
        CrontabSchedule.objects.values_list("pk", "minute", "hour", "day_of_week", "day_of_month")
    )
    posted = {"period_kind": kind, f"{kind}-enabled": "on"}
    posted.update({f"{kind}-{name}": value for name, value in data.items()})
    response = english.post(reverse("reforms:report_schedules"), posted)
    assert response.status_code == 200  # the page again, with the errors, like every form
    card = _card(response.content.decode(), kind)
    assert "Nothing was saved" in card
    assert _invalid_fields(card) == [f"id_{kind}-{field}"]
    assert (
        list(
            CrontabSchedule.objects.values_list(
                "pk", "minute", "hour", "day_of_week", "day_of_month"
            )
        )
        == before
    )


@pytest.mark.django_db
def test_an_unknown_schedule_is_a_bad_request(english, office_user, default_schedules):
    english.force_login(office_user)
    response = english.post(reverse("reforms:report_schedules"), {"period_kind": "decade"})
    assert response.status_code == 400
