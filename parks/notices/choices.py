"""What a notice is about: each hand-off the portal announces has its own kind, so a person can
choose, kind by kind, by which channels it reaches them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeKind(models.TextChoices):
    # Grievances
    GRIEVANCE_ASSIGNED = "grievance_assigned", _("Grievance assigned to your unit")
    GRIEVANCE_ACCEPTED = "grievance_accepted", _("Grievance accepted by the unit")
    GRIEVANCE_RETURNED = "grievance_returned", _("Grievance returned by the unit")
    GRIEVANCE_REPLIED = "grievance_replied", _("Grievance replied")
    FOLLOW_UP_DUE = "follow_up_due", _("Follow-up call due")
    GRIEVANCE_REOPENED = "grievance_reopened", _("Grievance reopened")
    GRIEVANCE_MERGED = "grievance_merged", _("Duplicate grievances merged")
    GRIEVANCE_DEADLINE = "grievance_deadline", _("Grievance deadline near or passed")
    # Reform tasks
    TASK_ASSIGNED = "task_assigned", _("Task assigned to your unit")
    TASK_DUE_CHANGED = "task_due_changed", _("Task due date changed")
    TASK_WARNING = "task_warning", _("Task at risk or overdue")
    MILESTONE_DUE = "milestone_due", _("Milestone due soon")
    # Supervision orders (督办单)
    ORDER_ISSUED = "order_issued", _("Supervision order issued")
    ORDER_URGED = "order_urged", _("Supervision order urged")
    ORDER_ANSWERED = "order_answered", _("Supervision order answered")
    ORDER_ACCEPTED = "order_accepted", _("Supervision order accepted")
    ORDER_SENT_BACK = "order_sent_back", _("Supervision order reply sent back")
    ORDER_DUE = "order_due", _("Supervision order reply due")
    # Reports
    REPORT_READY = "report_ready", _("Progress report ready")


# Kinds grouped as the preferences page shows them.
KIND_GROUPS = (
    (
        _("Worker grievances"),
        (
            NoticeKind.GRIEVANCE_ASSIGNED,
            NoticeKind.GRIEVANCE_ACCEPTED,
            NoticeKind.GRIEVANCE_RETURNED,
            NoticeKind.GRIEVANCE_REPLIED,
            NoticeKind.FOLLOW_UP_DUE,
            NoticeKind.GRIEVANCE_REOPENED,
            NoticeKind.GRIEVANCE_MERGED,
            NoticeKind.GRIEVANCE_DEADLINE,
        ),
    ),
    (
        _("Reform tasks"),
        (
            NoticeKind.TASK_ASSIGNED,
            NoticeKind.TASK_DUE_CHANGED,
            NoticeKind.TASK_WARNING,
            NoticeKind.MILESTONE_DUE,
        ),
    ),
    (
        _("Supervision orders"),
        (
            NoticeKind.ORDER_ISSUED,
            NoticeKind.ORDER_URGED,
            NoticeKind.ORDER_ANSWERED,
            NoticeKind.ORDER_ACCEPTED,
            NoticeKind.ORDER_SENT_BACK,
            NoticeKind.ORDER_DUE,
        ),
    ),
    (_("Progress reports"), (NoticeKind.REPORT_READY,)),
)


class DeliveryChannel(models.TextChoices):
    """The ways a notice leaves the portal (the bell is always on, so it is not one of them)."""

    EMAIL = "email", _("E-mail")
    WECOM = "wecom", _("WeCom group")
    SMS = "sms", _("SMS")


# What a person gets when they have chosen nothing for a kind: e-mail (when they have an
# address) and their unit's WeCom group (when it has a robot); SMS only when asked for.
DEFAULT_CHANNELS: dict[str, bool] = {
    DeliveryChannel.EMAIL.value: True,
    DeliveryChannel.WECOM.value: True,
    DeliveryChannel.SMS.value: False,
}


class DeliveryStatus(models.TextChoices):
    """Where one delivery stands. queued -> sending -> sent, or back to queued for a retry,
    or failed once the error is permanent or the attempts are spent."""

    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
