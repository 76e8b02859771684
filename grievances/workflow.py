"""The grievance workflow: one service per step (assign, accept, return, start, reply, follow
up, close, reopen, withdraw), their shared locking and moving helpers, STEP_SERVICES, and
`_event`, the timeline event every write to a grievance records. A step that hands the
grievance to someone else tells them (grievances.handoffs), in the same transaction.

grievances.services re-exports all of it, so callers keep `services.grievance_assign`; this
module does not import services.
"""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grievances import handoffs, policy
from grievances.choices import ACTIONS_NEEDING_NOTE, ALLOWED_TRANSITIONS, Action, Satisfaction
from grievances.models import FollowUp, Grievance, GrievanceEvent
from grievances.worker_texts import tell_worker
from parks.history import audit
from parks.structure.models import Organisation, User


def _event(
    grievance: Grievance, *, actor: User | None, action: str, from_status: str, note: str = ""
) -> None:
    GrievanceEvent.objects.create(
        grievance=grievance,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=grievance.status,
        note=note,
    )


# --- The workflow: one service per step -------------------------------------------------------
# Each locks the row (select_for_update), so two people acting at once are applied one after
# the other and a step that no longer fits the status is refused; policy.step_refusal decides
# who may take which step in which status. Each writes its timeline event in the same
# transaction.


def _locked_for_step(
    grievance: Grievance, *, action: Action, actor: User, note: str
) -> tuple[Grievance, str]:
    """The grievance locked and re-read, and the cleaned note; or the policy's refusal."""
    grievance = Grievance.objects.select_for_update().get(pk=grievance.pk)
    refusal = policy.step_refusal(actor, grievance, action)
    if refusal is not None:
        raise refusal
    note = (note or "").strip()
    if action in ACTIONS_NEEDING_NOTE and not note:
        raise ValidationError({"note": _("Say why, or what the worker is told.")})
    return grievance, note


def _move(
    grievance: Grievance, *, action: Action, actor: User, note: str, fields: tuple[str, ...] = ()
) -> Grievance:
    """Move the locked grievance to the step's status, save what changed, write the event and
    the audit log's field changes (read back from the row, which the step has not saved yet)."""
    before = audit.stored(grievance)
    from_status = grievance.status
    grievance.status = ALLOWED_TRANSITIONS[action][1]
    # The steps' own checks cover what a user can get wrong; the database still enforces
    # every constraint, and re-checking each one here would cost a query apiece.
    grievance.full_clean(validate_constraints=False)
    grievance.save(update_fields=["status", "updated_at", *fields])
    _event(grievance, actor=actor, action=action, from_status=from_status, note=note)
    audit.record_save(actor=actor, instance=grievance, before=before, only=("status", *fields))
    return grievance


@transaction.atomic
def grievance_assign(
    *,
    grievance: Grievance,
    actor: User,
    unit: Organisation | None,
    handler: User | None = None,
    note: str = "",
) -> Grievance:
    """The office sends a received or returned grievance to a unit, optionally naming the
    person who handles it."""
    grievance, note = _locked_for_step(grievance, action=Action.ASSIGN, actor=actor, note=note)
    if unit is None or not unit.is_active:
        raise ValidationError({"unit": _("Choose an active unit to handle it.")})
    if handler is not None and handler.organisation_id != unit.pk:
        raise ValidationError({"handler": _("The handler must work in the chosen unit.")})
    grievance.handling_unit, grievance.handler = unit, handler
    grievance = _move(
        grievance,
        action=Action.ASSIGN,
        actor=actor,
        note=note or str(unit),
        fields=("handling_unit", "handler"),
    )
    handoffs.grievance_assigned(grievance, actor=actor, note=note)
    return grievance


@transaction.atomic
def grievance_accept(*, grievance: Grievance, actor: User, note: str = "") -> Grievance:
    """The unit accepts: the response time is this acceptance, by the unit that now handles the
    grievance (a unit that returned it does not answer for the next one); the accepting person
    handles it unless the office named someone."""
    grievance, note = _locked_for_step(grievance, action=Action.ACCEPT, actor=actor, note=note)
    # Accepting is only possible once per assignment (assigned -> accepted), so this is the
    # acceptance of the current unit; a return has cleared any earlier one.
    grievance.responded_at = timezone.now()
    grievance.handler = grievance.handler or actor
    grievance = _move(
        grievance, action=Action.ACCEPT, actor=actor, note=note, fields=("responded_at", "handler")
    )
    handoffs.grievance_accepted(grievance, actor=actor)
    tell_worker(grievance, Action.ACCEPT)  # an SMS to the worker, if they agreed
    return grievance


@transaction.atomic
def grievance_return(*, grievance: Grievance, actor: User, note: str) -> Grievance:
    """The unit sends the grievance back to the office, saying why (the wrong unit...). Its
    acceptance, if it had accepted, is cleared: the response is judged on the acceptance by
    the unit that finally handles it, so a return cannot leave the response looking on time
    (grievances.rates)."""
    grievance, note = _locked_for_step(grievance, action=Action.RETURN, actor=actor, note=note)
    grievance.handler = None
    grievance.responded_at = None
    grievance = _move(
        grievance,
        action=Action.RETURN,
        actor=actor,
        note=note,
        fields=("handler", "responded_at"),
    )
    handoffs.grievance_returned(grievance, actor=actor, note=note)
    return grievance


@transaction.atomic
def grievance_start(*, grievance: Grievance, actor: User, note: str = "") -> Grievance:
    """The unit starts handling an accepted grievance."""
    grievance, note = _locked_for_step(grievance, action=Action.START, actor=actor, note=note)
    return _move(grievance, action=Action.START, actor=actor, note=note)


@transaction.atomic
def grievance_reply(*, grievance: Grievance, actor: User, note: str) -> Grievance:
    """The unit replies to the worker; the reply is the resolution (and its time)."""
    grievance, note = _locked_for_step(grievance, action=Action.REPLY, actor=actor, note=note)
    grievance.resolved_at = timezone.now()
    grievance.reply = note
    grievance = _move(
        grievance, action=Action.REPLY, actor=actor, note=note, fields=("resolved_at", "reply")
    )
    handoffs.grievance_replied(grievance, actor=actor)
    tell_worker(grievance, Action.REPLY)  # an SMS to the worker, if they agreed
    return grievance


@transaction.atomic
def grievance_follow_up(
    *,
    grievance: Grievance,
    actor: User,
    satisfaction: str,
    rectified: bool | None = None,
    note: str = "",
) -> Grievance:
    """The office records the follow-up call: how satisfied the worker is and, for an
    opinion, whether the problem was put right (None leaves that as it was). The call is kept
    as a FollowUp row; the grievance's `satisfaction` is the latest call's answer, which a
    reopen clears, while the row stays for the rates."""
    grievance, note = _locked_for_step(grievance, action=Action.FOLLOW_UP, actor=actor, note=note)
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": _("Record how satisfied the worker is.")})
    grievance.satisfaction = satisfaction
    if rectified is not None:
        grievance.rectified = rectified
    # The grievance row is locked, so two calls recorded at once get numbers one after the other.
    FollowUp.objects.create(
        grievance=grievance,
        number=grievance.follow_ups.count() + 1,
        actor=actor,
        satisfaction=satisfaction,
    )
    return _move(
        grievance,
        action=Action.FOLLOW_UP,
        actor=actor,
        note=note,
        fields=("satisfaction", "rectified"),
    )


@transaction.atomic
def grievance_close(*, grievance: Grievance, actor: User, note: str = "") -> Grievance:
    """The office closes a grievance whose worker was satisfied."""
    grievance, note = _locked_for_step(grievance, action=Action.CLOSE, actor=actor, note=note)
    grievance.closed_at = timezone.now()
    grievance = _move(grievance, action=Action.CLOSE, actor=actor, note=note, fields=("closed_at",))
    tell_worker(grievance, Action.CLOSE)  # an SMS to the worker, if they agreed
    return grievance


@transaction.atomic
def grievance_reopen(*, grievance: Grievance, actor: User, note: str) -> Grievance:
    """The office reopens a grievance whose worker was not satisfied: back to the unit, the
    reply and the satisfaction cleared (the call itself stays, as a FollowUp row)."""
    grievance, note = _locked_for_step(grievance, action=Action.REOPEN, actor=actor, note=note)
    grievance.resolved_at = None
    grievance.satisfaction = ""
    grievance = _move(
        grievance,
        action=Action.REOPEN,
        actor=actor,
        note=note,
        fields=("resolved_at", "satisfaction"),
    )
    handoffs.grievance_reopened(grievance, actor=actor, note=note)
    return grievance


@transaction.atomic
def grievance_withdraw(*, grievance: Grievance, actor: User, note: str) -> Grievance:
    """The office withdraws a grievance on the worker's behalf, saying why."""
    grievance, note = _locked_for_step(grievance, action=Action.WITHDRAW, actor=actor, note=note)
    return _move(grievance, action=Action.WITHDRAW, actor=actor, note=note)


# Each workflow step's service, for the callers that name the step (the step pages, the demo
# data). Every service takes the grievance, the actor and its own keyword arguments.
STEP_SERVICES: dict[str, Callable[..., Grievance]] = {
    Action.ASSIGN: grievance_assign,
    Action.ACCEPT: grievance_accept,
    Action.RETURN: grievance_return,
    Action.START: grievance_start,
    Action.REPLY: grievance_reply,
    Action.FOLLOW_UP: grievance_follow_up,
    Action.CLOSE: grievance_close,
    Action.REOPEN: grievance_reopen,
    Action.WITHDRAW: grievance_withdraw,
}
