"""The proposal ledger page: moving a proposal through its workflow."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from parks.structure.choices import Role
from reforms.ledgers.choices import ProposalStatus
from tests.factories import ProposalFactory, UserFactory
from tests.reforms import ledger_pages_helpers as shared
from tests.reforms.ledger_pages_helpers import _html

# The shared fixtures, bound here so pytest finds them by name.
in_english = shared.in_english
on_the_twentieth_of_june = shared.on_the_twentieth_of_june


pytestmark = pytest.mark.django_db


# Every test runs on 20 June 2026 (Asia/Shanghai): "this year" is 2026-01-01 to 2026-06-20.
TODAY = date(2026, 6, 20)


# --- The proposal workflow --------------------------------------------------------------------


def _advance(client, proposal, to_status, **values):
    return client.post(
        reverse("reforms:proposal_advance", args=[proposal.pk]), {"to_status": to_status, **values}
    )


def test_a_proposal_goes_through_its_workflow_with_benefit_and_reward(client, park_manager, park):
    proposal = ProposalFactory(park=park)
    client.force_login(park_manager)
    page = _html(client.get(proposal.get_absolute_url()))
    assert re.findall(r'data-move="(\w+)"', page) == ["evaluated"]

    assert _advance(client, proposal, "evaluated").status_code == 302
    page = _html(client.get(proposal.get_absolute_url()))
    assert re.findall(r'data-move="(\w+)"', page) == ["adopted", "not_adopted"]
    assert 'name="benefit_amount"' in page

    response = _advance(
        client, proposal, "adopted", benefit="年节约电费6万元", benefit_amount="60000.00"
    )
    assert response.status_code == 302
    response = _advance(client, proposal, "rewarded", reward_amount="2000")
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REWARDED
    assert proposal.benefit == "年节约电费6万元"
    assert (proposal.benefit_amount, proposal.reward_amount) == (
        Decimal("60000.00"),
        Decimal("2000.00"),
    )
    assert proposal.status_changed_on == TODAY
    page = _html(client.get(proposal.get_absolute_url()))
    assert 'id="workflow-finished"' in page
    assert "60,000.00" in _html(client.get(reverse("reforms:proposal_list")))


@pytest.mark.parametrize(
    ("to_status", "values", "message"),
    [
        ("rewarded", {"reward_amount": "500"}, "cannot become"),
        ("adopted", {}, "cannot become"),
        ("submitted", {}, "cannot become"),
        ("bogus", {}, "Select a valid choice"),
    ],
)
def test_an_illegal_move_is_refused_and_changes_nothing(
    client, park_manager, park, to_status, values, message
):
    proposal = ProposalFactory(park=park)
    client.force_login(park_manager)
    html = _html(_advance(client, proposal, to_status, **values))
    assert message in html
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED
    assert proposal.reward_amount is None


def test_a_negative_reward_is_refused(client, park_manager, park):
    proposal = ProposalFactory(park=park, status=ProposalStatus.ADOPTED)
    client.force_login(park_manager)
    html = _html(_advance(client, proposal, "rewarded", reward_amount="-1"))
    assert "Ensure this value is greater than or equal to 0." in html
    proposal.refresh_from_db()
    assert (proposal.status, proposal.reward_amount) == (ProposalStatus.ADOPTED, None)


def test_readers_cannot_move_a_proposal(client, liaison, park):
    proposal = ProposalFactory(park=park)
    client.force_login(liaison)
    assert _advance(client, proposal, "evaluated").status_code == 403
    url = reverse("reforms:proposal_advance", args=[proposal.pk])
    client.force_login(UserFactory(role=Role.OFFICE))
    assert client.get(url).status_code == 405
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED
