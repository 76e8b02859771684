"""The office reads the grid log in a real Chromium at desktop size: the coverage heat map drawn
by ECharts (a cell opens the feed of that zone and week), the feed with photo thumbnails and the
month calendar, in Chinese, with no script or console errors. Screenshots of each page."""

import io
from datetime import datetime, time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from parks.gridlog import services
from parks.gridlog.choices import ActivityKind
from parks.gridlog.models import Activity
from parks.gridlog.selectors import week_start
from parks.structure.choices import Role
from tests.factories import (
    TEST_PASSWORD,
    GridZoneFactory,
    ParkFactory,
    SubdistrictFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WEEKS = 12
TITLES = {
    ActivityKind.VISIT: "走访商户了解用工情况",
    ActivityKind.LECTURE: "产改政策主题宣讲",
    ActivityKind.TRAINING: "电工技能培训",
    ActivityKind.CARE: "夏季送清凉慰问一线职工",
    ActivityKind.MEDIATION: "工资纠纷现场调解",
    ActivityKind.FORUM: "职工座谈会",
    ActivityKind.READING: "职工大阅读分享会",
    ActivityKind.SURVEY: "满意度调查问卷发放",
    ActivityKind.PARTY_POST: "党员示范岗服务日",
    ActivityKind.OTHER: "网格巡查",
}
KINDS = list(TITLES)
PARKS = [
    ("无锡盛阳食品城", "北大街街道", ["海鲜区", "冻品区", "干货区", "蔬菜区", "肉类区", "禽蛋区"]),
    ("无锡华夏家居港建材市场", "广益街道", ["瓷砖区", "卫浴区", "木业区", "灯饰区", "五金区"]),
]


def photo(colour, label):
    """A small JPEG as a phone would send: a coloured scene with a banner."""
    picture = Image.new("RGB", (640, 480), colour)
    draw = ImageDraw.Draw(picture)
    draw.rectangle((40, 300, 600, 440), fill=(245, 245, 245))
    draw.ellipse((420, 40, 560, 180), fill=(255, 213, 79))
    draw.text((60, 340), label, fill=(40, 40, 40))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=85)
    return SimpleUploadedFile(f"{label}.jpg", out.getvalue(), "image/jpeg")


@pytest.fixture
def grid_log():
    """Two parks with liaisons in most zones and twelve weeks of entries, busier in some zones
    than others, two zones silent lately; the newest three entries carry photos."""
    office = UserFactory(username="office", display_name="沈立群", role=Role.OFFICE)
    now = timezone.localtime()
    this_week = week_start(now.date())
    tz = timezone.get_current_timezone()
    zones, rows = [], []
    for park_name, subdistrict, zone_names in PARKS:
        park = ParkFactory(name=park_name, subdistrict=SubdistrictFactory(name=subdistrict))
        for number, name in enumerate(zone_names, start=1):
            # The last zone of each park has no liaison yet.
            liaison = (
                UserFactory(role=Role.LIAISON, park=park, display_name=f"{name[:1]}联络员")
                if number < len(zone_names)
                else None
            )
            zones.append(
                GridZoneFactory(park=park, code=f"G{number:02d}", name=name, liaison=liaison)
            )
    for index, zone in enumerate(zones):
        logger = zone.liaison or office
        # Two zones stopped logging more than a month ago.
        silent_since = WEEKS - 6 if index in (3, 9) else WEEKS
        for week in range(min(WEEKS, silent_since)):
            monday = this_week - timedelta(weeks=WEEKS - 1 - week)
            for n in range((index * 7 + week * 3) % 5):
                when = datetime.combine(
                    monday + timedelta(days=(index + n * 2) % 7), time(8 + (n * 3) % 10), tz
                )
                if when >= now - timedelta(hours=2):
                    continue
                kind = KINDS[(index + week + n) % len(KINDS)]
                rows.append(
                    Activity(
                        park=zone.park,
                        grid_zone=zone,
                        kind=kind,
                        occurred_at=when,
                        title=TITLES[kind],
                        place=f"{zone.name}{n + 1}号通道",
                        participants=5 + (index * 11 + week * 7 + n) % 40,
                        logged_by=logger,
                    )
                )
    Activity.objects.bulk_create(rows)
    colours = [(2, 119, 189), (46, 125, 50), (198, 40, 40)]
    for hours, (kind, count) in enumerate(
        [(ActivityKind.CARE, 4), (ActivityKind.LECTURE, 2), (ActivityKind.VISIT, 1)], start=1
    ):
        services.activity_create(
            activity=Activity(
                grid_zone=zones[hours - 1],
                kind=kind,
                occurred_at=now - timedelta(minutes=30 * hours),
                title=TITLES[kind],
                place="市场服务中心",
                participants=20 + hours,
            ),
            actor=office,
            photos=[photo(colours[(hours + n) % 3], f"photo{n}") for n in range(count)],
        )
    return {"office": office, "zones": zones, "this_week": this_week}


def watch(page):
    """Collect script errors, console errors and failed static files or thumbnails."""
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


def test_the_office_reads_coverage_feed_and_calendar(
    page, live_server, sign_in, screenshot, grid_log
):
    problems = watch(page)
    sign_in(grid_log["office"])

    page.goto(f"{live_server.url}{reverse('parks:coverage')}")
    # Chinese unless the user switches.
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    canvas = page.locator("#coverage-chart canvas").first
    expect(canvas).to_be_visible()
    expect(page.locator("#coverage-chart")).to_have_attribute("data-drawn", "true")
    box = canvas.bounding_box()
    assert box["width"] > 600 and box["height"] > 11 * 20
    # The printed table has a row per zone and a column per week.
    expect(page.locator("#coverage-table tbody tr[data-zone]")).to_have_count(11)
    expect(page.locator("#coverage-table thead th[data-week]")).to_have_count(WEEKS)
    # The zone without a liaison in each park is flagged; the silent zones are idle this month.
    expect(page.locator("#no-liaison-card")).to_have_attribute("data-count", "2")
    idle_month = page.locator("#idle-month li[data-zone]")
    silent = {str(grid_log["zones"][3].pk), str(grid_log["zones"][9].pk)}
    assert silent <= {
        idle_month.nth(n).get_attribute("data-zone") for n in range(idle_month.count())
    }
    screenshot("activity_coverage")

    # A cell of the heat map opens the feed of that zone and week.
    first_zone = page.locator("#coverage-table tbody tr[data-zone]").first.get_attribute(
        "data-zone"
    )
    monday = grid_log["this_week"] - timedelta(weeks=1)
    cell = [WEEKS - 2, 0]  # last week, first zone
    x, y = page.evaluate(
        """(cell) => echarts.getInstanceByDom(document.getElementById('coverage-chart'))
                 .convertToPixel({seriesIndex: 0}, cell)""",
        cell,
    )
    chart_box = page.locator("#coverage-chart").bounding_box()
    with page.expect_navigation():
        page.mouse.click(chart_box["x"] + x, chart_box["y"] + y)
    assert f"grid_zone={first_zone}" in page.url
    assert f"date_from={monday.isoformat()}" in page.url
    assert f"date_to={(monday + timedelta(days=6)).isoformat()}" in page.url
    expect(page.locator("#activity-feed .activity-row")).to_have_count(
        int(page.locator("#feed-summary").get_attribute("data-entries"))
    )

    # The whole feed: newest first, with photo thumbnails that load.
    page.goto(f"{live_server.url}{reverse('parks:activity_feed')}")
    rows = page.locator("#activity-feed .activity-row")
    expect(rows).to_have_count(25)
    expect(rows.first.locator(".activity-kind")).to_have_attribute("data-kind", "care")
    thumbs = rows.first.locator("img.activity-thumb")
    expect(thumbs).to_have_count(3)
    expect(rows.first.locator(".activity-thumb-more")).to_have_text("+1")
    page.wait_for_function(
        "() => [...document.querySelectorAll('img.activity-thumb')]"
        ".every((img) => img.complete && img.naturalWidth > 0)"
    )
    screenshot("activity_feed")

    # Filtering by two kinds keeps both through the form.
    page.locator("#kind-filter").click()
    page.locator("#kind-care").check()
    page.locator("#kind-lecture").check()
    with page.expect_navigation():
        page.locator("#activity-filters button[type=submit]").click()
    assert "kind=care" in page.url and "kind=lecture" in page.url
    kinds = page.locator("#activity-feed .activity-row").evaluate_all(
        "(rows) => rows.map((row) => row.dataset.kind)"
    )
    assert kinds and set(kinds) <= {"care", "lecture"}

    # The calendar of this month, Monday first, and the previous month from it.
    page.goto(f"{live_server.url}{reverse('parks:activity_calendar')}")
    expect(page.locator("#activity-calendar thead th").first).to_have_text("星期一")
    busy = page.locator("#activity-calendar td.calendar-busy")
    assert busy.count() > 0
    screenshot("activity_calendar")
    with page.expect_navigation():
        page.locator("#month-previous").click()
    assert "month=" in page.url
    assert page.locator("#activity-calendar td.calendar-busy").count() > 0

    assert problems == []


def test_a_liaison_reads_the_feed_and_coverage_of_their_park_on_a_phone(
    browser, live_server, grid_log, screenshot_dir
):
    """The office pages are for desks, but a liaison may open them on a 360 px phone: nothing
    sticks out sideways except the tables and calendar, which scroll in their own box."""
    zone = grid_log["zones"][0]
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    problems = watch(page)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", zone.liaison.username)
    page.fill("#id_password", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    for name, shot in (
        ("parks:activity_feed", "activity_feed_phone"),
        ("parks:activity_calendar", "activity_calendar_phone"),
        ("parks:coverage", "activity_coverage_phone"),
    ):
        page.goto(f"{live_server.url}{reverse(name)}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{page.url} is {width}px wide on a 360px screen"
        page.screenshot(path=str(screenshot_dir / f"{shot}.png"), full_page=True)
    # Only the liaison's own park: its zones in the table, its entries in the feed.
    expect(page.locator("#coverage-table tbody tr[data-zone]")).to_have_count(
        zone.park.grid_zones.count()
    )
    expect(page.locator("#coverage-chart canvas").first).to_be_visible()
    page.goto(f"{live_server.url}{reverse('parks:activity_feed')}")
    places = page.locator("#activity-feed .activity-where").all_inner_texts()
    assert len(places) == 25 and all(zone.park.name in place for place in places)
    context.close()
    assert problems == []
