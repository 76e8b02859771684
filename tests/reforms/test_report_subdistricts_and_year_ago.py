"""The deeper report (issue 12 item 4), steps 5 and 6: a district report's figures per
subdistrict, and every compared section's same period a year earlier. Hand-made data,
hand-counted."""

import re
from datetime import date, timedelta
from io import BytesIO

import pytest
from django.conf import settings
from openpyxl import load_workbook

from reforms.reporting.choices import ReportScope, ReportStatus
from reforms.reporting.contents import build_snapshot
from reforms.reporting.excel import report_workbook
from reforms.tasks.choices import TaskStatus
from tests.factories import (
    ActivityFactory,
    GridZoneFactory,
    GrievanceFactory,
    ParkFactory,
    PlanFactory,
    SubdistrictFactory,
    TaskFactory,
)
from tests.reforms.report_contents_helpers import frozen_now, report, wuxi  # noqa: F401

pytestmark = pytest.mark.django_db


def _sheet(snapshot: dict, title: str, report_) -> list[tuple]:
    """The rows of one sheet of the report's workbook, below its title and period rows."""
    book = load_workbook(BytesIO(report_workbook(report_, snapshot)))
    return [row for row in book[title].iter_rows(min_row=3, values_only=True)]


def _page(client, user, report_, snapshot) -> str:
    report_.snapshot = snapshot
    report_.status = ReportStatus.DONE
    report_.save()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    response = client.get(report_.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


# --- Per subdistrict ---------------------------------------------------------------------------


@pytest.fixture
def district():
    """街道一: parks P1 and P2 and a task of its own; 街道二: park P3, nothing in June;
    街道三: no parks."""
    one, two = SubdistrictFactory(name="街道一"), SubdistrictFactory(name="街道二")
    SubdistrictFactory(name="街道三")
    p1, p2 = ParkFactory(name="P1", subdistrict=one), ParkFactory(name="P2", subdistrict=one)
    p3 = ParkFactory(name="P3", subdistrict=two)
    june = wuxi(2026, 6, 10, 9, 0)

    def grievance(park, answered_after_hours):
        GrievanceFactory(
            park=park, received_at=june, responded_at=june + timedelta(hours=answered_after_hours)
        )

    # Answered within 24 hours: P1 1 of 1 (100 %), P2 2 of 3 (66.7 %); 街道一 3 of 4, 75 %
    # (the parks' rates averaged would say 83.3 %). None resolved, all long past due.
    grievance(p1, 2)
    grievance(p2, 2)
    grievance(p2, 3)
    grievance(p2, 30)
    # Zones: P1 two, one of them logged in June (8 participants); P2 one, logged twice (3 + 4).
    a1, _a2 = GridZoneFactory(park=p1), GridZoneFactory(park=p1)
    b1, c1 = GridZoneFactory(park=p2), GridZoneFactory(park=p3)
    ActivityFactory(grid_zone=a1, occurred_at=june, participants=8)
    ActivityFactory(grid_zone=b1, occurred_at=june, participants=3)
    ActivityFactory(grid_zone=b1, occurred_at=june, participants=4)
    ActivityFactory(grid_zone=c1, occurred_at=wuxi(2026, 5, 10, 9, 0))  # May: not in June
    # Tasks: P1 one done; P2 one overdue (red); 街道一 one of its own, done; one district-wide
    # task (no park, a district plan), in no subdistrict.
    done = {"status": TaskStatus.DONE, "progress": 100, "done_on": date(2026, 6, 1)}
    TaskFactory(park=p1, due_date=date(2026, 6, 5), **done)
    TaskFactory(park=p2, status=TaskStatus.IN_PROGRESS, due_date=date(2026, 6, 15))
    plan = PlanFactory(scope="subdistrict", subdistrict=one)
    TaskFactory(park=None, plan=plan, due_date=date(2026, 6, 5), **done)
    TaskFactory(park=None, status=TaskStatus.IN_PROGRESS, due_date=date(2026, 6, 15))


def test_a_district_report_adds_up_its_parks_per_subdistrict(district):
    snapshot = build_snapshot(report())
    rows = {row["subdistrict_name"]: row for row in snapshot["by_subdistrict"]}

    assert list(rows) == ["街道一", "街道二", "街道三"]
    one = rows["街道一"]
    assert one["parks"] == 2
    assert one["grievances"]["received"] == 4
    assert one["grievances"]["responded_in_time"] == 3
    assert one["grievances"]["response_rate"] == 75.0  # summed, not averaged (83.3)
    assert one["grievances"]["resolution_rate"] == 0.0
    assert one["activities"] == {"count": 3, "participants": 15}
    # P1's done task, P2's red one and the subdistrict's own done task.
    assert one["tasks"] == {"total": 3, "done": 2, "red": 1, "yellow": 0}
    assert one["coverage"] == {"zones": 3, "covered": 2}
    two = rows["街道二"]
    assert (two["parks"], two["grievances"]["received"], two["grievances"]["response_rate"]) == (
        1,
        0,
        None,
    )
    assert two["coverage"] == {"zones": 1, "covered": 0}
    assert rows["街道三"]["parks"] == 0
    assert rows["街道三"]["tasks"] == {"total": 0, "done": 0, "red": 0, "yellow": 0}


def test_only_a_district_report_has_subdistrict_rows(district):
    one = next(s for s in SubdistrictFactory._meta.model.objects.all() if s.name == "街道一")

    assert build_snapshot(report(ReportScope.SUBDISTRICT, subdistrict=one))["by_subdistrict"] == []


def test_the_workbook_and_the_page_show_the_subdistricts(client, office_user, district):
    report_ = report()
    snapshot = build_snapshot(report_)

    sheet = _sheet(snapshot, "各街道", report_)
    assert sheet[0][:5] == ("街道", "园区数", "受理诉求数", "响应率", "解决率")
    # The coverage closes the period's columns (the compared periods' follow it).
    coverage = sheet[0].index("网格覆盖率")
    assert sheet[0][coverage - 1] == "有活动网格数"
    assert sheet[1][:5] == ("街道一", 2, 4, 0.75, 0.0)
    assert sheet[1][coverage] == pytest.approx(0.667)
    assert [row[0] for row in sheet[1:]] == ["街道一", "街道二", "街道三"]

    html = _page(client, office_user, report_, snapshot)
    table = html.split('id="section-by-subdistrict"')[1].split("</section>")[0]
    assert "By subdistrict" in table
    cells = re.findall(r'<td class="text-end[^"]*">([^<]*)</td>', table.split("街道一")[1])
    assert cells[:3] == ["2", "4", "75.0%\n"]  # parks, received, the response rate
    assert "75.0%" in table
    assert "2 / 3" in table


# --- The same period a year earlier ------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "period", "year_ago"),
    [
        # Weeks: 52 weeks earlier, Monday to Sunday still.
        ("week", (date(2026, 6, 8), date(2026, 6, 14)), (date(2025, 6, 9), date(2025, 6, 15))),
        # A leap February's month: the 28 days of February the year before.
        ("month", (date(2024, 2, 1), date(2024, 2, 29)), (date(2023, 2, 1), date(2023, 2, 28))),
        ("month", (date(2025, 2, 1), date(2025, 2, 28)), (date(2024, 2, 1), date(2024, 2, 29))),
        ("quarter", (date(2026, 4, 1), date(2026, 6, 30)), (date(2025, 4, 1), date(2025, 6, 30))),
        ("year", (date(2026, 1, 1), date(2026, 12, 31)), (date(2025, 1, 1), date(2025, 12, 31))),
        # Custom: the same dates, 29 February read as 28 February.
        ("custom", (date(2026, 3, 5), date(2026, 4, 20)), (date(2025, 3, 5), date(2025, 4, 20))),
        ("custom", (date(2024, 2, 29), date(2024, 3, 10)), (date(2023, 2, 28), date(2023, 3, 10))),
        ("custom", (date(2023, 3, 1), date(2024, 2, 29)), (date(2022, 3, 1), date(2023, 2, 28))),
    ],
)
def test_the_same_period_a_year_earlier(kind, period, year_ago):
    from reforms.reporting.periods import year_ago_period

    assert year_ago_period(kind, *period) == year_ago


@pytest.fixture
def three_junes():
    """A park with grievances and activities in June 2026, May 2026 and June 2025."""
    park = ParkFactory(name="P")
    zone = GridZoneFactory(park=park)

    def grievance(at, answered_after_hours):
        GrievanceFactory(
            park=park, received_at=at, responded_at=at + timedelta(hours=answered_after_hours)
        )

    # June 2026: 2 received, both answered in time. May 2026: 1, in time. June 2025: 4, 1 in
    # time (25.0 %).
    grievance(wuxi(2026, 6, 10, 9, 0), 2)
    grievance(wuxi(2026, 6, 11, 9, 0), 2)
    grievance(wuxi(2026, 5, 11, 9, 0), 2)
    grievance(wuxi(2025, 6, 11, 9, 0), 2)
    for day in (12, 13, 14):
        grievance(wuxi(2025, 6, day, 9, 0), 30)
    # Activities: June 2026 one (5 participants); June 2025 three (5 each).
    ActivityFactory(grid_zone=zone, occurred_at=wuxi(2026, 6, 3, 9, 0))
    for day in (3, 4, 5):
        ActivityFactory(grid_zone=zone, occurred_at=wuxi(2025, 6, day, 9, 0))
    return park


def test_every_compared_section_counts_the_same_period_a_year_earlier(three_junes):
    snapshot = build_snapshot(report(ReportScope.PARK, park=three_junes))

    assert snapshot["year_ago_period"] == {"start": "2025-06-01", "end": "2025-06-30"}
    grievances = snapshot["grievances"]
    assert [grievances[name]["received"] for name in ("current", "previous", "year_ago")] == [
        2,
        1,
        4,
    ]
    assert grievances["year_ago"]["response_rate"] == 25.0
    assert snapshot["activities"]["year_ago"]["count"] == 3
    assert snapshot["activities"]["year_ago"]["by_kind"]["visit"]["participants"] == 15
    assert snapshot["coverage"]["year_ago"] == {"covered": 1, "rate": 100.0}
    for section in ("tasks", "care", "publicity", "training", "proposals"):
        assert set(snapshot[section]["year_ago"]) == set(snapshot[section]["current"]), section


def test_the_workbook_and_the_page_compare_with_a_year_earlier(client, office_user, three_junes):
    report_ = report(ReportScope.PARK, park=three_junes)
    snapshot = build_snapshot(report_)

    rows = {row[0]: row for row in _sheet(snapshot, "诉求", report_)}
    assert rows["项目"] == ("项目", "本期", "上期", "增减", "去年同期", "同比")
    assert rows["受理诉求数"] == ("受理诉求数", 2, 1, 1, 4, -2)
    assert rows["响应率"][4:] == (0.25, 0.75)
    activities = _sheet(snapshot, "活动", report_)
    assert activities[0][:6] == (
        "活动类型",
        "本期次数",
        "上期次数",
        "次数增减",
        "去年同期次数",
        "次数同比",
    )
    assert activities[-1][:6] == ("合计", 1, 0, 1, 3, -2)

    html = _page(client, office_user, report_, snapshot)
    assert "Same period last year" in html
    assert "a year earlier 2025-06-01 – 2025-06-30" in html
    table = html.split('id="section-grievances"')[1].split("</section>")[0]
    row = table.split('data-row="received"')[1].split("</tr>")[0]
    assert '<td class="text-end text-secondary" data-col="year-ago">4</td>' in row
    assert 'data-change="-2"' in row
