"""Who is told when a task is handed to them or its date moves, and what they read.

The people who answer for a task are its lead unit's active staff and its owner
(task_people). reforms.tasks.services calls these inside the write's transaction: a task
saved with a new lead unit or owner tells the people who now answer for it and did not before
(TASK_ASSIGNED); a new due date tells the others (TASK_DUE_CHANGED), so nobody hears twice of
one save. The daily milestone job (services.send_milestone_reminders) tells the same people
that a milestone is due soon or overdue. Whoever made the change is never told of it.
"""

from collections.abc import Iterable
from datetime import date

from django.utils.translation import gettext as _

from parks import access
from parks.notices.choices import NoticeKind
from parks.notices.services import announce
from parks.structure.models import User
from reforms.tasks.choices import MilestoneReminderLevel
from reforms.tasks.models import Milestone, Task


def task_people(task: Task) -> list[User]:
    """Who answers for a task: the active staff of its lead unit, and its owner (the person
    the task's reminders go to) if active, whichever unit they are in."""
    people = list(access.unit_staff(task.lead_unit_id))
    owner = task.owner
    if owner is not None and owner.is_active and owner.pk not in {p.pk for p in people}:
        people.append(owner)
    return people


def _tell(
    task: Task,
    *,
    kind: NoticeKind,
    people: Iterable[User],
    actor: User | None,
    title: str,
    body: str,
) -> None:
    announce(
        kind=kind,
        recipients=[p for p in people if actor is None or p.pk != actor.pk],
        title=title[:200],  # the notice's title holds 200 characters
        body=body,
        url=task.get_absolute_url(),
    )


def task_handed_over(
    task: Task,
    *,
    actor: User,
    people_before: Iterable[User] = (),
    due_before: date | None = None,
) -> None:
    """After a task was created or saved: tell the people who now answer for it and did not
    before (`people_before`; none for a new task) that it is theirs; if its due date moved from
    `due_before`, tell the rest who answer for it."""
    known = {person.pk for person in people_before}
    people = task_people(task)
    _tell(
        task,
        kind=NoticeKind.TASK_ASSIGNED,
        people=[person for person in people if person.pk not in known],
        actor=actor,
        title=_("Task for %(unit)s: %(task)s") % {"unit": task.lead_unit, "task": task},
        body=_("Due %(due)s.") % {"due": task.due_date.isoformat()},
    )
    if due_before is not None and due_before != task.due_date:
        _tell(
            task,
            kind=NoticeKind.TASK_DUE_CHANGED,
            people=[person for person in people if person.pk in known],
            actor=actor,
            title=_("Due date changed: %(task)s") % {"task": task},
            body=_("Due %(before)s → %(after)s.")
            % {"before": due_before.isoformat(), "after": task.due_date.isoformat()},
        )


def milestone_due(milestone: Milestone, *, level: str) -> None:
    """The daily job: the people who answer for the milestone's task hear that it is due soon
    or overdue."""
    task = milestone.task
    title = (
        _("Milestone overdue: %(milestone)s")
        if level == MilestoneReminderLevel.OVERDUE
        else _("Milestone due soon: %(milestone)s")
    )
    _tell(
        task,
        kind=NoticeKind.MILESTONE_DUE,
        people=task_people(task),
        actor=None,
        title=title % {"milestone": milestone.title},
        body=_("Due %(due)s, task %(task)s.")
        % {"due": milestone.due_date.isoformat(), "task": task},
    )
