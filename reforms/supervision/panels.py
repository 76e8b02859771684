"""Supervision orders (督办单) as related panels and workbench sections (parks.core.related).

Every count is the order list's own: the list's filter (filters.OrderFilter) over the list's
rows (selectors.order_table), with the very query string the count links to — as the
grievances' panels do with the inbox — so a count and the list it opens cannot disagree. Each
panel costs one query, its first rows with their count (most urgent reply date first, overdue
ones marked red), and one more when its filter checks the unit or park it names. All of them
are drawn by _orders_panel.html, which extends the shared panel markup.

Sections of the workbench (reforms/workbench/__init__.py lists the slots):
- 30 a unit's staff: orders to answer (issued or sent back, not yet answered);
- 31 the office: replies to check (answered, awaiting accept or send back);
- 32 the office: overdue orders (selectors.overdue_condition).
"""

from dataclasses import dataclass
from datetime import date

from django.http import QueryDict
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from parks import access
from parks.core import related
from parks.core.related import Panel
from parks.core.row_urls import named_url
from parks.structure.models import Park
from reforms.supervision import policy, selectors
from reforms.supervision.choices import AWAITING_REPLY, OrderStatus
from reforms.supervision.filters import OrderFilter
from reforms.supervision.models import SupervisionOrder

PANEL_TEMPLATE = "reforms/supervision/_orders_panel.html"
# Most urgent first: the earliest reply date, then the oldest order.
URGENT_FIRST = ("reply_due", "issued_at", "pk")
NEWEST_FIRST = ("-issued_at", "-pk")


def _query(**params) -> QueryDict:
    query = QueryDict(mutable=True)
    for name, value in params.items():
        if isinstance(value, list | tuple):
            query.setlist(name, [str(item) for item in value])
        else:
            query[name] = str(value)
    return query


def _panel(
    user,
    key,
    title,
    query,
    *,
    ordering=URGENT_FIRST,
    issue_url="",
    show_subject=True,
    known=None,
    **extra,
) -> Panel:
    """The order list's rows for `query`: their count, the first few and the link. `known`:
    values of `query` the page has read already (parks.core.related.filtered)."""
    orders, count = first_orders(user, query, ordering=ordering, known=known)
    return _drawn(
        key, title, query, orders, count, issue_url=issue_url, show_subject=show_subject, **extra
    )


def first_orders(user, query, *, ordering=URGENT_FIRST, known=None) -> tuple[list, int]:
    """The first orders of the order list for `query` in `ordering`, and their count: what a
    panel lists (the tests draw the panel's reference from them)."""
    rows = selectors.order_table(user=user, today=timezone.localdate())
    rows = related.filtered(OrderFilter, query, rows, user, **(known or {}))
    return related.first_and_count(rows, *ordering)


@dataclass(frozen=True)
class OrderRow:
    """An order as a panel's row prints it, as values `{% memo %}` can key: the rows are drawn
    once per set of them (and language and time zone, _orders_panel.html), not some forty
    template nodes an order on every page. When drawn, the order is made again from them
    (`order`), so its code, labels, address and reply date are the model's own; its subject's
    name is read with it ("" where the panel does not name it)."""

    pk: int
    year: int
    number: int
    colour: str
    status: str
    reply_due: int  # the day's ordinal (date.toordinal): a value the memo keys
    urge_count: int
    is_overdue: bool
    subject: str

    @classmethod
    def of(cls, order: SupervisionOrder, show_subject: bool) -> "OrderRow":
        return cls(
            pk=order.pk,
            year=order.year,
            number=order.number,
            colour=order.colour,
            status=order.status,
            reply_due=order.reply_due.toordinal(),
            urge_count=order.urge_count,
            # The annotation of selectors.with_overdue (order_table's rows).
            is_overdue=order.is_overdue,  # type: ignore[attr-defined]
            subject=str(order.subject) if show_subject else "",
        )

    @property
    def order(self) -> SupervisionOrder:
        order = SupervisionOrder(
            pk=self.pk,
            year=self.year,
            number=self.number,
            colour=self.colour,
            status=self.status,
            reply_due=date.fromordinal(self.reply_due),
            urge_count=self.urge_count,
        )
        order.is_overdue = self.is_overdue  # type: ignore[attr-defined]
        return order


@dataclass(frozen=True)
class OrderRows:
    """What _orders_panel.html prints besides the shared panel's fields (Panel.extra): values,
    so the whole panel is drawn once per set of them (templates/_related_panels.html)."""

    rows: tuple[OrderRow, ...]
    issue_url: str  # the office's "issue an order" link, or nothing
    show_subject: bool  # name each order's task or grievance (not on its own page)


def _drawn(key, title, query, orders, count, *, issue_url="", show_subject=True, **extra) -> Panel:
    """The panel of `orders`, read as values (OrderRow) and built once per set of them
    (related.built_once): its address's query string encoded once."""
    return related.built_once(
        "orders",
        _built,
        key,
        title,
        related.query_values(query),
        count,
        OrderRows(
            rows=tuple(OrderRow.of(order, show_subject) for order in orders),
            issue_url=issue_url,
            show_subject=show_subject,
        ),
        tuple(sorted(extra.items())),
    )


def _built(key, title, query, count, rows, extra) -> Panel:
    return Panel(
        key=key,
        title=title,
        count=count,
        url=f"{named_url('reforms:order_list')}?{related.query_of(query).urlencode()}",
        icon="bi-megaphone",
        template=PANEL_TEMPLATE,
        extra=rows,
        **dict(extra),
    )


# --- The workbench ---------------------------------------------------------------------------


def to_answer_section(user, _obj):
    """The orders the user's unit owes a reply to (AWAITING_REPLY), as the list filters them:
    ?status=issued&status=sent_back&unit=<the unit>."""
    unit_id = access.scope_of(user).organisation_id
    # The office issues orders and answers none (its own people sit in an organisation too).
    if unit_id is None or policy.may_issue(user):
        return None
    return _panel(
        user,
        "orders_to_answer",
        _("Supervision orders to answer"),
        _query(status=list(AWAITING_REPLY), unit=unit_id),
        empty_text=_("No supervision order waits for your reply."),
    )


def to_check_section(user, _obj):
    """Replies the office must accept or send back, the longest waiting first."""
    if not policy.may_issue(user):
        return None
    return _panel(
        user,
        "orders_to_check",
        _("Replies to check"),
        _query(status=OrderStatus.ANSWERED),
        ordering=("replied_at", "pk"),
        empty_text=_("No reply waits to be checked."),
    )


def overdue_section(user, _obj):
    """Orders whose reply date passed while the unit still owes a reply."""
    if not policy.may_issue(user):
        return None
    return _panel(
        user,
        "orders_overdue",
        _("Overdue supervision orders"),
        _query(overdue="true"),
        empty_text=_("No supervision order is overdue."),
    )


# --- The unit, park, grid-zone, task and grievance pages -------------------------------------


def _orders_of(user, known=None, **params):
    return _panel(
        user,
        "orders",
        _("Supervision orders"),
        _query(**params),
        known=known,
        ordering=NEWEST_FIRST,
        empty_text=_("No supervision orders."),
    )


def unit_panel(user, unit):
    """The orders issued to the unit (?unit=), for the office and the unit's own staff."""
    if not access.sees_supervision_orders(user, unit_id=unit.pk):
        return None
    return _orders_of(user, unit=unit.pk)


def park_panel(user, park):
    """The orders about the park's tasks and grievances: _orders_of with the park, its one
    query compiled once per scope (related.first_and_count_once; the key holds what the SQL
    depends on besides the park's id and the day: access.scope_key). tests/workbench pin it to
    the plain panel."""
    if not access.sees_supervision_orders(user):
        return None

    def rows_of(pk, today):
        rows = selectors.order_table(user=user, today=today)
        return related.filtered(OrderFilter, _query(park=pk), rows, user, park=Park(pk=pk))

    orders, count = related.first_and_count_once(
        ("park_orders", access.scope_key(user)),
        rows_of,
        park.pk,
        timezone.localdate(),
        ordering=NEWEST_FIRST,
    )
    return _drawn(
        "orders",
        _("Supervision orders"),
        _query(park=park.pk),
        orders,
        count,
        empty_text=_("No supervision orders."),
    )


def grid_zone_panel(user, zone):
    """The orders about the grievances raised in the grid zone."""
    if not access.sees_supervision_orders(user):
        return None
    return _orders_of(user, grid_zone=zone.pk)


def _subject_panel(user, subject):
    """A task's or grievance's orders, with the office's "issue an order" button; nothing for
    someone who sees none and may issue none (the office, who issues, sees every order).

    The plain panel's rows (_panel with `known={field: subject}`), their one query compiled
    once per scope and kind of subject (related.first_and_count_once; the key holds what the
    SQL depends on besides the subject's id and the day: access.scope_key and the model).
    tests/workbench/test_subject_panels_once.py pins it to the plain panel."""
    if not access.sees_supervision_orders(user):
        return None
    model = subject._meta.model
    field = subject._meta.model_name  # "task" or "grievance"
    issue_url = ""
    if policy.may_issue(user):
        issue_url = f"{named_url('reforms:order_issue')}?{urlencode({field: subject.pk})}"

    def rows_of(pk, today):
        rows = selectors.order_table(user=user, today=today)
        # The page read its task or grievance within the user's scope: no filter form checks it.
        return related.filtered(
            OrderFilter, _query(**{field: pk}), rows, user, **{field: model(pk=pk)}
        )

    orders, count = related.first_and_count_once(
        ("subject_orders", model._meta.label_lower, access.scope_key(user)),
        rows_of,
        subject.pk,
        timezone.localdate(),
        ordering=NEWEST_FIRST,
    )
    if not count and not issue_url:
        return None
    return _drawn(
        "orders",
        _("Supervision orders"),
        _query(**{field: subject.pk}),
        orders,
        count,
        issue_url=issue_url,
        show_subject=False,
        empty_text=_("No supervision orders."),
    )


def register() -> None:
    """Called by ReformsConfig.ready."""
    related.register("workbench", "orders_to_answer", to_answer_section, order=30)
    related.register("workbench", "orders_to_check", to_check_section, order=31)
    related.register("workbench", "orders_overdue", overdue_section, order=32)
    related.register("unit", "orders", unit_panel, order=15)
    related.register("park", "orders", park_panel, order=25)
    related.register("grid_zone", "orders", grid_zone_panel, order=25)
    related.register("task", "orders", _subject_panel, order=10)
    related.register("grievance", "orders", _subject_panel, order=10)
