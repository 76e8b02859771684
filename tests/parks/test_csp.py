"""Content-Security-Policy: every page says it runs only the portal's own scripts and styles,
and no page or template carries code inline that such a policy would block.

Without 'unsafe-inline' a browser refuses an inline <script>, a <style> block, a style="…"
attribute and an onclick="…" handler; one left behind is a silently broken button or a chart
that never draws. The browser side of the same promise is tests/e2e/test_csp_violations.py."""

import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from reforms.reporting import services
from reforms.reporting.choices import PeriodKind, ReportScope
from tests.factories import ActivityFactory, GrievanceFactory, TaskFactory

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
TEMPLATE_TAG = re.compile(r"{%.*?%}")
INLINE_MARKUP = [
    # An inline script: a <script> with no src that is not a JSON data island (json_script).
    (
        "inline <script>",
        re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>"),
    ),
    ("<style> block", re.compile(r"<style[\s>]")),
    ("style attribute", re.compile(r"\sstyle=[\"']")),
    ("inline event handler", re.compile(r"\son[a-z]+=[\"']")),
]


def _directives(response):
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = {}
    for part in filter(str.strip, header.split(";")):
        name, *sources = part.split()
        directives[name] = set(sources)
    return directives


class _InlineCode(HTMLParser):
    """Collects what a page carries inline, as the browser parses it."""

    def __init__(self):
        super().__init__()
        self.found = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs and attrs.get("type") != "application/json":
            self._in_inline_script = True
        if tag == "style":
            self.found.append("<style>")
        if "style" in attrs:
            self.found.append(f"<{tag} style={attrs['style']!r}>")
        self.found += [f"<{tag} {name}=…>" for name in attrs if name.startswith("on")]

    def handle_data(self, data):
        if self._in_inline_script and data.strip():
            self.found.append(f"<script>{data.strip()[:60]}…")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline_script = False


def _inline_code(html):
    parser = _InlineCode()
    parser.feed(html)
    return parser.found


def _assert_locked_down(response):
    assert response.status_code == 200, response.status_code
    directives = _directives(response)
    assert directives["default-src"] == {"'self'"}
    assert directives["script-src"] == {"'self'"}
    assert directives["style-src"] == {"'self'"}
    assert directives["object-src"] == {"'none'"}
    assert directives["frame-ancestors"] == {"'none'"}
    assert directives["base-uri"] == {"'self'"}
    assert directives["form-action"] == {"'self'"}
    if response["Content-Type"].startswith("text/html"):
        assert _inline_code(response.content.decode()) == [], response.request["PATH_INFO"]


@pytest.fixture
def office_pages(park, grid_zone, office_user):
    task = TaskFactory(park=park)
    grievance = GrievanceFactory(park=park, grid_zone=grid_zone)
    report, _created = services.report_get_or_create(
        scope=ReportScope.PARK,
        period_kind=PeriodKind.MONTH,
        start=date(2026, 5, 1),
        end=date(2026, 5, 31),
        subdistrict=None,
        park=park,
    )
    return [
        reverse("parks:park_list"),
        reverse("parks:park_detail", args=[park.pk]),
        reverse("parks:park_edit", args=[park.pk]),
        reverse("parks:grid_zone_detail", args=[grid_zone.pk]),
        reverse("parks:activity_feed"),
        reverse("parks:coverage"),
        reverse("reforms:task_list"),
        reverse("reforms:task_detail", args=[task.pk]),
        reverse("reforms:park_roadmap", args=[park.pk]),
        reverse("reforms:unit_league"),
        reverse("reforms:ledgers"),
        reverse("reforms:care_payment_list"),
        reverse("reforms:dashboard"),
        reverse("reforms:report_request"),
        reverse("reforms:report_detail", args=[report.pk]),
        reverse("grievances:inbox"),
        reverse("grievances:grievance_detail", args=[grievance.pk]),
        reverse("grievances:rates"),
        reverse("grievances:qr_poster", args=[park.pk]),
        reverse("password_change"),
        reverse("api-docs"),
    ]


def test_it_sends_a_policy_without_inline_code_on_every_office_page(
    client, office_user, office_pages
):
    client.force_login(office_user)
    for url in office_pages:
        _assert_locked_down(client.get(url))


def test_it_sends_the_policy_on_the_admin_pages(admin_client, park, grid_zone):
    task = TaskFactory(park=park)
    grievance = GrievanceFactory(park=park, grid_zone=grid_zone)
    for url in [
        reverse("admin:index"),
        reverse("admin:parks_park_changelist"),
        reverse("admin:parks_park_change", args=[park.pk]),
        reverse("admin:parks_user_add"),
        reverse("admin:reforms_task_change", args=[task.pk]),
        reverse("admin:grievances_grievance_change", args=[grievance.pk]),
    ]:
        _assert_locked_down(admin_client.get(url))


def test_it_sends_the_policy_on_the_liaisons_phone_pages(client, liaison, grid_zone):
    activity = ActivityFactory(grid_zone=grid_zone, logged_by=liaison)
    client.force_login(liaison)
    for url in [
        reverse("parks:my_grid_zones"),
        reverse("parks:activity_create") + f"?zone={grid_zone.pk}",
        reverse("parks:activity_detail", args=[activity.pk]),
        reverse("parks:activity_edit", args=[activity.pk]),
    ]:
        _assert_locked_down(client.get(url))


def test_it_sends_the_policy_on_the_public_pages(client, park):
    for url in [
        reverse("grievances:public_form", args=[park.pk]),
        reverse("grievances:public_track_form"),
        reverse("login"),
    ]:
        _assert_locked_down(client.get(url))


def test_it_sends_the_policy_on_error_pages(client, office_user):
    client.force_login(office_user)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert _inline_code(response.content.decode()) == []


def test_no_template_carries_inline_scripts_styles_or_handlers():
    templates = sorted(ROOT.glob("templates/**/*.html")) + sorted(
        ROOT.glob("*/templates/**/*.html")
    )
    assert templates
    found = []
    for path in templates:
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            # `{% include … with style="success" %}` passes a variable, not an attribute.
            markup = TEMPLATE_TAG.sub("", line)
            found += [
                f"{path.relative_to(ROOT)}:{number}: {label}: {line.strip()}"
                for label, pattern in INLINE_MARKUP
                if pattern.search(markup)
            ]
    assert found == [], "\n".join(found)


def test_the_api_docs_load_their_script_from_the_portal_and_ask_no_validator(client, office_user):
    client.force_login(office_user)
    page = client.get(reverse("api-docs"))
    _assert_locked_down(page)
    script_url = re.search(r'<script src="([^"]*\?script=[^"]*)"', page.content.decode()).group(1)
    script = client.get(script_url)
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode()
    # Outside localhost Swagger UI would fetch a badge from validator.swagger.io, which the
    # policy blocks (and which would tell a third party where the schema lives).
    assert '"validatorUrl": null' in script.content.decode()
