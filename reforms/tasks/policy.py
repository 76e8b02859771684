"""Which steps a user may take now on a task or a milestone.

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
from parks.structure.models import User
from reforms.tasks.choices import (
    ALLOWED_TRANSITIONS,
    TRANSITIONS_NEEDING_REASON,
    TaskStatus,
    office_only_move,
)
from reforms.tasks.models import Task

# The order the task page draws its workflow buttons in.
MOVE_ORDER = (
    TaskStatus.PLANNED,
    TaskStatus.IN_PROGRESS,
    TaskStatus.DONE,
    TaskStatus.SUSPENDED,
    TaskStatus.CANCELLED,
)
# Progress is reported on a task that is planned or running; a finished, suspended or
# cancelled one has nothing to report until it moves again.
PROGRESS_STATUSES = (TaskStatus.PLANNED, TaskStatus.IN_PROGRESS)


# --- Who: parks.access, the portal's one access policy -------------------------------------


def may_manage_tasks(user: User) -> bool:
    """Creating, editing and importing plans, tasks and milestones: the district office."""
    return access.may_manage_tasks(user)


def may_update_task(user: User, task: Task) -> bool:
    """Reporting progress, ticking milestones and taking workflow steps: the office, the task's
    owner and its lead unit's staff (which steps: `task_moves`)."""
    return access.may_update_task(user, task)


# --- Tasks ---------------------------------------------------------------------------------


def check_move(user: User, task: Task, to_status: str) -> None:
    """Raise why `user` may not move `task` (as it stands) to `to_status`; None when they may.

    PermissionDenied when the user may not act on the task at all, or when the step is the
    office's (cancelling, reopening, reinstating); ValidationError when the workflow has no
    such step from the task's status.
    """
    if not may_update_task(user, task):
        raise PermissionDenied
    if to_status not in ALLOWED_TRANSITIONS.get(TaskStatus(task.status), set()):
        raise ValidationError(
            _("A task that is “%(from)s” cannot become “%(to)s”.")
            % {"from": TaskStatus(task.status).label, "to": TaskStatus(to_status).label}
            if to_status in TaskStatus.values
            else _("Unknown status.")
        )
    if office_only_move(task.status, to_status) and not may_manage_tasks(user):
        raise PermissionDenied(
            _(
                "Only the district reform office can cancel a task, reopen a finished one or "
                "reinstate a cancelled one."
            )
        )


def may_move(user: User, task: Task, to_status: str) -> bool:
    try:
        check_move(user, task, to_status)
    except (PermissionDenied, ValidationError):
        return False
    return True


def task_moves(user: User, task: Task) -> list[TaskStatus]:
    """The statuses `user` may move `task` to now, in the order the page shows them."""
    if not may_update_task(user, task):
        return []
    return [status for status in MOVE_ORDER if may_move(user, task, status)]


def move_needs_reason(to_status: str) -> bool:
    """Suspending, cancelling and reinstating must say why."""
    return to_status in TRANSITIONS_NEEDING_REASON


def check_progress(user: User, task: Task) -> None:
    """Raise why `user` may not report progress on `task` now; None when they may."""
    if not may_update_task(user, task):
        raise PermissionDenied
    if task.status not in PROGRESS_STATUSES:
        raise ValidationError(
            _("Progress can only be reported on a planned or running task, not a “%(status)s” one.")
            % {"status": TaskStatus(task.status).label}
        )


def may_report_progress(user: User, task: Task) -> bool:
    return may_update_task(user, task) and task.status in PROGRESS_STATUSES
