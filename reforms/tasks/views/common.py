"""Helpers shared by the reforms pages: saving through services, paging and sorting."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from parks.core import view_helpers
from parks.core.db import chinese_order
from reforms.tasks.selectors import with_warning_rank


def _unit_order(descending):
    return [chinese_order("lead_unit__name", descending=descending), "code"]


# The columns the construction table may be sorted by: GET `ordering=<key>` or `-<key>`.
ORDERINGS = {
    "code": lambda desc: ["-code" if desc else "code"],
    "due_date": lambda desc: ["-due_date" if desc else "due_date", "code"],
    "progress": lambda desc: ["-progress" if desc else "progress", "due_date", "code"],
    "warning": lambda desc: ["-warning_rank" if desc else "warning_rank", "due_date", "code"],
    "unit": _unit_order,
}


def ordered(tasks: QuerySet, ordering: str) -> tuple[QuerySet, str]:
    """Sort tasks by a whitelisted `ordering`; anything else keeps the default (due date)."""
    key = ordering.removeprefix("-")
    if key not in ORDERINGS:
        return tasks, ""
    terms = ORDERINGS[key](ordering.startswith("-"))
    if key == "warning":
        tasks = with_warning_rank(tasks)
    return tasks.order_by(*terms), ordering


def sort_links(request, current: str):
    """Header links for the construction table's sortable columns."""
    labels = {
        "code": _("Code"),
        "due_date": _("Due date"),
        "progress": _("Progress"),
        "warning": _("Warning"),
        "unit": _("Lead unit"),
    }
    return view_helpers.sort_links(request, current, labels)
