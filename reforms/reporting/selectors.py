"""Which progress reports a user may read.

The warning level of a task is one SQL expression (`warning_expression`), so the construction
table, its filters, the API, the league table and the reports can never disagree about it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import (
    QuerySet,
)

from parks import access
from parks.access import AnyUser
from reforms.reporting.models import Report

if TYPE_CHECKING:
    pass


# --- Progress reports (进展报告) ------------------------------------------------------------


def reports_visible_to(user: AnyUser) -> QuerySet[Report]:
    """Reports a user may read (the rule: parks.access.reports_visible)."""
    return access.reports_visible(user, Report.objects.all())
