"""Reads of the ledgers shared by pages, the API, exports and reports: rows in scope, sums.

The warning level of a task is one SQL expression (`warning_expression`), so the construction
table, its filters, the API, the league table and the reports can never disagree about it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import (
    Count,
    Model,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce, TruncMonth

from parks import access
from parks.access import AnyUser
from parks.core.db import chinese_order
from parks.structure.models import Park
from reforms.ledgers.choices import ProposalKind, ProposalStatus, PublicityChannel
from reforms.ledgers.models import CarePayment, Proposal, Publicity, Training

if TYPE_CHECKING:
    pass
M = TypeVar("M", bound=Model)


# --- Ledgers ----------------------------------------------------------------------------------


def ledger_visible_to(model: type[M], user: AnyUser) -> QuerySet[M]:
    """A ledger's rows in the user's scope (the rule: parks.access.ledger_rows_visible)."""
    # _default_manager: the ledgers' `objects`, reachable from a model class typed generically.
    return access.ledger_rows_visible(user, model._default_manager.all()).select_related("park")


def ledger_parks_for(user: AnyUser) -> QuerySet[Park]:
    """Parks a user may record ledger rows for, for form choices."""
    return access.ledger_parks_for(user).order_by(chinese_order("name"))


def _care_sums() -> dict[str, Any]:
    # The source document's "42 people paid 42,000 yuan".
    return {
        "entries": Count("pk"),
        "recipients": Coalesce(Sum("recipients"), 0),
        "amount": Coalesce(Sum("amount"), Decimal("0.00")),
    }


def _publicity_sums() -> dict[str, Any]:
    # "Online platforms ~90, print media ~70, TV 33, government websites 41".
    by_channel = {
        channel: Count("pk", filter=Q(channel=channel)) for channel in PublicityChannel.values
    }
    return {"entries": Count("pk"), **by_channel}


def _training_sums() -> dict[str, Any]:
    return {
        "entries": Count("pk"),
        "hours": Coalesce(Sum("hours"), Decimal("0.0")),
        "trainees": Coalesce(Sum("trainees"), 0),
        "certificates": Coalesce(Sum("certificates"), 0),
    }


def _proposal_sums() -> dict[str, Any]:
    by_status = {status: Count("pk", filter=Q(status=status)) for status in ProposalStatus.values}
    return {
        "entries": Count("pk"),
        "innovations": Count("pk", filter=Q(kind=ProposalKind.INNOVATION)),
        "benefit_amount": Coalesce(Sum("benefit_amount"), Decimal("0.00")),
        "reward_amount": Coalesce(Sum("reward_amount"), Decimal("0.00")),
        **by_status,
    }


def ledger_in_period(
    rows: QuerySet[M], *, start: date | None = None, end: date | None = None
) -> QuerySet[M]:
    """Rows whose ledger date falls in [start, end], both inclusive and optional."""
    date_field = LEDGERS[rows.model][0]
    if start:
        rows = rows.filter(**{f"{date_field}__gte": start})
    if end:
        rows = rows.filter(**{f"{date_field}__lte": end})
    return rows


def ledger_totals(rows: QuerySet[Model]) -> dict[str, Any]:
    """The ledger's sums over `rows`, in one query."""
    return rows.order_by().aggregate(**LEDGERS[rows.model][1]())


def ledger_by_month(rows: QuerySet[Model]) -> list[dict[str, Any]]:
    """The same sums per month of the ledger's date, oldest first, in one query."""
    date_field, sums = LEDGERS[rows.model]
    monthly = (
        rows.order_by()
        .annotate(month=TruncMonth(date_field))
        .values("month")
        .annotate(**sums())
        .order_by("month")
    )
    return list(monthly)


# Each ledger: the date its period is judged by, and the sums its page and reports show.
LEDGERS: dict[type[Model], tuple[str, Callable[[], dict[str, Any]]]] = {
    CarePayment: ("paid_on", _care_sums),
    Publicity: ("published_on", _publicity_sums),
    Training: ("started_on", _training_sums),
    Proposal: ("submitted_on", _proposal_sums),
}
