"""Asking for reports at the edges: periods that start in the future or run longer than a year,
scopes that do not exist or lie outside the user's, and the seconds around midnight in Wuxi and
in UTC. Each is a clear 400 (404 for a report one may not see), never a 500; a park or a
subdistrict outside one's scope is answered exactly as one that does not exist."""

from datetime import UTC, date, datetime

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from parks.gridlog.choices import ActivityKind
from reforms.reporting.choices import PeriodKind, ReportScope
from reforms.reporting.contents import build_snapshot
from reforms.reporting.models import Report
from tests.factories import ActivityFactory
from tests.reforms.report_services_helpers import SHANGHAI, ask

pytestmark = pytest.mark.django_db

API = "/api/v1/reports/"
HUGE = 10**20  # past any id column


@pytest.fixture
def june_the_tenth(time_machine):
    time_machine.move_to(datetime(2026, 6, 10, 10, 0, tzinfo=SHANGHAI), tick=False)


# --- Periods ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"period_kind": "week", "start": "2026-06-11"}, "start"),  # later this week
        ({"period_kind": "month", "start": "2026-07-01"}, "start"),  # next month
        ({"period_kind": "year", "start": "2027-01-01"}, "start"),
        ({"period_kind": "custom", "start": "2026-06-11", "end": "2026-06-20"}, "start"),
        ({"period_kind": "custom", "start": "2026-06-01", "end": "2026-06-11"}, "end"),
    ],
)
def test_periods_that_start_in_the_future_or_are_not_over_are_400s(
    api_as, office_user, park, june_the_tenth, payload, field
):
    response = api_as(office_user).post(API, {"scope": "district", **payload})
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("start", "end", "allowed"),
    [
        (date(2025, 5, 1), date(2026, 4, 30), True),  # a year to the day
        (date(2025, 5, 1), date(2026, 5, 1), False),  # a year and a day
        (date(2024, 2, 29), date(2025, 2, 28), True),  # from a leap day
        (date(2024, 2, 29), date(2025, 3, 1), False),
        (date(2020, 1, 1), date(2025, 12, 31), False),
    ],
)
def test_a_custom_period_is_at_most_a_year(office_user, park, june_the_tenth, start, end, allowed):
    if allowed:
        report, _queued = ask(office_user, kind=PeriodKind.CUSTOM, start=start, end=end)
        assert (report.period_start, report.period_end) == (start, end)
    else:
        with pytest.raises(ValidationError) as error:
            ask(office_user, kind=PeriodKind.CUSTOM, start=start, end=end)
        assert error.value.message_dict["end"] == ["A custom period is at most a year long."]


def test_a_custom_period_longer_than_a_year_is_a_400_over_the_api(
    api_as, office_user, park, june_the_tenth
):
    asked = {"scope": "district", "period_kind": "custom", "start": "2025-05-01"}
    client = api_as(office_user)
    assert client.post(API, {**asked, "end": "2026-05-01"}).status_code == 400
    assert client.post(API, {**asked, "end": "2026-04-30"}).status_code == 202


# --- Scopes -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"scope": "park", "park": 999999}, "park"),
        ({"scope": "park", "park": HUGE}, "park"),
        ({"scope": "park", "park": "华夏"}, "park"),
        ({"scope": "subdistrict", "subdistrict": 999999}, "subdistrict"),
        ({"scope": "subdistrict", "subdistrict": HUGE}, "subdistrict"),
        ({"scope": "county"}, "scope"),
    ],
)
def test_a_scope_that_does_not_exist_is_a_400(api_as, office_user, park, payload, field):
    response = api_as(office_user).post(
        API, {"period_kind": "month", "start": "2026-05-01", **payload}, format="json"
    )
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_a_scope_outside_the_users_is_refused_and_its_reports_are_not_found(
    api_as, client, park_manager, park, other_park
):
    api = api_as(park_manager)
    month = {"period_kind": "month", "start": "2026-05-01"}
    # A park they cannot see does not exist for them; a subdistrict is not theirs to ask for
    # (it was a 403 until issue 12: a refusal unlike a bad field's told the target existed).
    assert api.post(API, {"scope": "park", "park": other_park.pk, **month}).status_code == 400
    subdistrict = {"scope": "subdistrict", "subdistrict": other_park.subdistrict_id}
    assert api.post(API, {**subdistrict, **month}).status_code == 400
    report, _created = Report.objects.get_or_create(
        scope=ReportScope.PARK,
        park=other_park,
        period_kind=PeriodKind.MONTH,
        period_start=date(2026, 5, 1),
        period_end=date(2026, 5, 31),
    )
    client.force_login(park_manager)
    for pk in (report.pk, 999999, HUGE):
        assert api.get(f"{API}{pk}/").status_code == 404
        assert client.get(reverse("reforms:report_detail", args=[pk])).status_code == 404
        assert api.post(f"{API}{pk}/regenerate/").status_code == 404


def test_a_target_out_of_reach_is_answered_as_one_that_does_not_exist(
    api_as, client, subdistrict_user, park, other_park
):
    """The answer, status and body, for another subdistrict's id or park's id is the answer
    for an id nobody has, on the API and on the page's form, even beside another bad field."""
    api = api_as(subdistrict_user)
    api.credentials(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(subdistrict_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert other_park.subdistrict_id != park.subdistrict_id
    bad_day = {"period_kind": "month", "start": "2026-02-30"}
    for scope, outside in (
        ("subdistrict", other_park.subdistrict_id),
        ("park", other_park.pk),
    ):
        answers = []
        for target in (outside, 999999):
            for extra in ({"period_kind": "month", "start": "2026-05-01"}, bad_day):
                response = api.post(API, {"scope": scope, scope: target, **extra}, format="json")
                answers.append((response.status_code, response.json()))
        assert answers[0] == answers[2] and answers[1] == answers[3], scope
        assert answers[0][0] == 400
        name = "No such subdistrict." if scope == "subdistrict" else "No such park."
        assert answers[0][1] == {scope: [name]}
        assert set(answers[1][1]) == {scope, "start"}

        pages = []
        for target in (outside, 999999):
            response = client.post(
                reverse("reforms:report_request"),
                {"scope": scope, scope: target, "period_kind": "month", "day": "2026-05-01"},
            )
            pages.append((response.status_code, response.context["form"].errors))
        assert pages[0] == pages[1] == (200, {scope: [name]})
    assert not Report.objects.exists()


def test_a_role_that_asks_for_no_reports_is_still_refused(api_as, liaison, park):
    """Not a scope question: a liaison may read their park's reports but asks for none."""
    response = api_as(liaison).post(
        API, {"scope": "park", "park": park.pk, "period_kind": "month", "start": "2026-05-01"}
    )
    assert response.status_code == 403


# --- Midnight in Wuxi and in UTC ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "allowed"),
    [
        (datetime(2026, 5, 31, 23, 59, 59, tzinfo=SHANGHAI), False),  # May's last second
        (datetime(2026, 5, 31, 15, 59, 59, tzinfo=UTC), False),  # the same second in UTC
        (datetime(2026, 6, 1, 0, 0, 0, tzinfo=SHANGHAI), True),  # May is over in Wuxi…
        (datetime(2026, 5, 31, 16, 0, 0, tzinfo=UTC), True),  # …while UTC is still in May
    ],
)
def test_a_month_may_be_asked_for_from_midnight_in_wuxi(
    office_user, park, time_machine, now, allowed
):
    time_machine.move_to(now, tick=False)
    if allowed:
        report, _queued = ask(office_user, kind=PeriodKind.MONTH, start=date(2026, 5, 1))
        assert (report.period_start, report.period_end) == (date(2026, 5, 1), date(2026, 5, 31))
    else:
        with pytest.raises(ValidationError):
            ask(office_user, kind=PeriodKind.MONTH, start=date(2026, 5, 1))


def test_entries_around_midnight_fall_in_the_month_of_their_day_in_wuxi(park, time_machine):
    time_machine.move_to(datetime(2026, 7, 10, 10, 0, tzinfo=SHANGHAI), tick=False)
    for when, kind in [
        (datetime(2026, 5, 31, 23, 59, 59, tzinfo=SHANGHAI), ActivityKind.VISIT),  # May
        (datetime(2026, 5, 31, 15, 59, 59, tzinfo=UTC), ActivityKind.LECTURE),  # May in Wuxi
        (datetime(2026, 6, 1, 0, 0, 0, tzinfo=SHANGHAI), ActivityKind.CARE),  # June
        (datetime(2026, 5, 31, 16, 0, 0, tzinfo=UTC), ActivityKind.FORUM),  # June in Wuxi
        (datetime(2026, 6, 30, 23, 59, 59, tzinfo=SHANGHAI), ActivityKind.TRAINING),  # June
        (datetime(2026, 6, 30, 16, 0, 0, tzinfo=UTC), ActivityKind.MEDIATION),  # July in Wuxi
    ]:
        ActivityFactory(grid_zone=None, park=park, occurred_at=when, kind=kind, participants=1)

    def counted(start, end):
        report = Report(
            scope=ReportScope.PARK,
            park=park,
            period_kind=PeriodKind.MONTH,
            period_start=start,
            period_end=end,
        )
        by_kind = build_snapshot(report)["activities"]["current"]["by_kind"]
        return {kind for kind, figures in by_kind.items() if figures["count"]}

    assert counted(date(2026, 5, 1), date(2026, 5, 31)) == {"visit", "lecture"}
    assert counted(date(2026, 6, 1), date(2026, 6, 30)) == {"care", "forum", "training"}
