"""Which database errors are "busy or down, try again" (503) and which are bugs (500).

Review finding: every OperationalError counted as "unavailable", so a bug the driver reports
as one (SQLite's "no such table", PostgreSQL's "index row requires … bytes" or "cannot pass more
than 100 arguments") became a quiet 503 with Retry-After instead of a logged server error.
Each case below is a real error from a real driver, wrapped the way Django wraps it.
"""

import sqlite3

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from config import urls
from parks.core.api.errors import is_database_unavailable

pytestmark = pytest.mark.urls(__name__)

TOO_MANY_ARGUMENTS = "SELECT concat(" + ", ".join(["1"] * 101) + ")"


def _page_with_a_bad_query(request):
    with connection.cursor() as cursor:
        cursor.execute(TOO_MANY_ARGUMENTS)
    return HttpResponse("unreachable")


urlpatterns = [path("bad-query/", _page_with_a_bad_query), *urls.urlpatterns]
handler404 = urls.handler404
handler500 = urls.handler500


def _raised_by(call):
    try:
        call()
    except Exception as error:  # noqa: BLE001 (the error under test, whatever it is)
        return error
    raise AssertionError("expected an error")


def _django_sqlite_error(sql, *, path=":memory:", timeout=5.0):
    from django.db import OperationalError

    def run():
        database = sqlite3.connect(path, timeout=timeout)
        try:
            database.execute(sql)
        except sqlite3.OperationalError as cause:
            raise OperationalError(*cause.args) from cause

    return _raised_by(run)


def test_sqlites_no_such_table_is_a_bug_not_a_busy_database():
    assert not is_database_unavailable(_django_sqlite_error("SELECT * FROM no_such_table"))


def test_sqlites_locked_database_is_busy(tmp_path):
    path = str(tmp_path / "demo.sqlite3")
    writer = sqlite3.connect(path)
    writer.execute("CREATE TABLE t (x)")
    writer.execute("BEGIN EXCLUSIVE")
    try:
        error = _django_sqlite_error("SELECT * FROM t", path=path, timeout=0)
    finally:
        writer.rollback()
    assert "locked" in str(error)
    assert is_database_unavailable(error)


@pytest.mark.django_db
def test_a_postgresql_program_limit_is_a_bug_not_a_busy_database():
    def run():
        with connection.cursor() as cursor:
            cursor.execute(TOO_MANY_ARGUMENTS)

    assert not is_database_unavailable(_raised_by(run))


@pytest.mark.django_db
def test_a_page_whose_query_is_wrong_answers_500_not_503(office_user):
    client = Client(raise_request_exception=False)
    client.force_login(office_user)

    response = client.get("/bad-query/")

    assert response.status_code == 500
    assert "Retry-After" not in response
