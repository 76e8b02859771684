"""The reform ledgers' sums: totals and months matching the source documents, in one query each."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parks.structure.choices import Role
from reforms.ledgers.choices import ProposalKind, ProposalStatus, PublicityChannel
from reforms.ledgers.models import CarePayment, Proposal, Publicity, Training
from reforms.ledgers.selectors import (
    ledger_by_month,
    ledger_in_period,
    ledger_totals,
    ledger_visible_to,
)
from tests.factories import (
    CarePaymentFactory,
    OrganisationFactory,
    ProposalFactory,
    PublicityFactory,
    TrainingFactory,
    UserFactory,
)
from tests.reforms import ledger_services_helpers as shared

# The shared fixtures, bound here so pytest finds them by name.
frozen_now = shared.frozen_now
rows = shared.rows


pytestmark = pytest.mark.django_db


# --- Totals on a known data set -------------------------------------------------------------


@pytest.fixture
def care_ledger(park, other_park):
    """The source document's figures: 23 care payments, 42 people, 42,000 yuan (in park, June),
    plus rows outside the period and the park that must not count."""
    for day in range(1, 20):  # 19 payments of 2 people, 2,000 yuan, 1–19 June
        CarePaymentFactory(
            park=park, paid_on=date(2026, 6, day), recipients=2, amount=Decimal("2000.00")
        )
    for amount in ("1000.50", "999.50", "1000.00", "1000.00"):  # 4 payments of 1 person
        CarePaymentFactory(
            park=park, paid_on=date(2026, 6, 20), recipients=1, amount=Decimal(amount)
        )
    CarePaymentFactory(park=park, paid_on=date(2026, 5, 31), recipients=5, amount=Decimal("5000"))
    CarePaymentFactory(park=other_park, paid_on=date(2026, 6, 10), recipients=3, amount=300)
    return CarePayment.objects.filter(park=park)


def test_care_totals_match_the_source_documents_figures(care_ledger):
    june = ledger_in_period(care_ledger, start=date(2026, 6, 1), end=date(2026, 6, 30))

    assert ledger_totals(june) == {
        "entries": 23,
        "recipients": 42,
        "amount": Decimal("42000.00"),
    }


def test_care_totals_by_month(care_ledger):
    assert ledger_by_month(care_ledger) == [
        {"month": date(2026, 5, 1), "entries": 1, "recipients": 5, "amount": Decimal("5000.00")},
        {"month": date(2026, 6, 1), "entries": 23, "recipients": 42, "amount": Decimal("42000.00")},
    ]


def test_the_period_includes_both_ends(care_ledger):
    assert ledger_totals(ledger_in_period(care_ledger, start=date(2026, 6, 20)))["entries"] == 4
    assert ledger_totals(ledger_in_period(care_ledger, end=date(2026, 5, 31)))["entries"] == 1
    assert ledger_totals(ledger_in_period(care_ledger))["entries"] == 24


def test_empty_totals_are_zero_not_none(park):
    assert ledger_totals(CarePayment.objects.none()) == {
        "entries": 0,
        "recipients": 0,
        "amount": Decimal("0.00"),
    }
    assert ledger_by_month(CarePayment.objects.none()) == []


@pytest.fixture
def publicity_ledger(park, office_user):
    """Online platforms 90, print 70, TV 33, government websites 41 (the source document's)."""
    counts = {
        PublicityChannel.ONLINE_PLATFORM: 90,
        PublicityChannel.PRINT: 70,
        PublicityChannel.TV: 33,
        PublicityChannel.GOVERNMENT_WEBSITE: 41,
    }
    Publicity.objects.bulk_create(
        Publicity(
            # Every third one is the office's own, district-wide.
            park=None if n % 3 == 0 else park,
            channel=channel,
            outlet="媒体",
            title=f"{channel}{n}",
            published_on=date(2026, 5 + n % 2, 1 + n % 28),
            recorded_by=office_user,
        )
        for channel, count in counts.items()
        for n in range(count)
    )
    return ledger_visible_to(Publicity, office_user)


def test_publicity_totals_by_channel(publicity_ledger):
    assert ledger_totals(publicity_ledger) == {
        "entries": 234,
        "online_platform": 90,
        "print": 70,
        "tv": 33,
        "government_website": 41,
        "official_account": 0,
    }


def test_publicity_by_month_adds_up_to_the_totals(publicity_ledger):
    months = ledger_by_month(publicity_ledger)

    assert [row["month"] for row in months] == [date(2026, 5, 1), date(2026, 6, 1)]
    # n even → May: 45 + 35 + 17 + 21 of them.
    assert months[0] == {
        "month": date(2026, 5, 1),
        "entries": 118,
        "online_platform": 45,
        "print": 35,
        "tv": 17,
        "government_website": 21,
        "official_account": 0,
    }
    assert months[1]["entries"] == 116 and months[1]["tv"] == 16


def test_training_totals(park):
    TrainingFactory(park=park, hours=Decimal("16.0"), trainees=30, certificates=25)
    TrainingFactory(park=park, hours=Decimal("7.5"), trainees=12, certificates=0)
    TrainingFactory(park=park, started_on=date(2026, 4, 3), hours=40, trainees=8, certificates=8)

    assert ledger_totals(Training.objects.all()) == {
        "entries": 3,
        "hours": Decimal("63.5"),
        "trainees": 50,
        "certificates": 33,
    }
    assert ledger_by_month(Training.objects.all()) == [
        {
            "month": date(2026, 4, 1),
            "entries": 1,
            "hours": Decimal("40.0"),
            "trainees": 8,
            "certificates": 8,
        },
        {
            "month": date(2026, 6, 1),
            "entries": 2,
            "hours": Decimal("23.5"),
            "trainees": 42,
            "certificates": 25,
        },
    ]


def test_proposal_totals(park):
    ProposalFactory(park=park)
    ProposalFactory(park=park, kind=ProposalKind.INNOVATION, status=ProposalStatus.EVALUATED)
    ProposalFactory(
        park=park,
        kind=ProposalKind.INNOVATION,
        status=ProposalStatus.REWARDED,
        benefit_amount=Decimal("24000.00"),
        reward_amount=Decimal("2000.00"),
    )
    ProposalFactory(
        park=park,
        status=ProposalStatus.ADOPTED,
        submitted_on=date(2026, 5, 2),
        benefit_amount=Decimal("500.50"),
    )
    ProposalFactory(park=park, status=ProposalStatus.NOT_ADOPTED)

    expected_june = {
        "entries": 4,
        "innovations": 2,
        "benefit_amount": Decimal("24000.00"),
        "reward_amount": Decimal("2000.00"),
        "submitted": 1,
        "evaluated": 1,
        "adopted": 0,
        "rewarded": 1,
        "not_adopted": 1,
    }
    assert ledger_totals(Proposal.objects.all()) == {
        **expected_june,
        "entries": 5,
        "benefit_amount": Decimal("24500.50"),
        "adopted": 1,
    }
    may, june = ledger_by_month(Proposal.objects.all())
    assert june == {"month": date(2026, 6, 1), **expected_june}
    assert may["entries"] == 1 and may["adopted"] == 1


@pytest.mark.parametrize("model", [CarePayment, Publicity, Training, Proposal])
def test_totals_and_months_take_one_query_each(model, park):
    rows = ledger_visible_to(model, UserFactory(role=Role.OFFICE))
    {
        CarePayment: CarePaymentFactory,
        Publicity: PublicityFactory,
        Training: TrainingFactory,
        Proposal: ProposalFactory,
    }[model].create_batch(3, park=park)

    with CaptureQueriesContext(connection) as queries:
        ledger_totals(rows)
        ledger_by_month(rows)

    assert len(queries) == 2


def test_a_member_unit_user_without_scope_reads_the_whole_districts_totals(
    park, other_park, member_unit_user
):
    CarePaymentFactory(park=park, recipients=2, amount=Decimal("100"))
    CarePaymentFactory(park=other_park, recipients=3, amount=Decimal("200"))
    scoped = UserFactory(role=Role.MEMBER_UNIT, organisation=OrganisationFactory(), park=other_park)

    assert ledger_totals(ledger_visible_to(CarePayment, member_unit_user))["recipients"] == 5
    assert ledger_totals(ledger_visible_to(CarePayment, scoped))["recipients"] == 3
