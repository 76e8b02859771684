"""No report for a scope with no parks, and no backlog of catch-up reports on a new installation:
a missed run is made up only for the parks that existed when it was due."""

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from parks.structure.models import Park
from reforms.reporting import schedules
from reforms.reporting.choices import PeriodKind, ReportScope
from reforms.reporting.models import Report
from tests.factories import ParkFactory, SubdistrictFactory
from tests.reforms import report_services_helpers as shared
from tests.reforms.report_services_helpers import LONG_AGO, SHANGHAI, ask

# The shared fixtures, bound here so pytest finds them by name.
default_schedules = shared.default_schedules
on_wednesday = shared.on_wednesday

API = "/api/v1/reports/"


def _keys():
    return sorted(Report.objects.values_list("scope_key", flat=True))


# --- Scheduled runs -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_scheduled_run_leaves_out_subdistricts_without_parks(park, on_wednesday):
    empty = SubdistrictFactory(name="黄巷街道")
    assert schedules.produce_scheduled_reports(period_kind=PeriodKind.MONTH) == 3
    assert _keys() == sorted(["district", f"subdistrict:{park.subdistrict_id}", f"park:{park.pk}"])
    assert not Report.objects.filter(subdistrict=empty).exists()


@pytest.mark.django_db
def test_a_scheduled_run_on_an_empty_database_makes_nothing(on_wednesday):
    SubdistrictFactory(name="黄巷街道")  # the district's subdistricts, before any park
    assert schedules.produce_scheduled_reports(period_kind=PeriodKind.WEEK) == 0
    assert not Report.objects.exists()


# --- Catching up --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_catching_up_on_an_empty_database_makes_nothing(default_schedules, on_wednesday):
    SubdistrictFactory(name="黄巷街道")
    assert schedules.catch_up_scheduled_reports() == 0
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_parks_entered_today_get_no_backlog_the_next_run_makes_their_first_reports(
    default_schedules, time_machine
):
    time_machine.move_to(datetime(2026, 6, 10, 10, 0, tzinfo=SHANGHAI), tick=False)
    park = ParkFactory(name="无锡华夏家居港建材市场")  # the installation is set up on Wednesday
    assert schedules.catch_up_scheduled_reports() == 0

    # Monday 06:00 in Wuxi (Sunday 22:00 UTC) is the weekly run's time: had beat been down
    # then, the catch-up makes what it would have made: the week the park was entered in.
    time_machine.move_to(datetime(2026, 6, 15, 6, 0, tzinfo=SHANGHAI), tick=False)
    assert schedules.catch_up_scheduled_reports() == 3
    assert _keys() == sorted(["district", f"subdistrict:{park.subdistrict_id}", f"park:{park.pk}"])
    assert set(Report.objects.values_list("period_kind", "period_start")) == {
        (PeriodKind.WEEK, date(2026, 6, 8))
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("entered", "made_up"),
    [
        (datetime(2026, 6, 7, 23, 59, 59, tzinfo=SHANGHAI), True),  # the week's last second
        (datetime(2026, 6, 7, 16, 0, 0, tzinfo=UTC), True),  # Monday 00:00 in Wuxi
        (datetime(2026, 6, 8, 6, 0, 0, tzinfo=SHANGHAI), True),  # the run's very moment
        (datetime(2026, 6, 7, 22, 0, 1, tzinfo=UTC), False),  # Monday 06:00:01 in Wuxi
    ],
)
def test_a_missed_run_is_made_up_for_the_parks_that_existed_when_it_was_due(
    default_schedules, on_wednesday, entered, made_up
):
    old = ParkFactory(name="无锡盛阳食品城")
    Park.objects.filter(pk=old.pk).update(created_at=LONG_AGO)
    new = ParkFactory(name="新园区", subdistrict=SubdistrictFactory(name="黄巷街道"))
    Park.objects.filter(pk=new.pk).update(created_at=entered)
    schedules.catch_up_scheduled_reports()
    weekly = Report.objects.filter(period_kind=PeriodKind.WEEK, period_start=date(2026, 6, 1))
    assert weekly.filter(park=old).exists()
    assert weekly.filter(park=new).exists() == made_up
    assert weekly.filter(subdistrict=new.subdistrict).exists() == made_up
    # The monthly run was due on 1 June, before the new park whichever moment it came.
    assert not Report.objects.filter(period_kind=PeriodKind.MONTH, park=new).exists()


# --- Asking -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_asking_for_a_subdistrict_without_parks_is_refused(office_user, park, on_wednesday):
    empty = SubdistrictFactory(name="黄巷街道")
    with pytest.raises(ValidationError) as error:
        ask(office_user, scope=ReportScope.SUBDISTRICT, subdistrict=empty)
    assert "黄巷街道 has no parks yet" in error.value.message_dict["subdistrict"][0]
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_asking_for_the_district_before_any_park_is_entered_is_refused(office_user, on_wednesday):
    with pytest.raises(ValidationError) as error:
        ask(office_user, scope=ReportScope.DISTRICT)
    assert "has no parks yet" in error.value.message_dict["scope"][0]
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_the_api_and_the_form_refuse_a_scope_without_parks_with_a_400(
    api_as, client, office_user, park
):
    empty = SubdistrictFactory(name="黄巷街道")
    asked = {"scope": "subdistrict", "subdistrict": empty.pk, "period_kind": "month"}
    response = api_as(office_user).post(API, {**asked, "start": "2026-05-01"})
    assert response.status_code == 400
    # The API answers in Chinese by default.
    assert response.json()["subdistrict"][0] == "黄巷街道还没有园区，没有可报告的内容。"

    client.force_login(office_user)
    response = client.post(reverse("reforms:report_request"), {**asked, "day": "2026-05-01"})
    assert response.status_code == 200  # the form again, saying why
    assert "黄巷街道还没有园区，没有可报告的内容。" in response.content.decode()
    assert response.context["form"].errors["subdistrict"]
    assert not Report.objects.exists()
