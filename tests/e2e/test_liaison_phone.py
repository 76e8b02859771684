"""A liaison logs a care activity with a photo on a 360 px phone, loses the network while saving,
gets the draft back, saves it, and the office sees the entry in its feed. And the drafts kept on
the phone: the next entry's draft survives a look back at the last one, a rewritten resend is
not swallowed, drafts go stale after a week and on signing out, and an edit draft does not
outlive its cancel or a later correction."""

import io
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from parks.gridlog import services
from parks.gridlog.models import Activity
from tests.e2e.conftest import DESKTOP, TIMEOUT_MS
from tests.factories import TEST_PASSWORD

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
    # The marker that says "saved" is dropped from the address once the draft is forgotten.
    expect(page).to_have_url(f"{live_server.url}{activity.get_absolute_url()}")
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


# --- Drafts kept on the phone -----------------------------------------------------------------


def draft(page, key):
    return page.evaluate("(key) => JSON.parse(localStorage.getItem(key))", key)


def draft_key(user, form_key):
    return f"activity-draft:{user.pk}:{form_key}"


def type_entry(page, note, people="8"):
    page.locator("#kind-tiles input[value=visit] + label").click()
    page.fill("#id_participants", people)
    page.fill("#id_description", note)


def save(page):
    with page.expect_navigation():
        page.click("#save-activity")


def test_looking_back_at_a_saved_entry_keeps_the_next_entrys_draft(
    page, live_server, sign_in, liaison, grid_zone
):
    sign_in(liaison)
    create = f"{live_server.url}{reverse('parks:activity_create')}?zone={grid_zone.pk}"
    page.goto(create)
    type_entry(page, "第一次走访")
    save(page)
    first = Activity.objects.get()
    saved_url = f"{live_server.url}{first.get_absolute_url()}?saved={first.client_id}"
    expect(page).to_have_url(f"{live_server.url}{first.get_absolute_url()}")

    # The next visit, in the same zone, half typed.
    page.goto(create)
    expect(page.locator("#draft-notice")).to_be_hidden()
    type_entry(page, "第二次走访，还没写完")
    key = draft_key(liaison, f"new:zone:{grid_zone.pk}")
    second_id = draft(page, key)["clientId"]
    assert second_id != str(first.client_id)

    # Back to the first entry's page, "saved" marker and all (history, a shared link).
    page.goto(saved_url)
    expect(page).to_have_url(f"{live_server.url}{first.get_absolute_url()}")
    assert draft(page, key)["clientId"] == second_id
    page.goto(create)
    expect(page.locator("#draft-notice")).to_be_visible()
    expect(page.locator("#id_description")).to_have_value("第二次走访，还没写完")


def test_a_resend_rewritten_into_another_visit_is_saved_as_a_new_entry(
    page, live_server, sign_in, screenshot, screenshot_dir, liaison, grid_zone
):
    sign_in(liaison)
    create = f"{live_server.url}{reverse('parks:activity_create')}?zone={grid_zone.pk}"
    key = draft_key(liaison, f"new:zone:{grid_zone.pk}")
    page.goto(create)
    type_entry(page, "上午走访瓷砖区")
    used_id = page.input_value("#id_client_id")

    # The save reaches the server, but its answer never reaches the phone.
    def answer_lost(route):
        if route.request.method != "POST":
            route.continue_()
            return
        route.fetch(max_redirects=0)
        route.abort("internetdisconnected")

    page.route(re.compile(r".*/grid-log/new/.*"), answer_lost)
    with page.expect_event("requestfailed"):
        page.click("#save-activity")
    page.unroute(re.compile(r".*/grid-log/new/.*"))
    first = Activity.objects.get()
    assert str(first.client_id) == used_id

    # Later the liaison opens the form, finds the draft, rewrites it into the afternoon's visit.
    page.goto(create)
    expect(page.locator("#draft-notice")).to_be_visible()
    assert draft(page, key)["clientId"] == used_id
    assert page.input_value("#id_client_id") == used_id
    page.locator("#kind-tiles input[value=care] + label").click()
    page.fill("#id_participants", "30")
    page.fill("#id_description", "下午送清凉")
    save(page)

    # Not swallowed: the form comes back with the afternoon's text and a link to the morning.
    errors = page.locator("#form-errors")
    expect(errors).to_contain_text("该记录已保存")  # the UI speaks Chinese by default
    expect(errors.locator("a")).to_have_attribute("href", first.get_absolute_url())
    expect(page.locator("#id_description")).to_have_value("下午送清凉")
    assert Activity.objects.count() == 1
    # The server's new client id wins over the draft's used one, on the page and in the draft.
    new_id = page.input_value("#id_client_id")
    assert new_id != used_id
    assert draft(page, key)["clientId"] == new_id
    assert_fits(page)
    screenshot("liaison_already_saved")
    page.locator("#form-errors").scroll_into_view_if_needed()
    on_screen(page, screenshot_dir, "liaison_already_saved_screen")

    save(page)
    second = Activity.objects.get(client_id=new_id)
    assert (second.kind, second.participants, second.description) == ("care", 30, "下午送清凉")
    first.refresh_from_db()
    assert first.description == "上午走访瓷砖区"
    expect(page).to_have_url(f"{live_server.url}{second.get_absolute_url()}")
    assert drafts(page) == []


def put_draft(page, key, note, *, days_old):
    saved_at = datetime.now(UTC) - timedelta(days=days_old)
    value = {
        "clientId": "6f1f8e0c-4a53-4d0b-9d38-1c2b3a4d5e6f",
        "fields": {"description": note},
        "savedAt": saved_at.isoformat().replace("+00:00", "Z"),
    }
    page.evaluate("([key, value]) => localStorage.setItem(key, value)", [key, json.dumps(value)])


def test_a_draft_older_than_a_week_is_dropped(page, live_server, sign_in, liaison, grid_zone):
    sign_in(liaison)
    create = f"{live_server.url}{reverse('parks:activity_create')}?zone={grid_zone.pk}"
    key = draft_key(liaison, f"new:zone:{grid_zone.pk}")
    # Another user's stale draft on the same phone goes too.
    stale_other = "activity-draft:999999:new:zone:1"
    put_draft(page, key, "八天前的记录", days_old=8)
    put_draft(page, stale_other, "别人的旧记录", days_old=9)
    page.goto(create)
    expect(page.locator("#draft-notice")).to_be_hidden()
    expect(page.locator("#id_description")).to_have_value("")
    assert stale_other not in drafts(page)
    assert key not in drafts(page)

    put_draft(page, key, "六天前的记录", days_old=6)
    page.goto(create)
    expect(page.locator("#draft-notice")).to_be_visible()
    expect(page.locator("#id_description")).to_have_value("六天前的记录")


def test_signing_out_leaves_no_draft_on_the_phone(page, live_server, sign_in, liaison, grid_zone):
    sign_in(liaison)
    page.goto(f"{live_server.url}{reverse('parks:activity_create')}?zone={grid_zone.pk}")
    type_entry(page, "工人张三反映工资拖欠")
    assert len(drafts(page)) == 1
    page.click(".navbar-toggler")
    expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))
    page.click("#main-nav button.dropdown-toggle")
    with page.expect_navigation():
        page.click("form[action='/accounts/logout/'] button")
    expect(page).to_have_url(f"{live_server.url}{reverse('login')}")
    assert drafts(page) == []


def test_an_edit_draft_goes_with_cancel_and_with_a_later_correction(
    page, live_server, sign_in, liaison, grid_zone
):
    sign_in(liaison)
    page.goto(f"{live_server.url}{reverse('parks:activity_create')}?zone={grid_zone.pk}")
    type_entry(page, "走访", people="10")
    save(page)
    activity = Activity.objects.get()
    edit = f"{live_server.url}{reverse('parks:activity_edit', args=[activity.pk])}"
    key = draft_key(liaison, f"edit:{activity.pk}")

    # Cancel: the correction typed is dropped, not brought back on the next edit.
    page.goto(edit)
    page.fill("#id_participants", "99")
    assert draft(page, key)["fields"]["participants"] == "99"
    with page.expect_navigation():
        page.click("#cancel-activity")
    assert key not in drafts(page)
    page.goto(edit)
    expect(page.locator("#draft-notice")).to_be_hidden()
    expect(page.locator("#id_participants")).to_have_value("10")

    # A correction left half typed; meanwhile the entry is corrected another way (the park
    # manager, another phone): the old draft must not write its values over that.
    page.fill("#id_participants", "11")
    page.goto(f"{live_server.url}{reverse('parks:my_grid_zones')}")
    assert key in drafts(page)
    services.activity_update(activity=activity, actor=liaison, fields={"participants": 12})
    page.goto(edit)
    expect(page.locator("#draft-notice")).to_be_hidden()
    expect(page.locator("#id_participants")).to_have_value("12")
    assert key not in drafts(page)

    # Not corrected since: the half-typed correction is still there.
    page.fill("#id_participants", "13")
    page.goto(f"{live_server.url}{reverse('parks:my_grid_zones')}")
    page.goto(edit)
    expect(page.locator("#draft-notice")).to_be_visible()
    expect(page.locator("#id_participants")).to_have_value("13")

    # Saved: the edit draft is forgotten.
    save(page)
    expect(page).to_have_url(f"{live_server.url}{activity.get_absolute_url()}")
    assert key not in drafts(page)
