"""The supervision orders (督办单) of a progress report's snapshot: the period's orders in the
scope (`supervision`) and the same per responsible unit (`supervision_by_unit`).

What each figure counts is reforms.supervision.selectors' (one definition each: overdue,
answered on time). Part of the report's declaration; reforms.reporting.spec assembles the whole
snapshot and re-exports every name here.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from reforms.reporting.shape import ID, TEXT, Figure, Group

ORDER_FIGURES = (
    Figure(
        "issued",
        _("Orders issued"),
        "印发督办单",
        "Supervision orders issued in `period` about a task or a grievance of the scope.",
        basis="统计期内印发的督办单数（所督办任务或诉求属本范围）。",
        note=_("Supervision orders issued in the period about the scope's tasks and grievances."),
    ),
    Figure(
        "answered_on_time",
        _("Answered on time"),
        "按期反馈",
        "Of those, first answered by the unit on or before the reply date.",
        basis="其中责任单位首次反馈不晚于反馈期限的。",
        note=_("Of those, first answered by the unit on or before the reply date."),
    ),
    Figure(
        "overdue",
        pgettext_lazy("supervision order", "Overdue"),
        "逾期未反馈",
        "Of those, overdue on `as_of`: past the reply date while the unit still owes a reply "
        "(awaiting one, or its reply sent back).",
        basis="截至数据截至日，超过反馈期限仍未反馈（含退回后未重新反馈）的。",
        note=_(
            "Of those, past the reply date while the unit still owes a reply, as the report "
            "was built."
        ),
    ),
    Figure(
        "urged",
        _("Times urged"),
        "催办次数",
        "Times those orders were urged (催办): urges, not orders.",
        basis="上述督办单被催办的次数合计。",
        note=_("How many times those orders were urged."),
    ),
)
ORDERS = Group(
    "ReportSupervisionOrders",
    ORDER_FIGURES,
    "The supervision orders issued in `period` (reforms.supervision.selectors.order_counts). "
    "Absent from reports built before it was added.",
)
UNIT_ORDERS = Group(
    "ReportUnitSupervisionOrders",
    (
        Figure("unit", definition="The responsible unit's organisation id.", kind=ID),
        Figure("unit_name", _("Responsible unit"), "责任单位", kind=TEXT),
        *ORDER_FIGURES,
    ),
    "As in `supervision`, for the orders issued to the unit.",
)
SUPERVISION_SHEET = "督办"
