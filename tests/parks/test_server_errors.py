"""A bug or a lost database never shows Django's English error page: the API answers JSON in
the client's language, the browser a Chinese page that needs no database to render.

This module is also the URLconf of its tests: the portal's URLs plus views that fail on purpose.
"""

import socket
from contextlib import contextmanager

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.test import APIClient
from rest_framework.views import APIView

from config import urls

pytestmark = pytest.mark.urls(__name__)


def _broken_page(request):
    raise RuntimeError("a bug in a page")


class _BrokenEndpoint(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        raise RuntimeError("a bug in an endpoint")


def _page_that_remembers(request):
    # The session is written after the view returns, by SessionMiddleware: a database error
    # there happens outside any view.
    request.session["seen"] = True
    return HttpResponse("ok")


urlpatterns = [
    path("broken/", _broken_page),
    path("api/v1/broken/", _BrokenEndpoint.as_view()),
    path("remember/", _page_that_remembers),
    *urls.urlpatterns,
]
handler404 = urls.handler404
handler500 = urls.handler500


@contextmanager
def database_unreachable():
    """Point the portal's connection at a port nothing listens on, as if PostgreSQL were down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    saved = connection.settings_dict["HOST"], connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["HOST"], connection.settings_dict["PORT"] = "127.0.0.1", closed_port
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["HOST"], connection.settings_dict["PORT"] = saved


# --- A bug: 500 ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_failing_endpoint_answers_json_500_in_chinese_by_default():
    response = APIClient(raise_request_exception=False).get("/api/v1/broken/")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response["Content-Language"] == "zh-hans"
    assert response.json()["detail"]
    assert "bug" not in response.content.decode()  # nothing of the internals leaks


@pytest.mark.django_db
def test_a_failing_endpoint_answers_in_the_clients_language():
    response = APIClient(raise_request_exception=False).get(
        "/api/v1/broken/", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 500
    assert response.json() == {
        "detail": "Something went wrong on the server. The error has been logged; try again later."
    }


@pytest.mark.django_db
def test_a_failing_page_shows_the_chinese_error_page_without_touching_the_database(
    office_user, django_assert_num_queries
):
    client = Client(raise_request_exception=False)
    client.force_login(office_user)

    # A signed-in user: a page built on base.html would read the session, the user and the
    # bell's count. The error page reads nothing, so it renders with the database gone too.
    with django_assert_num_queries(0):
        response = client.get("/broken/")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert '<html lang="zh-CN">' in page
    assert "服务器错误" in page
    assert "返回平台首页" in page


@pytest.mark.django_db
def test_an_unknown_api_address_answers_json_404():
    response = APIClient().get("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


@pytest.mark.django_db
def test_an_unknown_page_still_shows_the_portals_404_page():
    response = Client().get("/no-such-page/")

    assert response.status_code == 404
    assert "返回平台首页" in response.content.decode()


# --- The database is down: 503 --------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_api_answers_json_503_when_the_database_is_down(office_user, api_as):
    client = api_as(office_user)
    with database_unreachable():
        response = client.get("/api/v1/parks/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert int(response["Retry-After"]) > 0
    assert response.json() == {
        "detail": "The portal's database is busy or unavailable. Try again in a moment."
    }


@pytest.mark.django_db(transaction=True)
def test_a_token_client_gets_json_503_when_the_database_is_down():
    # Authentication itself reads the token table: even that failure is a JSON 503.
    with database_unreachable():
        response = APIClient().get("/api/v1/parks/", HTTP_AUTHORIZATION="Token " + "0" * 64)

    assert response.status_code == 503
    assert response.json()["detail"]


@pytest.mark.django_db(transaction=True)
def test_a_page_shows_the_chinese_busy_page_when_the_database_is_down(office_user):
    client = Client()
    client.force_login(office_user)
    with database_unreachable():
        response = client.get("/activities/")

    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert '<html lang="zh-CN">' in page
    assert "返回平台首页" in page


@pytest.mark.django_db(transaction=True)
def test_a_database_failure_after_the_view_is_a_503_page_too():
    client = Client(raise_request_exception=False)
    with database_unreachable():
        response = client.get("/remember/")

    assert response.status_code == 503
    assert '<html lang="zh-CN">' in response.content.decode()
