"""The progress report's workbook: what someone opening it in Excel finds, cell by cell."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from reforms.reporting.choices import PeriodKind, ReportScope
from reforms.reporting.contents import build_snapshot
from reforms.reporting.excel import report_workbook
from reforms.reporting.excel_cells import display_width
from reforms.reporting.models import Report
from tests.factories import (
    ActivityFactory,
    CarePaymentFactory,
    GridZoneFactory,
    GrievanceFactory,
    OrganisationFactory,
    TaskFactory,
    TrainingFactory,
)

pytestmark = pytest.mark.django_db

SHEETS = [
    "概览",
    "任务",
    "诉求",
    "活动",
    "网格覆盖",
    "关爱帮扶",
    "宣传",
    "培训",
    "建议",
    "逾期单位",
    "逾期任务",
    "各承办单位",
    "督办",  # issue 13: supervision orders, the scope's total and each responsible unit
    "各园区",
    "各街道",  # issue 12 item 4: a district report's subdistricts
    "口径说明",  # issue 12: what each figure counts
]
HEADER_ROW = 3


def _at(day: date, hour: int = 2) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)  # 10:00 in Wuxi


# Built on 2 July 2026 at 10:00 UTC, 18:00 in Wuxi.
BUILT_AT = datetime(2026, 7, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def june_report(park, grid_zone, time_machine):
    """The park's report for June 2026, over a small data set counted by hand.

    June: 4 grievances, 3 answered in time (75 %), 2 resolved (50 %), 2 asked, 1 satisfied
    (50 %); 3 visits of 5 people in one of two zones; 42 people paid 42,000 yuan in 2 payments;
    one 16.5-hour course. May: 1 grievance answered in time (100 %), 1 payment of 1,000.50 yuan.
    One task, led by a unit whose name starts with "=", overdue since May; one due on 20 June
    and done on the 18th (June's on-time rate 100 %, May's 0 %).
    """
    time_machine.move_to(BUILT_AT, tick=False)
    GridZoneFactory(park=park, code="G02")
    june = date(2026, 6, 10)
    for answered_in_time, resolved, satisfaction in (
        (True, True, "satisfied"),
        (True, True, "unsatisfied"),
        (True, False, ""),
        (False, False, ""),
    ):
        received = _at(june)
        GrievanceFactory(
            park=park,
            received_at=received,
            responded_at=received + timedelta(hours=2 if answered_in_time else 30),
            resolved_at=received + timedelta(days=3) if resolved else None,
            satisfaction=satisfaction,
        )
    GrievanceFactory(
        park=park,
        received_at=_at(date(2026, 5, 20)),
        responded_at=_at(date(2026, 5, 20), 3),
    )
    ActivityFactory.create_batch(3, grid_zone=grid_zone, occurred_at=_at(june), participants=5)
    CarePaymentFactory(park=park, paid_on=june, recipients=2, amount=Decimal("2000.00"))
    CarePaymentFactory(park=park, paid_on=june, recipients=40, amount=Decimal("40000.00"))
    CarePaymentFactory(park=park, paid_on=date(2026, 5, 5), recipients=1, amount=Decimal("1000.50"))
    TrainingFactory(park=park, started_on=june, hours=Decimal("16.5"))
    TaskFactory(
        park=park,
        lead_unit=OrganisationFactory(name="=HYPERLINK(1)"),
        start_date=date(2026, 1, 1),
        due_date=date(2026, 5, 31),
    )
    TaskFactory(
        park=park,
        start_date=date(2026, 1, 1),
        due_date=date(2026, 6, 20),
        status="done",
        done_on=date(2026, 6, 18),
        progress=100,
    )
    report = Report.objects.create(
        scope=ReportScope.PARK,
        park=park,
        period_kind=PeriodKind.MONTH,
        period_start=date(2026, 6, 1),
        period_end=date(2026, 6, 30),
    )
    return report


@pytest.fixture
def workbook(june_report):
    content = report_workbook(june_report, build_snapshot(june_report))
    return load_workbook(BytesIO(content))


def _rows(sheet) -> dict:
    """The sheet's rows under the headers, by the label in their first cell."""
    return {
        row[0].value: row
        for row in sheet.iter_rows(min_row=HEADER_ROW + 1)
        if row[0].value is not None
    }


def test_one_sheet_per_section_in_the_reports_order(workbook):
    assert workbook.sheetnames == SHEETS


def test_every_sheet_has_a_title_with_scope_and_period_and_frozen_headers(workbook):
    for sheet in workbook.worksheets:
        title = sheet["A1"].value
        assert "无锡华夏家居港建材市场" in title and "月报" in title
        assert "2026-06-01 至 2026-06-30" in title
        assert "2026-05-01 至 2026-05-31" in sheet["A2"].value  # compared with
        assert sheet["A1"].font.bold
        assert sheet.freeze_panes == "A4"


def test_comparison_sheets_have_chinese_headers(workbook):
    for name in ("概览", "任务", "诉求", "网格覆盖", "关爱帮扶", "宣传", "培训", "建议"):
        headers = [cell.value for cell in workbook[name][HEADER_ROW]]
        assert headers == ["项目", "本期", "上期", "增减", "去年同期", "同比"], name
        assert workbook[name].cell(HEADER_ROW, 1).font.bold
    assert [cell.value for cell in workbook["活动"][HEADER_ROW]] == [
        "活动类型",
        "本期次数",
        "上期次数",
        "次数增减",
        "去年同期次数",
        "次数同比",
        "本期人次",
        "上期人次",
        "人次增减",
        "去年同期人次",
        "人次同比",
    ]


def test_the_three_rates_are_fractions_shown_as_percentages(workbook):
    rows = _rows(workbook["诉求"])
    label, current, previous, change, year_ago, year_change = rows["响应率"]
    assert current.value == pytest.approx(0.75)
    assert current.number_format == "0.0%"
    assert previous.value == pytest.approx(1.0)
    assert change.value == pytest.approx(-0.25)
    assert change.number_format == "+0.0%;-0.0%;0.0%"  # shows -25.0%
    assert rows["解决率"][1].value == pytest.approx(0.5)
    assert rows["满意率"][1].value == pytest.approx(0.5)
    # Nobody was asked in May: no rate, not 0 %.
    assert rows["满意率"][2].value is None and rows["满意率"][3].value is None
    assert rows["受理诉求数"][1].value == 4
    # Nothing in June 2025: no rate a year earlier, so no 同比.
    assert year_ago.value is None and year_change.value is None
    assert rows["受理诉求数"][4].value == 0 and rows["受理诉求数"][5].value == 4
    assert rows["受理诉求数"][1].number_format == "#,##0"


def test_the_summary_repeats_the_key_figures(workbook):
    rows = _rows(workbook["概览"])
    assert rows["响应率"][1].value == pytest.approx(0.75)
    assert rows["响应率"][1].number_format == "0.0%"
    assert rows["网格活动次数"][1].value == 3
    assert rows["网格覆盖率"][1].value == pytest.approx(0.5)  # one zone of two logged
    assert rows["帮扶金额（元）"][1].value == 42000
    assert rows["逾期未完成任务数"][1].value == 1
    assert rows["任务按时完成率"][1].value == pytest.approx(1.0)
    assert rows["任务按时完成率"][2].value == pytest.approx(0.0)
    assert rows["数据截至"][1].value.date() == date(2026, 7, 2)
    assert rows["逾期统计截至"][1].value.date() == date(2026, 6, 30)


def test_money_is_exact_yuan_with_two_places(workbook):
    rows = _rows(workbook["关爱帮扶"])
    label, current, previous, change, _year_ago, _year_change = rows["帮扶金额（元）"]
    assert current.value == 42000
    assert previous.value == pytest.approx(1000.50)
    assert change.value == pytest.approx(40999.50)
    assert current.number_format == "#,##0.00"
    assert change.number_format == "+#,##0.00;-#,##0.00;0.00"
    assert rows["受助人数"][1].value == 42
    assert _rows(workbook["培训"])["学时"][1].value == pytest.approx(16.5)


def test_dates_are_dates(workbook):
    rows = _rows(workbook["概览"])
    # Excel keeps dates as day numbers; openpyxl reads them back as midnight datetimes.
    assert rows["本期开始"][1].value.date() == date(2026, 6, 1)
    assert rows["本期开始"][1].is_date
    assert rows["本期开始"][1].number_format == "yyyy-mm-dd"
    assert rows["本期截止"][1].value.date() == date(2026, 6, 30)
    assert rows["上期开始"][1].value.date() == date(2026, 5, 1)
    # Excel has no time zones: the time in Wuxi, where the report is read.
    assert f"{rows['生成时间'][1].value:%Y-%m-%d %H:%M}" == "2026-07-02 18:00"
    assert rows["生成时间"][1].number_format == "yyyy-mm-dd hh:mm"


def test_tasks_done_due_and_on_time(workbook):
    rows = _rows(workbook["任务"])
    assert [cell.value for cell in rows["本期完成任务数"]] == ["本期完成任务数", 1, 0, 1, 0, 1]
    assert [cell.value for cell in rows["本期到期任务数（不含已取消）"]] == [
        "本期到期任务数（不含已取消）",
        1,
        1,
        0,
        0,
        1,
    ]
    assert rows["按时完成率"][1].value == pytest.approx(1.0)
    assert rows["按时完成率"][3].value == pytest.approx(1.0)  # +100 points
    assert rows["任务总数"][1].value == 2
    assert rows["督办：红色预警（逾期）"][1].value == 1


def test_activities_by_kind_with_a_total_row(workbook):
    rows = _rows(workbook["活动"])
    assert [cell.value for cell in rows["巡查走访"]] == [
        "巡查走访",
        3,
        0,
        3,
        0,
        3,
        15,
        0,
        15,
        0,
        15,
    ]
    assert rows["合计"][1].value == 3 and rows["合计"][1].font.bold


def test_overdue_units_and_parks(workbook):
    overdue = _rows(workbook["逾期单位"])
    assert overdue[1][1].value == "=HYPERLINK(1)"
    assert overdue[1][1].data_type == "s"  # a unit's name is never run as a formula
    assert overdue[1][2].value == 1
    assert overdue["合计"][2].value == 1
    parks = _rows(workbook["各园区"])
    row = parks["无锡华夏家居港建材市场"]
    headers = [cell.value for cell in workbook["各园区"][HEADER_ROW]]
    assert row[headers.index("响应率")].value == pytest.approx(0.75)
    assert row[headers.index("网格覆盖率")].value == pytest.approx(0.5)
    assert row[headers.index("网格覆盖率")].number_format == "0.0%"


def test_columns_are_wide_enough_for_their_chinese_text(workbook):
    summary = workbook["概览"]
    # "合理化建议和创新成果数": 11 Chinese characters, two units each.
    assert summary.column_dimensions["A"].width >= 22
    assert workbook["各园区"].column_dimensions["A"].width >= display_width(
        "无锡华夏家居港建材市场"
    )


def test_chinese_characters_count_double():
    assert display_width("网格") == 4
    assert display_width("G01 网格") == 8
    assert display_width(None) == 0


def test_a_snapshot_missing_sections_still_gives_a_workbook(june_report):
    # An older snapshot (or a section added later): the cells are empty, nothing fails.
    workbook = load_workbook(BytesIO(report_workbook(june_report, {"schema_version": 1})))
    assert workbook.sheetnames == SHEETS
    assert _rows(workbook["诉求"])["响应率"][1].value is None
