"""Every write to the ledgers goes through here: rows, deletions and the proposal workflow.

Who may take which step now is reforms.policy's: each service asks it and refuses as it says.
Status moves only along reforms.tasks.choices.ALLOWED_TRANSITIONS. Each write locks the task row
(select_for_update) so two people acting at once are applied one after the other, and writes
its history row in the same transaction.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from decimal import Decimal
from typing import TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parks.history import audit
from parks.structure.models import User
from reforms.ledgers.choices import ProposalStatus
from reforms.ledgers.models import CarePayment, Proposal, Publicity, Training
from reforms.ledgers.policy import check_proposal_move, may_write_ledger

# A ledger row. Each ledger declares its own `park` (nullable for publicity), so the abstract
# LedgerEntry has none: the services below are checked against each ledger in turn.
Ledger = TypeVar("Ledger", CarePayment, Publicity, Training, Proposal)

# Set only by proposal_advance; a correction never writes them.
PROPOSAL_WORKFLOW_FIELDS = ("status", "status_changed_on")


def ledger_save(*, entry: Ledger, actor: User, fields: Iterable[str] | None = None) -> Ledger:
    """Create or correct a ledger row (care payment, publicity, training, proposal).

    Only office staff and the park's manager write; a correction saves only `fields` when given,
    so two people correcting different fields lose nothing. A proposal's status moves only
    through proposal_advance: a new proposal is submitted, and a correction keeps the stored
    status even when made on a copy read before the proposal moved.
    """
    if entry.park_id is None and not type(entry)._meta.get_field("park").null:
        raise ValidationError({"park": _("Choose the park.")})
    if not may_write_ledger(actor, entry.park if entry.park_id is not None else None):
        raise PermissionDenied
    is_new = entry.pk is None
    stored: Ledger | None = None
    try:
        with transaction.atomic():
            if is_new:
                entry.recorded_by = actor
                if isinstance(entry, Proposal):
                    entry.status, entry.status_changed_on = ProposalStatus.SUBMITTED, None
            else:
                stored = (
                    type(entry)
                    .objects.select_for_update(of=("self",))
                    .select_related("park")
                    .get(pk=entry.pk)
                )
                # Moving a row to another park needs the right to write in both.
                if not may_write_ledger(actor, stored.park):
                    raise PermissionDenied
                if isinstance(entry, Proposal):
                    entry.status = stored.status
                    entry.status_changed_on = stored.status_changed_on
            entry.full_clean()
            kept: list[str] | None = None
            if is_new or fields is None:
                entry.save()
            else:
                kept = [name for name in fields if name not in PROPOSAL_WORKFLOW_FIELDS]
                entry.save(update_fields=kept + ["updated_at"])
            audit.record_save(actor=actor, instance=entry, before=stored, only=kept)
    except IntegrityError as error:
        raise ValidationError(
            _("Someone else saved a conflicting record at the same time. Check and try again.")
        ) from error
    return entry


def ledger_delete(*, entry: CarePayment | Publicity | Training | Proposal, actor: User) -> None:
    if not may_write_ledger(actor, entry.park):
        raise PermissionDenied
    with transaction.atomic():
        audit.record_delete(actor=actor, instance=entry)
        entry.delete()


@transaction.atomic
def proposal_advance(
    *,
    proposal: Proposal,
    actor: User,
    to_status: str,
    benefit: str | None = None,
    benefit_amount: Decimal | None = None,
    reward_amount: Decimal | None = None,
) -> Proposal:
    """Move a proposal along submitted → evaluated → adopted → rewarded (or not adopted)."""
    proposal = Proposal.objects.select_for_update().select_related("park").get(pk=proposal.pk)
    check_proposal_move(actor, proposal, to_status)
    before = copy.copy(proposal)
    proposal.status = to_status
    proposal.status_changed_on = timezone.localdate()
    if benefit is not None:
        proposal.benefit = benefit
    if benefit_amount is not None:
        proposal.benefit_amount = benefit_amount
    if reward_amount is not None:
        proposal.reward_amount = reward_amount
    proposal.full_clean()
    proposal.save(
        update_fields=[
            "status",
            "status_changed_on",
            "benefit",
            "benefit_amount",
            "reward_amount",
            "updated_at",
        ]
    )
    audit.record_save(actor=actor, instance=proposal, before=before)
    return proposal
