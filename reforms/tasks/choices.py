"""Vocabularies of reform plans and tasks, with the task workflow beside its statuses."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PlanScope(models.TextChoices):
    DISTRICT = "district", _("District")
    SUBDISTRICT = "subdistrict", _("Subdistrict")
    PARK = "park", _("Park")


class TaskCategory(models.TextChoices):
    IDEOLOGY = "ideology", _("Ideological guidance")
    POLITICAL_STATUS = "political_status", _("Political status of workers")
    SKILLS = "skills", _("Skills improvement")
    RIGHTS = "rights", _("Rights protection")
    CARE = "care", _("Care services")
    POSITIONS = "positions", _("Position building")
    ORGANISATION = "organisation", _("Organisation building")
    PUBLICITY = "publicity", _("Publicity")
    OTHER = "other", _("Other")


class TaskStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    SUSPENDED = "suspended", _("Suspended")
    CANCELLED = "cancelled", _("Cancelled")


# The only moves a task may make. Enforced in reforms.tasks.services.task_transition.
ALLOWED_TRANSITIONS = {
    TaskStatus.PLANNED: {TaskStatus.IN_PROGRESS, TaskStatus.SUSPENDED, TaskStatus.CANCELLED},
    TaskStatus.IN_PROGRESS: {TaskStatus.DONE, TaskStatus.SUSPENDED, TaskStatus.CANCELLED},
    TaskStatus.SUSPENDED: {TaskStatus.IN_PROGRESS, TaskStatus.CANCELLED},
    TaskStatus.DONE: {TaskStatus.IN_PROGRESS},  # reopening
    TaskStatus.CANCELLED: {TaskStatus.PLANNED},  # reinstating
}
# Moves that must say why, by the status they lead to. A task only becomes planned again by
# being reinstated after a cancellation.
TRANSITIONS_NEEDING_REASON = {TaskStatus.SUSPENDED, TaskStatus.CANCELLED, TaskStatus.PLANNED}
# Ending a task, and undoing an end, are the district reform office's decisions: a unit could
# otherwise drop its own task for good.
OFFICE_ONLY_FROM = {TaskStatus.DONE, TaskStatus.CANCELLED}  # reopening, reinstating
OFFICE_ONLY_TO = {TaskStatus.CANCELLED}


def office_only_move(from_status: str, to_status: str) -> bool:
    """Whether only the district reform office may move a task from `from_status` to `to_status`."""
    return from_status in OFFICE_ONLY_FROM or to_status in OFFICE_ONLY_TO


# Statuses in which a task is no longer chased.
CLOSED_STATUSES = (TaskStatus.DONE, TaskStatus.CANCELLED)


class WarningLevel(models.TextChoices):
    GREEN = "green", _("On track")
    YELLOW = "yellow", _("At risk")
    RED = "red", _("Overdue")
    DONE_LATE = "done_late", _("Done late")
    NONE = "none", _("Not chased")


class ReminderLevel(models.TextChoices):
    YELLOW = "yellow", _("At risk")
    RED = "red", _("Overdue")


class MilestoneReminderLevel(models.TextChoices):
    DUE_SOON = "due_soon", pgettext_lazy("milestone", "Due soon")
    OVERDUE = "overdue", pgettext_lazy("milestone", "Overdue")
