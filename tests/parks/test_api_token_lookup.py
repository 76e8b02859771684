"""An API request with a token reads that one token (with its user) and writes nothing."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from knox.models import AuthToken
from rest_framework.test import APIClient

from parks.structure import services

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")


def _get_with(key, url="/api/v1/parks/"):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response, [query["sql"] for query in captured.captured_queries]


def _said(message):
    """knox's message in the portal's language, as the API answers it."""
    with translation.override(settings.LANGUAGE_CODE):
        return {"detail": translation.gettext(message)}


def _expire(token):
    AuthToken.objects.filter(pk=token.pk).update(expiry=timezone.now() - timedelta(minutes=1))


def test_a_request_reads_one_token_row_with_its_user_however_many_tokens_the_user_holds(
    office_user, park
):
    for _ in range(3):
        services.api_token_create(owner=office_user, actor=office_user)
    _expire(services.api_token_create(owner=office_user, actor=office_user)[0])
    _token, key = services.api_token_create(owner=office_user, actor=office_user)

    response, queries = _get_with(key)

    assert response.status_code == 200
    token_reads = [sql for sql in queries if "knox_authtoken" in sql]
    assert len(token_reads) == 1
    assert '"parks_user"' in token_reads[0]  # the user comes in the same query
    # No query reads the user again, and a read request changes nothing (no cleanup, no refresh).
    assert not [sql for sql in queries if sql.startswith("SELECT") and 'FROM "parks_user"' in sql]
    assert not [sql for sql in queries if sql.startswith(WRITES)]
    assert AuthToken.objects.filter(user=office_user).count() == 5


def test_an_expired_token_is_refused_without_a_write_left_for_the_hourly_purge(office_user):
    token, key = services.api_token_create(owner=office_user, actor=office_user)
    _expire(token)

    response, queries = _get_with(key)

    assert response.status_code == 401
    assert response.json() == _said("Invalid token.")
    assert not [sql for sql in queries if sql.startswith(WRITES)]
    assert AuthToken.objects.filter(pk=token.pk).exists()


def test_a_revoked_a_mangled_and_an_inactive_owners_token_are_refused(office_user, liaison):
    revoked, revoked_key = services.api_token_create(owner=office_user, actor=office_user)
    services.api_token_revoke(token=revoked, actor=office_user)
    _token, live_key = services.api_token_create(owner=liaison, actor=liaison)

    assert _get_with(revoked_key)[0].status_code == 401
    # The right prefix with another secret is not the token.
    assert _get_with(live_key[:15] + "0" * (len(live_key) - 15))[0].status_code == 401
    assert _get_with("ünïcode")[0].status_code == 401
    assert _get_with(live_key)[0].status_code == 200

    liaison.is_active = False
    liaison.save(update_fields=["is_active"])
    response, _queries = _get_with(live_key)
    assert response.status_code == 401
    assert response.json() == _said("User inactive or deleted.")
