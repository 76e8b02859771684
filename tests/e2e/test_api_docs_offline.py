"""The interactive API docs render in Chromium from the portal's own files, with no internet."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_render_with_every_request_kept_on_the_portal(
    page, live_server, sign_in, office_user, screenshot
):
    sign_in(office_user)
    foreign = []
    page.on(
        "request",
        lambda request: (
            foreign.append(request.url)
            if not request.url.startswith((live_server.url, "data:", "blob:"))
            else None
        ),
    )
    # Past 150 operations Swagger UI renders only those near the viewport; the deep link to a
    # late one (deepLinking is on) makes it scroll there and render it.
    page.goto(f"{live_server.url}/api/docs/#/v1/v1_grids_list")
    page.locator(".opblock-summary-path", has_text="/api/v1/grids/").first.wait_for()
    screenshot("api_docs")
    assert foreign == []
