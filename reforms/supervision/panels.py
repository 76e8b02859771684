"""The supervision orders panel that task and grievance pages show (parks.core.panels): the
orders about the record that the user may see, and the office's "issue an order" button."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from parks.core import panels
from reforms.supervision import policy, selectors

PANEL_TEMPLATE = "reforms/supervision/_orders_panel.html"


def orders_panel(request, subject) -> str:
    field = subject._meta.model_name  # "task" or "grievance"
    can_issue = policy.may_issue(request.user)
    orders = list(selectors.orders_about(subject, user=request.user, today=timezone.localdate()))
    if not orders and not can_issue:
        return ""
    issue_url = None
    if can_issue:
        issue_url = f"{reverse('reforms:order_issue')}?{urlencode({field: subject.pk})}"
    return render_to_string(
        PANEL_TEMPLATE,
        {"orders": orders, "issue_url": issue_url, "show_subject": False},
        request=request,
    )


def register_panels() -> None:
    panels.register("reforms.task", orders_panel)
    panels.register("grievances.grievance", orders_panel)
