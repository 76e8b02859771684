"""Each park's and each subdistrict's figures over the period before and the same period a year
earlier (issue 12 item 4: "previous period and year-on-year for every figure and each park"):
in the JSON, on the page's areas' tables, in the workbook's 各园区 and 各街道 sheets, and in the
API's answer. Hand-made data, hand-counted; a report built before areas were compared still
renders."""

import re
from datetime import UTC, date, datetime, timedelta
from io import BytesIO

import pytest
from django.conf import settings
from openpyxl import load_workbook

from reforms.reporting.api.report_schema import ReportSnapshotSerializer
from reforms.reporting.choices import ReportStatus
from reforms.reporting.contents import build_snapshot
from reforms.reporting.excel import report_workbook
from reforms.tasks.choices import TaskStatus
from tests.factories import (
    ActivityFactory,
    GridZoneFactory,
    GrievanceFactory,
    ParkFactory,
    SubdistrictFactory,
    TaskFactory,
)
from tests.reforms.report_contents_helpers import frozen_now, report, wuxi  # noqa: F401

pytestmark = pytest.mark.django_db

COMPARED = ("previous", "year_ago")


@pytest.fixture
def district():
    """街道一: P1 (zones z1, z2) and P2 (zone z3); 街道二: P3 (zone z4), nothing anywhere;
    街道三: no parks.

    Grievances answered within their 24 hours, of those received:
      June 2026  P1 1 of 2 (50.0 %)   P2 1 of 1 (100.0 %)   街道一 2 of 3 (66.7 %)
      May 2026   P1 1 of 1 (100.0 %)  P2 1 of 3 (33.3 %)    街道一 2 of 4 (50.0 %; the
                                                            parks' rates averaged: 66.7 %)
      June 2025  P1 4 of 4 (100.0 %)  P2 none (—)           街道一 4 of 4 (100.0 %)
    P1's May grievance came at 23:59:59 on 31 May in Wuxi (15:59:59 UTC) and one of June's at
    00:00:00 on 1 June (16:00 UTC on 31 May): each falls in its month in Wuxi.
    Activities of P1: June one in z1 (5 people); May one in z1 and one in z2 (3 each); June
    2025 one in z2 (10). P1's coverage: June 1 of 2, May 2 of 2, June 2025 1 of 2.
    P1 has an overdue task (red), which is not compared: it stands as it is.
    """
    one, two = SubdistrictFactory(name="街道一"), SubdistrictFactory(name="街道二")
    SubdistrictFactory(name="街道三")  # no parks
    p1, p2 = ParkFactory(name="P1", subdistrict=one), ParkFactory(name="P2", subdistrict=one)
    p3 = ParkFactory(name="P3", subdistrict=two)
    z1, z2 = GridZoneFactory(park=p1), GridZoneFactory(park=p1)
    GridZoneFactory(park=p2)
    GridZoneFactory(park=p3)

    def grievance(park, at, hours):
        GrievanceFactory(park=park, received_at=at, responded_at=at + timedelta(hours=hours))

    grievance(p1, wuxi(2026, 6, 1, 0, 0, 0), 2)
    grievance(p1, wuxi(2026, 6, 12, 9, 0), 30)
    grievance(p2, wuxi(2026, 6, 12, 9, 0), 2)
    grievance(p1, datetime(2026, 5, 31, 15, 59, 59, tzinfo=UTC), 2)
    grievance(p2, wuxi(2026, 5, 12, 9, 0), 2)
    grievance(p2, wuxi(2026, 5, 13, 9, 0), 30)
    grievance(p2, wuxi(2026, 5, 14, 9, 0), 30)
    for day in (2, 3, 4, 5):
        grievance(p1, wuxi(2025, 6, day, 9, 0), 1)
    ActivityFactory(grid_zone=z1, occurred_at=wuxi(2026, 6, 3, 9, 0), participants=5)
    ActivityFactory(grid_zone=z1, occurred_at=wuxi(2026, 5, 3, 9, 0), participants=3)
    ActivityFactory(grid_zone=z2, occurred_at=wuxi(2026, 5, 4, 9, 0), participants=3)
    ActivityFactory(grid_zone=z2, occurred_at=wuxi(2025, 6, 4, 9, 0), participants=10)
    TaskFactory(park=p1, status=TaskStatus.IN_PROGRESS, due_date=date(2026, 6, 5))


def _rows(snapshot: dict, part: str, name_key: str) -> dict:
    return {row[name_key]: row for row in snapshot[part]}


def _key_figures(period: dict) -> tuple:
    grievances = period["grievances"]
    return (
        grievances["received"],
        grievances["responded_in_time"],
        grievances["response_rate"],
        period["activities"],
        period["coverage"],
    )


def test_each_park_has_its_figures_over_the_period_before_and_a_year_earlier(district):
    parks = _rows(build_snapshot(report()), "by_park", "park_name")

    p1, p2, p3 = parks["P1"], parks["P2"], parks["P3"]
    assert _key_figures(p1) == (
        2,
        1,
        50.0,
        {"count": 1, "participants": 5},
        {"zones": 2, "covered": 1},
    )
    assert _key_figures(p1["previous"]) == (
        1,
        1,
        100.0,
        {"count": 2, "participants": 6},
        {"zones": 2, "covered": 2},
    )
    assert _key_figures(p1["year_ago"]) == (
        4,
        4,
        100.0,
        {"count": 1, "participants": 10},
        {"zones": 2, "covered": 1},
    )
    assert _key_figures(p2["previous"])[:3] == (3, 1, 33.3)
    assert _key_figures(p2["year_ago"])[:3] == (0, 0, None)
    for name in COMPARED:
        assert _key_figures(p3[name]) == (
            0,
            0,
            None,
            {"count": 0, "participants": 0},
            {"zones": 1, "covered": 0},
        )
        # Every grievance figure of the period, rates included; the tasks stand on `as_of`.
        assert set(p1[name]["grievances"]) == set(p1["grievances"])
        assert set(p1[name]) == {"grievances", "activities", "coverage"}
    assert p1["tasks"]["red"] == 1


def test_each_subdistrict_adds_up_its_parks_and_works_each_rate_out_again(district):
    rows = _rows(build_snapshot(report()), "by_subdistrict", "subdistrict_name")

    one, two = rows["街道一"], rows["街道二"]
    assert _key_figures(one)[:3] == (3, 2, 66.7)
    # 2 of 4, not the parks' 100.0 % and 33.3 % averaged (66.7 %).
    assert _key_figures(one["previous"]) == (
        4,
        2,
        50.0,
        {"count": 2, "participants": 6},
        {"zones": 3, "covered": 2},
    )
    assert _key_figures(one["year_ago"]) == (
        4,
        4,
        100.0,
        {"count": 1, "participants": 10},
        {"zones": 3, "covered": 1},
    )
    assert _key_figures(two["previous"])[:3] == (0, 0, None)
    assert "tasks" not in one["previous"]


def _page(client, user, report_, snapshot) -> str:
    report_.snapshot = snapshot
    report_.status = ReportStatus.DONE
    report_.save()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    response = client.get(report_.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def _changes(html: str, section: str, name: str) -> list[list[str]]:
    """The line under an area's row: each column's changes (data-change) on the period before
    and on a year earlier; [] for a column not compared."""
    table = html.split(f'id="{section}"')[1].split("</section>")[0]
    line = table.split(f'data-changes-of="{name}"')[1].split("</tr>")[0]
    return [re.findall(r'data-change="([^"]*)"', cell) for cell in line.split("<td")[1:]]


def test_the_page_shows_each_areas_change_under_its_row(client, office_user, district):
    report_ = report()
    html = _page(client, office_user, report_, build_snapshot(report_))

    # Received, the three rates, activities, then the tasks' three columns (not compared),
    # then the coverage: P1's change on May, then on June 2025.
    p1 = _changes(html, "section-by-park", "P1")
    assert p1[0] == ["1", "-2"]  # 2 received: 1 in May, 4 a year earlier
    assert p1[1] == ["-50.0", "-50.0"]  # the response rate, 50.0 % on 100.0 % and 100.0 %
    assert p1[4] == ["-1", "0"]  # activities: 1 on 2 and on 1
    assert p1[5:8] == [[], [], []]
    assert p1[8] == ["-50.0", "0"]  # coverage: 50.0 % on 100.0 % and on 50.0 %
    # A subdistrict's line starts with its number of parks, not compared.
    one = _changes(html, "section-by-subdistrict", "街道一")
    assert one[0] == []
    assert one[1] == ["-1", "-1"]  # 3 received: 4 in May, 4 a year earlier
    assert one[2] == ["16.7", "-33.3"]  # 66.7 % on 50.0 % and on 100.0 %
    assert "Year on year" in html.split('id="section-by-park"')[1].split("</section>")[0]
    # A subdistrict without parks has no line of zeros to compare.
    assert "街道三" in html and 'data-changes-of="街道三"' not in html


def _sheet(report_, snapshot: dict, title: str) -> list[dict]:
    book = load_workbook(BytesIO(report_workbook(report_, snapshot)))
    rows = list(book[title].iter_rows(min_row=3, values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_the_workbook_gives_each_area_its_figures_over_both_compared_periods(district):
    report_ = report()
    snapshot = build_snapshot(report_)

    parks = {row["园区"]: row for row in _sheet(report_, snapshot, "各园区")}
    p1 = parks["P1"]
    assert (p1["受理诉求数"], p1["上期受理诉求数"], p1["去年同期受理诉求数"]) == (2, 1, 4)
    assert (p1["响应率"], p1["上期响应率"], p1["去年同期响应率"]) == (0.5, 1.0, 1.0)
    assert (p1["上期活动次数"], p1["上期参与人次"], p1["去年同期参与人次"]) == (2, 6, 10)
    assert (p1["上期有活动网格数"], p1["上期网格覆盖率"], p1["去年同期网格覆盖率"]) == (2, 1.0, 0.5)
    assert parks["P2"]["去年同期响应率"] is None
    # The tasks stand as they are: no earlier column.
    assert not [header for header in p1 if "任务" in header and header.startswith("上期")]
    subdistricts = {row["街道"]: row for row in _sheet(report_, snapshot, "各街道")}
    assert subdistricts["街道一"]["上期响应率"] == 0.5
    assert subdistricts["街道一"]["去年同期受理诉求数"] == 4


def test_a_report_built_before_areas_were_compared_still_renders(client, office_user, district):
    report_ = report()
    snapshot = build_snapshot(report_)
    for part in ("by_park", "by_subdistrict"):
        for row in snapshot[part]:
            for name in COMPARED:
                del row[name]

    html = _page(client, office_user, report_, snapshot)
    assert 'id="section-by-park"' in html and "data-changes-of" not in html
    p1 = {row["园区"]: row for row in _sheet(report_, snapshot, "各园区")}["P1"]
    assert (p1["受理诉求数"], p1["上期受理诉求数"], p1["去年同期网格覆盖率"]) == (2, None, None)
    # The API answers it too, leaving out what it lacks.
    data = ReportSnapshotSerializer(snapshot).data
    assert "previous" not in data["by_park"][0]
    assert (
        data["by_park"][0]["grievances"]["received"]
        == snapshot["by_park"][0]["grievances"]["received"]
    )


def test_the_api_sends_each_parks_compared_figures(api_as, office_user, district):
    report_ = report()
    report_.snapshot = build_snapshot(report_)
    report_.status = ReportStatus.DONE
    report_.save()

    response = api_as(office_user).get(f"/api/v1/reports/{report_.pk}/")
    assert response.status_code == 200
    parks = {row["park_name"]: row for row in response.json()["snapshot"]["by_park"]}
    assert parks["P1"]["previous"]["grievances"]["response_rate"] == 100.0
    assert parks["P1"]["year_ago"]["activities"] == {"count": 1, "participants": 10}
    subdistricts = response.json()["snapshot"]["by_subdistrict"]
    assert subdistricts[0]["previous"]["grievances"]["response_rate"] == 50.0
