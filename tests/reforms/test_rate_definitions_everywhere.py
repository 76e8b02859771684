"""One hand-made month of grievances gives the same figures on the dashboard, the rates page,
the rates API and the progress report (its JSON and its workbook), each defined once in
grievances.rates (issue 12). The answer is written down here."""

import re
from datetime import date
from io import BytesIO

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from grievances import funnel
from grievances import rates as grievance_rates
from reforms.reporting.choices import PeriodKind, ReportScope
from reforms.reporting.contents import build_snapshot
from reforms.reporting.excel import report_workbook
from reforms.reporting.models import Report
from tests.factories import SurveyCampaignFactory
from tests.grievances.rates_helpers import Desk, days, hours, local

pytestmark = pytest.mark.django_db

# Wednesday 10 June 2026, 10:00 in Wuxi: the month is running.
NOW = local(2026, 6, 10, 10, 0)

EXPECTED = {
    "received": 5,  # G1, G2, G3, G4, G6; G5 was withdrawn
    "response_pending": 1,  # G3 may be accepted until 20:00 tonight
    "response_counted": 4,
    "responded_in_time": 2,  # G1, G6; G2's final unit accepted after 30 hours, G4 never
    "resolution_pending": 1,  # G3
    "resolution_counted": 4,
    "resolved": 3,  # G1, G2 (replied again after its reopen), G6; G4 is past its 5 days
    "resolved_in_time": 2,  # G2, G6; G1 replied after its 2 days
    "dispatched": 4,  # G1, G2, G4, G6
    "returned_to_office": 1,  # G2
    "first_calls": 3,  # G1, G2, G6
    "first_call_satisfied": 2,  # G1, G6
    "followed_up": 4,  # G1, G2 twice, G6
    "satisfied": 3,  # G1, G2's second call, G6 (basically)
    "reopened": 1,  # G2
    "response_rate": 50.0,
    "resolution_rate": 75.0,
    "on_time_resolution_rate": 50.0,
    "satisfaction_rate": 75.0,
    "first_call_satisfaction_rate": 66.7,
    "return_rate": 25.0,
    "reopen_rate": 33.3,
}
FUNNEL = {"handed_out": 100, "returned": 60, "opinions": 1, "rectified": 1}  # G5 withdrawn
RATE_KEYS = [rate.key for rate in grievance_rates.RATES]


@pytest.fixture
def june(time_machine, park):
    """G1–G6, received in June; the comments of EXPECTED say what each counts towards."""
    desk = Desk(time_machine)
    survey = SurveyCampaignFactory(park=park, held_on=date(2026, 6, 3), handed_out=100, returned=60)
    # G1: accepted in time, replied late (2 days to resolve), called satisfied, closed.
    g1 = desk.received(park, local(2026, 6, 1, 9, 0))
    g1.resolution_due_at = g1.received_at + days(2)
    g1.save(update_fields=["resolution_due_at"])
    desk.handled(g1, accepted=hours(2), replied=days(3))
    desk.call(g1, g1.received_at + days(4), "satisfied")
    desk.close(g1, g1.received_at + days(4))
    # G2: accepted by unit A in time, returned; unit B accepted after 30 hours; replied, called
    # unsatisfied, reopened, replied again, called satisfied.
    g2 = desk.received(park, local(2026, 6, 2, 9, 0))
    start = g2.received_at
    desk.assign(g2, start)
    desk.accept(g2, start + hours(2))
    desk.give_back(g2, start + hours(3))
    desk.assign(g2, start + hours(4), unit=desk.unit_b)
    desk.accept(g2, start + hours(30))
    desk.reply(g2, start + days(4))
    desk.call(g2, start + days(5), "unsatisfied")
    desk.reopen(g2, start + days(5))
    desk.reply(g2, start + days(6))
    desk.call(g2, start + days(7), "satisfied")
    # G3: received last night, untouched: pending.
    desk.received(park, local(2026, 6, 9, 20, 0))
    # G4: sent to unit A, never accepted, 5 days to resolve: late on both counts.
    g4 = desk.received(park, local(2026, 6, 3, 9, 0))
    g4.resolution_due_at = g4.received_at + days(5)
    g4.save(update_fields=["resolution_due_at"])
    desk.assign(g4, g4.received_at)
    # G5: a survey opinion, withdrawn.
    g5 = desk.received(park, local(2026, 6, 4, 9, 0), channel="survey", survey=survey)
    desk.withdraw(g5, g5.received_at + hours(1))
    # G6: a survey opinion handled in time, called basically satisfied and rectified.
    g6 = desk.received(park, local(2026, 6, 5, 9, 0), channel="survey", survey=survey)
    desk.handled(g6, accepted=hours(1), replied=days(2))
    desk.call(g6, g6.received_at + days(3), "basically_satisfied", rectified=True)
    time_machine.move_to(NOW, tick=False)
    return desk


def _report() -> Report:
    return Report.objects.create(
        scope=ReportScope.DISTRICT,
        period_kind=PeriodKind.MONTH,
        period_start=date(2026, 6, 1),
        period_end=date(2026, 6, 30),
    )


def test_the_rates_api_gives_the_hand_count(api_as, office_user, june):
    body = (
        api_as(office_user)
        .get("/api/v1/grievances/rates/", {"from": "2026-06-01", "to": "2026-06-30"})
        .json()
    )
    assert body["totals"] == EXPECTED
    assert body["funnel"] == FUNNEL


def test_the_report_gives_the_hand_count_in_its_json_and_its_workbook(office_user, june, park):
    report = _report()
    snapshot = build_snapshot(report)
    current = snapshot["grievances"]["current"]
    # Beside them, the backlog at the period's end (grievances.rates.BACKLOG).
    backlog = {measure.key for measure in grievance_rates.BACKLOG}
    assert {key: value for key, value in current.items() if key not in backlog} == {
        **EXPECTED,
        "funnel": FUNNEL,
    }
    [by_park] = snapshot["by_park"]
    assert by_park["grievances"] == EXPECTED

    book = load_workbook(BytesIO(report_workbook(report, snapshot)))
    rows = {row[0]: row[1] for row in book["诉求"].iter_rows(min_row=4, values_only=True)}
    for measure in grievance_rates.MEASURES:
        value = EXPECTED[measure.key]
        expected = round(value / 100, 6) if measure.is_rate else value
        assert rows[measure.term] == pytest.approx(expected), measure.term
    for step in funnel.FUNNEL:
        assert rows[f"满意度调查：{step.term}"] == FUNNEL[step.key]
    # Every figure is defined on the 口径说明 sheet, in the words of grievances.rates.
    defined = dict(book["口径说明"].iter_rows(min_row=4, max_col=2, values_only=True))
    for measure in grievance_rates.MEASURES:
        assert defined[measure.term] == measure.basis


def test_the_rates_page_gives_the_hand_count(client, office_user, june):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(office_user)
    response = client.get(
        reverse("grievances:rates"), {"date_from": "2026-06-01", "date_to": "2026-06-30"}
    )
    html = response.content.decode()
    cards = dict(re.findall(r'data-rate="([a-z_]+)">.*?data-value="([0-9.]*)"', html, re.S))
    assert cards == {key: str(EXPECTED[key]) for key in RATE_KEYS}
    pending = dict(re.findall(r'data-rate="([a-z_]+)">.*?data-pending="(\d+)"', html, re.S))
    assert pending == {
        "response_rate": "1",
        "resolution_rate": "1",
        "on_time_resolution_rate": "1",
    }
    assert "2 / 4" in html and "3 / 4" in html and "1 / 3" in html


def test_the_dashboard_gives_the_hand_count(client, office_user, june):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(office_user)
    html = client.get(reverse("reforms:dashboard")).content.decode()
    cards = dict(re.findall(r'data-figure="(\w+)" data-value="([^"]*)"', html))
    assert {key: cards[key] for key in RATE_KEYS} == {key: str(EXPECTED[key]) for key in RATE_KEYS}
    assert "2 of 4 responded in time; 1 pending, not yet due" in html
    assert "3 of 4 resolved; 1 pending, not yet due" in html
    assert "3 of 4 follow-up calls satisfied" in html
    # Each card's definition is its tooltip and the cards' footnote.
    definitions = re.search(r'id="figure-definitions".*?</details>', html, re.S).group(0)
    assert set(re.findall(r'data-definition="(\w+)"', definitions)) >= set(RATE_KEYS)
