"""Plans, reform tasks and their history, and the park's reform ledgers."""

from .ledgers import CarePayment, LedgerEntry, Proposal, Publicity, Training
from .reports import Report, ReportVersion, scope_key_for
from .tasks import (
    TASK_DATE_MAX,
    TASK_DATE_MESSAGE,
    TASK_DATE_MIN,
    TASK_DATE_VALIDATORS,
    Evidence,
    Milestone,
    Plan,
    ProgressUpdate,
    Task,
    TaskEvent,
    TaskImport,
    TaskReminder,
)

__all__ = [
    "TASK_DATE_MAX",
    "TASK_DATE_MESSAGE",
    "TASK_DATE_MIN",
    "TASK_DATE_VALIDATORS",
    "CarePayment",
    "Evidence",
    "LedgerEntry",
    "Milestone",
    "Plan",
    "ProgressUpdate",
    "Proposal",
    "Publicity",
    "Report",
    "ReportVersion",
    "Task",
    "TaskEvent",
    "TaskImport",
    "TaskReminder",
    "Training",
    "scope_key_for",
]
