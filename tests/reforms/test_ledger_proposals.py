"""The proposal ledger: moves along its workflow, rewards, and corrections that keep the status."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reforms.ledgers import services
from reforms.ledgers.choices import ProposalStatus
from reforms.ledgers.models import Proposal
from tests.factories import ProposalFactory
from tests.reforms import ledger_services_helpers as shared
from tests.reforms.ledger_services_helpers import TODAY, proposal

# The shared fixtures, bound here so pytest finds them by name.
frozen_now = shared.frozen_now
other_manager = shared.other_manager


pytestmark = pytest.mark.django_db


# --- Proposals: the workflow ----------------------------------------------------------------

# Written out rather than read from PROPOSAL_TRANSITIONS.
PROPOSAL_MOVES = {
    ("submitted", "evaluated"),
    ("evaluated", "adopted"),
    ("evaluated", "not_adopted"),
    ("adopted", "rewarded"),
}


@pytest.mark.parametrize("to_status", ProposalStatus.values)
@pytest.mark.parametrize("from_status", ProposalStatus.values)
def test_proposal_moves_follow_the_workflow(office_user, park, from_status, to_status):
    row = ProposalFactory(park=park, status=from_status)

    if (from_status, to_status) in PROPOSAL_MOVES:
        moved = services.proposal_advance(proposal=row, actor=office_user, to_status=to_status)
        assert moved.status == to_status and moved.status_changed_on == TODAY
    else:
        with pytest.raises(ValidationError):
            services.proposal_advance(proposal=row, actor=office_user, to_status=to_status)
    row.refresh_from_db()
    expected = to_status if (from_status, to_status) in PROPOSAL_MOVES else from_status
    assert row.status == expected


def test_an_unknown_status_is_refused(office_user, park):
    row = ProposalFactory(park=park)

    with pytest.raises(ValidationError) as error:
        services.proposal_advance(proposal=row, actor=office_user, to_status="approved")

    assert "approved" in error.value.messages[0]


def test_a_proposal_is_rewarded_with_its_benefit_and_reward(park_manager, park):
    row = ProposalFactory(park=park, status=ProposalStatus.ADOPTED)

    services.proposal_advance(
        proposal=row,
        actor=park_manager,
        to_status=ProposalStatus.REWARDED,
        benefit="每年节电三万度",
        benefit_amount=Decimal("24000.00"),
        reward_amount=Decimal("2000.00"),
    )

    row.refresh_from_db()
    assert row.status == ProposalStatus.REWARDED
    assert (row.benefit_amount, row.reward_amount) == (Decimal("24000.00"), Decimal("2000.00"))


def test_a_reward_before_the_proposal_is_rewarded_is_refused_on_the_reward(office_user, park):
    row = ProposalFactory(park=park, status=ProposalStatus.EVALUATED)

    with pytest.raises(ValidationError) as error:
        services.proposal_advance(
            proposal=row,
            actor=office_user,
            to_status=ProposalStatus.ADOPTED,
            reward_amount=Decimal("100.00"),
        )

    assert list(error.value.message_dict) == ["reward_amount"]
    row.refresh_from_db()
    assert row.status == ProposalStatus.EVALUATED and row.reward_amount is None


def test_a_negative_reward_is_refused_on_the_reward(office_user, park):
    row = ProposalFactory(park=park, status=ProposalStatus.ADOPTED)

    with pytest.raises(ValidationError) as error:
        services.proposal_advance(
            proposal=row,
            actor=office_user,
            to_status=ProposalStatus.REWARDED,
            reward_amount=Decimal("-1.00"),
        )

    assert list(error.value.message_dict) == ["reward_amount"]


def test_who_may_move_a_proposal(park_manager, other_manager, liaison, park):
    row = ProposalFactory(park=park)

    for actor in (other_manager, liaison):
        with pytest.raises(PermissionDenied):
            services.proposal_advance(proposal=row, actor=actor, to_status=ProposalStatus.EVALUATED)
    services.proposal_advance(proposal=row, actor=park_manager, to_status=ProposalStatus.EVALUATED)

    row.refresh_from_db()
    assert row.status == ProposalStatus.EVALUATED


def test_saving_a_proposal_does_not_set_its_status(office_user, park):
    row = proposal(park)
    row.status = ProposalStatus.REWARDED

    saved = services.ledger_save(entry=row, actor=office_user)

    saved.refresh_from_db()
    assert saved.status == ProposalStatus.SUBMITTED and saved.status_changed_on is None


def test_correcting_a_proposal_keeps_the_status_it_moved_to_meanwhile(office_user, park):
    row = services.ledger_save(entry=proposal(park), actor=office_user)
    stale = Proposal.objects.get(pk=row.pk)
    services.proposal_advance(proposal=row, actor=office_user, to_status=ProposalStatus.EVALUATED)

    stale.title = "冷库节能改造（修订）"
    services.ledger_save(entry=stale, actor=office_user)

    row.refresh_from_db()
    assert row.title == "冷库节能改造（修订）" and row.status == ProposalStatus.EVALUATED
    assert row.status_changed_on == TODAY


def test_a_correction_cannot_move_a_proposal_past_the_workflow(office_user, park):
    row = services.ledger_save(entry=proposal(park), actor=office_user)

    row.status = ProposalStatus.REWARDED
    row.title = "新标题"
    services.ledger_save(entry=row, actor=office_user, fields=["title", "status"])

    row.refresh_from_db()
    assert row.status == ProposalStatus.SUBMITTED
