"""Who may write a ledger row, and which steps a proposal may take now.

One rule, one place: reforms.services enforces these (the `check_*` functions raise what the
service refuses with), and the pages, the API and the templates read the same functions to show
or hide a button (`task_moves`, `may_*`). Who a user is — office, the task's owner or lead unit,
the park's manager — is parks.access's (`may_manage_tasks`, `may_update_task`,
`may_write_ledger` and `may_record_ledgers` below name its answers for this area); what the
workflow allows is in reforms.choices.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from parks import access
from parks.structure.models import Park, User
from reforms.ledgers.choices import PROPOSAL_TRANSITIONS, ProposalStatus
from reforms.ledgers.models import Proposal


def may_write_ledger(user: User, park: Park | None) -> bool:
    """Recording, correcting and deleting a park's ledger rows (park None: district-wide)."""
    return access.may_write_ledger(user, park)


def may_record_ledgers(user: User) -> bool:
    """Whether the user may record ledger rows at all: the office, and a park's manager."""
    return access.may_record_ledgers(user)


# --- Proposals -----------------------------------------------------------------------------


def proposal_moves(user: User, proposal: Proposal) -> list[ProposalStatus]:
    """The statuses `user` may move `proposal` to now (workflow order), none if they may not
    write its park's ledgers."""
    if not may_write_ledger(user, proposal.park):
        return []
    allowed = PROPOSAL_TRANSITIONS[ProposalStatus(proposal.status)]
    return [status for status in ProposalStatus if status in allowed]


def check_proposal_move(user: User, proposal: Proposal, to_status: str) -> None:
    """Raise why `user` may not move `proposal` (as it stands) to `to_status`."""
    if not may_write_ledger(user, proposal.park):
        raise PermissionDenied
    if to_status not in PROPOSAL_TRANSITIONS[ProposalStatus(proposal.status)]:
        raise ValidationError(
            _("A proposal that is “%(from)s” cannot become “%(to)s”.")
            % {
                "from": ProposalStatus(proposal.status).label,
                "to": ProposalStatus(to_status).label
                if to_status in ProposalStatus.values
                else to_status,
            }
        )
