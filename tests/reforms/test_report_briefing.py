"""The progress report's Word briefing (情况通报): what someone opening it in Word reads, read
back with python-docx and held against the report's JSON."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import translation
from docx import Document
from docx.enum.text import WD_COLOR_INDEX
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import qn

from reforms.reporting import spec
from reforms.reporting.briefing import FALLBACKS, report_briefing
from reforms.reporting.briefing_figures import previous_figures
from reforms.reporting.choices import PeriodKind, ReportScope, ReportStatus
from reforms.reporting.contents import build_snapshot
from reforms.reporting.models import Report
from tests.factories import (
    ActivityFactory,
    CarePaymentFactory,
    GridZoneFactory,
    GrievanceFactory,
    OrganisationFactory,
    PublicityFactory,
    TaskFactory,
    TrainingFactory,
)

pytestmark = pytest.mark.django_db

PARK = "无锡华夏家居港建材市场"
HEADINGS = [
    "1. Work progress",
    "2. Handling of workers' grievances",
    "3. Grid work",
    "4. Ledgers",
    "5. Problems",
    "6. Next steps",
]


def _at(day: date, hour: int = 2) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)  # 10:00 in Wuxi


@pytest.fixture
def june(park, grid_zone, time_machine):
    """The park's report for June 2026, built on 2 July, over data counted by hand.

    June: 4 grievances (May: 1); 3 visits of 5 people in one of two zones (May: one park-wide
    lecture of 4, so no zone covered); 2 payments, 42 people, 42,000.00 yuan (May: 1,000.50);
    one 16.5-hour course of 30 trainees, 25 certified; 2 online pieces and 1 on television.
    Tasks: 3 due in June, 1 done on time (33.3 %); 1 due in May and not done (0.0 %). Overdue on
    30 June: 区人社局 2 (due 10 and 20 June: 20 and 10 days), 区总工会 1 (due 31 May: 30 days).
    June's grievances by handling unit: 区人社局 the two answered in time and resolved, one call
    satisfied and one not (100.0 %, 100.0 %, 50.0 %); 区总工会 the other two, one answered in
    time, neither resolved nor called (50.0 %, 0.0 %, —).
    """
    time_machine.move_to(datetime(2026, 7, 2, 10, 0, tzinfo=UTC), tick=False)
    GridZoneFactory(park=park, code="G02")
    labour = OrganisationFactory(name="区人社局")
    union = OrganisationFactory(name="区总工会")
    for answered_in_time, resolved, satisfaction, unit in (
        (True, True, "satisfied", labour),
        (True, True, "unsatisfied", labour),
        (True, False, "", union),
        (False, False, "", union),
    ):
        received = _at(date(2026, 6, 10))
        GrievanceFactory(
            park=park,
            received_at=received,
            responded_at=received + timedelta(hours=2 if answered_in_time else 30),
            resolved_at=received + timedelta(days=3) if resolved else None,
            satisfaction=satisfaction,
            handling_unit=unit,
        )
    may = _at(date(2026, 5, 20))
    GrievanceFactory(park=park, received_at=may, responded_at=may + timedelta(hours=1))
    ActivityFactory.create_batch(
        3, grid_zone=grid_zone, occurred_at=_at(date(2026, 6, 10)), participants=5
    )
    ActivityFactory(grid_zone=None, park=park, kind="lecture", occurred_at=may, participants=4)
    CarePaymentFactory(park=park, recipients=2, amount=Decimal("2000.00"))
    CarePaymentFactory(park=park, recipients=40, amount=Decimal("40000.00"))
    CarePaymentFactory(park=park, paid_on=date(2026, 5, 5), recipients=1, amount=Decimal("1000.50"))
    TrainingFactory(park=park, hours=Decimal("16.5"))
    PublicityFactory.create_batch(2, park=park)
    PublicityFactory(park=park, channel="tv")
    TaskFactory(park=park, lead_unit=union, due_date=date(2026, 5, 31))
    TaskFactory(park=park, lead_unit=labour, due_date=date(2026, 6, 10))
    TaskFactory(park=park, lead_unit=labour, due_date=date(2026, 6, 20))
    TaskFactory(
        park=park,
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
    report.snapshot = build_snapshot(report)
    return report


def _document(report, snapshot=None):
    return Document(BytesIO(report_briefing(report, snapshot or report.snapshot)))


def _texts(document) -> list[str]:
    return [paragraph.text for paragraph in document.paragraphs if paragraph.text]


def _section(document, heading: str) -> list[str]:
    """The paragraphs under a numbered heading, up to the next one."""
    texts, inside = [], False
    for paragraph in document.paragraphs:
        if paragraph.style.name == "Heading 1":
            inside = paragraph.text == heading
        elif inside and paragraph.text:
            texts.append(paragraph.text)
    return texts


# --- The form of an office's briefing ---------------------------------------------------------


def test_a_title_the_period_the_issuing_office_and_the_date(june):
    texts = _texts(_document(june))
    assert texts[0] == f"{PARK} industrial-workforce reform: briefing"
    assert texts[1] == "(June 2026)"
    # A park's briefing is issued by its leadership group, on the day the figures were counted.
    assert texts[2] == f"{PARK} reform leadership group\u3000July 2, 2026"
    assert texts[3] == (
        f"This briefing reports the industrial-workforce reform work of {PARK} over June 2026, "
        "compared with May 2026. The figures are as the portal counted them on July 2, 2026."
    )


def test_six_numbered_sections_in_the_offices_order(june):
    document = _document(june)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == HEADINGS


def test_the_work_progress_states_the_tasks_and_their_change(june):
    assert _section(_document(june), HEADINGS[0])[:4] == [
        # Issue 12 item 2: the sentence names what the rate divides by, and its definition
        # follows it (the figures are unchanged: every task due in June was past due by July 2).
        "This month, 3 reform tasks fell due; done on time: 1 of the 3 done or past their due "
        "date, an on-time rate of 33.3%, up 33.3 points on last month.",
        "(On-time rate: Done on or before the due date ÷ counted for the on-time rate. A task "
        "past its due date and not done counts against the rate, as one done late does; one "
        "not yet due is shown apart and left out; cancelled tasks count nowhere.)",
        "In all, 1 task was done (1 on time), 1 more than last month.",
        "As of July 2, 2026: 4 reform tasks in all; done 1, in progress 0, not started 3; "
        "overdue (red) 3, at risk (yellow) 0.",
    ]


def test_the_grievance_figures_are_the_reports_json(june):
    """The count by hand; each rate, whatever its definition, as the snapshot states it."""
    texts = _section(_document(june), HEADINGS[1])
    assert texts[0] == "This month, 4 worker grievances were received, 3 more than last month."
    now, before = june.snapshot["grievances"]["current"], june.snapshot["grievances"]["previous"]
    assert now["received"] == 4
    for text, key in zip(texts[1:], spec.RATES, strict=False):
        label = str(spec.period_figure(f"grievances.{key}").label)
        if now[key] is None:
            assert text.startswith(f"{label}: no figure")
            continue
        assert text.startswith(f"{label}: {now[key]:.1f}%, ")
        if before[key] is None:
            assert text.endswith("with no figure for last month to compare with.")
        elif now[key] == before[key]:
            assert text.endswith("the same as last month.")
        else:
            direction = "up" if now[key] > before[key] else "down"
            assert text.endswith(
                f"{direction} {abs(now[key] - before[key]):.1f} points on last month."
            )
    # The rates by handling unit follow (test_the_grievance_rates_by_handling_unit…); no
    # survey was held.
    assert texts[1 + len(spec.RATES) :] == [
        "By handling unit, the grievances received and their rates:"
    ]


def _table(document, first_header: str) -> list[list[str]]:
    """The rows of the document's table whose first column is headed `first_header`."""
    [table] = [t for t in document.tables if t.rows[0].cells[0].text == first_header]
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_the_grievance_rates_by_handling_unit_are_the_reports_json(june):
    rows = _table(_document(june), "Handling unit")
    assert rows[0] == [
        "Handling unit",
        "Grievances received",
        "Response rate",
        "Resolution rate",
        "Satisfaction rate",
    ]
    # Counted by hand (the fixture's docstring)…
    assert rows[1:] == [
        ["区人社局", "2", "100.0%", "100.0%", "50.0%"],
        ["区总工会", "2", "50.0%", "0.0%", "—"],
    ]
    # …and as the JSON states them, row for row.
    assert rows[1:] == [
        [
            unit["unit_name"],
            str(unit["received"]),
            *("—" if unit[key] is None else f"{unit[key]:.1f}%" for key in spec.RATES),
        ]
        for unit in june.snapshot["grievances_by_unit"]
    ]


def test_the_problems_list_the_overdue_tasks_one_by_one(june):
    document = _document(june)
    texts = _section(document, HEADINGS[4])
    assert texts[1] == "The overdue tasks, one by one:"
    rows = _table(document, "Task")
    # A park's report names no park; longest overdue first.
    assert rows[0] == ["Task", "Lead unit", "Due date", "Days overdue"]
    assert [row[1:] for row in rows[1:]] == [
        ["区总工会", "May 31, 2026", "30"],
        ["区人社局", "June 10, 2026", "20"],
        ["区人社局", "June 20, 2026", "10"],
    ]
    assert [row[0] for row in rows[1:]] == [
        f"{task['code']} {task['title']}" for task in june.snapshot["overdue_tasks"]
    ]
    assert [int(row[3]) for row in rows[1:]] == [
        task["days_overdue"] for task in june.snapshot["overdue_tasks"]
    ]


def test_a_snapshot_without_the_new_lists_leaves_their_tables_out(june):
    snapshot = {
        key: value
        for key, value in june.snapshot.items()
        if key not in ("overdue_tasks", "grievances_by_unit")
    }
    document = _document(june, snapshot)
    assert [t.rows[0].cells[0].text for t in document.tables] == ["Park"]
    assert "The overdue tasks, one by one:" not in _texts(document)


def test_grid_work_and_ledgers_state_each_figure_and_its_change(june):
    document = _document(june)
    assert _section(document, HEADINGS[2]) == [
        "This month, 3 grid activities were logged, with 15 participants, 2 more than last month.",
        "By kind: Patrol / visit: 3.",
        "Grid zones: 2, with a liaison 1, with activity logged 1; grid coverage 50.0%, up 50.0 "
        "points on last month.",
    ]
    assert _section(document, HEADINGS[3]) == [
        "Care and subsidies: payments 2, people paid 42, amount 42000.00 yuan, 40999.50 more "
        "than last month.",
        "Publicity: 3 pieces in all (Online platform: 2, Television: 1), 3 more than last month.",
        "Skills training: courses 1, hours 16.5, trainees 30, certificates earned 25, 30 more "
        "than last month.",
        "This month, no proposal or innovation was submitted, the same as last month.",
    ]


def test_the_problems_name_the_units_with_overdue_tasks_and_leave_room_for_the_office(june):
    document = _document(june)
    texts = _section(document, HEADINGS[4])
    assert texts[0] == (
        "As of June 30, 2026, 3 tasks were overdue and not done. Units with overdue tasks: "
        "区人社局 (2), 区总工会 (1)."
    )
    assert [row["unit_name"] for row in june.snapshot["overdue_by_unit"]] == [
        "区人社局",
        "区总工会",
    ]
    assert texts[-1] == "[The office's own account of the problems found goes here.]"
    assert _section(document, HEADINGS[5]) == [
        "[The office's own plans for the next period go here.]"
    ]
    placeholders = [
        paragraph
        for paragraph in document.paragraphs
        if paragraph.text.startswith("[The office's own")
    ]
    assert len(placeholders) == 2
    assert all(p.runs[0].font.highlight_color == WD_COLOR_INDEX.YELLOW for p in placeholders)


def test_the_problems_name_the_rates_that_fell(june):
    texts = _section(_document(june), HEADINGS[4])
    fell = [
        path
        for path in (
            "tasks.on_time_rate",
            *(f"grievances.{k}" for k in spec.RATES),
            "coverage.rate",
        )
        if (now := _figure(june.snapshot, path, "current")) is not None
        and (before := _figure(june.snapshot, path, "previous")) is not None
        and now < before
    ]
    sentence = [text for text in texts if text.startswith("Compared with last month")]
    if not fell:
        assert sentence == []
        return
    for path in fell:
        label = str(spec.period_figure(path).label)
        points = _figure(june.snapshot, path, "previous") - _figure(june.snapshot, path, "current")
        assert f"{label} (down {points:.1f} points)" in sentence[0]


def _figure(snapshot, path, period):
    section, _dot, key = path.partition(".")
    return snapshot[section][period][key]


# --- The table of parks -----------------------------------------------------------------------


def test_the_park_table_has_a_row_per_park_with_the_reports_figures(
    park, other_park, grid_zone, time_machine
):
    time_machine.move_to(datetime(2026, 7, 2, 10, 0, tzinfo=UTC), tick=False)
    GrievanceFactory(
        park=park, received_at=_at(date(2026, 6, 3)), responded_at=_at(date(2026, 6, 3), 3)
    )
    GrievanceFactory(park=other_park, received_at=_at(date(2026, 6, 4)))
    ActivityFactory.create_batch(2, grid_zone=grid_zone, occurred_at=_at(date(2026, 6, 5)))
    TaskFactory(park=other_park, due_date=date(2026, 6, 1))
    report = Report.objects.create(
        scope=ReportScope.DISTRICT,
        period_kind=PeriodKind.MONTH,
        period_start=date(2026, 6, 1),
        period_end=date(2026, 6, 30),
    )
    report.snapshot = build_snapshot(report)
    document = _document(report)

    rows = _table(document, "Park")
    assert rows[0] == [
        "Park",
        "Grievances received",
        *(str(spec.park_figure(f"grievances.{key}").heading) for key in spec.RATES),
        "Activities",
        "Tasks done",
        "Red",
        "Grid coverage",
    ]
    expected = []
    for entry in report.snapshot["by_park"]:
        grievances, tasks, zones = entry["grievances"], entry["tasks"], entry["coverage"]
        expected.append(
            [
                entry["park_name"],
                str(grievances["received"]),
                *("—" if grievances[k] is None else f"{grievances[k]:.1f}%" for k in spec.RATES),
                str(entry["activities"]["count"]),
                f"{tasks['done']}/{tasks['total']}",
                str(tasks["red"]),
                f"{100 * zones['covered'] / zones['zones']:.1f}%" if zones["zones"] else "—",
            ]
        )
    assert rows[1:] == expected
    # Counted by hand: the grid zone logged twice, the other park's task is overdue.
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name[PARK][1] == "1" and by_name[PARK][-1] == "100.0%"
    assert by_name["无锡盛阳食品城"][-2] == "1" and by_name["无锡盛阳食品城"][-1] == "—"
    # A district briefing tells the parks with overdue tasks apart, and names each overdue
    # task's park; it is issued by the office.
    assert "Parks with overdue tasks: 无锡盛阳食品城 (1)." in _texts(document)
    overdue = _table(document, "Task")
    assert overdue[0] == ["Task", "Lead unit", "Park", "Due date", "Days overdue"]
    assert [row[2:] for row in overdue[1:]] == [["无锡盛阳食品城", "June 1, 2026", "29"]]
    assert _texts(document)[2].startswith("梁溪区 reform office\u3000")


def test_the_parks_with_overdue_tasks_are_counted_on_the_day_the_units_are(
    park, other_park, time_machine
):
    """The tasks' standing (red) is the build's, 2 July; the overdue list is the period's end,
    30 June. A task due on 1 July is red at the build but was not overdue in June: the
    problems name neither its unit nor its park."""
    time_machine.move_to(datetime(2026, 7, 2, 10, 0, tzinfo=UTC), tick=False)
    TaskFactory(park=other_park, due_date=date(2026, 6, 1))
    TaskFactory(park=park, due_date=date(2026, 7, 1))
    report = Report.objects.create(
        scope=ReportScope.DISTRICT,
        period_kind=PeriodKind.MONTH,
        period_start=date(2026, 6, 1),
        period_end=date(2026, 6, 30),
    )
    report.snapshot = build_snapshot(report)
    red = {row["park_name"]: row["tasks"]["red"] for row in report.snapshot["by_park"]}
    assert red == {PARK: 1, "无锡盛阳食品城": 1}

    texts = _section(_document(report), HEADINGS[4])
    assert texts[0].startswith("As of June 30, 2026, 1 task was overdue and not done.")
    assert "Parks with overdue tasks: 无锡盛阳食品城 (1)." in texts


# --- Comparison with the period before --------------------------------------------------------


def test_with_nothing_to_compare_with_it_says_so(june):
    snapshot = {**june.snapshot, "grievances": {"current": june.snapshot["grievances"]["current"]}}
    assert previous_figures(june, snapshot)["grievances"] is None
    texts = _section(_document(june, snapshot), HEADINGS[1])
    assert texts[0] == (
        "This month, 4 worker grievances were received, with no figure for last month to "
        "compare with."
    )


def test_without_its_own_previous_figures_it_compares_with_last_months_report(june):
    may = Report.objects.create(
        scope=ReportScope.PARK,
        park=june.park,
        period_kind=PeriodKind.MONTH,
        period_start=date(2026, 5, 1),
        period_end=date(2026, 5, 31),
        status=ReportStatus.DONE,
        snapshot={"grievances": {"current": {"received": 7}}},
    )
    snapshot = {**june.snapshot, "grievances": {"current": june.snapshot["grievances"]["current"]}}
    assert previous_figures(june, snapshot)["grievances"] == {"received": 7}
    # The snapshot's own comes first.
    assert previous_figures(june, june.snapshot)["grievances"]["received"] == 1
    texts = _section(_document(june, snapshot), HEADINGS[1])
    assert texts[0] == "This month, 4 worker grievances were received, 3 fewer than last month."
    may.status = ReportStatus.FAILED
    may.save()
    assert previous_figures(june, snapshot)["grievances"] is None


def test_a_snapshot_without_the_overdue_list_has_it_counted_the_same_way(june):
    snapshot = {k: v for k, v in june.snapshot.items() if k != "overdue_by_unit"}
    assert _section(_document(june, snapshot), HEADINGS[4])[0] == (
        "As of June 30, 2026, 3 tasks were overdue and not done. Units with overdue tasks: "
        "区人社局 (2), 区总工会 (1)."
    )


# --- Fonts and language -----------------------------------------------------------------------


def _east_asia(element) -> str | None:
    fonts = element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def test_fonts_are_named_as_offices_expect_in_the_east_asian_slot(june):
    document = _document(june)
    paragraphs = document.paragraphs
    assert _east_asia(paragraphs[0].runs[0]._r) == "方正小标宋简体"
    assert paragraphs[0].runs[0].font.size.pt == 22
    heading = next(p for p in paragraphs if p.style.name == "Heading 1")
    assert _east_asia(heading.runs[0]._r) == "黑体"
    body = next(p for p in paragraphs if p.text.startswith("This month"))
    assert _east_asia(body.runs[0]._r) == "仿宋_GB2312"
    assert body.runs[0].font.size.pt == 16
    # The styles name them too, with no theme font to override the names.
    for style, face in (
        ("Normal", "仿宋_GB2312"),
        ("Heading 1", "黑体"),
        ("Title", "方正小标宋简体"),
    ):
        element = document.styles[style].element
        assert _east_asia(element) == face
        fonts = element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        assert fonts.get(qn("w:eastAsiaTheme")) is None and fonts.get(qn("w:asciiTheme")) is None
    [cell] = document.tables[0].rows[1].cells[:1]
    assert _east_asia(cell.paragraphs[0].runs[0]._r) == "仿宋_GB2312"
    # A machine without a face shows its common alternative (the font table's altName).
    part = document.part.part_related_by(RELATIONSHIP_TYPE.FONT_TABLE)
    alternatives = {
        font.get(qn("w:name")): font.find(qn("w:altName")).get(qn("w:val"))
        for font in parse_xml(part.blob).findall(qn("w:font"))
        if font.find(qn("w:altName")) is not None
    }
    assert alternatives["仿宋_GB2312"] == "仿宋"
    assert alternatives == {**alternatives, **FALLBACKS}


def test_it_is_written_in_the_language_active_for_the_build(june):
    with translation.override("zh-hans"):
        document = _document(june)
    texts = _texts(document)
    assert "2026年6月" in texts[1]
    assert texts[2].endswith("2026年7月2日")
    assert document.core_properties.language == "zh-CN"
    english = _document(june)
    assert english.core_properties.language == "en-US"
    assert _texts(english)[1] == "(June 2026)"


def test_a4_with_the_margins_of_official_documents(june):
    section = _document(june).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
    assert "PAGE" in section.footer.paragraphs[0]._p.xml
