"""Vocabularies of workers' grievances (职工诉求), with the handling workflow beside them."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Channel(models.TextChoices):
    SURVEY = "survey", _("Satisfaction survey")
    GM_MAILBOX = "gm_mailbox", _("General manager's mailbox")
    FORUM = "forum", _("Worker forum")
    LIAISON_VISIT = "liaison_visit", _("Liaison visit")
    HOTLINE = "hotline", _("Hotline")
    WALK_IN = "walk_in", _("Walk-in")
    ONLINE = "online", _("Online / QR code")


class Category(models.TextChoices):
    LABOUR_DISPUTE = "labour_dispute", _("Labour dispute")
    INJURY_SUBSIDY = "injury_subsidy", _("Work-injury subsidy")
    ILLNESS = "illness", _("Illness")
    WAGES = "wages", _("Wages")
    LIFE_DISPUTE = "life_dispute", _("Life dispute")
    SAFETY = "safety", _("Safety")
    OPINION = "opinion", _("Opinion or suggestion")
    PROPOSAL = "proposal", _("Rationalisation proposal")


# Categories that are disputes and may go to mediation.
DISPUTE_CATEGORIES = (Category.LABOUR_DISPUTE, Category.INJURY_SUBSIDY, Category.LIFE_DISPUTE)


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    ASSIGNED = "assigned", _("Assigned")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", pgettext_lazy("grievance", "In progress")
    REPLIED = "replied", _("Replied")
    FOLLOWED_UP = "followed_up", _("Followed up")
    CLOSED = "closed", _("Closed")
    RETURNED = "returned", _("Returned to the office")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    # A duplicate handled as part of another case (grievances.merging); it points to that case.
    MERGED = "merged", _("Merged into another case")


class Action(models.TextChoices):
    """The named steps of the workflow; each moves a grievance between two statuses."""

    ASSIGN = "assign", _("Assign to a unit")
    ACCEPT = "accept", _("Accept")
    RETURN = "return", _("Return to the office")
    START = "start", _("Start handling")
    REPLY = "reply", _("Reply to the worker")
    FOLLOW_UP = "follow_up", _("Record the follow-up call")
    CLOSE = "close", pgettext_lazy("grievance action", "Close")
    REOPEN = "reopen", pgettext_lazy("grievance action", "Reopen")
    WITHDRAW = "withdraw", _("Withdraw")


class TimelineEntry(models.TextChoices):
    """The timeline's entries besides the workflow's steps (Action), as the services record them
    and the office's timeline calls them."""

    RECEIVE = "receive", _("Received")
    EXTENSION_REQUESTED = "extension_requested", _("More time requested")
    EXTENSION_APPROVED = "extension_approved", _("Extension approved")
    EXTENSION_REJECTED = "extension_rejected", _("Extension rejected")
    MEDIATION_OPENED = "mediation_opened", _("Mediation opened")
    MEDIATION_CONCLUDED = "mediation_concluded", _("Mediation concluded")
    # On the merged case, and on the case that takes it in (grievances.merging).
    MERGED = "merge", _("Merged into another case")
    MERGED_IN = "merged_in", _("Duplicates merged in")


# What the office's timeline calls each entry, on the grievance page and in the API's events.
# (The worker's tracking page has its own words: public_views.PUBLIC_STEPS.)
EVENT_LABELS = {**dict(Action.choices), **dict(TimelineEntry.choices)}


OPEN_STATUSES = (
    Status.RECEIVED,
    Status.ASSIGNED,
    Status.ACCEPTED,
    Status.IN_PROGRESS,
    Status.RETURNED,
)
FINAL_STATUSES = (Status.CLOSED, Status.WITHDRAWN, Status.MERGED)
# Grievances no figure counts (grievances.rates): withdrawn ones, and duplicates merged into the
# case that carries them, which counts once.
UNCOUNTED_STATUSES = (Status.WITHDRAWN, Status.MERGED)
# Before the unit accepts, the clock that runs is the response limit.
AWAITING_RESPONSE = (Status.RECEIVED, Status.ASSIGNED, Status.RETURNED)

# Action -> (statuses it may start from, status it leads to). Read by policy.step_refusal,
# which every step's service enforces.
ALLOWED_TRANSITIONS = {
    Action.ASSIGN: ({Status.RECEIVED, Status.RETURNED}, Status.ASSIGNED),
    Action.ACCEPT: ({Status.ASSIGNED}, Status.ACCEPTED),
    Action.RETURN: ({Status.ASSIGNED, Status.ACCEPTED}, Status.RETURNED),
    Action.START: ({Status.ACCEPTED}, Status.IN_PROGRESS),
    Action.REPLY: ({Status.ACCEPTED, Status.IN_PROGRESS}, Status.REPLIED),
    Action.FOLLOW_UP: ({Status.REPLIED}, Status.FOLLOWED_UP),
    Action.CLOSE: ({Status.FOLLOWED_UP}, Status.CLOSED),
    Action.REOPEN: ({Status.FOLLOWED_UP}, Status.IN_PROGRESS),
    Action.WITHDRAW: (
        {
            Status.RECEIVED,
            Status.ASSIGNED,
            Status.ACCEPTED,
            Status.IN_PROGRESS,
            Status.RETURNED,
            Status.REPLIED,
        },
        Status.WITHDRAWN,
    ),
}
# Who takes each step: the district office, or the unit the grievance is assigned to.
OFFICE_ACTIONS = {Action.ASSIGN, Action.FOLLOW_UP, Action.CLOSE, Action.REOPEN, Action.WITHDRAW}
UNIT_ACTIONS = {Action.ACCEPT, Action.RETURN, Action.START, Action.REPLY}
# Steps that must say why.
ACTIONS_NEEDING_NOTE = {Action.RETURN, Action.REPLY, Action.REOPEN, Action.WITHDRAW}


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


SATISFIED_LEVELS = (Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED)


class MediationOutcome(models.TextChoices):
    AGREEMENT = "agreement", _("Agreement reached")
    ARBITRATION = "arbitration", _("Referred to arbitration")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ExtensionState(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ReminderLevel(models.TextChoices):
    RESPONSE_DUE_SOON = "response_due_soon", _("Response due soon")
    RESPONSE_BREACHED = "response_breached", _("Response time limit breached")
    RESOLUTION_DUE_SOON = "resolution_due_soon", _("Resolution due soon")
    RESOLUTION_BREACHED = "resolution_breached", _("Resolution time limit breached")


class DataView(models.TextChoices):
    PAGE = "page", _("Page")
    API = "api", _("API")
    EXPORT = "export", _("Export")
