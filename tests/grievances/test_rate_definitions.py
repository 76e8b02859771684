"""Each definition of grievances.rates on a small hand-made history, the answer written down
(issue 12: rate definitions that cannot flatter). The histories are walked through the real
workflow services, so returns, reopens and follow-up calls are recorded as in use."""

import importlib
import re

import pytest
from django.apps import apps
from django.conf import settings

from grievances import selectors
from grievances.models import FollowUp, Grievance
from parks.history.models import AuditEvent
from tests.factories import GrievanceFactory, OrganisationFactory, SurveyCampaignFactory
from tests.grievances.rates_helpers import Desk, days, hours, local

pytestmark = pytest.mark.django_db

START = local(2026, 6, 1, 9, 0)  # received at 09:00 on 1 June in Wuxi


@pytest.fixture
def desk(time_machine):
    return Desk(time_machine)


def figures(*keys, now):
    counted = selectors.rates(Grievance.objects.all(), now=now)
    return tuple(counted[key] for key in keys)


# --- Pending is not late ---------------------------------------------------------------------


def test_a_grievance_whose_deadline_has_not_passed_is_pending_not_a_failure(desk, park):
    waiting = desk.received(park, START)
    desk.assign(waiting, START)  # sent to the unit, not yet accepted
    desk.handled(desk.received(park, START), accepted=hours(2))
    desk.handled(desk.received(park, START), accepted=hours(2), replied=days(1))

    # Ten hours in: the waiting one still has 14 hours to be accepted, and two have 14 days to
    # be resolved. Before issue 12 they were failures: 2 / 3 = 66.7 % and 1 / 3 = 33.3 %.
    keys = ("response_pending", "response_counted", "responded_in_time", "response_rate")
    assert figures(*keys, now=START + hours(10)) == (1, 2, 2, 100.0)
    keys = ("resolution_pending", "resolution_counted", "resolved", "resolution_rate")
    assert figures(*keys, now=START + hours(10)) == (2, 1, 1, 100.0)

    # Once the response limit has passed, the waiting one is late.
    keys = ("response_pending", "response_counted", "responded_in_time", "response_rate")
    assert figures(*keys, now=START + hours(25)) == (0, 3, 2, 66.7)
    # Once the resolution limit has passed, the two unanswered ones are unresolved.
    keys = ("resolution_pending", "resolution_counted", "resolved", "resolution_rate")
    assert figures(*keys, now=START + days(16)) == (0, 3, 1, 33.3)


def test_the_moment_a_deadline_falls_on_is_still_pending(desk, park):
    desk.received(park, START)
    due = START + hours(24)
    assert figures("response_pending", "response_rate", now=due) == (1, None)
    assert figures("response_pending", "response_rate", now=due + hours(0.001)) == (0, 0.0)


# --- On-time resolution ----------------------------------------------------------------------


def test_the_on_time_resolution_rate_counts_replies_by_the_deadline(desk, park):
    desk.handled(desk.received(park, START), accepted=hours(1), replied=days(3))  # in time
    desk.handled(desk.received(park, START), accepted=hours(1), replied=days(20))  # late
    desk.handled(desk.received(park, START), accepted=hours(1))  # never replied: late
    desk.handled(desk.received(park, START + days(20)), accepted=hours(1))  # not due yet

    keys = (
        "resolution_pending",
        "resolution_counted",
        "resolved",
        "resolved_in_time",
        "resolution_rate",
        "on_time_resolution_rate",
    )
    assert figures(*keys, now=START + days(25)) == (1, 3, 2, 1, 66.7, 33.3)


# --- Every follow-up call counts ---------------------------------------------------------------


def test_a_dissatisfied_call_stays_counted_when_the_grievance_is_reopened(desk, park):
    """The issue's month: 14 of 17 by the last answers, 14 of 20 counting every call."""
    for _n in range(14):
        grievance = desk.handled(desk.received(park, START), accepted=hours(1), replied=days(2))
        desk.call(grievance, START + days(3), "satisfied")
    for _n in range(3):
        grievance = desk.handled(desk.received(park, START), accepted=hours(1), replied=days(2))
        desk.call(grievance, START + days(3), "unsatisfied")
        desk.reopen(grievance, START + days(3))
        desk.reply(grievance, START + days(5))
        desk.call(grievance, START + days(6), "unsatisfied")

    # What the one overwritten field said (before issue 12): 14 satisfied of 17 answers.
    assert Grievance.objects.exclude(satisfaction="").count() == 17
    keys = ("followed_up", "satisfied", "satisfaction_rate")
    assert figures(*keys, now=START + days(10)) == (20, 14, 70.0)
    keys = ("first_calls", "first_call_satisfied", "first_call_satisfaction_rate")
    assert figures(*keys, now=START + days(10)) == (17, 14, 82.4)
    assert figures("reopened", "reopen_rate", now=START + days(10)) == (3, 17.6)


def test_a_reopened_grievance_is_resolved_again_only_by_its_new_reply(desk, park):
    grievance = desk.handled(desk.received(park, START), accepted=hours(1), replied=days(2))
    desk.call(grievance, START + days(3), "unsatisfied")
    desk.reopen(grievance, START + days(3))

    keys = ("resolved", "resolved_in_time", "resolution_pending", "resolution_rate")
    assert figures(*keys, now=START + days(4)) == (0, 0, 1, None)  # pending again
    assert figures(*keys, now=START + days(16)) == (0, 0, 0, 0.0)  # and late after the 15th
    desk.reply(grievance, START + days(17))
    assert figures(*keys, now=START + days(18)) == (1, 0, 0, 100.0)


# --- The response of the unit that finally handles it ------------------------------------------


def test_a_return_and_a_late_second_acceptance_cannot_look_on_time(desk, park):
    # Accepted by unit A after 2 hours, returned, and accepted by unit B after 30 hours.
    moved = desk.received(park, START)
    desk.assign(moved, START)
    desk.accept(moved, START + hours(2))
    desk.give_back(moved, START + hours(3))
    desk.assign(moved, START + hours(4), unit=desk.unit_b)
    desk.accept(moved, START + hours(30))
    # Accepted after 2 hours and returned; still waiting at the office after the 24 hours.
    returned = desk.received(park, START)
    desk.assign(returned, START)
    desk.accept(returned, START + hours(2))
    desk.give_back(returned, START + hours(3))
    # Accepted after 2 hours by the only unit.
    desk.handled(desk.received(park, START), accepted=hours(2))

    # Before issue 12 all three were on time (the first acceptance): 3 / 3 = 100 %.
    keys = ("response_counted", "responded_in_time", "response_rate")
    assert figures(*keys, now=START + days(2)) == (3, 1, 33.3)
    keys = ("dispatched", "returned_to_office", "return_rate")
    assert figures(*keys, now=START + days(2)) == (3, 2, 66.7)
    # The inbox flags them the same way.
    flagged = selectors.with_deadline_flags(Grievance.objects.all(), now=START + days(2))
    assert {g.pk for g in flagged if g.response_breached} == {moved.pk, returned.pk}


def test_a_return_before_the_deadline_leaves_the_response_pending(desk, park):
    grievance = desk.received(park, START)
    desk.assign(grievance, START)
    desk.accept(grievance, START + hours(2))
    desk.give_back(grievance, START + hours(3))
    keys = ("response_pending", "responded_in_time", "response_rate")
    assert figures(*keys, now=START + hours(5)) == (1, 0, None)


# --- The survey funnel -------------------------------------------------------------------------


def test_a_withdrawn_survey_opinion_is_not_in_the_funnel(desk, park):
    survey = SurveyCampaignFactory(park=park, handed_out=100, returned=60)
    kept = desk.received(park, START, channel="survey", survey=survey, category="opinion")
    desk.handled(kept, accepted=hours(1), replied=days(2))
    desk.call(kept, START + days(3), "satisfied", rectified=True)
    withdrawn = desk.received(park, START, channel="survey", survey=survey, category="opinion")
    desk.withdraw(withdrawn, START + hours(1))

    funnel = selectors.survey_funnel(surveys=park.surveys.all(), grievances=Grievance.objects.all())
    # Before issue 12 the withdrawn opinion counted: opinions 2.
    assert funnel == {"handed_out": 100, "returned": 60, "opinions": 1, "rectified": 1}
    assert selectors.rates(Grievance.objects.all())["received"] == 1


# --- The backfill of the calls and of the final acceptance -------------------------------------

BACKFILL = importlib.import_module(
    "grievances.migrations.0005_backfill_follow_ups_and_final_acceptance"
)


def _history(desk, park):
    """A grievance called twice (unsatisfied, reopened, satisfied) and one returned and
    accepted again by unit B; then the rows as they stood before the migration."""
    called = desk.handled(desk.received(park, START), accepted=hours(1), replied=days(2))
    desk.call(called, START + days(3), "basically_satisfied")
    desk.reopen(called, START + days(3))
    desk.reply(called, START + days(5))
    desk.call(called, START + days(6), "satisfied")
    moved = desk.received(park, START)
    desk.assign(moved, START)
    desk.accept(moved, START + hours(2))
    desk.give_back(moved, START + hours(3))
    desk.assign(moved, START + hours(4), unit=desk.unit_b)
    desk.accept(moved, START + hours(30))
    # Before: no calls kept, and the response was the first acceptance.
    FollowUp.objects.all().delete()
    Grievance.objects.filter(pk=moved.pk).update(responded_at=START + hours(2))
    return called, moved


def _calls(grievance):
    return list(grievance.follow_ups.values_list("number", "at", "satisfaction"))


def test_the_backfill_reads_each_calls_answer_from_the_audit_log(desk, park):
    called, moved = _history(desk, park)

    BACKFILL.backfill_follow_ups(apps, None)
    BACKFILL.judge_the_final_acceptance(apps, None)

    assert _calls(called) == [
        (1, START + days(3), "basically_satisfied"),
        (2, START + days(6), "satisfied"),
    ]
    moved.refresh_from_db()
    assert moved.responded_at == START + hours(30)


def test_without_the_audit_log_a_reopened_call_is_taken_as_unsatisfied(desk, park):
    called, _moved = _history(desk, park)
    AuditEvent.objects.all().delete()

    BACKFILL.backfill_follow_ups(apps, None)

    assert _calls(called) == [
        (1, START + days(3), "unsatisfied"),
        (2, START + days(6), "satisfied"),
    ]


def test_a_satisfaction_written_outside_the_workflow_becomes_one_call(park):
    grievance = GrievanceFactory(
        park=park,
        status="closed",
        handling_unit=OrganisationFactory(),
        satisfaction="unsatisfied",
        resolved_at=START + days(2),
        follow_ups=[],  # as the row stood before the migration: no call kept
    )

    BACKFILL.backfill_follow_ups(apps, None)

    assert _calls(grievance) == [(1, START + days(2), "unsatisfied")]


def test_the_grievance_page_lists_every_call(client, desk, park):
    grievance = desk.handled(desk.received(park, START), accepted=hours(1), replied=days(2))
    desk.call(grievance, START + days(3), "unsatisfied")
    desk.reopen(grievance, START + days(3))
    desk.reply(grievance, START + days(5))
    desk.call(grievance, START + days(6), "satisfied")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(desk.office)

    html = client.get(grievance.get_absolute_url()).content.decode()

    calls = re.search(r'id="follow-up-calls">(.*?)</dd>', html, re.S).group(1)
    assert re.findall(r'data-call="(\d)">([^<]*)<', calls) == [
        ("1", "Call 1, 2026-06-04: Unsatisfied"),
        ("2", "Call 2, 2026-06-07: Satisfied"),
    ]
