"""The Content-Security-Policy in a real Chromium, on the demo data: the office walks the main
pages — every chart drawn and its tooltip shown, a modal opened, the print pages, the API docs
and the admin — a liaison logs an activity with a photo preview on a phone, and a worker opens
the public form; the browser blocks nothing and the pages still work.

Every browser test also fails on anything the policy blocked (the page fixture in conftest.py);
this one makes sure the main pages are all visited, and that the watch itself sees a violation."""

from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from PIL import Image
from playwright.sync_api import expect

from grievances.models import Grievance
from parks.gridlog.models import Activity
from parks.management.commands.load_demo import DEMO_PASSWORD
from parks.structure.models import GridZone, Park, User
from reforms.tasks.models import Task

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
# Shows the first item's tooltip on every chart of the page (the same as hovering it), and
# says how many charts there were.
SHOW_TOOLTIPS = """() => {
  const charts = [...document.querySelectorAll("[_echarts_instance_]")];
  for (const element of charts) {
    const chart = echarts.getInstanceByDom(element);
    chart.dispatchAction({ type: "showTip", seriesIndex: 0, dataIndex: 0 });
  }
  return charts.length;
}"""


@pytest.fixture
def demo():
    call_command("load_demo", stdout=StringIO())


def _png():
    buffer = BytesIO()
    Image.new("RGB", (8, 8), "#b71c1c").save(buffer, "PNG")
    return buffer.getvalue()


def _sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def _open(page, live_server, url):
    response = page.goto(f"{live_server.url}{url}")
    assert response.status == 200, url
    policy = response.header_value("content-security-policy")
    assert "script-src 'self'" in policy, url
    page.wait_for_load_state("networkidle")


def test_the_watch_sees_an_inline_style_the_policy_blocks(
    page, live_server, sign_in, office_user, csp_violations
):
    sign_in(office_user)
    page.evaluate("""() => document.body.insertAdjacentHTML(
        "beforeend", '<p id="injected" style="color: red">injected</p>')""")
    page.wait_for_function("() => document.getElementById('injected')")
    page.wait_for_timeout(200)  # the console message arrives after the parse
    assert any("style-src" in violation for violation in csp_violations)
    csp_violations.clear()


def test_the_office_walks_the_main_pages_and_the_browser_blocks_nothing(
    page, live_server, demo, csp_violations
):
    park = Park.objects.order_by("pk").first()
    task = Task.objects.filter(park=park).first() or Task.objects.first()
    grievance = Grievance.objects.order_by("pk").first()
    _sign_in(page, live_server, "office")

    charts = {
        reverse("reforms:dashboard"): 3,
        reverse("reforms:dashboard_park", args=[park.pk]): 1,
        reverse("reforms:park_roadmap", args=[park.pk]): 1,
        reverse("reforms:unit_league"): 1,
        reverse("grievances:rates"): 1,
        reverse("parks:coverage"): 1,
    }
    for url, at_least in charts.items():
        _open(page, live_server, url)
        page.wait_for_function(
            f"() => document.querySelectorAll('[_echarts_instance_] canvas').length >= {at_least}"
        )
        assert page.evaluate(SHOW_TOOLTIPS) >= at_least, url
        page.wait_for_timeout(100)

    for url in [
        reverse("workbench:home"),
        f"{reverse('workbench:search')}?q=盛阳",
        reverse("parks:park_list"),
        reverse("parks:park_detail", args=[park.pk]),
        reverse("parks:park_edit", args=[park.pk]),
        reverse("parks:people_list"),
        reverse("parks:activity_feed"),
        reverse("parks:activity_calendar"),
        reverse("reforms:task_list"),
        reverse("reforms:task_detail", args=[task.pk]),
        reverse("reforms:ledgers"),
        reverse("reforms:care_payment_list"),
        reverse("reforms:report_list"),
        reverse("grievances:inbox"),
        reverse("grievances:policies"),
        reverse("admin:index"),
        reverse("admin:parks_park_change", args=[park.pk]),
    ]:
        _open(page, live_server, url)

    # A progress bar drawn from its class: as wide as the task's progress.
    _open(page, live_server, reverse("reforms:task_detail", args=[task.pk]))
    bar = page.locator(".task-progress .progress-bar").first
    track = page.locator(".task-progress").first
    width = bar.bounding_box()["width"] / track.bounding_box()["width"]
    assert width == pytest.approx(task.progress / 100, abs=0.02)

    # A modal opens (Bootstrap positions it through CSSOM, which the policy allows).
    _open(page, live_server, reverse("grievances:grievance_detail", args=[grievance.pk]))
    buttons = page.locator("[data-bs-toggle=modal]")
    if buttons.count():
        buttons.first.click()
        expect(page.locator(".modal.show")).to_be_visible()

    # The QR posters print from a button bound in a script file, not an onclick attribute.
    _open(page, live_server, reverse("grievances:qr_poster", args=[park.pk]))
    page.evaluate("() => { window.print = () => { window.printed = true; }; }")
    page.click("#print-posters")
    assert page.evaluate("() => window.printed") is True

    # The deep link makes Swagger UI (which renders past 150 operations only those near the
    # viewport) scroll to a late operation and render it.
    _open(page, live_server, reverse("api-docs") + "#/v1/v1_grids_list")
    page.locator(".opblock-summary-path", has_text="/api/v1/grids/").first.wait_for()

    assert csp_violations == []


@pytest.mark.parametrize("viewport", [PHONE])
def test_a_liaison_previews_a_photo_on_a_phone_and_the_browser_blocks_nothing(
    page, live_server, demo, csp_violations
):
    liaison = User.objects.get(username="liaison_hx01")
    zone = GridZone.objects.get(liaison=liaison)
    _sign_in(page, live_server, liaison.username)
    _open(page, live_server, reverse("parks:my_grid_zones"))
    _open(page, live_server, reverse("parks:activity_create") + f"?zone={zone.pk}")
    page.set_input_files(
        "#activity-form input[type=file]",
        files=[{"name": "visit.png", "mimeType": "image/png", "buffer": _png()}],
    )
    # Drawn from a blob: URL, which img-src allows.
    page.wait_for_function("() => document.querySelector('#photo-preview img')?.naturalWidth > 0")
    activity = Activity.objects.filter(logged_by=liaison).first()
    _open(page, live_server, reverse("parks:activity_detail", args=[activity.pk]))

    assert csp_violations == []


@pytest.mark.parametrize("viewport", [PHONE])
def test_a_worker_at_the_public_form_trips_nothing(page, live_server, demo, csp_violations):
    park = Park.objects.order_by("pk").first()
    _open(page, live_server, reverse("grievances:public_form", args=[park.pk]))
    _open(page, live_server, reverse("grievances:public_track_form"))

    assert csp_violations == []
