"""Office staff sign in, browse the parks in Chinese, switch to English and add a grid zone."""

import re

import pytest
from playwright.sync_api import expect

from parks.structure.models import GridZone

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PORTAL_RED = "rgb(183, 28, 28)"  # .bg-portal in static/css/portal.css


def watch_static(page):
    """Collect every static file that failed to load, for an assertion at the end."""
    broken = []
    page.on(
        "response",
        lambda response: (
            broken.append(f"{response.status} {response.url}")
            if "/static/" in response.url and response.status >= 400
            else None
        ),
    )
    page.on("requestfailed", lambda request: broken.append(f"failed {request.url}"))
    return broken


def assert_styled(page):
    """Bootstrap, the portal's CSS and the icon font are loaded and applied."""
    navbar = page.locator("nav.navbar")
    # Bootstrap makes the navbar a flex box; portal.css paints it red.
    expect(navbar).to_have_css("display", "flex")
    expect(navbar).to_have_css("background-color", PORTAL_RED)
    # Icons are drawn by the font in ::before; the font file must have loaded, too.
    icon_font = page.locator("nav.navbar .bi-buildings").evaluate(
        "(el) => getComputedStyle(el, '::before').fontFamily"
    )
    assert "bootstrap-icons" in icon_font
    assert page.evaluate(
        "document.fonts.ready.then(() => document.fonts.check('1em bootstrap-icons'))"
    )


def nav_link(page, name):
    """A top-level menu entry: since the menu is grouped, "Parks" opens a dropdown."""
    return page.locator("#main-nav .navbar-nav").get_by_role("button", name=name, exact=True)


def test_office_user_browses_parks_switches_to_english_and_adds_a_grid_zone(
    page, live_server, sign_in, screenshot, office_user, park, other_park, liaison
):
    broken = watch_static(page)

    sign_in(office_user)

    # Signing in lands on the workbench; the park list is one menu away.
    expect(page).to_have_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/parks/")

    # The park list, in Chinese by default.
    expect(page).to_have_url(f"{live_server.url}/parks/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    assert_styled(page)
    parks_table = page.locator("main table")
    expect(parks_table.get_by_role("link", name="无锡盛阳食品城", exact=True)).to_be_visible()
    expect(
        parks_table.get_by_role("link", name="无锡华夏家居港建材市场", exact=True)
    ).to_be_visible()
    screenshot("park_list_zh")
    expect(nav_link(page, "园区")).to_be_visible()

    # The language switch turns the same page into English.
    with page.expect_navigation():
        page.click("#switch-to-en")
    expect(page).to_have_url(f"{live_server.url}/parks/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(nav_link(page, "Parks")).to_be_visible()
    expect(page.locator("#switch-to-zh-hans")).to_be_visible()

    # Open a park by its name.
    parks_table.get_by_role("link", name=park.name, exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/parks/{park.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(park.name)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    screenshot("park_detail_en")

    # Add a grid zone with a liaison.
    page.get_by_role("link", name="Add grid zone").click()
    expect(page).to_have_url(f"{live_server.url}/parks/{park.pk}/grids/new/")
    page.fill("#id_code", "G11")
    page.fill("#id_name", "新增网格")
    page.select_option("#id_liaison", label=str(liaison))
    page.locator("main form").get_by_role("button", name="Save").click()

    zone_url = re.compile(rf"^{re.escape(live_server.url)}/grids/\d+/$")
    expect(page).to_have_url(zone_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("G11")
    expect(page.get_by_role("heading", level=1)).to_contain_text("新增网格")
    expect(page.get_by_role("alert")).to_contain_text("G11")

    zone = GridZone.objects.get(park=park, code="G11")
    assert zone.name == "新增网格"
    assert zone.liaison == liaison
    assert page.url == f"{live_server.url}{zone.get_absolute_url()}"
    assert not GridZone.objects.filter(park=other_park).exists()
    assert broken == []


def test_duplicate_grid_zone_code_is_refused_next_to_the_field(
    page, live_server, sign_in, screenshot, office_user, park, liaison, grid_zone
):
    broken = watch_static(page)
    sign_in(office_user)
    with page.expect_navigation():
        page.click("#switch-to-en")
    page.goto(f"{live_server.url}{park.get_absolute_url()}")

    page.get_by_role("link", name="Add grid zone").click()
    create_url = f"{live_server.url}/parks/{park.pk}/grids/new/"
    expect(page).to_have_url(create_url)
    page.fill("#id_code", "G01")
    page.fill("#id_name", "重复网格")
    page.select_option("#id_liaison", label=str(liaison))
    page.locator("main form").get_by_role("button", name="Save").click()

    # The form comes back with what was typed, and the code field says what is wrong.
    expect(page).to_have_url(create_url)
    expect(page.locator("#id_code")).to_have_value("G01")
    expect(page.locator("#id_name")).to_have_value("重复网格")
    expect(page.locator("#id_code")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator("#id_code")).to_have_attribute("aria-invalid", "true")
    code_feedback = page.locator("#id_code ~ .invalid-feedback")
    expect(code_feedback).to_be_visible()
    expect(code_feedback).to_contain_text("already has a grid zone with this code")
    screenshot("grid_zone_duplicate_code")

    assert list(GridZone.objects.filter(park=park).values_list("code", "name")) == [
        ("G01", "瓷砖区")
    ]
    assert broken == []


@pytest.mark.parametrize("viewport", [{"width": 360, "height": 740}])
def test_park_list_fits_a_phone_screen(
    page, live_server, sign_in, screenshot, office_user, park, other_park, viewport
):
    sign_in(office_user)
    page.goto(f"{live_server.url}/parks/")
    expect(page.locator("main table")).to_be_visible()
    screenshot("park_list_phone")

    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    overflowing = page.evaluate(
        """(limit) => [...document.querySelectorAll('body *')]
            .filter((el) => el.getBoundingClientRect().right > limit)
            .filter((el) => {
                // Content that scrolls inside its own box does not widen the page.
                for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
                    if (getComputedStyle(up).overflowX !== 'visible') return false;
                }
                return true;
            })
            .map((el) => {
                const classes = el.className && typeof el.className === 'string'
                    ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
                const right = Math.round(el.getBoundingClientRect().right);
                return `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${classes} `
                    + `(right edge ${right}px)`;
            })""",
        viewport["width"] + 1,
    )
    assert scroll_width <= viewport["width"] + 1, (
        f"page is {scroll_width}px wide on a {viewport['width']}px screen; overflowing: "
        f"{overflowing}"
    )
