"""The progress report's supervision orders (督办单) on hand-made data: issued in the period,
answered on time, overdue, times urged, in total and by responsible unit; a park report counts
the orders about its own tasks and grievances; the workbook shows them (the page:
test_report_definition)."""

from datetime import UTC, date, datetime, timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from parks.structure.choices import Role
from reforms.reporting.choices import PeriodKind, ReportScope
from reforms.reporting.contents import build_snapshot
from reforms.reporting.excel import report_workbook
from reforms.supervision import services
from reforms.supervision.choices import OrderAction
from reforms.supervision.models import SupervisionOrder
from tests.factories import (
    GrievanceFactory,
    OrganisationFactory,
    ParkFactory,
    TaskFactory,
    UserFactory,
)
from tests.reforms.report_contents_helpers import report

pytestmark = pytest.mark.django_db

JUNE = (date(2026, 6, 1), date(2026, 6, 30))


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, tzinfo=UTC)  # 10:00 in Wuxi


@pytest.fixture
def orders():
    """Park A: o1–o4 issued in June (o5 in July); park B: o6 in June.

    o1 union  due 6-10, first reply 6-09 (on time), closed
    o2 union  due 6-12, first reply 6-15 (late), answered, urged twice
    o3 bureau due 6-25, no reply: overdue, urged once
    o4 bureau (a grievance) due a year ahead, no reply: not overdue
    o5 union  issued 7-02: outside June
    o6 union  park B, due 6-20, first reply 6-18 (on time), closed
    """
    office = UserFactory(role=Role.OFFICE)
    union = OrganisationFactory(name="甲单位")
    bureau = OrganisationFactory(name="乙单位")
    union_staff = UserFactory(role=Role.MEMBER_UNIT, organisation=union)
    bureau_staff = UserFactory(role=Role.MEMBER_UNIT, organisation=bureau)
    park_a, park_b = ParkFactory(name="园区A"), ParkFactory(name="园区B")
    staff = {union: union_staff, bureau: bureau_staff}
    far = timezone.localdate() + timedelta(days=365)

    def order(park, unit, issued, due, *, reply=None, close=False, urges=0, grievance=False):
        subject = (
            {"grievance": GrievanceFactory(park=park, handling_unit=unit)}
            if grievance
            else {"task": TaskFactory(park=park, lead_unit=unit)}
        )
        made = services.order_issue(
            actor=office,
            unit=None,
            colour="red",
            requirement="限期反馈",
            reply_due=timezone.localdate(),
            **subject,
        )
        for _ in range(urges):
            services.order_act(order=made, action=OrderAction.URGE, actor=office)
        if reply:
            services.order_act(order=made, action=OrderAction.REPLY, actor=staff[unit], text="好")
        if close:
            services.order_act(order=made, action=OrderAction.ACCEPT, actor=office)
        # History the services cannot write: when it was issued, answered and due.
        SupervisionOrder.objects.filter(pk=made.pk).update(
            issued_at=_at(issued),
            reply_due=due,
            first_replied_at=_at(reply) if reply else None,
        )

    order(park_a, union, date(2026, 6, 3), date(2026, 6, 10), reply=date(2026, 6, 9), close=True)
    order(park_a, union, date(2026, 6, 5), date(2026, 6, 12), reply=date(2026, 6, 15), urges=2)
    order(park_a, bureau, date(2026, 6, 20), date(2026, 6, 25), urges=1)
    order(park_a, bureau, date(2026, 6, 28), far, grievance=True)
    order(park_a, union, date(2026, 7, 2), date(2026, 7, 9))
    order(park_b, union, date(2026, 6, 10), date(2026, 6, 20), reply=date(2026, 6, 18), close=True)
    return park_a


def _counts(issued, on_time, overdue, urged):
    return {"issued": issued, "answered_on_time": on_time, "overdue": overdue, "urged": urged}


def test_a_park_report_counts_its_own_orders_of_the_period(orders):
    snapshot = build_snapshot(report(ReportScope.PARK, PeriodKind.MONTH, JUNE, park=orders))
    assert snapshot["supervision"] == _counts(4, 1, 1, 3)
    by_unit = {row["unit_name"]: row for row in snapshot["supervision_by_unit"]}
    assert {name: {k: row[k] for k in _counts(0, 0, 0, 0)} for name, row in by_unit.items()} == {
        "甲单位": _counts(2, 1, 0, 2),
        "乙单位": _counts(2, 0, 1, 1),
    }


def test_the_district_counts_every_park(orders):
    snapshot = build_snapshot(report(ReportScope.DISTRICT, PeriodKind.MONTH, JUNE))
    assert snapshot["supervision"] == _counts(5, 2, 1, 3)


def test_the_workbook_shows_them(orders):
    report_ = report(ReportScope.PARK, PeriodKind.MONTH, JUNE, park=orders)
    snapshot = build_snapshot(report_)
    workbook = load_workbook(BytesIO(report_workbook(report_, snapshot)))
    rows = list(workbook["督办"].iter_rows(min_row=3, values_only=True))
    assert rows[0] == ("责任单位", "印发督办单", "按期反馈", "逾期未反馈", "催办次数")
    assert rows[1] == ("合计", 4, 1, 1, 3)
    assert sorted(rows[2:]) == [("乙单位", 2, 0, 1, 1), ("甲单位", 2, 1, 0, 2)]
