"""Factories of the assessment's records (schemes, their rows, scores), for every test of
tests/reforms/assessment."""

from datetime import date
from decimal import Decimal

import factory
from django.utils import timezone

from parks.structure.choices import Role
from reforms.assessment.choices import ItemKind, SchemeStatus, SubjectKind
from reforms.assessment.models import Scheme, SchemeIndicator, SchemeItem, Score
from tests.factories import OrganisationFactory, UserFactory


class SchemeFactory(factory.django.DjangoModelFactory):
    """A draft scheme for member units, 2026, with no rows (see scheme_with_rows)."""

    class Meta:
        model = Scheme

    year = 2026
    subject_kind = SubjectKind.UNIT
    name = factory.Sequence(lambda n: f"成员单位考核方案{n}")
    created_by = factory.SubFactory(UserFactory, role=Role.OFFICE)


class SchemeIndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchemeIndicator

    scheme = factory.SubFactory(SchemeFactory)
    indicator = "task_on_time"
    weight = Decimal("100")
    full_at = Decimal("100")
    zero_at = Decimal("60")


class SchemeItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchemeItem

    scheme = factory.SubFactory(SchemeFactory)
    kind = ItemKind.BONUS
    name = factory.Sequence(lambda n: f"加分项{n}")
    points = Decimal("2")


def scheme_with_rows(
    *,
    indicators=(("task_on_time", "60", "100", "60"), ("response_rate", "40", "100", "60")),
    items=(("bonus", "典型案例被推广", "2"), ("deduction", "投诉升级", "5")),
    status=SchemeStatus.ACTIVE,
    **fields,
) -> Scheme:
    """A scheme (in force unless told) with indicator rows (key, weight, full_at, zero_at) and
    item rows (kind, name, points), written straight to the database."""
    scheme = SchemeFactory(status=status, **fields)
    for position, (key, weight, full_at, zero_at) in enumerate(indicators):
        SchemeIndicatorFactory(
            scheme=scheme,
            indicator=key,
            weight=Decimal(weight),
            full_at=Decimal(full_at),
            zero_at=Decimal(zero_at),
            position=position,
        )
    for position, (kind, name, points) in enumerate(items):
        SchemeItemFactory(
            scheme=scheme, kind=kind, name=name, points=Decimal(points), position=position
        )
    return scheme


class ScoreFactory(factory.django.DjangoModelFactory):
    """A unit's computed score for May 2026 under its scheme's stored rules, with no inputs
    (compute_period makes real ones)."""

    class Meta:
        model = Score

    scheme = factory.SubFactory(SchemeFactory, status=SchemeStatus.ACTIVE)
    subject_kind = SubjectKind.UNIT
    unit = factory.SubFactory(OrganisationFactory)
    period_kind = "month"
    period_start = date(2026, 5, 1)
    period_end = date(2026, 5, 31)
    base = Decimal("80.00")
    adjustment = Decimal("0")
    total = factory.LazyAttribute(lambda o: o.base + o.adjustment)
    rank = 1
    rules = factory.LazyAttribute(lambda o: _rules(o.scheme))
    scheme_version = factory.LazyAttribute(lambda o: o.scheme.version)
    computed_at = factory.LazyFunction(timezone.now)


def _rules(scheme):
    from reforms.assessment.scoring import stored_rules

    return stored_rules(scheme)
