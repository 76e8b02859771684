"""Schemes and scores made directly (not computed), for the tests of what leaves the portal:
the API, the ranking's workbook and the Word notice."""

from datetime import date
from decimal import Decimal

import factory
from django.utils import timezone

from parks.structure.choices import Role
from reforms.assessment.choices import SchemeStatus, SubjectKind
from reforms.assessment.models import Scheme, SchemeIndicator, Score
from tests.factories import UserFactory

MONTH = date(2026, 10, 1)
MONTH_END = date(2026, 10, 31)
# The two indicators of the schemes below: (key, weight).
WEIGHTS = {"task_on_time": Decimal("60"), "response_rate": Decimal("40")}


class SchemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scheme
        skip_postgeneration_save = True

    year = 2026
    subject_kind = SubjectKind.UNIT
    name = factory.Sequence(lambda n: f"2026年度成员单位考核方案{n}")
    status = SchemeStatus.ACTIVE
    red_list_size = 2
    black_list_size = 2
    created_by = factory.SubFactory(UserFactory, role=Role.OFFICE)

    @factory.post_generation
    def indicators(scheme, create, extracted, **kwargs):  # noqa: N805
        if create:
            for position, (key, weight) in enumerate(WEIGHTS.items()):
                SchemeIndicator.objects.create(
                    scheme=scheme,
                    indicator=key,
                    weight=weight,
                    full_at=Decimal("100"),
                    zero_at=Decimal("60"),
                    position=position,
                )


def inputs(points: dict[str, Decimal | None]) -> list[dict]:
    """Score.inputs for the two indicators, as reforms.assessment.scoring writes them: None = not
    applicable (its weight spread over the other one)."""
    applying = {key: weight for key, weight in WEIGHTS.items() if points.get(key) is not None}
    spread = sum(WEIGHTS.values()) / sum(applying.values()) if applying else Decimal(0)
    rows = []
    for key, weight in WEIGHTS.items():
        value = points.get(key)
        rows.append(
            {
                "indicator": key,
                "applicable": value is not None,
                "part": None,
                "whole": None,
                "value": None,
                "weight": str(weight),
                "effective_weight": str((weight * spread).quantize(Decimal("0.01")))
                if value is not None
                else "0.00",
                "points": str(value if value is not None else Decimal("0.00")),
            }
        )
    return rows


def make_score(
    scheme,
    subject,
    *,
    rank,
    points,
    adjustment=Decimal("0"),
    published=True,
    start=MONTH,
    end=MONTH_END,
    period_kind="month",
):
    """A stored score of `subject` (a unit, a subdistrict or a park, as the scheme assesses)
    with `points` by indicator key."""
    base = sum((Decimal(value) for value in points.values() if value is not None), Decimal(0))
    return Score.objects.create(
        scheme=scheme,
        subject_kind=scheme.subject_kind,
        **{scheme.subject_kind: subject},
        period_kind=period_kind,
        period_start=start,
        period_end=end,
        base=base,
        adjustment=adjustment,
        total=base + adjustment,
        rank=rank,
        inputs=inputs(points),
        rules={"version": scheme.version},
        scheme_version=scheme.version,
        computed_at=timezone.now(),
        published_at=timezone.now() if published else None,
    )
