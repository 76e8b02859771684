"""The office's assessment in a real Chromium, in Chinese: from the menu to a new scheme for
member units, put in force, last month scored from the scheme's page, the 红黑榜 with its red
and black rows, a unit's score explained (a "not applicable" indicator, its weight spread),
a bonus with its reason in the history, and the period published. Screenshots of the ranking
and of the score at 1280 and 360 px; at 360 the pages do not scroll sideways."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from parks.structure.choices import Role
from reforms.assessment.models import Scheme, Score
from reforms.tasks.choices import TaskStatus
from tests.factories import OrganisationFactory, TaskFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
# Each unit's tasks due last month: (done on time, done late, still open).
UNITS = {"区人社局": (2, 0, 0), "区总工会": (2, 1, 0), "区财政局": (1, 0, 1), "区住建局": (0, 0, 2)}


@pytest.fixture
def last_month():
    first_of_this = timezone.localdate().replace(day=1)
    return (first_of_this - timedelta(days=1)).replace(day=1)


@pytest.fixture
def office(last_month):
    """The office, and four member units with tasks due in the middle of last month."""
    due = last_month + timedelta(days=14)
    for name, (on_time, late, open_) in UNITS.items():
        unit = OrganisationFactory(name=name)
        for _n in range(on_time):
            TaskFactory(
                lead_unit=unit,
                start_date=due - timedelta(days=30),
                due_date=due,
                status=TaskStatus.DONE,
                done_on=due - timedelta(days=2),
                progress=100,
            )
        for _n in range(late):
            TaskFactory(
                lead_unit=unit,
                start_date=due - timedelta(days=30),
                due_date=due,
                status=TaskStatus.DONE,
                done_on=due + timedelta(days=3),
                progress=100,
            )
        for _n in range(open_):
            TaskFactory(lead_unit=unit, start_date=due - timedelta(days=30), due_date=due)
    return UserFactory(username="office", display_name="沈立群", role=Role.OFFICE)


def _no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide at {PHONE['width']} px"


def test_the_office_sets_up_a_scheme_scores_last_month_and_explains_a_score(
    page, live_server, sign_in, office, last_month, screenshot
):
    sign_in(office)
    page.goto(f"{live_server.url}/reforms/tasks/")
    page.locator("li.dropdown", has=page.locator("#nav-assessment")).locator(
        ".dropdown-toggle"
    ).click()
    page.click("#nav-assessment")
    page.click("#new-scheme")

    page.fill("#id_year", str(last_month.year))
    page.fill("#id_name", "成员单位月度考核")
    page.fill("#id_red_list_size", "1")
    page.fill("#id_black_list_size", "1")
    page.fill("[data-indicator=task_on_time] input[name$=weight]", "60")
    page.fill("[data-indicator=task_on_time] input[name$=zero_at]", "0")
    page.fill("[data-indicator=response_rate] input[name$=weight]", "30")
    page.fill("#id_items-0-name", "典型案例被推广")
    page.fill("#id_items-0-points", "2")
    page.click("#save-scheme")
    # 60 + 30 is not 100: said on the form, nothing saved, what was typed kept.
    expect(page.locator("#scheme-form .alert-danger")).to_contain_text("100.00")
    assert not Scheme.objects.exists()
    expect(page.locator("[data-indicator=task_on_time] input[name$=weight]")).to_have_value("60")
    page.fill("[data-indicator=response_rate] input[name$=weight]", "40")
    page.click("#save-scheme")

    page.click("#activate-scheme")
    expect(page.locator(".scheme-status")).to_have_attribute("data-status", "active")
    page.select_option("#id_period_kind", "month")
    page.fill("#id_day", last_month.isoformat())
    page.click("#compute-now")

    # The 红黑榜: 区人社局 (all on time) on the red list, 区住建局 (nothing done) on the black.
    expect(page.locator(".ranking-entry")).to_have_count(4)
    expect(page.locator(".ranking-entry.rank-red")).to_contain_text("区人社局")
    expect(page.locator(".ranking-entry.rank-black")).to_contain_text("区住建局")
    expect(page.locator("#unpublished")).to_be_visible()
    screenshot("assessment-ranking-1280")

    page.locator(".ranking-entry.rank-black a").first.click()
    # No grievances last month: the response rate does not apply, its weight moves.
    response_row = page.locator(".score-indicator[data-indicator=response_rate]")
    expect(response_row.locator(".not-applicable")).to_be_visible()
    expect(page.locator("#shortfalls")).to_be_visible()
    expect(page.locator(".underlying-list").first).to_be_visible()
    page.select_option("#id_item", label="典型案例被推广")
    page.fill("#id_reason", "经验做法被市里推广")
    page.click("#adjust")
    expect(page.locator("#score-adjustment")).to_have_text("+2.00")
    expect(page.locator("#score-history")).to_contain_text("经验做法被市里推广")
    screenshot("assessment-score-1280")
    score_url = page.url

    page.click(".breadcrumb-item a >> nth=1")
    page.click("#publish")
    expect(page.locator("#published")).to_be_visible()
    assert Score.objects.filter(published_at__isnull=True).count() == 0
    ranking_url = page.url

    page.set_viewport_size(PHONE)
    page.goto(ranking_url)
    expect(page.locator(".ranking-entry")).to_have_count(4)
    _no_sideways_scroll(page)
    screenshot("assessment-ranking-360")
    page.goto(score_url)
    expect(page.locator("#score-total")).to_be_visible()
    _no_sideways_scroll(page)
    screenshot("assessment-score-360")
