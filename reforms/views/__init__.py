"""Browser pages of the reforms app, split by topic."""

from .charts import district_roadmap, park_roadmap, unit_league
from .dashboard import dashboard, dashboard_park
from .imports import (
    task_import,
    task_import_commit,
    task_import_discard,
    task_import_preview,
    task_import_sample,
)
from .ledgers import (
    ledger_create,
    ledger_delete,
    ledger_edit,
    ledger_export,
    ledger_list,
    ledger_overview,
    proposal_advance,
)
from .plans import plan_document
from .report_schedules import report_schedules
from .reports import (
    report_detail,
    report_download,
    report_list,
    report_regenerate,
    report_request,
    report_status,
)
from .tasks import (
    evidence_download,
    milestone_create,
    milestone_edit,
    milestone_toggle,
    my_tasks,
    progress_create,
    task_create,
    task_detail,
    task_edit,
    task_export,
    task_list,
    task_transition,
)

__all__ = [
    "dashboard",
    "dashboard_park",
    "report_detail",
    "report_download",
    "report_list",
    "report_regenerate",
    "report_request",
    "report_schedules",
    "report_status",
    "district_roadmap",
    "evidence_download",
    "ledger_create",
    "ledger_delete",
    "ledger_edit",
    "ledger_export",
    "ledger_list",
    "ledger_overview",
    "milestone_create",
    "milestone_edit",
    "milestone_toggle",
    "my_tasks",
    "park_roadmap",
    "plan_document",
    "progress_create",
    "proposal_advance",
    "task_create",
    "task_detail",
    "task_edit",
    "task_export",
    "task_import",
    "task_import_commit",
    "task_import_discard",
    "task_import_preview",
    "task_import_sample",
    "task_list",
    "task_transition",
    "unit_league",
]
