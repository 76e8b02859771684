"""Deadline flags at each boundary, masking, scope, the three rates and the survey funnel."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from grievances import selectors
from grievances.models import Grievance, SurveyCampaign
from parks.structure.choices import Role
from tests.factories import (
    GrievanceFactory,
    OrganisationFactory,
    ParkFactory,
    SurveyCampaignFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# GrievanceFactory: received at 09:00 UTC on 1 June 2026, respond within 24 hours, resolve
# within 15 days. The warning windows are 4 hours (response) and 2 days (resolution).
RECEIVED = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
RESPOND_BY = RECEIVED + timedelta(hours=24)
RESOLVE_BY = RECEIVED + timedelta(days=15)
SECOND = timedelta(seconds=1)


def flags(grievance, now):
    row = selectors.with_deadline_flags(Grievance.objects.filter(pk=grievance.pk), now=now).get()
    return {
        "flag": row.deadline_flag,
        "response_breached": row.response_breached,
        "resolution_breached": row.resolution_breached,
        "due_soon": row.due_soon,
    }


@pytest.fixture
def unit():
    return OrganisationFactory()


def waiting(unit):
    """Assigned, not yet accepted."""
    return GrievanceFactory(status="assigned", handling_unit=unit)


def handled(unit, accepted_after=timedelta(hours=2)):
    return GrievanceFactory(
        status="in_progress", handling_unit=unit, responded_at=RECEIVED + accepted_after
    )


# --- Response deadline ------------------------------------------------------------------------


def test_a_fresh_grievance_is_ok(unit):
    assert flags(waiting(unit), RECEIVED + timedelta(hours=1)) == {
        "flag": "ok",
        "response_breached": False,
        "resolution_breached": False,
        "due_soon": False,
    }


def test_the_response_is_due_soon_from_four_hours_before_the_limit(unit):
    grievance = waiting(unit)
    assert flags(grievance, RESPOND_BY - timedelta(hours=4) - SECOND)["flag"] == "ok"
    assert flags(grievance, RESPOND_BY - timedelta(hours=4))["flag"] == "due_soon"
    assert flags(grievance, RESPOND_BY)["flag"] == "due_soon"


def test_the_response_is_breached_just_after_the_limit(unit):
    result = flags(waiting(unit), RESPOND_BY + SECOND)
    assert result["flag"] == "breached" and result["response_breached"]
    assert not result["resolution_breached"]


def test_a_received_or_returned_grievance_breaches_the_response_too():
    received = GrievanceFactory()
    returned = GrievanceFactory(status="returned", handling_unit=OrganisationFactory())
    assert flags(received, RESPOND_BY + SECOND)["response_breached"]
    assert flags(returned, RESPOND_BY + SECOND)["response_breached"]


def test_accepting_late_stays_a_breach_for_good(unit):
    late = handled(unit, accepted_after=timedelta(hours=30))
    assert flags(late, RESPOND_BY + timedelta(hours=7))["response_breached"]
    Grievance.objects.filter(pk=late.pk).update(
        status="closed",
        resolved_at=RECEIVED + timedelta(days=3),
        satisfaction="satisfied",
        closed_at=RECEIVED + timedelta(days=4),
    )
    assert flags(late, RECEIVED + timedelta(days=30))["flag"] == "breached"


def test_accepting_in_time_clears_the_response_warning(unit):
    result = flags(handled(unit), RESPOND_BY + timedelta(hours=1))
    assert result == {
        "flag": "ok",
        "response_breached": False,
        "resolution_breached": False,
        "due_soon": False,
    }


def test_the_clock_is_read_when_no_time_is_given(unit):
    grievance = waiting(unit)
    with time_machine.travel(RESPOND_BY - timedelta(hours=2), tick=False):
        row = selectors.with_deadline_flags(Grievance.objects.filter(pk=grievance.pk)).get()
        assert row.deadline_flag == "due_soon"
    with time_machine.travel(RESPOND_BY + timedelta(minutes=1), tick=False):
        assert selectors.inbox(user=UserFactory(role=Role.OFFICE)).get().deadline_flag == (
            "breached"
        )


# --- Resolution deadline ----------------------------------------------------------------------


def test_the_resolution_is_due_soon_from_two_days_before_the_limit(unit):
    grievance = handled(unit)
    assert flags(grievance, RESOLVE_BY - timedelta(days=2) - SECOND)["flag"] == "ok"
    assert flags(grievance, RESOLVE_BY - timedelta(days=2))["flag"] == "due_soon"
    assert flags(grievance, RESOLVE_BY)["flag"] == "due_soon"


def test_the_resolution_is_breached_just_after_the_limit(unit):
    result = flags(handled(unit), RESOLVE_BY + SECOND)
    assert result["flag"] == "breached" and result["resolution_breached"]
    assert not result["response_breached"]


def test_a_late_reply_stays_a_breach_and_an_early_one_does_not(unit):
    late = GrievanceFactory(
        status="replied",
        handling_unit=unit,
        responded_at=RECEIVED + timedelta(hours=1),
        resolved_at=RESOLVE_BY + timedelta(hours=1),
    )
    early = GrievanceFactory(
        status="replied",
        handling_unit=unit,
        responded_at=RECEIVED + timedelta(hours=1),
        resolved_at=RECEIVED + timedelta(days=3),
    )
    later = RESOLVE_BY + timedelta(days=10)
    assert flags(late, later)["resolution_breached"]
    assert flags(early, later) == {
        "flag": "ok",
        "response_breached": False,
        "resolution_breached": False,
        "due_soon": False,
    }


# --- Done -------------------------------------------------------------------------------------


def test_closed_in_time_is_done(unit):
    closed = GrievanceFactory(
        status="closed",
        handling_unit=unit,
        responded_at=RECEIVED + timedelta(hours=1),
        resolved_at=RECEIVED + timedelta(days=3),
        satisfaction="satisfied",
        closed_at=RECEIVED + timedelta(days=4),
    )
    assert flags(closed, RESOLVE_BY + timedelta(days=30))["flag"] == "done"


def test_a_withdrawn_grievance_is_done_however_late():
    withdrawn = GrievanceFactory(status="withdrawn")
    assert flags(withdrawn, RESOLVE_BY + timedelta(days=30)) == {
        "flag": "done",
        "response_breached": False,
        "resolution_breached": False,
        "due_soon": False,
    }


# --- Masking ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "masked"), [("张三丰", "张**"), ("欧阳娜娜", "欧**"), ("李", "李**"), ("", "")]
)
def test_names_keep_only_the_family_character(name, masked):
    assert selectors.mask_name(name) == masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("0510-82712345", "051****2345"),
        ("82712345", "******45"),
        ("12345", "***45"),
        ("", ""),
    ],
)
def test_phones_show_at_most_the_first_three_and_last_four(phone, masked):
    assert selectors.mask_phone(phone) == masked


def test_personal_data_is_for_the_office_and_the_handling_unit(
    unit, office_user, liaison, park, park_manager
):
    grievance = GrievanceFactory(park=park, status="assigned", handling_unit=unit)
    unit_staff = UserFactory(role=Role.MEMBER_UNIT, organisation=unit)
    other_unit = UserFactory(role=Role.MEMBER_UNIT, organisation=OrganisationFactory())
    assert selectors.user_may_see_personal_data(office_user, grievance)
    assert selectors.user_may_see_personal_data(unit_staff, grievance)
    for user in (liaison, park_manager, other_unit):
        assert not selectors.user_may_see_personal_data(user, grievance)


# --- Scope ------------------------------------------------------------------------------------


def test_scope_by_role(office_user, liaison, park, other_park, subdistrict_user):
    unit = OrganisationFactory()
    mine = GrievanceFactory(park=park)
    theirs = GrievanceFactory(park=other_park, status="assigned", handling_unit=unit)
    parked_unit_user = UserFactory(role=Role.MEMBER_UNIT, organisation=unit, park=park)

    def visible(user):
        return set(selectors.grievances_visible_to(user))

    assert visible(office_user) == {mine, theirs}
    assert visible(liaison) == {mine}
    assert visible(subdistrict_user) == {mine}
    # A unit given one park still sees what it was assigned elsewhere.
    assert visible(parked_unit_user) == {mine, theirs}


# --- The three rates on a known data set ------------------------------------------------------


def graded(
    park,
    received,
    *,
    status,
    responded=None,
    resolved=None,
    satisfaction="",
    channel="gm_mailbox",
    rectified=False,
):
    """A grievance with known times. `responded` in hours and `resolved` in days after receipt."""
    return GrievanceFactory(
        park=park,
        received_at=received,
        status=status,
        handling_unit=OrganisationFactory(),
        responded_at=received + timedelta(hours=responded) if responded is not None else None,
        resolved_at=received + timedelta(days=resolved) if resolved is not None else None,
        satisfaction=satisfaction,
        channel=channel,
        rectified=rectified,
    )


JUNE = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)
JULY = datetime(2026, 7, 10, 9, 0, tzinfo=UTC)
# 20:00 UTC on 30 June is 04:00 on 1 July in Shanghai: a July grievance.
JULY_IN_SHANGHAI = datetime(2026, 6, 30, 20, 0, tzinfo=UTC)


@pytest.fixture
def known_data():
    """Ten grievances; the comment on each says what it counts towards.

    rit = responded in time (24 h), res = resolved, rrit = resolved in time (15 d),
    fu = followed up, sat = satisfied or basically satisfied.
    """
    a, b = ParkFactory(name="甲园区"), ParkFactory(name="乙园区")
    # Park A, June
    graded(a, JUNE, status="closed", responded=2, resolved=3, satisfaction="satisfied")
    # ^ rit res rrit fu sat
    graded(a, JUNE, status="closed", responded=30, resolved=20, satisfaction="basically_satisfied")
    # ^ res fu sat (answered and resolved late)
    graded(a, JUNE, status="followed_up", responded=5, resolved=10, satisfaction="unsatisfied")
    # ^ rit res rrit fu
    graded(a, JUNE, status="replied", responded=1, resolved=4)  # rit res rrit
    graded(a, JUNE, status="assigned")  # nothing
    graded(a, JUNE, status="withdrawn", responded=1)  # not counted at all
    # Park A, July
    graded(a, JULY, status="replied", responded=3, resolved=2)  # rit res rrit
    graded(a, JULY_IN_SHANGHAI, status="received")  # nothing
    # Park B, June
    graded(b, JUNE, status="closed", responded=10, resolved=5, satisfaction="satisfied")
    # ^ rit res rrit fu sat
    graded(b, JUNE, status="replied", responded=48, resolved=10)  # res rrit
    return a, b


def test_the_three_rates_over_everything(known_data):
    # Issue 12 added the pending counts, the denominators they leave and four more rates; every
    # deadline here has passed, so the three rates are what they were.
    assert selectors.rates(Grievance.objects.all()) == {
        "received": 9,
        "response_pending": 0,
        "response_counted": 9,
        "responded_in_time": 5,
        "resolution_pending": 0,
        "resolution_counted": 9,
        "resolved": 7,
        "resolved_in_time": 6,
        "dispatched": 9,
        "returned_to_office": 0,
        "first_calls": 4,
        "first_call_satisfied": 3,
        "followed_up": 4,  # calls: one per grievance with a satisfaction (the factory's)
        "satisfied": 3,
        "reopened": 0,
        "response_rate": 55.6,  # 5 / 9
        "resolution_rate": 77.8,  # 7 / 9
        "on_time_resolution_rate": 66.7,  # 6 / 9
        "satisfaction_rate": 75.0,  # 3 / 4
        "first_call_satisfaction_rate": 75.0,  # 3 / 4
        "return_rate": 0.0,  # 0 / 9
        "reopen_rate": 0.0,  # 0 / 4
    }


def test_the_three_rates_per_park(known_data):
    a, b = known_data
    rows = {row["park__name"]: row for row in selectors.rates_by(Grievance.objects.all(), "park")}
    assert set(rows) == {"甲园区", "乙园区"}
    assert {k: rows["甲园区"][k] for k in ("received", "response_rate", "resolution_rate")} == {
        "received": 7,
        "response_rate": 57.1,  # 4 / 7
        "resolution_rate": 71.4,  # 5 / 7
    }
    assert rows["甲园区"]["satisfaction_rate"] == 66.7  # 2 / 3
    assert (
        rows["乙园区"]["received"],
        rows["乙园区"]["response_rate"],
        rows["乙园区"]["resolution_rate"],
        rows["乙园区"]["satisfaction_rate"],
    ) == (2, 50.0, 100.0, 100.0)
    assert rows["甲园区"]["park"] == a.pk and rows["乙园区"]["park"] == b.pk


def test_the_three_rates_per_month_in_shanghai_time(known_data):
    rows = selectors.rates_by(Grievance.objects.all(), "month")
    assert [row["month"].strftime("%Y-%m") for row in rows] == ["2026-06", "2026-07"]
    june, july = rows
    assert (june["received"], june["responded_in_time"], june["resolved"]) == (7, 4, 6)
    assert (june["response_rate"], june["resolution_rate"], june["satisfaction_rate"]) == (
        57.1,  # 4 / 7
        85.7,  # 6 / 7
        75.0,  # 3 / 4
    )
    assert (july["received"], july["response_rate"], july["resolution_rate"]) == (2, 50.0, 50.0)
    assert july["satisfaction_rate"] is None  # nobody followed up: no rate, not 0 %


def test_a_period_counts_by_the_local_day_of_receipt(known_data):
    july = selectors.grievances_in_period(Grievance.objects.all(), start=date(2026, 7, 1))
    june = selectors.grievances_in_period(Grievance.objects.all(), end=date(2026, 7, 1))
    assert selectors.rates(july)["received"] == 2
    assert selectors.rates(june)["received"] == 7


def test_rates_of_nothing_are_null_not_zero():
    # Issue 12 added the pending counts and four more rates: null too over nothing.
    nothing = selectors.rates(Grievance.objects.none())
    assert nothing == {
        "received": 0,
        "response_pending": 0,
        "response_counted": 0,
        "responded_in_time": 0,
        "resolution_pending": 0,
        "resolution_counted": 0,
        "resolved": 0,
        "resolved_in_time": 0,
        "dispatched": 0,
        "returned_to_office": 0,
        "first_calls": 0,
        "first_call_satisfied": 0,
        "followed_up": 0,
        "satisfied": 0,
        "reopened": 0,
        "response_rate": None,
        "resolution_rate": None,
        "on_time_resolution_rate": None,
        "satisfaction_rate": None,
        "first_call_satisfaction_rate": None,
        "return_rate": None,
        "reopen_rate": None,
    }
    assert nothing == selectors.no_grievances()


def test_rates_run_in_one_query(known_data, django_assert_num_queries):
    with django_assert_num_queries(1):
        selectors.rates(Grievance.objects.all())
    with django_assert_num_queries(1):
        selectors.rates_by(Grievance.objects.all(), "unit")


# --- The survey funnel ------------------------------------------------------------------------


def test_the_survey_funnel(park, other_park):
    SurveyCampaignFactory(park=park, handed_out=900, returned=600)
    SurveyCampaignFactory(park=park, handed_out=100, returned=50)
    SurveyCampaignFactory(park=other_park, handed_out=200, returned=100)
    for rectified in (True, True, False):
        GrievanceFactory(park=park, channel="survey", category="opinion", rectified=rectified)
    GrievanceFactory(park=park, channel="gm_mailbox", rectified=True)  # not a survey opinion
    GrievanceFactory(park=other_park, channel="survey", category="opinion")

    funnel = selectors.survey_funnel(
        surveys=SurveyCampaign.objects.filter(park=park),
        grievances=Grievance.objects.filter(park=park),
    )

    assert funnel == {"handed_out": 1000, "returned": 650, "opinions": 3, "rectified": 2}
    assert selectors.survey_funnel(
        surveys=SurveyCampaign.objects.none(), grievances=Grievance.objects.none()
    ) == {"handed_out": 0, "returned": 0, "opinions": 0, "rectified": 0}
