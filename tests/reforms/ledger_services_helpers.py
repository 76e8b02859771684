"""Fixtures and helpers shared by the ledger service tests."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from parks.structure.choices import Role
from reforms.ledgers.choices import ProposalKind
from reforms.ledgers.models import Proposal
from tests.factories import (
    CarePaymentFactory,
    ParkFactory,
    PublicityFactory,
    SubdistrictFactory,
    UserFactory,
)

WUXI = ZoneInfo("Asia/Shanghai")


TODAY = date(2026, 6, 20)


@pytest.fixture(autouse=True)
def frozen_now(time_machine):
    time_machine.move_to(datetime(2026, 6, 20, 12, 0, tzinfo=WUXI), tick=False)


@pytest.fixture
def other_manager(other_park):
    return UserFactory(role=Role.PARK_MANAGER, park=other_park)


def proposal(park, **fields):
    values = {"kind": ProposalKind.RATIONALISATION, "title": "冷库节能改造", "submitter": "王师傅"}
    values["submitted_on"] = date(2026, 6, 5)
    return Proposal(park=park, **{**values, **fields})


@pytest.fixture
def rows(park, other_park):
    far_park = ParkFactory(subdistrict=SubdistrictFactory(name="黄巷街道"))
    return {
        "here": CarePaymentFactory(park=park),
        "there": CarePaymentFactory(park=other_park),
        "far": CarePaymentFactory(park=far_park),
        "news_here": PublicityFactory(park=park),
        "news_there": PublicityFactory(park=other_park),
        "news_district": PublicityFactory(park=None),
    }
