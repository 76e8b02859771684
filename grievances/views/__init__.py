"""Browser pages of the grievances app for signed-in staff, split by topic.

The workers' public pages (no account) live in grievances.public_views.
"""

from grievances.views.detail import attachment_download, extension_decide, grievance_detail
from grievances.views.inbox import duplicate_check, grievance_create, inbox
from grievances.views.merge import grievance_merge_view
from grievances.views.rates import rates
from grievances.views.replies import reply_template_edit, reply_templates
from grievances.views.steps import (
    extension_request,
    grievance_act,
    mediation_conclude,
    mediation_open,
    mediation_session_add,
)
from grievances.views.surveys import policies, survey_create, survey_edit, survey_list

__all__ = [
    "attachment_download",
    "duplicate_check",
    "extension_decide",
    "extension_request",
    "grievance_act",
    "grievance_create",
    "grievance_detail",
    "grievance_merge_view",
    "inbox",
    "mediation_conclude",
    "mediation_open",
    "mediation_session_add",
    "policies",
    "rates",
    "reply_template_edit",
    "reply_templates",
    "survey_create",
    "survey_edit",
    "survey_list",
]
