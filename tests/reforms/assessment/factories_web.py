"""Schemes and scores made directly, for the pages' tests: a score's inputs are written here
as reforms.assessment.services writes them, so the pages can be tested apart from the
computation."""

from datetime import date
from decimal import Decimal

import factory
from django.utils import timezone

from reforms.assessment import services
from reforms.assessment.choices import (
    AssessedPeriod,
    ItemKind,
    SchemeStatus,
    ScoreAction,
    SubjectKind,
)
from reforms.assessment.models import (
    Scheme,
    SchemeIndicator,
    SchemeItem,
    Score,
    ScoreEvent,
)
from reforms.assessment.services import stored_rules
from reforms.reporting.periods import period_containing
from tests.factories import UserFactory

# Two indicators, 60 + 40 = 100: what the hand-made scores below are computed from.
WEIGHTS = {"task_on_time": Decimal("60"), "response_rate": Decimal("40")}


class SchemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scheme
        skip_postgeneration_save = True

    year = 2026
    subject_kind = SubjectKind.UNIT
    name = factory.Sequence(lambda n: f"成员单位考核方案{n}")
    # Only one scheme may be in force per year and kind: tests that need one say so.
    status = SchemeStatus.RETIRED
    red_list_size = 2
    black_list_size = 2
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def rows(obj, create, extracted, **kwargs):  # noqa: N805
        if not create or extracted is False:
            return
        for position, (key, weight) in enumerate(WEIGHTS.items()):
            SchemeIndicator.objects.create(
                scheme=obj,
                indicator=key,
                weight=weight,
                full_at=Decimal("100"),
                zero_at=Decimal("50"),
                position=position,
            )
        SchemeItem.objects.create(
            scheme=obj, kind=ItemKind.BONUS, name="典型案例被推广", points=Decimal("2")
        )
        SchemeItem.objects.create(
            scheme=obj, kind=ItemKind.DEDUCTION, name="投诉被上级督办", points=Decimal("5")
        )


def inputs(*, task: tuple[int, int] | None, response: tuple[int, int] | None) -> list[dict]:
    """Score.inputs for the two indicators from (part, whole) counts; None = nothing to count,
    so the indicator does not apply and its weight is spread over the other."""
    counts = {"task_on_time": task, "response_rate": response}
    applying = {key: weight for key, weight in WEIGHTS.items() if counts[key] is not None}
    spread = sum(applying.values(), Decimal("0"))
    rows = []
    for key, weight in WEIGHTS.items():
        pair = counts[key]
        if pair is None:
            rows.append(
                {
                    "indicator": key,
                    "applicable": False,
                    "part": None,
                    "whole": 0,
                    "value": None,
                    "weight": str(weight),
                    "effective_weight": "0.00",
                    "points": "0.00",
                }
            )
            continue
        part, whole = pair
        value = Decimal(part * 100) / whole
        used = weight * 100 / spread
        share = min(max((value - 50) / 50, Decimal("0")), Decimal("1"))
        rows.append(
            {
                "indicator": key,
                "applicable": True,
                "part": part,
                "whole": whole,
                "value": f"{value:.2f}",
                "weight": str(weight),
                "effective_weight": f"{used:.2f}",
                "points": f"{used * share:.2f}",
            }
        )
    return rows


def make_score(scheme, subject, *, rank, total, month=3, published=True, **counts):
    """A unit's, subdistrict's or park's score for a month of 2026, with its computed event."""
    start, end = period_containing(AssessedPeriod.MONTH, date(scheme.year, month, 1))
    total = Decimal(str(total))
    kind = scheme.subject_kind
    now = timezone.now()
    rows = inputs(**counts) if counts else inputs(task=(3, 4), response=(9, 10))
    score = Score.objects.create(
        scheme=scheme,
        subject_kind=kind,
        **{kind: subject},
        period_kind=AssessedPeriod.MONTH,
        period_start=start,
        period_end=end,
        base=total,
        total=total,
        rank=rank,
        inputs=rows,
        rules=stored_rules(scheme),
        scheme_version=scheme.version,
        computed_at=now,
        published_at=now if published else None,
    )
    ScoreEvent.objects.create(score=score, action=ScoreAction.COMPUTED, total_after=total)
    return score


def adjust(score, *, points, reason, by, item=None):
    """An adjustment through the service the pages call (caps, ranks and history included)."""
    points = None if item is not None else Decimal(str(points))
    return services.adjust(score, points=points, item=item, reason=reason, by=by)
