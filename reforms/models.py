"""Django's models module for the reforms app: it registers the models of the app's domains.

Code imports a model from its domain (reforms.tasks.models, reforms.ledgers.models,
reforms.reporting.models, reforms.supervision.models, reforms.assessment.models), never
from here; Django and the migrations need this module.
"""

from reforms.assessment.models import (
    Scheme,
    SchemeIndicator,
    SchemeItem,
    Score,
    ScoreAdjustment,
    ScoreEvent,
)
from reforms.ledgers.models import CarePayment, Proposal, Publicity, Training
from reforms.reporting.models import Report, ReportVersion
from reforms.supervision.models import (
    OrderEvent,
    OrderReminder,
    OrderReply,
    OrderReplyFile,
    SupervisionOrder,
)
from reforms.tasks.models import (
    Evidence,
    Milestone,
    MilestoneReminder,
    Plan,
    ProgressUpdate,
    Task,
    TaskEvent,
    TaskImport,
    TaskReminder,
)

__all__ = [
    "Scheme",
    "SchemeIndicator",
    "SchemeItem",
    "Score",
    "ScoreAdjustment",
    "ScoreEvent",
    "CarePayment",
    "Evidence",
    "Milestone",
    "MilestoneReminder",
    "OrderEvent",
    "OrderReminder",
    "OrderReply",
    "OrderReplyFile",
    "Plan",
    "ProgressUpdate",
    "Proposal",
    "Publicity",
    "Report",
    "ReportVersion",
    "SupervisionOrder",
    "Task",
    "TaskEvent",
    "TaskImport",
    "TaskReminder",
    "Training",
]
