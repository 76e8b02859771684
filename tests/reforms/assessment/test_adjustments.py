"""The office's adjustments: items and points of its own, the caps of the score's rules, the
total and ranks that follow, withdrawal, and the history."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reforms.assessment import services
from reforms.assessment.choices import ScoreAction
from reforms.assessment.models import ScoreAdjustment, ScoreEvent
from tests.reforms.assessment.factories import ScoreFactory, scheme_with_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheme():
    # Caps: bonuses 5, deductions 10; items: +2 典型案例被推广, −5 投诉升级.
    return scheme_with_rows()


@pytest.fixture
def scores(scheme):
    """Two units of May: 80 (rank 1) and 79 (rank 2)."""
    first = ScoreFactory(scheme=scheme, base=Decimal("80.00"), rank=1)
    second = ScoreFactory(scheme=scheme, base=Decimal("79.00"), rank=2)
    return first, second


def history(score):
    return list(
        ScoreEvent.objects.filter(score=score)
        .order_by("pk")
        .values_list("action", "total_before", "total_after", "note")
    )


def test_an_item_adds_its_points_and_the_ranks_follow(scores, scheme, office_user):
    first, second = scores
    bonus = scheme.items.get(kind="bonus")
    adjustment = services.adjust(second, item=bonus, reason="典型案例被区里推广", by=office_user)
    assert adjustment.points == Decimal("2.00") and adjustment.item == bonus
    second.refresh_from_db()
    first.refresh_from_db()
    assert (second.adjustment, second.total, second.rank) == (Decimal("2"), Decimal("81"), 1)
    assert first.rank == 2
    assert history(second) == [
        (ScoreAction.ADJUSTED, Decimal("79.00"), Decimal("81.00"), "典型案例被区里推广")
    ]


def test_a_deduction_item_takes_its_points(scores, scheme, office_user):
    first, _second = scores
    services.adjust(
        first, item=scheme.items.get(kind="deduction"), reason="投诉升级到市里", by=office_user
    )
    first.refresh_from_db()
    assert (first.adjustment, first.total, first.rank) == (Decimal("-5"), Decimal("75"), 2)


def test_points_of_the_office_own_and_equal_totals_share_a_rank(scores, office_user):
    first, second = scores
    services.adjust(second, points=Decimal("1.00"), reason="数据更正", by=office_user)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.rank, second.rank) == (1, 1)


def test_the_bonus_cap_counts_the_live_bonuses(scores, scheme, office_user):
    first, _ = scores
    bonus = scheme.items.get(kind="bonus")
    services.adjust(first, item=bonus, reason="案例一", by=office_user)
    services.adjust(first, item=bonus, reason="案例二", by=office_user)
    with pytest.raises(ValidationError) as refused:
        services.adjust(first, item=bonus, reason="案例三", by=office_user)
    assert refused.value.messages == [
        "That would bring the bonuses to 6.00 points, above the cap of 5.00."
    ]
    first.refresh_from_db()
    assert first.total == Decimal("84.00") and first.adjustments.count() == 2
    # A withdrawn bonus no longer counts against the cap.
    services.withdraw_adjustment(first.adjustments.first(), by=office_user, reason="案例一重复申报")
    services.adjust(first, item=bonus, reason="案例三", by=office_user)
    first.refresh_from_db()
    assert first.total == Decimal("84.00")


def test_the_deduction_cap(scores, office_user):
    first, _ = scores
    services.adjust(first, points=Decimal("-8"), reason="多次推诿", by=office_user)
    with pytest.raises(ValidationError, match="deductions to 10.50 points, above the cap of 10.00"):
        services.adjust(first, points=Decimal("-2.5"), reason="再次推诿", by=office_user)
    first.refresh_from_db()
    assert first.total == Decimal("72.00")


def test_the_caps_are_the_score_rules_not_the_scheme_today(scores, scheme, office_user):
    first, _ = scores
    scheme.bonus_cap = Decimal("20")
    scheme.save()
    with pytest.raises(ValidationError, match="above the cap of 5.00"):
        services.adjust(first, points=Decimal("6"), reason="特别贡献", by=office_user)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"points": Decimal("1"), "reason": " "}, "Give the reason for the adjustment."),
        ({"reason": "无"}, "Choose an item or give the points, not both."),
        ({"points": Decimal("0"), "reason": "无"}, "An adjustment adds or takes points"),
        ({"points": Decimal("1.005"), "reason": "无"}, "at most 2 decimal places"),
    ],
)
def test_bad_adjustments_are_refused(scores, office_user, given, message):
    first, _ = scores
    with pytest.raises(ValidationError, match=message):
        services.adjust(first, by=office_user, **given)
    assert not ScoreAdjustment.objects.exists() and not ScoreEvent.objects.exists()


def test_an_item_of_another_scheme_is_refused(scores, office_user):
    first, _ = scores
    other = scheme_with_rows(year=2027)
    with pytest.raises(ValidationError, match="not one of the score's scheme"):
        services.adjust(first, item=other.items.get(kind="bonus"), reason="跨方案", by=office_user)


def test_withdrawing_puts_the_total_back_and_is_recorded(scores, office_user):
    first, second = scores
    adjustment = services.adjust(first, points=Decimal("-3"), reason="材料迟报", by=office_user)
    services.withdraw_adjustment(adjustment, by=office_user, reason="经核实已按时报送")
    first.refresh_from_db()
    assert (first.total, first.rank) == (Decimal("80.00"), 1)
    adjustment.refresh_from_db()
    assert adjustment.withdrawn_by == office_user and adjustment.withdrawn_at is not None
    assert history(first) == [
        (ScoreAction.ADJUSTED, Decimal("80.00"), Decimal("77.00"), "材料迟报"),
        (
            ScoreAction.ADJUSTMENT_WITHDRAWN,
            Decimal("77.00"),
            Decimal("80.00"),
            "经核实已按时报送",
        ),
    ]
    with pytest.raises(ValidationError, match="already been withdrawn"):
        services.withdraw_adjustment(adjustment, by=office_user, reason="再撤一次")
    with pytest.raises(ValidationError, match="Give the reason"):
        services.withdraw_adjustment(
            services.adjust(second, points=Decimal("1"), reason="更正", by=office_user),
            by=office_user,
            reason="",
        )


def test_only_the_office_adjusts(scores, member_unit_user):
    first, _ = scores
    with pytest.raises(PermissionDenied):
        services.adjust(first, points=Decimal("1"), reason="自评", by=member_unit_user)
