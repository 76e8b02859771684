"""Which steps a user may take now on a supervision order.

One rule, one place: reforms.supervision.services enforces these (`check_*` raise what the
service refuses with); the pages, the API and the templates read the same functions to show or
hide a button (`order_actions`, `may_issue`). Who a user is — the office, a unit's staff — is
parks.access's; what the workflow allows is ALLOWED_TRANSITIONS in reforms.supervision.choices.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from parks import access
from parks.access import AnyUser
from reforms.supervision.choices import ALLOWED_TRANSITIONS, OrderAction, OrderStatus
from reforms.supervision.models import SupervisionOrder

# The order the detail page draws its buttons in.
ACTION_ORDER = (OrderAction.REPLY, OrderAction.URGE, OrderAction.ACCEPT, OrderAction.SEND_BACK)
# Steps that are the office's; a reply is the unit's.
OFFICE_ACTIONS = frozenset({OrderAction.URGE, OrderAction.ACCEPT, OrderAction.SEND_BACK})


def may_issue(user: AnyUser) -> bool:
    """Issuing supervision orders is the district office's (parks.access)."""
    return access.may_issue_orders(user)


def _may_take(user: AnyUser, order: SupervisionOrder, action: str) -> bool:
    if action in OFFICE_ACTIONS:
        return access.may_issue_orders(user)
    return access.is_staff_of(user, order.unit_id)


def state_refusal(order: SupervisionOrder, action: str) -> str:
    """Why the order's status does not allow `action` (a message for the user)."""
    status = order.status
    if status == OrderStatus.ACCEPTED:
        if action == OrderAction.ACCEPT:
            return _("This order was already accepted and closed.")
        if action == OrderAction.REPLY:
            return _("This order is closed: a reply is no longer taken. Nothing was changed.")
        return _("This order is closed and cannot be urged or sent back.")
    if status == OrderStatus.ANSWERED:
        if action == OrderAction.REPLY:
            return _(
                "The unit has already replied; the office must accept the reply or send it back "
                "before another one."
            )
        return _("The unit has replied: accept the reply or send it back instead of urging.")
    return _("There is no reply to accept or send back yet.")


def check_action(user: AnyUser, order: SupervisionOrder, action: str) -> None:
    """Raise why `user` may not take `action` on `order` as it stands; None when they may.

    PermissionDenied when the step is not theirs (urging, closing and sending back are the
    office's, replying is the unit's staff's); ValidationError when the order's status has no
    such step (ALLOWED_TRANSITIONS).
    """
    if action not in ALLOWED_TRANSITIONS:
        raise ValidationError(_("Unknown step."))
    if not _may_take(user, order, action):
        raise PermissionDenied(
            _("Only the district reform office urges, closes or sends back an order.")
            if action in OFFICE_ACTIONS
            else _("Only the staff of the responsible unit reply to an order.")
        )
    if order.status not in ALLOWED_TRANSITIONS[action][0]:
        raise ValidationError(state_refusal(order, action))


def may_take(user: AnyUser, order: SupervisionOrder, action: str) -> bool:
    try:
        check_action(user, order, action)
    except (PermissionDenied, ValidationError):
        return False
    return True


def order_actions(user: AnyUser, order: SupervisionOrder) -> list[OrderAction]:
    """The steps `user` may take on `order` now, in the order the page shows them."""
    return [action for action in ACTION_ORDER if may_take(user, order, action)]
