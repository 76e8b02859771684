"""Demo supervision orders, loaded by `manage.py load_demo` (through parks.signals) after the
demo tasks: a red order that was urged, a yellow one answered and waiting for the office, one
accepted and closed, and one overdue — all issued, answered and urged through the services.

The demo's orders are about its tasks (the grievance demo loads after this app's). If any order
exists, nothing is added, so a second run changes nothing.
"""

from datetime import timedelta

from django.db.models import Case, When
from django.utils import timezone

from parks import access
from reforms.supervision import services
from reforms.supervision.choices import OrderAction, OrderColour
from reforms.supervision.models import SupervisionOrder
from reforms.tasks.choices import CLOSED_STATUSES
from reforms.tasks.models import Task

UNION = "区总工会"  # the demo's member unit, whose staff (`member_unit`) answer the orders

# (colour, requirement, days until the reply date, what happens next)
ORDERS = [
    # The member unit's own tasks come first: its staff answer these two.
    (
        OrderColour.YELLOW,
        "任务进度滞后于序时进度，请说明当前进展并提供佐证材料。",
        7,
        "answer",
    ),
    (
        OrderColour.YELLOW,
        "请补充职工书屋建设情况及使用台账。",
        3,
        "close",
    ),
    (
        OrderColour.RED,
        "该任务已逾期，请于规定时间内书面反馈滞后原因、整改措施和完成时限。",
        5,
        "urge",
    ),
    (
        OrderColour.RED,
        "请于限期内反馈专项补贴发放进度，逾期将予以通报。",
        0,
        "overdue",
    ),
]


def load_supervision_demo(sender, *, office, stdout, **kwargs):
    if SupervisionOrder.objects.exists():
        stdout.write("  Supervision demo   orders exist, left alone")
        return
    union_first = Case(When(lead_unit__name=UNION, then=0), default=1)
    tasks = list(
        Task.objects.exclude(status__in=CLOSED_STATUSES)
        .select_related("lead_unit")
        .order_by(union_first, "due_date", "code")[: len(ORDERS)]
    )
    today = timezone.localdate()
    made = 0
    for task, (colour, requirement, days, then) in zip(tasks, ORDERS, strict=False):
        order = services.order_issue(
            actor=office,
            task=task,
            unit=None,
            colour=colour,
            requirement=requirement,
            reply_due=today + timedelta(days=days),
        )
        made += 1
        staff = access.staff_of_unit(task.lead_unit_id).order_by("pk").first()
        if then in ("answer", "close") and staff is not None:
            services.order_act(
                order=order,
                action=OrderAction.REPLY,
                actor=staff,
                text="已召开专题推进会，明确责任人和时间节点，相关材料见附件。",
            )
            if then == "close":
                services.order_act(order=order, action=OrderAction.ACCEPT, actor=office)
        elif then == "urge":
            services.order_act(order=order, action=OrderAction.URGE, actor=office)
        elif then == "overdue":
            # History the services cannot write: this order was issued ten days ago with a reply
            # date three days back, and the unit has not answered.
            SupervisionOrder.objects.filter(pk=order.pk).update(
                issued_at=timezone.now() - timedelta(days=10),
                reply_due=today - timedelta(days=3),
            )
    stdout.write(f"  Supervision demo   orders {made} created")
