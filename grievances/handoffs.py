"""Who is told of each hand-off of a grievance, and what they read.

Each workflow step that passes a grievance to someone else calls one function here, inside its
transaction, after the step is written: the office assigns (the unit hears), the unit accepts or
returns it (the office hears), the unit replies (the office hears that a follow-up call is due,
and the person who brought the grievance in hears the reply), the office reopens it (the unit
hears again). The person who took the step is never told of it; a person who fits twice hears
once (parks.notices.services.announce).

Who works on a grievance (handling_people) is also who the deadline reminders warn
(grievances.services.send_grievance_reminders).
"""

from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from grievances.models import Grievance
from parks import access
from parks.notices.choices import NoticeKind
from parks.notices.services import announce
from parks.structure.models import User


def handling_people(grievance: Grievance) -> list[User]:
    """Who works on a grievance: the person the office or the unit named as its handler, else
    every active member of its handling unit's staff (any of them may accept it). Nobody when it
    is with no unit."""
    handler = grievance.handler
    if handler is not None and handler.is_active:
        return [handler]
    return list(access.unit_staff(grievance.handling_unit_id))


def _others(people: Iterable[User], actor: User | None) -> list[User]:
    """The people to tell, without the one who acted: nobody is told of their own step."""
    return [person for person in people if actor is None or person.pk != actor.pk]


def _when(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _tell(
    grievance: Grievance,
    *,
    kind: NoticeKind,
    people: Iterable[User],
    actor: User,
    title: str,
    lines: Iterable[str],
) -> None:
    """One notice about the grievance, to `people` but the actor: the lines of its body, then
    the tracking code; the link opens the grievance."""
    code = _("Tracking code %(code)s.") % {"code": grievance.tracking_code}
    announce(
        kind=kind,
        recipients=_others(people, actor),
        title=title[:200],  # the notice's title holds 200 characters; a grievance's title too
        body="\n".join(line for line in (*lines, code) if line),
        url=grievance.get_absolute_url(),
    )


def _unit_name(grievance: Grievance) -> str:
    return str(grievance.handling_unit) if grievance.handling_unit_id else "—"


def grievance_assigned(grievance: Grievance, *, actor: User, note: str = "") -> None:
    """派单: the unit's people (or the handler the office named) hear that it is theirs."""
    _tell(
        grievance,
        kind=NoticeKind.GRIEVANCE_ASSIGNED,
        people=handling_people(grievance),
        actor=actor,
        title=_("Assigned to %(unit)s: %(title)s")
        % {"unit": _unit_name(grievance), "title": grievance.title},
        lines=(
            note,
            _("Accept it, or return it to the office, by %(due)s.")
            % {"due": _when(grievance.response_due_at)},
        ),
    )


def grievance_accepted(grievance: Grievance, *, actor: User) -> None:
    """签收: the office hears that the unit has taken the grievance on."""
    _tell(
        grievance,
        kind=NoticeKind.GRIEVANCE_ACCEPTED,
        people=access.office_staff(),
        actor=actor,
        title=_("Accepted by %(unit)s: %(title)s")
        % {"unit": _unit_name(grievance), "title": grievance.title},
        lines=(_("Resolve by %(due)s.") % {"due": _when(grievance.resolution_due_at)},),
    )


def grievance_returned(grievance: Grievance, *, actor: User, note: str) -> None:
    """退回: the office hears that the unit sent it back, and why; it must assign it again."""
    _tell(
        grievance,
        kind=NoticeKind.GRIEVANCE_RETURNED,
        people=access.office_staff(),
        actor=actor,
        title=_("Returned by %(unit)s: %(title)s")
        % {"unit": _unit_name(grievance), "title": grievance.title},
        lines=(_("Why: %(note)s") % {"note": note}, _("Assign it to a unit again.")),
    )


def _brought_in_by(grievance: Grievance) -> list[User]:
    """Who brought the grievance in: the person who registered it and the one who logged the
    grid-log entry it was heard at (a liaison, usually), if still active. A worker who submitted
    it online has no account: the tracking page tells them."""
    people = [grievance.logged_by]
    if grievance.source_activity_id:
        people.append(grievance.source_activity.logged_by)  # type: ignore[union-attr]
    return [person for person in people if person is not None and person.is_active]


def grievance_replied(grievance: Grievance, *, actor: User) -> None:
    """答复: the office, which makes the follow-up calls, hears that one is now due (待回访); the
    person who brought the grievance in hears what the unit replied. Someone who is both (an
    office person who registered it) hears once, that the call is due."""
    office = list(access.office_staff())
    office_ids = {person.pk for person in office}
    reply = _("%(unit)s replied to the worker: %(reply)s") % {
        "unit": _unit_name(grievance),
        "reply": grievance.reply,
    }
    _tell(
        grievance,
        kind=NoticeKind.FOLLOW_UP_DUE,
        people=office,
        actor=actor,
        title=_("Follow-up call due: %(title)s") % {"title": grievance.title},
        lines=(reply, _("Call the worker and record how satisfied they are.")),
    )
    _tell(
        grievance,
        kind=NoticeKind.GRIEVANCE_REPLIED,
        people=[p for p in _brought_in_by(grievance) if p.pk not in office_ids],
        actor=actor,
        title=_("Replied: %(title)s") % {"title": grievance.title},
        lines=(reply,),
    )


def grievance_reopened(grievance: Grievance, *, actor: User, note: str) -> None:
    """重办: the unit's people (or its handler) hear that the worker was not satisfied and the
    grievance is theirs again."""
    _tell(
        grievance,
        kind=NoticeKind.GRIEVANCE_REOPENED,
        people=handling_people(grievance),
        actor=actor,
        title=_("Reopened: %(title)s") % {"title": grievance.title},
        lines=(
            _("The worker was not satisfied: %(note)s") % {"note": note},
            _("Resolve by %(due)s.") % {"due": _when(grievance.resolution_due_at)},
        ),
    )


def grievance_merged(survivor: Grievance, *, merged: Iterable[Grievance], actor: User) -> None:
    """合并: the survivor's unit (its people, or its handler) hears that duplicates now follow
    the case it handles, so it answers those workers too. Nobody when the case has no unit."""
    if survivor.handling_unit_id is None:
        return
    codes = " ".join(grievance.tracking_code for grievance in merged)
    _tell(
        survivor,
        kind=NoticeKind.GRIEVANCE_MERGED,
        people=handling_people(survivor),
        actor=actor,
        title=_("Duplicates merged into: %(title)s") % {"title": survivor.title},
        lines=(
            _("Merged into this case: %(codes)s. Their workers now follow its progress.")
            % {"codes": codes},
        ),
    )
