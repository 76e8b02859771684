"""Vocabularies of supervision orders (督办单), with the order workflow beside its statuses."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OrderColour(models.TextChoices):
    YELLOW = "yellow", pgettext_lazy("supervision order", "Yellow")
    RED = "red", pgettext_lazy("supervision order", "Red")


class OrderStatus(models.TextChoices):
    ISSUED = "issued", _("Awaiting reply")
    ANSWERED = "answered", _("Answered")
    SENT_BACK = "sent_back", _("Sent back")
    ACCEPTED = "accepted", _("Closed")


class OrderAction(models.TextChoices):
    """What happens to an order: each is one row of its timeline (OrderEvent)."""

    ISSUE = "issue", _("Issued")
    REPLY = "reply", _("Replied")
    URGE = "urge", _("Urged")
    ACCEPT = "accept", _("Accepted and closed")
    SEND_BACK = "send_back", _("Sent back")


class OrderSubject(models.TextChoices):
    """What an order is about."""

    TASK = "task", _("Reform task")
    GRIEVANCE = "grievance", _("Grievance")


# The only steps an order may take after it is issued: action -> (statuses it applies to, the
# status it leads to). Urging leaves the status as it is. Enforced in
# reforms.supervision.services.order_act; the pages and the API read it through the policy.
ALLOWED_TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    OrderAction.REPLY: (
        frozenset({OrderStatus.ISSUED, OrderStatus.SENT_BACK}),
        OrderStatus.ANSWERED,
    ),
    OrderAction.URGE: (frozenset({OrderStatus.ISSUED, OrderStatus.SENT_BACK}), None),
    OrderAction.ACCEPT: (frozenset({OrderStatus.ANSWERED}), OrderStatus.ACCEPTED),
    OrderAction.SEND_BACK: (frozenset({OrderStatus.ANSWERED}), OrderStatus.SENT_BACK),
}
# Steps that must say something: a reply its text, a send-back its reason.
ACTIONS_NEEDING_TEXT = frozenset({OrderAction.REPLY, OrderAction.SEND_BACK})
# Statuses in which the unit owes a reply (the clock of "overdue" runs).
AWAITING_REPLY = (OrderStatus.ISSUED, OrderStatus.SENT_BACK)


class OrderReminderLevel(models.TextChoices):
    DUE_SOON = "due_soon", _("Reply due soon")
    OVERDUE = "overdue", _("Reply overdue")
