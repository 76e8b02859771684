"""An export in a real Chromium: the inbox's Export link lands on the export's page at once,
whose bar follows the job (run in a thread as the worker would, a moment later) and turns into
the download, under the Content-Security-Policy (no inline script)."""

import threading
import time

import pytest
from django.db import connection
from django.urls import reverse
from playwright.sync_api import expect

from parks.core import queue
from parks.exports import services
from parks.exports.models import Export
from tests.factories import GrievanceFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def exports_in_threads(monkeypatch):
    """Export jobs sent by name run in a thread after a second (behind a busy worker)."""
    threads = []
    send_to_celery = queue.send

    def send(name, *args):
        if name != services.BUILD_EXPORT:
            return send_to_celery(name, *args)

        def build():
            try:
                time.sleep(1.0)
                services.export_build(args[0])
            finally:
                connection.close()

        thread = threading.Thread(target=build, daemon=True)
        threads.append(thread)
        thread.start()
        return None

    monkeypatch.setattr(queue, "send", send)
    yield threads
    for thread in threads:
        thread.join(timeout=30)


def test_the_inbox_export_is_followed_until_its_download(
    page, live_server, sign_in, screenshot, office_user, park, exports_in_threads
):
    for number in range(30):
        GrievanceFactory(park=park, title=f"诉求{number}")
    sign_in(office_user)
    page.goto(f"{live_server.url}{reverse('grievances:inbox')}?group=all")
    with page.expect_navigation():
        page.locator("#export-excel").click()

    export = Export.objects.get()
    assert page.url.endswith(export.get_absolute_url())
    expect(page.locator("#export-progressbar")).to_be_visible()
    screenshot("export_waiting")
    expect(page.locator("#export-download")).to_be_visible(timeout=30_000)
    expect(page.locator("#export-progress")).to_be_hidden()
    expect(page.locator("#export-ready-rows")).to_contain_text("30")
    screenshot("export_ready")
    with page.expect_download() as download:
        page.locator("#export-download").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    page.goto(f"{live_server.url}{reverse('parks:export_list')}")
    expect(page.locator(f'#export-list tr[data-export="{export.pk}"]')).to_have_attribute(
        "data-status", "done"
    )
