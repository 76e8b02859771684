"""A unit's staff member's day on the workbench, at a desktop and on a 360 px phone: they sign
in, land on the workbench, see the grievances waiting to be accepted, open the most urgent one,
accept it, come back, and the count has dropped. And the grouped menu keeps to one row at
1280 px, in Chinese and in English, with the user menu whole."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from grievances import services, workflow
from grievances.choices import Category, Channel, Status
from grievances.models import Grievance
from parks.structure.choices import Role
from tests.e2e.conftest import DESKTOP
from tests.factories import GridZoneFactory, OrganisationFactory, ParkFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 760}


@pytest.fixture(params=[DESKTOP, PHONE], ids=["desktop", "phone"])
def viewport(request):
    return request.param


@pytest.fixture
def day():
    park = ParkFactory(name="无锡盛阳食品城")
    GridZoneFactory(park=park, code="G03", name="海鲜区")
    office = UserFactory(username="office", display_name="沈立群", role=Role.OFFICE)
    unit = OrganisationFactory(name="区人社局")
    staff = UserFactory(
        username="hrss", display_name="郑办事员", role=Role.MEMBER_UNIT, organisation=unit
    )
    assigned = []
    for title in ("冷库加班费没有结算", "摊位租金纠纷"):
        grievance = services.grievance_receive(
            grievance=Grievance(
                park=park,
                channel=Channel.HOTLINE,
                category=Category.WAGES,
                title=title,
                description="请尽快处理。",
            ),
            actor=office,
        )
        assigned.append(workflow.grievance_assign(grievance=grievance, actor=office, unit=unit))
    return {"staff": staff, "office": office, "assigned": assigned}


def to_accept(page):
    return page.locator("#panel-grievances_to_accept")


def assert_fits(page, viewport):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"{page.url} is {width}px wide on {viewport['width']}px"


def test_a_unit_accepts_a_grievance_from_its_workbench(
    page, live_server, sign_in, screenshot, viewport, day
):
    sign_in(day["staff"])
    # Signing in lands on the workbench, with both assigned grievances to accept.
    expect(page).to_have_url(f"{live_server.url}/")
    expect(to_accept(page)).to_have_attribute("data-count", "2")
    expect(to_accept(page).locator(".panel-count")).to_contain_text("2")
    expect(page.locator("#panel-grievances_to_handle")).to_have_attribute("data-count", "0")
    assert_fits(page, viewport)
    screenshot(f"workbench_unit_{viewport['width']}")

    # One click into the work: the first row is a grievance page.
    to_accept(page).locator(".panel-item").first.click()
    urgent = day["assigned"][0]
    expect(page).to_have_url(f"{live_server.url}{urgent.get_absolute_url()}")
    accept = page.locator("#grievance-actions [data-action=accept]")
    expect(accept).to_be_visible()
    accept.click()
    expect(page.locator("#grievance-actions [data-action=reply]")).to_be_visible()
    assert Grievance.objects.filter(status=Status.ACCEPTED).count() == 1

    # Back to the workbench (the brand leads there, on a phone too): one fewer to accept,
    # one to handle.
    page.locator("a.navbar-brand").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(to_accept(page)).to_have_attribute("data-count", "1")
    expect(page.locator("#panel-grievances_to_handle")).to_have_attribute("data-count", "1")
    assert_fits(page, viewport)
    screenshot(f"workbench_unit_after_{viewport['width']}")

    # The count links to the inbox filtered to exactly what is left to accept.
    to_accept(page).locator(".panel-count").click()
    rows = page.locator("#grievance-table tbody tr[data-grievance]")
    expect(rows).to_have_count(1)


@pytest.mark.parametrize("viewport", [DESKTOP], ids=["desktop"])
def test_the_menu_keeps_to_one_row_at_1280_in_chinese_and_english(
    page, live_server, sign_in, screenshot, viewport, day
):
    office = day["office"]
    office.is_staff = True
    office.save()
    sign_in(office)
    for language in ("zh-hans", "en"):
        if language == "en":
            with page.expect_navigation():
                page.click("#switch-to-en")
        page.goto(f"{live_server.url}{reverse('parks:park_list')}")
        navbar = page.locator("nav.navbar").bounding_box()
        # One row: the bar is as tall as one button row (a second row would add ~40 px).
        assert navbar["height"] < 70, f"{language}: the menu wraps ({navbar['height']}px)"
        menu_tops = {
            round(box["y"])
            for box in (item.bounding_box() for item in page.locator("#main-menu > li").all())
        }
        assert len(menu_tops) == 1, f"{language}: menu items on rows {menu_tops}"
        user_menu = page.locator("#user-menu").bounding_box()
        assert user_menu["x"] + user_menu["width"] <= DESKTOP["width"], language
        assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
        screenshot(f"menu_1280_{language}")
        page.locator("#user-menu").click()
        expect(page.locator("#user-menu + .dropdown-menu")).to_be_visible()
        page.locator("#user-menu").click()
