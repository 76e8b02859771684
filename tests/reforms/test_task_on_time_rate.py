"""One hand-made June of tasks gives the task on-time rate (按时完成率) as defined once in
reforms.tasks.selectors, on the unit league, the progress report (its JSON, page, workbook and
briefing) and the dashboard (issue 12 item 2). The answers are written down here.

Wednesday 10 June 2026 in Wuxi. 单位甲 leads two tasks in `park`; 单位乙 six in `other_park`:

  A 甲  due  5 June, done 4 June         on time
  B 甲  due  3 June, in progress         overdue (red): counts against 甲
  C 乙  due  2 June, done 8 June         late
  D 乙  due  4 June, cancelled           counts nowhere
  E 乙  due 20 June, in progress         not yet due: pending
  F 乙  due 10 June (today), in progress not yet due on its due day: pending
  G 乙  due 25 June, done 9 June         done early: on time
  H 乙  due  1 June, done 6 June         late
"""

import re
from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reforms.reporting.choices import ReportScope
from reforms.reporting.contents import build_snapshot
from reforms.reporting.excel import report_workbook
from reforms.tasks import selectors
from reforms.tasks.choices import TaskStatus
from tests.factories import OrganisationFactory, TaskFactory
from tests.reforms import report_pages_helpers as shared
from tests.reforms.report_pages_helpers import _built, _html, _report

# The shared fixtures, bound here so pytest finds them by name.
in_english = shared.in_english
no_cached_dashboard = shared.no_cached_dashboard
on_wednesday_the_tenth_of_june = shared.on_wednesday_the_tenth_of_june

pytestmark = pytest.mark.django_db

JUNE = date(2026, 6, 1)


def _task(unit, park, due, status=TaskStatus.IN_PROGRESS, done_on=None):
    done = status == TaskStatus.DONE
    return TaskFactory(
        lead_unit=unit,
        park=park,
        start_date=date(2026, 1, 1),
        due_date=due,
        status=status,
        done_on=done_on,
        progress=100 if done else 50,
    )


@pytest.fixture
def june(park, other_park):
    first = OrganisationFactory(name="单位甲")
    second = OrganisationFactory(name="单位乙")
    _task(first, park, date(2026, 6, 5), TaskStatus.DONE, date(2026, 6, 4))  # A
    _task(first, park, date(2026, 6, 3))  # B
    _task(second, other_park, date(2026, 6, 2), TaskStatus.DONE, date(2026, 6, 8))  # C
    _task(second, other_park, date(2026, 6, 4), TaskStatus.CANCELLED)  # D
    _task(second, other_park, date(2026, 6, 20))  # E
    _task(second, other_park, date(2026, 6, 10))  # F
    _task(second, other_park, date(2026, 6, 25), TaskStatus.DONE, date(2026, 6, 9))  # G
    _task(second, other_park, date(2026, 6, 1), TaskStatus.DONE, date(2026, 6, 6))  # H
    return first, second


def _league(client):
    html = _html(client.get(reverse("reforms:unit_league")))
    rows = re.findall(r'<tr data-unit="([^"]+)">(.*?)</tr>', html, re.S)
    return html, {
        unit: {
            key: re.sub(r"<[^>]+>|\s", "", value)
            for key, value in re.findall(r'data-figure="(\w+)">(.*?)</td>', cells, re.S)
        }
        for unit, cells in rows
    }


def test_the_rule_counts_an_overdue_open_task_against_the_unit(office_user, june):
    rows = {
        row["lead_unit__name"]: row
        for row in selectors.unit_league_table(user=office_user, today=date(2026, 6, 10))
    }
    first, second = rows["单位甲"], rows["单位乙"]
    # 甲: A on time, B red → 1 of 2. The league used to divide by the tasks done: 1 of 1, 100 %.
    assert (first["done_on_time"], first["counted"], first["pending"]) == (1, 2, 0)
    assert selectors.on_time_rate(first["done_on_time"], first["counted"]) == 50.0
    # 乙: G on time; C and H late; E and F pending; D cancelled → 1 of 3.
    assert (second["done_on_time"], second["counted"], second["pending"]) == (1, 3, 2)
    assert selectors.on_time_rate(second["done_on_time"], second["counted"]) == 33.3


def test_a_unit_with_nothing_done_or_due_has_no_rate(office_user, park):
    unit = OrganisationFactory(name="单位丙")
    _task(unit, park, date(2026, 7, 1))
    _task(unit, park, date(2026, 6, 1), TaskStatus.CANCELLED)
    row = selectors.unit_league_table(user=office_user, today=date(2026, 6, 10)).get()
    assert (row["counted"], row["pending"]) == (0, 1)
    assert selectors.on_time_rate(row["done_on_time"], row["counted"]) is None


def test_the_league_page_shows_the_rate_and_its_definition(client, office_user, june):
    client.force_login(office_user)
    html, rows = _league(client)
    assert rows["单位甲"] == {"pending": "0", "on_time_rate": "50.0%"}
    assert rows["单位乙"] == {"pending": "2", "on_time_rate": "33.3%"}
    # The definition beside the figure: the column's tooltip and the footnote.
    definition = str(selectors.ON_TIME_RATE.note)
    assert "A task past its due date and not done counts against the rate" in definition
    assert f'title="{definition}"' in html
    assert re.search(r'data-definition="on_time_rate">.*?counts against the rate', html)


def test_the_report_json_page_and_workbook_of_the_park_give_the_same_figure(
    client, office_user, june, park
):
    # 甲's park, June, built on the 10th: A and B fell due, A on time → 50.0 %, as on the league.
    report = _built(_report(ReportScope.PARK, park=park, start=JUNE))
    assert report.snapshot["tasks"]["current"] == {
        "done": 1,
        "done_on_time": 1,
        "due": 2,
        "due_pending": 0,
        "due_counted": 2,
        "due_done_on_time": 1,
        "on_time_rate": 50.0,
    }
    client.force_login(office_user)
    api = client.get(f"/api/v1/reports/{report.pk}/").json()
    assert api["snapshot"]["tasks"]["current"]["on_time_rate"] == 50.0
    page = _html(client.get(report.get_absolute_url()))
    assert re.search(r'data-definition="on_time_rate">.*?counts against the rate', page)
    book = load_workbook(BytesIO(report_workbook(report, report.snapshot)))
    bases = {row[0].value: row[1].value for row in book["口径说明"].iter_rows() if row[0].value}
    assert bases["按时完成率"].startswith(
        "按时完成率 = 按时完成任务数 ÷ 应完成任务数。到期日已过仍未完成的任务计为未按时；"
    )
    assert "其中未到期任务数" in bases


def test_the_district_report_leaves_tasks_not_yet_due_out(office_user, june):
    from reforms.reporting.models import Report

    report = Report(
        scope=ReportScope.DISTRICT,
        period_kind="month",
        period_start=JUNE,
        period_end=date(2026, 6, 30),
    )
    current = build_snapshot(report)["tasks"]["current"]
    # Due in June, D cancelled excepted: A B C E F G H. E and F are not yet due on the 10th;
    # A and G on time of A B C G H → 40.0 %. It was A and G of all seven, 28.6 %, counting
    # E and F, not yet due, as failures.
    assert (current["due"], current["due_pending"], current["due_counted"]) == (7, 2, 5)
    assert current["due_done_on_time"] == 2
    assert current["on_time_rate"] == 40.0


def test_the_dashboard_card_of_the_park_gives_the_same_figure(client, office_user, june, park):
    client.force_login(office_user)
    html = _html(client.get(reverse("reforms:dashboard_park", args=[park.pk])))
    card = re.search(
        r'data-figure="task_on_time" data-value="([^"]*)".*?mt-1">([^<]*)</div>', html, re.S
    )
    assert card.group(1) == "50.0"
    assert card.group(2) == "1 of 2 tasks done on time; 0 pending, not yet due"
    assert re.search(r'data-definition="task_on_time">.*?counts against the rate', html)


def test_the_district_dashboard_counts_june_so_far(client, office_user, june):
    client.force_login(office_user)
    html = _html(client.get(reverse("reforms:dashboard")))
    card = re.search(
        r'data-figure="task_on_time" data-value="([^"]*)".*?mt-1">([^<]*)</div>', html, re.S
    )
    # 1–10 June: A B C F H fell due (E and G later, D cancelled); F, due today, is pending;
    # A on time of A B C H.
    assert card.group(1) == "25.0"
    assert card.group(2) == "1 of 4 tasks done on time; 1 pending, not yet due"


def test_a_report_of_schema_2_says_its_on_time_rate_was_counted_the_earlier_way(
    client, office_user, june, park
):
    report = _built(_report(ReportScope.PARK, park=park, start=JUNE))
    report.snapshot = {**report.snapshot, "schema_version": 2}
    report.save(update_fields=["snapshot"])
    client.force_login(office_user)
    page = _html(client.get(report.get_absolute_url()))
    assert re.search(
        r'id="old-definitions">This report was counted under the earlier on-time', page
    )
    book = load_workbook(BytesIO(report_workbook(report, report.snapshot)))
    notes = {row[0].value: row[1].value for row in book["口径说明"].iter_rows() if row[0].value}
    assert notes["注意"] == (
        "本报告按旧口径统计。第2版及以前：本期到期、生成报告时尚未到期的未完成任务计为未按时完成。"
        "以下为现行口径；重新生成报告即按现行口径统计。"
    )
