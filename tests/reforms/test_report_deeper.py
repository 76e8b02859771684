"""The deeper report (issue 12 item 4): activity kinds in their documented order, the overdue
tasks by name, grievances open and overdue at the period's end, the grievance rates by handling
unit, per-subdistrict rows and the same period a year earlier. Hand-made data, hand-counted."""

import re
from datetime import date, timedelta
from io import BytesIO

import pytest
from django.conf import settings
from openpyxl import load_workbook

from parks.gridlog.choices import ActivityKind
from reforms.reporting.choices import ReportScope, ReportStatus
from reforms.reporting.contents import build_snapshot
from reforms.reporting.excel import report_workbook
from reforms.reporting.views.report_figures import report_figures
from tests.factories import GrievanceFactory, OrganisationFactory, ParkFactory
from tests.reforms.report_contents_helpers import (  # noqa: F401 (fixtures used by name)
    frozen_now,
    report,
    world,
    wuxi,
)

pytestmark = pytest.mark.django_db


def _page(client, user, report_) -> str:
    """The report's page in English, built now."""
    report_.snapshot = build_snapshot(report_)
    report_.status = ReportStatus.DONE
    report_.save()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    response = client.get(report_.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_lists_activity_kinds_in_the_documented_order_not_the_stored_one():
    # PostgreSQL's jsonb keeps an object's keys shortest first, then alphabetically.
    stored = sorted(ActivityKind.values, key=lambda kind: (len(kind), kind))
    by_kind = {kind: {"count": n, "participants": 0} for n, kind in enumerate(stored)}
    snapshot = {"activities": {"current": {"count": 1, "by_kind": by_kind}, "previous": {}}}

    section = next(s for s in report_figures(snapshot)["sections"] if s["key"] == "activities")
    kinds = [row["key"] for row in section["rows"] if row["key"].startswith("kind_")]

    assert kinds == [f"kind_{kind}" for kind in ActivityKind.values]
    assert kinds[:3] == ["kind_visit", "kind_lecture", "kind_training"]


# --- The overdue tasks by name ----------------------------------------------------------------


def _sheet(snapshot: dict, title: str, report_) -> list[tuple]:
    """The rows of one sheet of the report's workbook, below its title and period rows."""
    book = load_workbook(BytesIO(report_workbook(report_, snapshot)))
    return [row for row in book[title].iter_rows(min_row=3, values_only=True)]


def test_the_overdue_tasks_are_listed_by_name_with_unit_park_and_days_overdue(world):  # noqa: F811
    report_ = report()
    snapshot = build_snapshot(report_)

    # On 30 June: T7 (due 20 May, suspended), T4 (due 5 June, done only on 3 July) and T3
    # (due 15 June). T5 is due on the 30th itself, T6 cancelled, T2 done late but by then.
    assert snapshot["overdue_as_of"] == "2026-06-30"
    assert [
        (row["code"], row["unit_name"], row["park_name"], row["due_date"], row["days_overdue"])
        for row in snapshot["overdue_tasks"]
    ] == [
        ("T7", "单位丙", "园区C", "2026-05-20", 41),
        ("T4", "单位乙", "园区B", "2026-06-05", 25),
        ("T3", "单位乙", "园区B", "2026-06-15", 15),
    ]
    # One definition with the count by unit (reforms.tasks.selectors.overdue_on).
    assert len(snapshot["overdue_tasks"]) == sum(
        row["overdue"] for row in snapshot["overdue_by_unit"]
    )

    rows = _sheet(snapshot, "逾期任务", report_)
    assert rows[0] == (
        "序号",
        "任务编号",
        "任务名称",
        "牵头单位",
        "园区",
        "到期日",
        "逾期天数（截至 2026-06-30）",
    )
    assert [(row[0], row[1], row[3], row[4], row[5].date(), row[6]) for row in rows[1:]] == [
        (1, "T7", "单位丙", "园区C", date(2026, 5, 20), 41),
        (2, "T4", "单位乙", "园区B", date(2026, 6, 5), 25),
        (3, "T3", "单位乙", "园区B", date(2026, 6, 15), 15),
    ]


def test_a_subdistrict_lists_its_own_overdue_tasks_only(world):  # noqa: F811
    snapshot = build_snapshot(report(ReportScope.SUBDISTRICT, subdistrict=world.s1))

    assert [row["code"] for row in snapshot["overdue_tasks"]] == ["T4", "T3"]


def test_the_page_lists_the_overdue_tasks(client, office_user, world):  # noqa: F811
    html = _page(client, office_user, report())

    table = html.split('id="section-overdue-tasks"')[1].split("</section>")[0]
    assert re.findall(r"<td[^>]*>(T\d+)</td>", table) == ["T7", "T4", "T3"]
    assert '<td class="text-end">41</td>' in table


# --- Grievances open and overdue at the period's end ------------------------------------------


def test_grievances_open_and_overdue_at_each_periods_end_are_counted_whenever_received():
    park = ParkFactory(name="园区P")
    unit = OrganisationFactory()

    def grievance(received, due, resolved=None, status="received"):
        GrievanceFactory(
            park=park,
            handling_unit=unit if resolved else None,
            received_at=wuxi(*received, 10, 0),
            resolution_due_at=wuxi(*due, 10, 0),
            resolved_at=wuxi(*resolved, 10, 0) if resolved else None,
            status=status,
        )

    grievance((2026, 5, 20), due=(2026, 6, 10))  # open at both ends; overdue at June's
    grievance((2026, 6, 5), due=(2026, 6, 25), resolved=(2026, 7, 2), status="replied")  # late
    grievance((2026, 6, 10), due=(2026, 6, 25), resolved=(2026, 6, 12), status="replied")
    grievance((2026, 6, 28), due=(2026, 7, 10))  # open, not yet due on 30 June
    grievance((2026, 6, 3), due=(2026, 6, 18), status="withdrawn")  # counted nowhere
    grievance((2026, 7, 3), due=(2026, 7, 18))  # after the period

    report_ = report(ReportScope.PARK, park=park)
    grievances = build_snapshot(report_)["grievances"]

    assert (grievances["current"]["open_at_end"], grievances["current"]["overdue_at_end"]) == (3, 2)
    assert (grievances["previous"]["open_at_end"], grievances["previous"]["overdue_at_end"]) == (
        1,
        0,
    )
    rows = {row[0]: row[1:3] for row in _sheet(build_snapshot(report_), "诉求", report_)}
    assert rows["期末未办结数"] == (3, 1)
    assert rows["期末超期未办结数"] == (2, 0)
    definitions = {row[0]: row[1] for row in _sheet({}, "口径说明", report_)}
    assert definitions["期末超期未办结数"].startswith("其中办结时限")


def test_a_running_period_counts_its_backlog_at_the_build(time_machine):
    park = ParkFactory()
    GrievanceFactory(
        park=park, received_at=wuxi(2026, 7, 1, 9, 0), resolution_due_at=wuxi(2026, 7, 10, 9, 0)
    )
    GrievanceFactory(
        park=park, received_at=wuxi(2026, 7, 2, 9, 0), resolution_due_at=wuxi(2026, 7, 20, 9, 0)
    )
    # 15 July: the first is overdue already, the second not yet.
    july = report(ReportScope.PARK, period=(date(2026, 7, 1), date(2026, 7, 31)), park=park)
    current = build_snapshot(july)["grievances"]["current"]

    assert (current["open_at_end"], current["overdue_at_end"]) == (2, 1)


# --- The grievance rates by handling unit ------------------------------------------------------


def test_the_grievance_rates_are_given_per_handling_unit(client, office_user):
    park = ParkFactory()
    x, y = OrganisationFactory(name="单位X"), OrganisationFactory(name="单位Y")
    june = wuxi(2026, 6, 10, 9, 0)
    hours, days = timedelta(hours=1), timedelta(days=1)
    # X: one answered and resolved in time; one answered late (30 h) and resolved late (20 d).
    GrievanceFactory(
        park=park, handling_unit=x, status="replied", received_at=june,
        responded_at=june + 2 * hours, resolved_at=june + 3 * days,
    )  # fmt: skip
    GrievanceFactory(
        park=park, handling_unit=x, status="replied", received_at=june,
        responded_at=june + 30 * hours, resolved_at=june + 20 * days,
    )  # fmt: skip
    # Y: answered in time, never resolved, its 15 days long past.
    GrievanceFactory(
        park=park, handling_unit=y, status="in_progress", received_at=june,
        responded_at=june + 2 * hours,
    )  # fmt: skip
    GrievanceFactory(park=park, received_at=june)  # sent to no unit: left out

    report_ = report(ReportScope.PARK, park=park)
    snapshot = build_snapshot(report_)
    rows = [
        (r["unit_name"], r["received"], r["response_rate"], r["resolution_rate"])
        + (r["on_time_resolution_rate"], r["return_rate"])
        for r in snapshot["grievances_by_unit"]
    ]
    assert rows == [("单位X", 2, 50.0, 100.0, 50.0, 0.0), ("单位Y", 1, 100.0, 0.0, 0.0, 0.0)]

    sheet = _sheet(snapshot, "各承办单位", report_)
    assert sheet[0][:5] == ("承办单位", "受理诉求数", "响应率", "解决率", "按时办结率")
    assert sheet[1][:5] == ("单位X", 2, 0.5, 1.0, 0.5)
    assert sheet[2][:5] == ("单位Y", 1, 1.0, 0.0, 0.0)

    table = _page(client, office_user, report_).split('id="section-by-unit"')[1]
    assert '单位X</th><td class="text-end">2</td><td class="text-end">50.0%</td>' in table
