"""STAND-IN until h15core's indicators.py is merged (the merge takes theirs): only the names
the pages read — INDICATORS[key].term / label / definition / kinds / lower_is_better /
full_at / zero_at."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from reforms.assessment.choices import SubjectKind

ALL = (SubjectKind.UNIT, SubjectKind.SUBDISTRICT, SubjectKind.PARK)


@dataclass(frozen=True)
class Indicator:
    key: str
    term: str
    label: object
    definition: object
    source: str
    kinds: tuple
    lower_is_better: bool = False
    full_at: Decimal = Decimal("100")
    zero_at: Decimal = Decimal("60")


def _i(key, term, label, kinds=ALL, lower=False):
    full, zero = (Decimal("0"), Decimal("20")) if lower else (Decimal("100"), Decimal("60"))
    source = {
        "task_on_time": "tasks",
        "milestone_on_time": "milestones",
        "orders_on_time": "orders",
        "coverage": "zones",
    }.get(key, "grievances")
    return Indicator(key, term, label, label, source, kinds, lower, full, zero)


INDICATORS = {
    row.key: row
    for row in [
        _i("task_on_time", "任务按时完成率", _("Tasks done on time")),
        _i("milestone_on_time", "节点按时完成率", _("Milestones done on time")),
        _i("response_rate", "响应率", _("Response rate")),
        _i("resolution_rate", "解决率", _("Resolution rate")),
        _i("satisfaction_rate", "满意率", _("Satisfaction rate")),
        _i("on_time_resolution_rate", "按时办结率", _("Resolved on time")),
        _i("return_rate", "退单率", _("Return rate"), lower=True),
        _i("reopen_rate", "重办率", _("Reopen rate"), lower=True),
        _i("orders_on_time", "督办按时回复率", _("Supervision orders answered on time")),
        _i(
            "coverage",
            "网格覆盖率",
            _("Grid coverage"),
            (SubjectKind.SUBDISTRICT, SubjectKind.PARK),
        ),
    ]
}
