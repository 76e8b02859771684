"""Scores on a hand-made data set: the expected points are worked out by hand below, never by
the code under test. May 2026, a scheme for member units:

    task_on_time        weight 40, full marks at 100 %, no points at 60 %
    response_rate       weight 30, full marks at 100 %, no points at 60 %
    satisfaction_rate   weight 30, full marks at 100 %, no points at 50 %

区总工会 (A): 4 tasks due in May, 3 done on time, 1 overdue → 75.0 % → (75−60)/40 × 40 = 15.00;
  8 grievances, 7 responded in time → 87.5 % → (87.5−60)/40 × 30 = 20.625 → 20.63 (half up);
  5 follow-up calls, 4 satisfied → 80.0 % → (80−50)/50 × 30 = 18.00. Base 53.63.
区人社局 (B): 3 tasks due, 2 on time → 66.7 % (as the reports state it) → no grievances, so the
  two grievance rates do not apply and their 60 is spread over the task rate: weight 100 →
  (66.7−60)/40 × 100 = 16.75. Base 16.75.
区住建局 (C): 1 task due, done on time → 100 %; 2 grievances, 1 in time → 50 % (below 60: 0);
  no calls. Weights 40 and 30 spread to 100: 57.142… and 42.857… → 57.14 and 42.86 (the cent
  left over to the larger remainder). Points 57.14 + 0 = 57.14.
区司法局 (D): nothing due, nothing received: no indicator applies, no score.
区商务局 (inactive): not assessed.
Ranks: C 57.14 (1), A 53.63 (2), B 16.75 (3).
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from parks.structure.choices import Role
from reforms.assessment import services
from reforms.assessment.choices import NotApplicable, ScoreAction
from reforms.assessment.indicators import Counted
from reforms.assessment.models import SchemeIndicator, Score, ScoreEvent
from reforms.assessment.scoring import score_inputs
from reforms.tasks.choices import TaskStatus
from tests.factories import GrievanceFactory, OrganisationFactory, TaskFactory, UserFactory
from tests.reforms.assessment.factories import scheme_with_rows

pytestmark = pytest.mark.django_db

MAY = date(2026, 5, 1)
INDICATORS = (
    ("task_on_time", "40", "100", "60"),
    ("response_rate", "30", "100", "60"),
    ("satisfaction_rate", "30", "100", "50"),
)


def tasks(unit, on_time, late=0, overdue=0):
    for _ in range(on_time):
        TaskFactory(
            lead_unit=unit,
            due_date=date(2026, 5, 20),
            status=TaskStatus.DONE,
            done_on=date(2026, 5, 18),
            progress=100,
        )
    for _ in range(late):
        TaskFactory(
            lead_unit=unit,
            due_date=date(2026, 5, 10),
            status=TaskStatus.DONE,
            done_on=date(2026, 5, 12),
            progress=100,
        )
    for _ in range(overdue):
        TaskFactory(lead_unit=unit, due_date=date(2026, 5, 10))


def grievances(unit, in_time, late, calls=()):
    received = datetime(2026, 5, 10, 2, 0, tzinfo=UTC)
    made = []
    for n in range(in_time + late):
        hours = 2 if n < in_time else 30
        made.append(
            GrievanceFactory(
                handling_unit=unit,
                received_at=received,
                responded_at=received + timedelta(hours=hours),
                follow_ups=[],
            )
        )
    from tests.factories import record_follow_ups

    for grievance, answer in zip(made, calls, strict=False):
        record_follow_ups(grievance, [answer])


@pytest.fixture
def units():
    a = OrganisationFactory(name="区总工会")
    b = OrganisationFactory(name="区人社局")
    c = OrganisationFactory(name="区住建局")
    d = OrganisationFactory(name="区司法局")
    OrganisationFactory(name="区商务局", is_active=False)
    OrganisationFactory(name="区产改办", kind="district_office")
    tasks(a, on_time=3, overdue=1)
    grievances(
        a, in_time=7, late=1, calls=["satisfied"] * 3 + ["basically_satisfied", "unsatisfied"]
    )
    tasks(b, on_time=2, late=1)
    tasks(c, on_time=1)
    grievances(c, in_time=1, late=1)
    # Out of the period or not chased: counted nowhere.
    TaskFactory(lead_unit=d, due_date=date(2026, 6, 5))
    TaskFactory(lead_unit=d, due_date=date(2026, 5, 5), status=TaskStatus.CANCELLED)
    return a, b, c, d


def table(scores):
    return [(s.unit.name, s.base, s.total, s.rank) for s in scores]


def test_the_hand_made_scores(units, office_user):
    scheme = scheme_with_rows(indicators=INDICATORS)
    scores = services.compute_period(scheme, "month", MAY, by=office_user)
    assert table(scores) == [
        ("区住建局", Decimal("57.14"), Decimal("57.14"), 1),
        ("区总工会", Decimal("53.63"), Decimal("53.63"), 2),
        ("区人社局", Decimal("16.75"), Decimal("16.75"), 3),
    ]
    a = next(s for s in scores if s.unit.name == "区总工会")
    assert [(i["indicator"], i["part"], i["whole"], i["value"], i["points"]) for i in a.inputs] == [
        ("task_on_time", 3, 4, "75.0", "15.00"),
        ("response_rate", 7, 8, "87.5", "20.63"),
        ("satisfaction_rate", 4, 5, "80.0", "18.00"),
    ]
    assert a.period_end == date(2026, 5, 31) and a.scheme_version == 1
    assert a.rules["indicators"][0] == {
        "indicator": "task_on_time",
        "weight": "40.00",
        "full_at": "100.00",
        "zero_at": "60.00",
    }


def test_not_applicable_indicators_spread_their_weight(units, office_user):
    scheme = scheme_with_rows(indicators=INDICATORS)
    scores = {s.unit.name: s for s in services.compute_period(scheme, "month", MAY, by=office_user)}
    b = scores["区人社局"].inputs
    assert [(i["applicable"], i["value"], i["effective_weight"], i["points"]) for i in b] == [
        (True, "66.7", "100.00", "16.75"),
        (False, None, "0.00", "0.00"),
        (False, None, "0.00", "0.00"),
    ]
    c = scores["区住建局"].inputs
    assert [(i["effective_weight"], i["points"]) for i in c] == [
        ("57.14", "57.14"),
        ("42.86", "0.00"),
        ("0.00", "0.00"),
    ]
    assert "区司法局" not in scores and "区商务局" not in scores


def test_not_applicable_indicators_counted_as_earned(units, office_user):
    scheme = scheme_with_rows(indicators=INDICATORS, not_applicable=NotApplicable.FULL_MARKS)
    scores = {s.unit.name: s for s in services.compute_period(scheme, "month", MAY, by=office_user)}
    # B: 6.7/40 × 40 = 6.70, and the two grievance rates' 30 + 30 earned: 66.70.
    # C: 40 + 0 + 30 = 70.00.
    assert {name: s.base for name, s in scores.items()} == {
        "区总工会": Decimal("53.63"),
        "区人社局": Decimal("66.70"),
        "区住建局": Decimal("70.00"),
    }
    assert [i["effective_weight"] for i in scores["区人社局"].inputs] == ["40.00", "30.00", "30.00"]


def test_a_period_is_scored_once(units, office_user):
    scheme = scheme_with_rows(indicators=INDICATORS)
    first = services.compute_period(scheme, "month", MAY)
    again = services.compute_period(scheme, "month", MAY, by=office_user)
    assert [s.pk for s in again] == [s.pk for s in first]
    assert Score.objects.count() == 3
    assert (
        list(ScoreEvent.objects.values_list("action", "actor"))
        == [(ScoreAction.COMPUTED, None)] * 3
    )


def test_a_period_not_ended_or_of_another_year_is_refused(units, office_user):
    scheme = scheme_with_rows(indicators=INDICATORS)
    with pytest.raises(ValidationError, match="starts on its first day"):
        services.compute_period(scheme, "month", date(2026, 5, 2), by=office_user)
    with pytest.raises(ValidationError, match="scores that year's periods only"):
        services.compute_period(scheme, "month", date(2025, 5, 1), by=office_user)
    with pytest.raises(ValidationError, match="has not ended yet"):
        services.compute_period(
            scheme, "month", MAY, by=office_user, now=datetime(2026, 5, 31, 12, tzinfo=UTC)
        )
    assert not Score.objects.exists()


def test_publishing_a_period(units, office_user):
    scheme = scheme_with_rows(indicators=INDICATORS)
    services.compute_period(scheme, "month", MAY)
    assert services.publish_period(scheme, "month", MAY, by=office_user) == 3
    assert services.publish_period(scheme, "month", MAY, by=office_user) == 0
    assert not Score.objects.filter(published_at__isnull=True).exists()
    assert ScoreEvent.objects.filter(action=ScoreAction.PUBLISHED, actor=office_user).count() == 3


def test_a_scheme_change_touches_no_score_until_an_explicit_recomputation(units, office_user):
    scheme = scheme_with_rows(indicators=INDICATORS)
    services.compute_period(scheme, "month", MAY)
    services.publish_period(scheme, "month", MAY, by=office_user)
    a = Score.objects.get(unit__name="区总工会")
    services.adjust(a, item=scheme.items.get(kind="bonus"), reason="典型案例", by=office_user)
    rows = [
        SchemeIndicator(indicator="task_on_time", weight=Decimal("60"), full_at=100, zero_at=60),
        SchemeIndicator(indicator="response_rate", weight=Decimal("20"), full_at=100, zero_at=60),
        SchemeIndicator(
            indicator="satisfaction_rate", weight=Decimal("20"), full_at=100, zero_at=50
        ),
    ]
    services.save_scheme(scheme, rows, list(scheme.items.all()), by=office_user)
    scheme.refresh_from_db()
    assert scheme.version == 2
    unchanged = services.compute_period(scheme, "month", MAY, by=office_user)
    assert [(s.total, s.scheme_version) for s in unchanged] == [
        (Decimal("57.14"), 1),
        (Decimal("55.63"), 1),
        (Decimal("16.75"), 1),
    ]
    with pytest.raises(ValidationError, match="Say why the period is recomputed"):
        services.compute_period(scheme, "month", MAY, by=office_user, recompute=True)
    # A: 0.375 × 60 = 22.50, 0.6875 × 20 = 13.75, 0.6 × 20 = 12.00 → 48.25, +2 kept → 50.25.
    # C: 60 and 20 spread to 75 and 25: 75.00 + 0. B: the task rate alone, as before: 16.75.
    again = services.compute_period(
        scheme, "month", MAY, by=office_user, recompute=True, reason="权重按区考核办意见调整"
    )
    assert [(s.unit.name, s.base, s.total, s.rank, s.scheme_version) for s in again] == [
        ("区住建局", Decimal("75.00"), Decimal("75.00"), 1, 2),
        ("区总工会", Decimal("48.25"), Decimal("50.25"), 2, 2),
        ("区人社局", Decimal("16.75"), Decimal("16.75"), 3, 2),
    ]
    assert all(s.published_at is not None for s in again)
    assert again[1].rules["indicators"][0]["weight"] == "60.00"
    event = ScoreEvent.objects.filter(score=a, action=ScoreAction.RECOMPUTED).get()
    assert (event.total_before, event.total_after, event.actor) == (
        Decimal("55.63"),
        Decimal("50.25"),
        office_user,
    )
    assert event.note == "Version 2 of the scheme. 权重按区考核办意见调整"


def test_a_retired_scheme_scores_nothing(units, office_user):
    scheme = scheme_with_rows(indicators=INDICATORS)
    services.retire_scheme(scheme, by=office_user)
    with pytest.raises(ValidationError, match="Only a scheme in force can score a period"):
        services.compute_period(scheme, "month", MAY, by=office_user)


def test_lower_is_better_rates_earn_points_downwards():
    rules = {
        "total_weight": "100.00",
        "not_applicable": NotApplicable.REDISTRIBUTE,
        "indicators": [
            {"indicator": "return_rate", "weight": "50.00", "full_at": "0.00", "zero_at": "20.00"},
            {"indicator": "reopen_rate", "weight": "50.00", "full_at": "0.00", "zero_at": "20.00"},
        ],
    }
    # Returns 1 of 5 (20 %: no points, never "-0.00"); reopened 1 of 20 (5 %): 15/20 × 50.
    base, inputs = score_inputs(
        rules, {"return_rate": Counted(1, 5), "reopen_rate": Counted(1, 20)}
    )
    assert [i["points"] for i in inputs] == ["0.00", "37.50"]
    assert base == Decimal("37.50")


def test_only_the_office_computes_and_publishes(units):
    member_unit_user = UserFactory(role=Role.MEMBER_UNIT, organisation=units[0])
    scheme = scheme_with_rows(indicators=INDICATORS)
    with pytest.raises(PermissionDenied):
        services.compute_period(scheme, "month", MAY, by=member_unit_user)
    with pytest.raises(PermissionDenied):
        services.publish_period(scheme, "month", MAY, by=member_unit_user)
    assert not Score.objects.exists()
