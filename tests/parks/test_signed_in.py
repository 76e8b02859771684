"""The signed-in user read by a compiled-once query (parks.core.signed_in) is Django's
`auth.get_user`: the same user, the same SQL, the same session afterwards, in every case the
session checks decide (hash, fallback secret, flush, inactive, deleted, another backend)."""

import hashlib
import inspect
import re

import pytest
from django.contrib import auth
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils.functional import SimpleLazyObject

from parks.core import signed_in
from tests.page_helpers import page_as

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_plans")]

# The source of the Django function parks.core.signed_in follows step for step. A Django
# upgrade that changes it fails here: read the new steps, follow them, then update the digest.
DJANGO_GET_USER = "08a852f701f765bc"


def test_django_s_get_user_is_the_one_followed():
    source = inspect.getsource(auth.get_user)
    assert hashlib.sha256(source.encode()).hexdigest()[:16] == DJANGO_GET_USER


def _session_of(client):
    return client.cookies["sessionid"].value if "sessionid" in client.cookies else None


def _request(session_key):
    request = RequestFactory().get("/")
    if session_key:
        request.COOKIES["sessionid"] = session_key
    SessionMiddleware(lambda request: None).process_request(request)
    return request


def _copy(session_key):
    """A new session holding what that one holds (a read may flush or cycle the one it reads)."""
    if session_key is None:
        return None
    copy = _request(None)
    copy.session.update(dict(_request(session_key).session.items()))
    copy.session.save()
    return copy.session.session_key


def _read(get_user, session_key):
    """(the user, the SQL, whether the session kept its key, what it holds) after `get_user`."""
    request = _request(session_key)
    request.session.items()  # the session's own query, before the captured ones
    with CaptureQueriesContext(connection) as captured:
        user = get_user(request)
    return (
        (type(user), user.pk),
        [_unnamed(query["sql"]) for query in captured],
        request.session.session_key == session_key,
        dict(request.session.items()),
    )


def _unnamed(sql):
    """The SQL without what differs between two reads of copies of one session: the copy's
    key, the moment it is saved at (also signed into its data), the savepoint's name."""
    sql = re.sub(r"'[a-z0-9]{32}'", "'<key>'", sql)
    sql = re.sub(r"'[.]?[A-Za-z0-9_-]+:[A-Za-z0-9]+:[A-Za-z0-9_-]+'", "'<signed data>'", sql)
    sql = re.sub(r"'[0-9-]{10} [0-9:.+]+'::timestamptz", "'<moment>'", sql)
    return re.sub(r'"s[0-9]+_x[0-9]+"', '"<savepoint>"', sql)


def _both(session_key):
    """`_read` by Django's get_user and by the planned one, each on its own copy of the
    session."""
    return [_read(get_user, _copy(session_key)) for get_user in (auth.get_user, signed_in.get_user)]


def test_a_signed_in_user_is_read_the_same_way(client, office_user):
    client.force_login(office_user)
    django, planned = _both(_session_of(client))
    assert django == planned
    assert django[0] == (type(office_user), office_user.pk)
    assert len(django[1]) == 1


def test_a_second_read_is_the_plan_s_and_the_same(client, office_user, park_manager):
    client.force_login(office_user)
    _both(_session_of(client))
    client.force_login(park_manager)
    django, planned = _both(_session_of(client))
    assert django == planned
    assert django[0][1] == park_manager.pk


def test_a_deactivated_user_is_anonymous(client, office_user):
    client.force_login(office_user)
    office_user.is_active = False
    office_user.save(update_fields=["is_active"])
    django, planned = _both(_session_of(client))
    assert django == planned
    assert django[0][1] is None


def test_a_deleted_user_is_anonymous(client, park_manager):
    client.force_login(park_manager)
    session = _session_of(client)
    park_manager.delete()
    django, planned = _both(session)
    assert django == planned
    assert django[0][1] is None


def test_a_changed_password_ends_the_session(client, office_user):
    client.force_login(office_user)
    session = _session_of(client)
    office_user.set_password("another-password-1234")
    office_user.save()
    django, planned = _both(session)
    assert django == planned
    assert django[0][1] is None
    assert django[3] == {}  # flushed


def test_a_session_signed_with_a_fallback_secret_is_kept_under_a_new_key(
    client, office_user, settings
):
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    client.force_login(office_user)
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = old, [settings.SECRET_KEY]
    django, planned = _both(_session_of(client))
    assert django == planned
    assert django[0][1] == office_user.pk
    assert django[2] is False  # a new session key


def test_no_session_is_anonymous_without_a_query():
    django, planned = _both(None)
    assert django == planned
    assert django[1] == []


def test_another_backend_s_session_is_django_s_own(client, office_user, settings):
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "django.contrib.auth.backends.AllowAllUsersModelBackend",
    ]
    client.force_login(
        office_user, backend="django.contrib.auth.backends.AllowAllUsersModelBackend"
    )
    office_user.is_active = False
    office_user.save(update_fields=["is_active"])
    django, planned = _both(_session_of(client))
    assert django == planned
    assert django[0][1] == office_user.pk  # that backend lets an inactive user in


DJANGO_MIDDLEWARE = "django.contrib.auth.middleware.AuthenticationMiddleware"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("who", ["office_user", "park_manager", "liaison", "subdistrict_user"])
def test_pages_are_the_same_with_django_s_middleware(client, request, settings, who, language):
    user = request.getfixturevalue(who)
    planned = page_as(client, user, "/notifications/", language)
    settings.MIDDLEWARE = [
        DJANGO_MIDDLEWARE if name == "parks.core.signed_in.AuthenticationMiddleware" else name
        for name in settings.MIDDLEWARE
    ]
    assert DJANGO_MIDDLEWARE in settings.MIDDLEWARE
    client.handler.load_middleware()
    plain = page_as(client, user, "/notifications/", language)
    assert planned[:2] == plain[:2]
    assert planned[0] == 200
    # The same statements; the session's key and its moment differ from one sign-in to the next.
    assert len(planned[2]) == len(plain[2])
    assert planned[2][1] == plain[2][1]  # the user's row


def _signed_in_request(client, user):
    """A request of `user`'s session through the session and authentication middleware."""
    client.force_login(user)
    request = _request(_session_of(client))
    signed_in.AuthenticationMiddleware(lambda request: None).process_request(request)
    return request


def test_the_user_is_not_read_until_asked(client, office_user):
    request = _signed_in_request(client, office_user)
    with CaptureQueriesContext(connection) as captured:
        assert isinstance(request.user, SimpleLazyObject)
    assert captured.captured_queries == []


def test_once_read_request_user_is_the_user_itself(client, office_user):
    request = _signed_in_request(client, office_user)
    kept = request.user
    assert kept.is_authenticated
    assert type(request.user) is type(office_user)
    assert request.user.pk == office_user.pk
    assert kept.pk == office_user.pk  # what kept the lazy object reads the same user
    with CaptureQueriesContext(connection) as captured:
        assert request.user is request.user
        assert kept.username == office_user.username
    assert captured.captured_queries == []


def test_a_user_set_before_the_lazy_one_is_read_stays(client, office_user, park_manager):
    request = _signed_in_request(client, office_user)
    kept = request.user
    request.user = park_manager  # as auth.login and auth.logout set it
    assert kept.pk == office_user.pk
    assert request.user is park_manager


def test_a_signed_in_page_s_view_reads_the_user_itself(client, office_user):
    client.force_login(office_user)
    response = client.get("/notifications/")
    assert response.status_code == 200
    assert type(response.wsgi_request.user) is type(office_user)
    assert response.wsgi_request.user.pk == office_user.pk
