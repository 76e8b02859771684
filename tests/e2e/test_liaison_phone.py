"""A liaison logs a care activity with a photo on a 360 px phone, loses the network while saving,
gets the draft back, saves it, and the office sees the entry in its feed."""

import io
import re

import pytest
from django.urls import reverse
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from parks.models import Activity
from tests.factories import TEST_PASSWORD

from .conftest import DESKTOP, TIMEOUT_MS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
NOTE = "送清凉：为瓷砖区一线职工送去绿豆汤和防暑药品。"


@pytest.fixture
def viewport():
    return PHONE


def camera_photo():
    """A JPEG that looks like something: sky, ground and a stall."""
    picture = Image.new("RGB", (1200, 900), (120, 170, 220))
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, 560, 1200, 900), fill=(150, 120, 90))
    draw.rectangle((380, 300, 820, 640), fill=(190, 40, 40))
    draw.ellipse((900, 80, 1040, 220), fill=(250, 220, 80))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=85)
    return {"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


def assert_fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a {PHONE['width']}px screen"


def on_screen(page, screenshot_dir, name):
    """What the phone's screen shows (the save bar sits at its bottom edge)."""
    page.screenshot(path=str(screenshot_dir / f"{name}.png"))


def drafts(page):
    return page.evaluate(
        "Object.keys(localStorage).filter((key) => key.startsWith('activity-draft:'))"
    )


def test_a_liaison_logs_on_a_phone_survives_going_offline_and_the_office_sees_it(
    browser, page, live_server, screenshot, screenshot_dir, liaison, grid_zone, office_user
):
    # The liaison opens the portal's address; after signing in, their grid zones come first.
    page.goto(f"{live_server.url}/")
    page.fill("#id_username", liaison.username)
    page.fill("#id_password", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}{reverse('parks:my_grid_zones')}")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    card = page.locator(f".zone-card[data-zone='{grid_zone.pk}']")
    expect(card).to_contain_text("瓷砖区")
    assert_fits(page)
    screenshot("liaison_my_zones")

    card.locator(".log-button").click()
    expect(page).to_have_url(
        f"{live_server.url}{reverse('parks:activity_create')}?zone={grid_zone.pk}"
    )
    expect(page.locator("#log-target")).to_contain_text("G01 瓷砖区")
    assert_fits(page)
    screenshot("liaison_form_empty")
    on_screen(page, screenshot_dir, "liaison_form_empty_screen")

    # Tap a kind, type the people and a note, attach a photo from the camera.
    tile = page.locator("#kind-tiles input[value=care] + label")
    box = tile.bounding_box()
    assert box["height"] >= 48 and box["width"] >= 140, box  # a thumb-sized target
    tile.click()
    page.fill("#id_participants", "23")
    page.fill("#id_description", NOTE)
    page.set_input_files("#id_photos", files=[camera_photo()])
    expect(page.locator("#photo-preview img")).to_have_count(1)
    client_id = page.input_value("#id_client_id")
    assert len(client_id) == 36
    screenshot("liaison_form_filled")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    on_screen(page, screenshot_dir, "liaison_form_filled_bottom_screen")

    # The network drops; Save keeps the entry on the phone and says so.
    page.context.set_offline(True)
    page.click("#save-activity")
    expect(page.locator("#offline-alert")).to_be_visible()
    expect(page.locator("#offline-alert")).to_have_class(re.compile(r"\balert-warning\b"))
    expect(page).to_have_url(
        f"{live_server.url}{reverse('parks:activity_create')}?zone={grid_zone.pk}"
    )
    assert not Activity.objects.exists()
    assert len(drafts(page)) == 1
    screenshot("liaison_offline")

    # Back online: the notice says Save may be pressed again. The page is opened anew (as after
    # the browser dropped it), and the draft is back.
    page.context.set_offline(False)
    expect(page.locator("#offline-alert")).to_have_class(re.compile(r"\balert-success\b"))
    page.reload()
    expect(page.locator("#draft-notice")).to_be_visible()
    expect(page.locator("#kind-tiles input[value=care]")).to_be_checked()
    expect(page.locator("#id_participants")).to_have_value("23")
    expect(page.locator("#id_description")).to_have_value(NOTE)
    # The same entry: a resend would find the first one instead of logging a second.
    assert page.input_value("#id_client_id") == client_id
    assert_fits(page)
    screenshot("liaison_draft_restored")

    page.set_input_files("#id_photos", files=[camera_photo()])
    with page.expect_navigation():
        page.click("#save-activity")
    activity = Activity.objects.get()
    expect(page).to_have_url(
        f"{live_server.url}{activity.get_absolute_url()}?saved=new:zone:{grid_zone.pk}"
    )
    assert (activity.kind, activity.participants, activity.description) == ("care", 23, NOTE)
    assert str(activity.client_id) == client_id
    photo = page.locator("#activity-photos img")
    expect(photo).to_have_count(1)
    expect(photo).to_have_js_property("complete", True)
    assert photo.evaluate("(img) => img.naturalWidth") == 360  # the server's thumbnail
    # Saved: the phone forgets the draft.
    assert drafts(page) == []
    expect(page.locator("#turn-into-grievance")).to_be_visible()
    assert_fits(page)
    screenshot("liaison_activity_saved")

    # A worker's request heard on the visit becomes a grievance, starting from the entry.
    page.click("#turn-into-grievance")
    expect(page.locator("#source-activity")).to_be_visible()
    expect(page.locator("#id_channel")).to_have_value("liaison_visit")
    expect(page.locator("#id_grid_zone")).to_have_value(str(grid_zone.pk))
    expect(page.locator("#id_description")).to_have_value(NOTE)
    assert_fits(page)
    screenshot("liaison_grievance_from_activity")

    # Correcting it: the photo is there to keep or remove.
    page.goto(f"{live_server.url}{reverse('parks:activity_edit', args=[activity.pk])}")
    expect(page.locator("#current-photos img")).to_have_count(1)
    assert_fits(page)
    screenshot("liaison_activity_edit")

    # Her recent entries list it, with its edit window.
    page.goto(f"{live_server.url}{reverse('parks:my_grid_zones')}")
    entry = page.locator(f".recent-entry[data-activity='{activity.pk}']")
    expect(entry.locator(".edit-link")).to_be_visible()
    assert_fits(page)
    screenshot("liaison_my_zones_after")

    # The office, at its desk, sees the entry in the feed.
    office = browser.new_context(viewport=DESKTOP)
    office.set_default_timeout(TIMEOUT_MS)
    desk = office.new_page()
    desk.goto(f"{live_server.url}/accounts/login/")
    desk.fill("#id_username", office_user.username)
    desk.fill("#id_password", TEST_PASSWORD)
    with desk.expect_navigation():
        desk.click("main form button[type=submit]")
    desk.goto(f"{live_server.url}{reverse('parks:activity_feed')}")
    row = desk.locator(f".activity-row[data-activity='{activity.pk}']")
    expect(row).to_be_visible()
    expect(row).to_contain_text("23")
    desk.screenshot(
        path=str(screenshot_dir / "office_feed_shows_liaison_entry.png"), full_page=True
    )
    office.close()
