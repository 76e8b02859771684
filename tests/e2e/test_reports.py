"""The dashboard and the progress reports in a real Chromium, in Chinese: the charts draw (a
canvas each) with no script or console errors, a park opens its drill-down, and a report asked
for in the browser shows a progress bar that moves and turns into the report by itself.

The build runs in a thread of this test standing in for the Celery worker: the portal queues it
with `reforms.reporting.queue.send_build` as in production, and the thread calls the same
service the worker task calls. (The worker_queue fixture's worker would keep the workbook in
its own process's in-memory storage, where the live server could not serve it.) Screenshots of
each page, and of the report at 390 px."""

import time
from datetime import datetime, timedelta
from datetime import time as clock

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from grievances.choices import Satisfaction, Status
from parks.gridlog.choices import ActivityKind
from parks.gridlog.models import Activity
from parks.structure.choices import Role
from reforms.reporting import contents, services
from reforms.reporting.choices import ReportStatus
from reforms.reporting.models import Report
from reforms.tasks.choices import TaskStatus
from tests.e2e.conftest import builds_in_threads
from tests.factories import (
    TEST_PASSWORD,
    GridZoneFactory,
    GrievanceFactory,
    OrganisationFactory,
    ParkFactory,
    SubdistrictFactory,
    TaskFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PARKS = [
    ("无锡盛阳食品城", "北大街街道", ["海鲜区", "冻品区", "干货区", "蔬菜区", "肉类区", "禽蛋区"]),
    ("无锡华夏家居港建材市场", "广益街道", ["瓷砖区", "卫浴区", "木业区", "灯饰区", "五金区"]),
    ("梁溪科技城楼宇", "广益街道", ["A座", "B座", "C座"]),
]
KINDS = list(ActivityKind.values)
UNITS = ["区总工会", "区人社局", "区财政局"]


@pytest.fixture
def district():
    """Three parks with a year of grid activity, grievances handled better in some parks than
    others, and reform tasks in every state."""
    office = UserFactory(username="office", display_name="沈立群", role=Role.OFFICE)
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    now = timezone.now()
    units = [OrganisationFactory(name=name) for name in UNITS]
    parks, zones, rows = [], [], []
    for park_index, (name, subdistrict, zone_names) in enumerate(PARKS):
        park = ParkFactory(name=name, subdistrict=SubdistrictFactory(name=subdistrict))
        parks.append(park)
        for number, zone_name in enumerate(zone_names, start=1):
            zones.append(GridZoneFactory(park=park, code=f"G{number:02d}", name=zone_name))
        park_zones = zones[-len(zone_names) :]
        for day_back in range(0, 360, 3):
            day = today - timedelta(days=day_back)
            for n in range((day_back // 3 + park_index) % 3 + (1 if park_index == 0 else 0)):
                zone = park_zones[(day_back + n * 5) % len(park_zones)]
                when = datetime.combine(day, clock(9 + n * 2), tz)
                if when > now:
                    continue
                rows.append(
                    Activity(
                        park=park,
                        grid_zone=zone,
                        kind=KINDS[(day_back + n) % len(KINDS)],
                        occurred_at=when,
                        title="网格走访",
                        participants=5 + (day_back + n * 7) % 30,
                        logged_by=office,
                    )
                )
        # A grievance a week, answered in time more often in the first park; three in four
        # are resolved and followed up, most of those to the worker's satisfaction.
        for week in range(52):
            received = now - timedelta(days=week * 7 + park_index + 1, hours=3)
            resolved = week % 4 != 0
            satisfied = (week + park_index) % 5 != 0
            GrievanceFactory(
                park=park,
                received_at=received,
                responded_at=received + timedelta(hours=4 if (week + park_index) % 3 else 30),
                resolved_at=received + timedelta(days=3) if resolved else None,
                satisfaction=(Satisfaction.SATISFIED if satisfied else Satisfaction.UNSATISFIED)
                if resolved
                else "",
                handling_unit=units[week % len(units)],
                status=Status.CLOSED if resolved else Status.IN_PROGRESS,
            )
        for n, (status, due) in enumerate(
            [
                (TaskStatus.DONE, today + timedelta(days=30)),
                (TaskStatus.IN_PROGRESS, today - timedelta(days=10)),
                (TaskStatus.IN_PROGRESS, today + timedelta(days=3)),
                (TaskStatus.PLANNED, today + timedelta(days=200)),
            ]
        ):
            TaskFactory(
                park=park,
                lead_unit=units[(n + park_index) % len(units)],
                status=status,
                progress=100 if status == TaskStatus.DONE else 40,
                start_date=today - timedelta(days=100),
                due_date=due,
                done_on=today - timedelta(days=5) if status == TaskStatus.DONE else None,
            )
    Activity.objects.bulk_create(rows)
    return {"office": office, "parks": parks}


def watch(page):
    """Collect script errors, console errors and failed requests."""
    problems = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}") if message.type == "error" else None
        ),
    )
    page.on(
        "response",
        lambda response: (
            problems.append(f"{response.status} {response.url}") if response.status >= 400 else None
        ),
    )
    return problems


def too_wide(page, limit):
    """The page's width, and what sticks out past `limit` outside the boxes that scroll."""
    width = page.evaluate("document.documentElement.scrollWidth")
    offenders = page.evaluate(
        """(limit) => [...document.querySelectorAll('body *')]
            .filter((e) => !e.closest('.table-responsive')
                && e.getBoundingClientRect().right > limit)
            .slice(0, 8)
            .map((e) => `${e.tagName}#${e.id}.${e.className}`)""",
        limit,
    )
    return width, offenders


def charts_drawn(page, *ids):
    for chart_id in ids:
        expect(page.locator(f"#{chart_id}")).to_have_attribute("data-drawn", "true")
        expect(page.locator(f"#{chart_id} canvas").first).to_be_visible()


def test_the_dashboard_draws_its_charts_and_opens_a_park(
    page, live_server, sign_in, screenshot, district
):
    problems = watch(page)
    sign_in(district["office"])
    page.goto(f"{live_server.url}{reverse('reforms:dashboard')}")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    charts_drawn(page, "trend-rates-chart", "trend-counts-chart", "park-bars-chart")
    # Seven grievance rates, the task on-time rate, completion, red, yellow, activities, coverage.
    expect(page.locator("#figure-cards .figure-card")).to_have_count(13)
    expect(page.locator("#ranking-table tbody tr[data-park]")).to_have_count(3)
    expect(page.locator("#month-table tbody tr")).to_have_count(12)
    screenshot("reports_dashboard")

    # Ranking by another figure reorders the table and the bars.
    with page.expect_navigation():
        page.locator('#ranking-table a[data-sort="coverage"]').click()
    assert "rank=-coverage" in page.url
    charts_drawn(page, "park-bars-chart")

    # A click on a ranking row opens the park's drill-down with its grid zones.
    park = district["parks"][1]
    with page.expect_navigation():
        page.locator(f'#ranking-table tr[data-park="{park.pk}"] td').first.click()
    assert reverse("reforms:dashboard_park", args=[park.pk]) in page.url
    expect(page.locator("#dashboard-title")).to_have_text(park.name)
    charts_drawn(page, "trend-rates-chart", "trend-counts-chart", "zone-bars-chart")
    expect(page.locator("#zone-table tbody tr[data-zone]")).to_have_count(5)
    screenshot("reports_dashboard_park")

    # Back on the district, a bar of the park chart opens that park too.
    page.goto(f"{live_server.url}{reverse('reforms:dashboard')}")
    charts_drawn(page, "park-bars-chart")
    first_park = page.locator("#ranking-table tbody tr[data-park]").first.get_attribute("data-park")
    x, y = page.evaluate(
        """() => {
            const chart = echarts.getInstanceByDom(document.getElementById('park-bars-chart'));
            const value = chart.getOption().series[0].data[0].value || 1;
            return chart.convertToPixel({seriesIndex: 0}, [value / 2, 0]);
        }"""
    )
    page.locator("#park-bars-chart").scroll_into_view_if_needed()
    box = page.locator("#park-bars-chart").bounding_box()
    with page.expect_navigation():
        page.mouse.click(box["x"] + x, box["y"] + y)
    assert reverse("reforms:dashboard_park", args=[first_park]) in page.url
    assert problems == []


@pytest.fixture
def worker_thread(monkeypatch):
    """`queue.send_build` hands the report to a thread that builds it as the worker would,
    a little slowly, so the progress bar has time to move."""
    real_snapshot = contents.build_snapshot

    def slow_snapshot(report, progress):
        def step(percent):
            progress(percent)
            time.sleep(0.35)

        return real_snapshot(report, step)

    monkeypatch.setattr(services, "build_snapshot", slow_snapshot)

    with builds_in_threads(monkeypatch, queued_for=1.5) as threads:
        yield threads


def test_a_report_asked_for_in_the_browser_is_followed_until_it_is_ready(
    page, browser, live_server, sign_in, screenshot, screenshot_dir, district, worker_thread
):
    problems = watch(page)
    sign_in(district["office"])
    page.goto(f"{live_server.url}{reverse('reforms:report_list')}")
    with page.expect_navigation():
        page.locator("#request-report").click()
    # The form shows only what the chosen scope and period need.
    expect(page.locator("#id_park")).to_be_hidden()
    page.locator('input[name="scope"][value="park"]').check()
    expect(page.locator("#id_park")).to_be_visible()
    page.locator('input[name="scope"][value="district"]').check()
    expect(page.locator("#id_start")).to_be_hidden()
    page.locator('input[name="period_kind"][value="month"]').check()
    screenshot("reports_request_form")
    with page.expect_navigation():
        page.locator("#submit-request").click()

    report = Report.objects.get()
    assert page.url.endswith(report.get_absolute_url())
    bar = page.locator("#report-progressbar")
    expect(bar).to_be_visible()
    # The bar moves while the thread builds, then the page reloads itself into the report.
    page.wait_for_function(
        "() => { const bar = document.getElementById('report-progressbar');"
        " return bar && Number(bar.getAttribute('aria-valuenow')) > 0; }",
        timeout=15_000,
    )
    screenshot("reports_detail_building")
    expect(page.locator("#section-grievances")).to_be_visible(timeout=30_000)
    expect(page.locator("#report-progress")).to_have_count(0)
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE
    expect(page.locator("#report-actions .report-status")).to_have_attribute("data-status", "done")
    # A row per park, each with the line of its changes on the period before and a year earlier.
    expect(page.locator("#section-by-park tbody tr:not(.area-changes)")).to_have_count(3)
    expect(page.locator("#section-by-park tbody tr.area-changes")).to_have_count(3)
    screenshot("reports_detail")

    # The workbook downloads through the page.
    with page.expect_download() as download:
        page.locator("#download-xlsx").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    # Printed on A4 (794 px at 96 dpi): no navigation bar, no buttons, one column.
    page.set_viewport_size({"width": 794, "height": 1123})
    page.emulate_media(media="print")
    assert not page.locator("nav.navbar").is_visible()
    assert not page.locator("#report-actions").is_visible()
    screenshot("reports_detail_print")
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1280, "height": 900})

    # Asking again for the same month lands on the same report.
    page.goto(f"{live_server.url}{reverse('reforms:report_request')}")
    page.locator('input[name="scope"][value="district"]').check()
    with page.expect_navigation():
        page.locator("#submit-request").click()
    assert page.url.endswith(report.get_absolute_url())
    assert Report.objects.count() == 1
    page.goto(f"{live_server.url}{reverse('reforms:report_list')}")
    expect(
        page.locator(f'#report-table tr[data-report="{report.pk}"] .report-status')
    ).to_have_attribute("data-status", "done")
    screenshot("reports_list")
    assert problems == []

    # On a 390 px phone the report reads without sideways scrolling of the page.
    phone = browser.new_context(viewport={"width": 390, "height": 844})
    phone_page = phone.new_page()
    phone_problems = watch(phone_page)
    phone_page.goto(f"{live_server.url}/accounts/login/")
    phone_page.fill("#id_username", "office")
    phone_page.fill("#id_password", TEST_PASSWORD)
    with phone_page.expect_navigation():
        phone_page.click("main form button[type=submit]")
    phone_page.goto(f"{live_server.url}{report.get_absolute_url()}")
    phone_page.screenshot(path=str(screenshot_dir / "reports_detail_phone.png"), full_page=True)
    width, wide = too_wide(phone_page, 390)
    assert width <= 390, f"the report is {width}px wide on a 390px screen: {wide}"
    phone_page.goto(f"{live_server.url}{reverse('reforms:dashboard')}")
    charts_drawn(phone_page, "trend-rates-chart", "park-bars-chart")
    width, wide = too_wide(phone_page, 390)
    assert width <= 390, f"the dashboard is {width}px wide on a 390px screen: {wide}"
    phone_page.screenshot(path=str(screenshot_dir / "reports_dashboard_phone.png"), full_page=True)
    phone.close()
    assert phone_problems == []
