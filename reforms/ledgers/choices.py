"""Vocabularies of the ledgers: publicity channels, proposal kinds and the proposal workflow."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# --- Ledgers (台账) -------------------------------------------------------------------------


class PublicityChannel(models.TextChoices):
    """The channels the source document counts publicity by."""

    ONLINE_PLATFORM = "online_platform", _("Online platform")
    PRINT = "print", _("Print media")
    TV = "tv", _("Television")
    GOVERNMENT_WEBSITE = "government_website", _("Government website")
    OFFICIAL_ACCOUNT = "official_account", _("Official account")


class ProposalKind(models.TextChoices):
    RATIONALISATION = "rationalisation", _("Rationalisation proposal")
    INNOVATION = "innovation", _("Technical innovation")


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    EVALUATED = "evaluated", _("Evaluated")
    ADOPTED = "adopted", _("Adopted")
    REWARDED = "rewarded", _("Rewarded")
    NOT_ADOPTED = "not_adopted", _("Not adopted")


# The only moves a proposal may make. Enforced in reforms.ledgers.services.proposal_advance.
PROPOSAL_TRANSITIONS = {
    ProposalStatus.SUBMITTED: {ProposalStatus.EVALUATED},
    ProposalStatus.EVALUATED: {ProposalStatus.ADOPTED, ProposalStatus.NOT_ADOPTED},
    ProposalStatus.ADOPTED: {ProposalStatus.REWARDED},
    ProposalStatus.REWARDED: set(),
    ProposalStatus.NOT_ADOPTED: set(),
}
