"""Reads of supervision orders that the pages, the API, the export, the reminders and the
progress report share: who sees which orders, and what "overdue" and "answered on time" mean.

Definitions (one place each):
- **overdue**: the unit still owes a reply (the order is awaiting a reply or was sent back) and
  its reply date has passed (`reply_due` before today);
- **answered on time**: the unit's first reply came on or before the reply date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    When,
)
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_noop

from parks import access
from parks.access import AnyUser
from reforms.supervision.choices import AWAITING_REPLY, OrderSubject
from reforms.supervision.models import SupervisionOrder


def orders_visible_to(user: AnyUser) -> QuerySet[SupervisionOrder]:
    """The orders `user` may read (parks.access): the office all, a unit's staff their unit's."""
    return access.supervision_orders_visible(user, SupervisionOrder.objects.all())


def overdue_condition(today: date) -> Q:
    """An order whose reply date has passed while the unit still owes a reply."""
    return Q(status__in=AWAITING_REPLY, reply_due__lt=today)


def on_time_condition() -> Q:
    """An order whose first reply came on or before its reply date (local days). Needs the
    `first_reply_day` annotation (`with_days`)."""
    return Q(first_replied_at__isnull=False, first_reply_day__lte=F("reply_due"))


def with_days(orders: QuerySet[SupervisionOrder]) -> QuerySet[SupervisionOrder]:
    """Annotate the local day an order was issued and first replied to."""
    return orders.annotate(
        issued_day=TruncDate("issued_at"), first_reply_day=TruncDate("first_replied_at")
    )


def with_overdue(orders: QuerySet[SupervisionOrder], *, today: date) -> QuerySet[SupervisionOrder]:
    """Annotate `is_overdue` (the definition above), in SQL."""
    return orders.annotate(
        is_overdue=ExpressionWrapper(
            Case(When(overdue_condition(today), then=True), default=False),
            output_field=BooleanField(),
        )
    )


def order_table(*, user: AnyUser, today: date) -> QuerySet[SupervisionOrder]:
    """The order list's rows: visible orders with what each row shows, in one query."""
    return with_overdue(
        orders_visible_to(user).select_related("unit", "task", "grievance", "issued_by"),
        today=today,
    )


def filter_subject(orders: QuerySet[SupervisionOrder], subject: str) -> QuerySet[SupervisionOrder]:
    if subject == OrderSubject.TASK:
        return orders.filter(task__isnull=False)
    if subject == OrderSubject.GRIEVANCE:
        return orders.filter(grievance__isnull=False)
    return orders


@dataclass(frozen=True)
class OrderCounts:
    """Orders of a period, as the progress report counts them."""

    issued: int
    answered_on_time: int
    overdue: int
    urged: int  # times urged (催办), not orders


def _counts(*, today: date) -> dict:
    """issued: orders issued in the period; answered_on_time: of those, first replied by the
    reply date; overdue: of those, overdue as the report is built (`today`: the status is the
    order's current one); urged: the urges those orders received."""
    return {
        "issued": Count("pk"),
        "answered_on_time": Count("pk", filter=on_time_condition()),
        "overdue": Count("pk", filter=overdue_condition(today)),
        "urged": Sum("urge_count", default=0),
    }


def _in_period(
    orders: QuerySet[SupervisionOrder], start: date, end: date
) -> QuerySet[SupervisionOrder]:
    return with_days(orders).filter(
        issued_day__gte=start,  # type: ignore[misc]  # annotated by with_days
        issued_day__lte=end,
    )


def order_counts(
    orders: QuerySet[SupervisionOrder], *, start: date, end: date, today: date
) -> OrderCounts:
    """The period's counts over `orders` (already narrowed to a scope), in one query."""
    row = _in_period(orders, start, end).aggregate(**_counts(today=today))
    return OrderCounts(**row)


# --- Orders answered on time (督办按时反馈率) -----------------------------------------------------
# Judged over the orders whose reply date falls in the period: answered on time as defined above;
# an order not answered and whose reply date has not passed on the counting day is pending,
# neither on time nor late, and left out.

ORDERS_ON_TIME_TERM = "督办按时反馈率"
ORDERS_ON_TIME_BASIS = (
    "督办按时反馈率 = 答复期限在统计期内、在答复期限当天或之前首次反馈的督办单数 ÷ "
    "答复期限在统计期内的督办单数（未反馈且答复期限未过的不计入）。"
)
ORDERS_ON_TIME_DEFINITION = gettext_noop(
    "Orders whose reply date falls in the period and that were first answered on or before "
    "it ÷ orders whose reply date falls in the period (those not answered and not yet due are "
    "left out)."
)


def reply_due_counts(*, start: date, end: date, today: date) -> dict[str, Count]:
    """The counts of the on-time answer rate over the orders whose reply date is from `start`
    to `end` (both inclusive), judged on `today`, to aggregate or group a queryset of orders
    annotated by `with_days`: "due", "due_pending", "due_counted", "due_answered_on_time"."""
    due = Q(reply_due__gte=start, reply_due__lte=end)
    pending = Q(first_replied_at__isnull=True, reply_due__gte=today)
    return {
        "due": Count("pk", filter=due),
        "due_pending": Count("pk", filter=due & pending),
        "due_counted": Count("pk", filter=due & ~pending),
        "due_answered_on_time": Count("pk", filter=due & on_time_condition()),
    }


def order_counts_by_unit(
    orders: QuerySet[SupervisionOrder], *, start: date, end: date, today: date
) -> list[tuple[int, str, OrderCounts]]:
    """The same counts per responsible unit (units with an order in the period), by name:
    (unit id, unit name, counts)."""
    rows = (
        _in_period(orders, start, end)
        .values("unit", "unit__name")
        .annotate(**_counts(today=today))
        .order_by("unit__name", "unit")
    )
    counted: list[dict[str, Any]] = [dict(row) for row in rows]
    return [(row.pop("unit"), row.pop("unit__name"), OrderCounts(**row)) for row in counted]
