"""What a user may do to a grievance now, and the clocks and eligibility rules behind it.

One place for every "may this user do this now" of the grievances area: the workflow steps
(choices.ALLOWED_TRANSITIONS and who takes each), extensions, mediation and its 15-day clock,
and moving or deleting a survey. grievances.services enforce these functions; pages, the API
and templates only read them to show a button, a flag or a date. Who a user is (the office,
the unit handling a grievance, staff of a park) is asked of the scope rules, never re-derived.

A refusal comes back as an exception rather than raised, so that a page can ask "may I show
this?" (`... is None`) and a service raise the very same refusal: PermissionDenied when the
user's role never allows it, ValidationError naming no field when the grievance's state does
not allow it now (the API answers 409).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grievances.choices import (
    ALLOWED_TRANSITIONS,
    DISPUTE_CATEGORIES,
    FINAL_STATUSES,
    OFFICE_ACTIONS,
    SATISFIED_LEVELS,
    Action,
    ExtensionState,
    Status,
)
from grievances.models import ExtensionRequest, Grievance, Mediation, SurveyCampaign
from parks import access
from parks.structure.models import Park, User

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Refusal = PermissionDenied | ValidationError

# The order the steps are offered in: forward steps first, withdrawing last.
STEP_ORDER = (
    Action.ASSIGN,
    Action.ACCEPT,
    Action.START,
    Action.REPLY,
    Action.RETURN,
    Action.FOLLOW_UP,
    Action.CLOSE,
    Action.REOPEN,
    Action.WITHDRAW,
)
# More time may be asked only while the unit is working on the grievance.
HANDLING = (Status.ACCEPTED, Status.IN_PROGRESS)


# --- Workflow steps -----------------------------------------------------------------------------


def step_refusal(user: User, grievance: Grievance, action: str) -> Refusal | None:
    """Why `user` may not take `action` on `grievance` now; None when they may.

    Checked in this order: the role (office steps are the office's; the unit's steps are the
    handling unit's, which the office may take in its stead), then the status (the transition
    map), then what the step itself needs (closing needs a satisfied worker; an unsatisfied one
    is reopened instead).
    """
    if action not in ALLOWED_TRANSITIONS:
        return ValidationError({"action": _("Unknown action.")})
    office, handling = _roles(user, grievance)
    obstacle = _step_obstacle(office, handling, grievance, action)
    if obstacle is None:
        return None
    if obstacle is _ROLE:
        if action in OFFICE_ACTIONS:
            return PermissionDenied(_("Only the district reform office takes this step."))
        return PermissionDenied(_("Only the unit handling this grievance takes this step."))
    if obstacle is _STATUS:
        return ValidationError(
            _("A grievance that is “%(status)s” cannot be given the step “%(action)s”.")
            % {"status": Status(grievance.status).label, "action": Action(action).label}
        )
    return ValidationError(
        _("The worker was not satisfied: reopen the grievance instead of closing it.")
    )


# What stands in a step's way (step_refusal's checks, in its order), before a refusal's words
# are written: a page asks for nine steps whether each is allowed, and wrote eight refusals.
_ROLE, _STATUS, _UNSATISFIED = "role", "status", "unsatisfied"


def _roles(user: User, grievance: Grievance) -> tuple[bool, bool]:
    """Whether `user` takes the office's steps, and the handling unit's (access.handles)."""
    return access.is_district_office(user), access.handles(user, grievance)


def _step_obstacle(office: bool, handling: bool, grievance: Grievance, action: str) -> str | None:
    if not (office if action in OFFICE_ACTIONS else handling):
        return _ROLE
    sources, _target = ALLOWED_TRANSITIONS[Action(action)]
    if grievance.status not in sources:
        return _STATUS
    if action == Action.CLOSE and grievance.satisfaction not in SATISFIED_LEVELS:
        return _UNSATISFIED
    return None


def takes_step_role(user: User, grievance: Grievance, action: str) -> bool:
    """Whether the user's role lets them take this step at all, whatever the status."""
    refusal = step_refusal(user, grievance, action)
    return not isinstance(refusal, PermissionDenied)


def allowed_steps(user: User, grievance: Grievance) -> list[Action]:
    """The workflow steps `user` may take on `grievance` now, in the order they are offered:
    those step_refusal refuses for nothing (its checks, the roles asked once)."""
    office, handling = _roles(user, grievance)
    return [
        action
        for action in STEP_ORDER
        if _step_obstacle(office, handling, grievance, action) is None
    ]


def _own_step(office: bool, handling_unit: bool, action: str) -> bool:
    """Office steps are the office's own; the unit's steps are the handling unit's own."""
    return office if action in OFFICE_ACTIONS else handling_unit


def offered_steps(user: User, grievance: Grievance) -> list[Action]:
    """The steps a page draws as buttons: allowed now and the user's own. The office may stand
    in for a unit (through the step's page or the API), but is not tempted by the unit's
    buttons on every grievance it opens."""
    office = access.is_district_office(user)
    handling_unit = access.is_handling_unit(user, grievance)
    return [
        action
        for action in allowed_steps(user, grievance)
        if _own_step(office, handling_unit, action)
    ]


def worker_may_withdraw(grievance: Grievance) -> bool:
    """The worker may withdraw their grievance from the tracking page while the office could
    withdraw it (any status the transition map lets `withdraw` start from)."""
    return grievance.status in ALLOWED_TRANSITIONS[Action.WITHDRAW][0]


# --- What waits for whom (the workbench's queues) -----------------------------------------------


@dataclass(frozen=True)
class Queue:
    """Grievances waiting for one kind of step: those whose status the transition map lets
    `actions` start from. The office's queues hold every grievance it sees; a unit's queues
    only those assigned to the unit."""

    key: str
    label: StrOrPromise
    actions: tuple[Action, ...]
    office: bool

    @property
    def statuses(self) -> list[str]:
        starts = set().union(*(ALLOWED_TRANSITIONS[action][0] for action in self.actions))
        return [status.value for status in Status if status in starts]


WORK_QUEUES = (
    Queue("to_assign", gettext_lazy("To assign"), (Action.ASSIGN,), office=True),  # 待分派
    Queue("to_accept", gettext_lazy("To accept"), (Action.ACCEPT,), office=False),  # 待签收
    Queue("to_handle", gettext_lazy("To handle"), (Action.REPLY,), office=False),  # 待办理
    # 待回访: the follow-up call is due once replied; after it, closing or reopening.
    Queue(
        "to_follow_up",
        gettext_lazy("Follow-up due"),
        (Action.FOLLOW_UP, Action.CLOSE),
        office=True,
    ),
)


QUEUES = {queue.key: queue for queue in WORK_QUEUES}


def queues_for(user: User) -> list[Queue]:
    """The queues whose steps are the user's own (policy._own_step): the office's to the
    district office, the handling unit's to staff of an organisation."""
    scope = access.scope_of(user)
    return [
        queue
        for queue in WORK_QUEUES
        if (scope.office if queue.office else scope.organisation_id is not None)
    ]


# --- Extensions ---------------------------------------------------------------------------------


def may_ask_for_more_time(user: User, grievance: Grievance) -> bool:
    """The handling unit asks for more time; the office may in its stead."""
    return access.handles(user, grievance)


def extension_request_refusal(
    user: User, grievance: Grievance, *, has_pending: bool
) -> Refusal | None:
    """Why `user` may not ask for more time on `grievance` now; None when they may.
    `has_pending`: a request of this grievance is already waiting for the office."""
    if not may_ask_for_more_time(user, grievance):
        return PermissionDenied()
    if grievance.status not in HANDLING:
        return ValidationError(_("More time can be asked only while the grievance is handled."))
    if has_pending:
        return ValidationError(_("An extension request is already waiting for approval."))
    return None


def offers_extension_request(user: User, grievance: Grievance, *, has_pending: bool) -> bool:
    """The page offers the request to the handling unit, whose time it is."""
    return access.is_handling_unit(user, grievance) and (
        extension_request_refusal(user, grievance, has_pending=has_pending) is None
    )


def extension_decision_refusal(user: User, extension: ExtensionRequest) -> Refusal | None:
    """The office approves or rejects a request, once."""
    if not access.is_district_office(user):
        return PermissionDenied()
    if extension.state != ExtensionState.PENDING:
        return ValidationError(_("This request has already been decided."))
    return None


def may_decide_extensions(user: User) -> bool:
    """Whether the user decides extension requests at all (the office does)."""
    return access.is_district_office(user)


# --- Personal data ------------------------------------------------------------------------------


def sees_personal_data_log(user: User) -> bool:
    """Who saw a worker's name and phone is shown to the office, which answers for it."""
    return access.is_district_office(user)


# --- Mediation and its clock --------------------------------------------------------------------


def mediation_last_day(mediation: Mediation) -> date:
    """The last day the parties have to agree: the application day plus
    GRIEVANCE_MEDIATION_DAYS (15), the application day itself not counted."""
    return mediation.applied_on + timedelta(days=settings.GRIEVANCE_MEDIATION_DAYS)


def arbitration_opens_on(mediation: Mediation) -> date:
    """The first day a party may seek arbitration if the mediation has not agreed.

    《劳动争议调解仲裁法》第十四条: 自劳动争议调解组织收到调解申请之日起十五日内未达成调解协议
    的，当事人可以依法申请仲裁. "Within fifteen days" counts as Chinese law counts periods in days
    (《民法典》第二百零一条, 《民事诉讼法》第八十五条): the day of the application is not counted,
    so the fifteen days run from the next day and end on mediation_last_day. On that day the
    parties may still agree; arbitration opens the day after. Applied on 1 June: the parties
    have until 16 June, and arbitration is open from 17 June.
    """
    return mediation_last_day(mediation) + timedelta(days=1)


def may_seek_arbitration(mediation: Mediation, *, today: date) -> bool:
    """No outcome yet, and the fifteen days have run out (arbitration_opens_on has come)."""
    return not mediation.outcome and today >= arbitration_opens_on(mediation)


def may_mediate(user: User, grievance: Grievance) -> bool:
    """The handling unit mediates its disputes; the office may too."""
    return access.handles(user, grievance)


def mediation_open_refusal(user: User, grievance: Grievance) -> Refusal | None:
    """Why `user` may not open mediation of `grievance`; None when they may. Only disputes are
    mediated, and only while the grievance is not closed or withdrawn."""
    if not may_mediate(user, grievance):
        return PermissionDenied()
    if grievance.category not in DISPUTE_CATEGORIES:
        return ValidationError(_("Only disputes go to mediation."))
    if grievance.status in FINAL_STATUSES:
        return ValidationError(_("A closed or withdrawn grievance is not mediated."))
    return None


def mediation_record_refusal(user: User, mediation: Mediation) -> Refusal | None:
    """Why `user` may not record a session or the outcome of `mediation`; None when they may."""
    if not may_mediate(user, mediation.grievance):
        return PermissionDenied()
    if mediation.outcome:
        return ValidationError(_("This mediation has concluded."))
    return None


# --- Surveys ------------------------------------------------------------------------------------


def may_write_survey(user: User, park: Park) -> bool:
    """The office records surveys anywhere; a liaison or park manager in their own park."""
    return access.may_log_grievances(user, park)


def survey_has_opinions(survey: SurveyCampaign) -> bool:
    return survey.pk is not None and survey.opinions.exists()


def survey_move_refusal(survey: SurveyCampaign, park: Park) -> ValidationError | None:
    """A survey whose opinions were logged stays in its park: the opinions were logged in that
    park, and moving the survey alone would leave them pointing at another park's survey.
    `survey` is as stored; `park` the one it would move to."""
    if survey.pk is None or park.pk == survey.park_id or not survey_has_opinions(survey):
        return None
    return ValidationError(
        {"park": _("Opinions were logged from this survey; it cannot move to another park.")}
    )


def survey_delete_refusal(survey: SurveyCampaign) -> ValidationError | None:
    """A survey with opinions is not deleted: that would lose what the workers said (or the
    opinions' link to the survey they answered)."""
    if survey_has_opinions(survey):
        return ValidationError(_("Opinions were logged from this survey; it cannot be deleted."))
    return None


# --- Merging likely duplicates ------------------------------------------------------------------


def may_merge(user: User) -> bool:
    """The office merges duplicates (grievances.merging), which closes a worker's case."""
    return access.is_district_office(user)


def merge_refusal(user: User, duplicate: Grievance, survivor: Grievance) -> Refusal | None:
    """Why `user` may not merge `duplicate` into `survivor` (both as stored, the survivor
    already followed to the case it was merged into); None when they may. Naming the wrong
    survivor (itself, another park's) is an error on `into`; a state that forbids it names no
    field (the API answers 409)."""
    if not may_merge(user):
        return PermissionDenied(_("Only the district reform office merges grievances."))
    if duplicate.pk == survivor.pk:
        return ValidationError({"into": _("A grievance cannot be merged into itself.")})
    if duplicate.park_id != survivor.park_id:
        return ValidationError(
            {
                "into": _(
                    "Only grievances of the same park are merged: %(code)s is of another park."
                )
                % {"code": survivor.tracking_code}
            }
        )
    if duplicate.status in FINAL_STATUSES:
        return ValidationError(
            _("%(code)s is already “%(status)s”; only an open grievance is merged.")
            % {"code": duplicate.tracking_code, "status": Status(duplicate.status).label}
        )
    if survivor.status in FINAL_STATUSES:
        return ValidationError(
            _("%(code)s is “%(status)s”: merge into a case that is still open.")
            % {"code": survivor.tracking_code, "status": Status(survivor.status).label}
        )
    return None


# --- Standard replies ---------------------------------------------------------------------------


def may_keep_reply_templates(user: User) -> bool:
    """The office keeps the standard replies (标准答复); everyone who handles grievances reads."""
    return access.is_district_office(user)
