"""Fixtures for browser tests: one Chromium per test module, a fresh context per test.

The browser is the system's Debian Chromium; Playwright never downloads one here.
"""

import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

# Playwright's sync API runs an event loop in this thread; Django's ORM, used by fixtures
# and assertions beside the live server, would otherwise refuse to run in it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.factories import TEST_PASSWORD  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
]
DESKTOP = {"width": 1280, "height": 900}
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
TIMEOUT_MS = 10_000


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def viewport():
    """The window size of `page`; a test overrides it with its own `viewport` fixture."""
    return DESKTOP


@pytest.fixture
def csp_violations():
    """What the Content-Security-Policy blocked during the test: every browser test ends by
    asserting it blocked nothing, so an inline script, style or handler that slips back into a
    page the test opens fails that test. A test that means to see a violation empties the list.
    """
    return []


@pytest.fixture
def page(browser, viewport, csp_violations):
    # No Accept-Language preference is forced: the portal must speak Chinese by default.
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    # Chromium reports each blocked script, style or handler on the console ("Refused to
    # apply inline style because it violates the following Content Security Policy …").
    page.on(
        "console",
        lambda message: (
            csp_violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    context.close()
    assert csp_violations == [], "\n".join(csp_violations)


@pytest.fixture(scope="session")
def screenshot_dir():
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def screenshot(page, screenshot_dir):
    """Save a full-page screenshot as tests/e2e/screenshots/<name>.png."""

    def take(name):
        path = screenshot_dir / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def sign_in(page, live_server):
    """Sign in through the real login form and land on the page it redirects to."""

    def submit(user, password=TEST_PASSWORD):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        return page

    return submit


@contextmanager
def builds_in_threads(monkeypatch, *, queued_for: float = 0.0):
    """`queue.send_build` hands each report build to a thread that runs it as the worker would,
    after `queued_for` seconds (as behind a busy worker); the threads are waited for at the end.

    The services send builds by name through this one function (no import circle between them
    and the worker's task module), so replacing it stands in for Celery in a browser test.
    """
    from reforms.reporting import queue, services

    threads = []

    def build(report_id):
        try:
            time.sleep(queued_for)
            services.report_build(report_id)
        finally:
            connection.close()

    def send(report_id):
        thread = threading.Thread(target=build, args=(report_id,), daemon=True)
        threads.append(thread)
        thread.start()

    monkeypatch.setattr(queue, "send_build", send)
    try:
        yield threads
    finally:
        for thread in threads:
            thread.join(timeout=30)
