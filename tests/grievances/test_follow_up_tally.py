"""Each grievance's follow-up calls counted by triggers (grievances.followup_counts) stay equal to
the calls counted through every kind of write, and the rates read from them are the rates
counted from the calls themselves (the way SQLite, without triggers, counts them)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from grievances import rates as grievance_rates
from grievances import selectors, workflow
from grievances.choices import SATISFIED_LEVELS
from grievances.followup_counts import FollowUpTally
from grievances.merging import grievance_merge
from grievances.models import FollowUp, Grievance
from tests.factories import GrievanceFactory, OrganisationFactory
from tests.grievances.services_helpers import grievance_in

pytestmark = pytest.mark.django_db

FIRST = Q(number=1)
SATISFIED = Q(satisfaction__in=SATISFIED_LEVELS)


def tallied():
    """The counters, without the rows of grievances whose calls are all gone (zeros)."""
    rows = FollowUpTally.objects.values_list(
        "grievance_id", "n", "satisfied", "first_calls", "first_call_satisfied"
    )
    return {row[0]: row[1:] for row in rows if any(row[1:])}


def counted():
    rows = (
        FollowUp.objects.order_by()
        .values("grievance_id")
        .annotate(
            n=Count("pk"),
            satisfied=Count("pk", filter=SATISFIED),
            first_calls=Count("pk", filter=FIRST),
            first_call_satisfied=Count("pk", filter=FIRST & SATISFIED),
        )
    )
    return {
        row["grievance_id"]: (
            row["n"],
            row["satisfied"],
            row["first_calls"],
            row["first_call_satisfied"],
        )
        for row in rows
    }


def calls(grievance, *answers):
    """Calls numbered after the grievance's last, one per answer, in one INSERT."""
    last = grievance.follow_ups.count()
    FollowUp.objects.bulk_create(
        FollowUp(grievance=grievance, number=last + n, satisfaction=answer)
        for n, answer in enumerate(answers, start=1)
    )


@pytest.fixture
def called(park, office_user):
    """Grievances with no call, one call, and calls after a reopen."""
    made = [GrievanceFactory(park=park) for _ in range(4)]
    calls(made[1], "satisfied")
    calls(made[2], "unsatisfied", "basically_satisfied", "satisfied")
    calls(made[3], "unsatisfied")
    assert tallied() == counted()
    assert set(tallied()) == {made[1].pk, made[2].pk, made[3].pk}
    return made


def test_the_counters_need_postgresql():
    # The tests run on PostgreSQL, so these are the triggers' numbers, not a fallback's.
    assert connection.vendor == "postgresql"


def test_a_call_logged_through_the_workflow_is_counted(park, office_user):
    replied = grievance_in("replied", OrganisationFactory(), park=park)
    workflow.grievance_follow_up(
        grievance=replied, actor=office_user, satisfaction="basically_satisfied"
    )
    assert tallied() == counted() == {replied.pk: (1, 1, 1, 1)}


def test_inserts_updates_and_deletes_of_calls_keep_the_counters_exact(called):
    empty, one, three, unhappy = called
    calls(empty, "unsatisfied", "satisfied")
    assert tallied() == counted()
    # An answer corrected, a call renumbered, a call moved to another grievance.
    FollowUp.objects.filter(grievance=unhappy).update(satisfaction="satisfied")
    assert tallied()[unhappy.pk] == (1, 1, 1, 1)
    FollowUp.objects.filter(grievance=one, number=1).update(number=5)
    assert tallied()[one.pk] == (1, 1, 0, 0)
    FollowUp.objects.filter(grievance=three, number=3).update(grievance=one)
    assert tallied() == counted()
    # An update that changes nothing counted writes nothing, and leaves them equal.
    FollowUp.objects.update(at=timezone.now() - timedelta(days=1))
    assert tallied() == counted()
    FollowUp.objects.filter(grievance=three, number=1).delete()
    assert tallied() == counted()
    FollowUp.objects.filter(satisfaction="satisfied").delete()
    assert tallied() == counted()
    assert FollowUpTally.objects.get(grievance=one).n == 0


def test_deleting_or_merging_grievances_keeps_the_counters_exact(called, office_user):
    empty, one, three, unhappy = called
    three.delete()  # its calls go with it
    assert tallied() == counted()
    Grievance.objects.filter(pk=one.pk).delete()
    assert tallied() == counted()
    grievance_merge(duplicate=unhappy, survivor=empty, actor=office_user)
    assert tallied() == counted()
    with connection.cursor() as cursor:
        # The deferred foreign-key checks first: TRUNCATE refuses while they are pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE grievances_followup")
    assert tallied() == counted() == {}
    assert not FollowUpTally.objects.exists()


def _rates(monkeypatch, *, kept):
    monkeypatch.setattr(grievance_rates, "rollups_kept", lambda: kept)
    grievances = Grievance.objects.all()
    now = timezone.now()
    return (
        selectors.rates(grievances, now=now),
        selectors.rates_by(grievances, "park", now=now),
        selectors.rates_by(grievances, "month", now=now),
    )


def test_the_rates_read_from_the_counters_are_the_rates_counted_from_the_calls(
    called, other_park, monkeypatch
):
    moved = GrievanceFactory(park=other_park)
    calls(moved, "satisfied", "unsatisfied")
    grievance_in("withdrawn", None, park=other_park)  # counted nowhere, calls or not
    calls(Grievance.objects.get(status="withdrawn"), "satisfied")
    from_counters = _rates(monkeypatch, kept=True)
    from_calls = _rates(monkeypatch, kept=False)
    assert from_counters == from_calls
    totals = from_counters[0]
    assert (totals["followed_up"], totals["satisfied"]) == (7, 4)
    assert (totals["first_calls"], totals["first_call_satisfied"]) == (4, 2)
    assert totals["satisfaction_rate"] == 57.1
