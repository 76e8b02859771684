"""Who is signed in: Django's AuthenticationMiddleware, the user's row read by a query compiled
once per process.

Every signed-in page and form reads its user; Django's ModelBackend builds and compiles the same
`get(pk=…)` each time (~0.5 ms of a page's CPU). Here, for a session signed in through the
ModelBackend (every session of the portal: django-axes's backend signs nobody in), the row is
read by that same query compiled once (parks.core.prepared.prepared_get); the session's checks
that follow are Django's `auth.get_user`'s, step for step (the hash of the password against the
session's, the fallback secrets, the flush). Any other session is Django's own `get_user`.
tests/parks/test_signed_in.py pins it to Django's over those cases, and holds the source of the
Django function it follows, so that an upgrade that changes it fails there first.
"""

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthentication
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from parks.core.prepared import prepared_get

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
_backend = ModelBackend()


def _users():
    return auth.get_user_model()._default_manager.all()


def _model_backend_user(user_id):
    """`ModelBackend().get_user(user_id)`: the active user of that id, else None."""
    found = prepared_get(("signed_in_user",), _users, user_id)
    if len(found) != 1:  # none; more cannot be for a primary key, and Django's get refuses it
        return None
    user = found[0]
    return user if _backend.user_can_authenticate(user) else None


def get_user(request: HttpRequest):
    """`django.contrib.auth.get_user(request)`, the user read as above."""
    try:
        user_id = auth._get_user_session_key(request)
        backend_path = request.session[auth.BACKEND_SESSION_KEY]
    except KeyError:
        return AnonymousUser()
    if backend_path != MODEL_BACKEND or backend_path not in settings.AUTHENTICATION_BACKENDS:
        return auth.get_user(request)
    user = _model_backend_user(user_id)
    # From here on Django's steps (django.contrib.auth.get_user), unchanged.
    if hasattr(user, "get_session_auth_hash"):
        session_hash = request.session.get(auth.HASH_SESSION_KEY)
        if not session_hash:
            session_hash_verified = False
        else:
            session_auth_hash = user.get_session_auth_hash()
            session_hash_verified = constant_time_compare(session_hash, session_auth_hash)
        if not session_hash_verified:
            if session_hash and any(
                constant_time_compare(session_hash, fallback_auth_hash)
                for fallback_auth_hash in user.get_session_auth_fallback_hash()
            ):
                request.session.cycle_key()
                request.session[auth.HASH_SESSION_KEY] = session_auth_hash
            else:
                request.session.flush()
                user = None
    return user or AnonymousUser()


def _cached_user(request: HttpRequest):
    if not hasattr(request, "_cached_user"):
        request._cached_user = get_user(request)  # type: ignore[attr-defined]
    return request._cached_user  # type: ignore[attr-defined]


class AuthenticationMiddleware(DjangoAuthentication):
    """Django's, with `request.user` from `get_user` above (`request.auser` is Django's).

    `request.user` is lazy until first read, as Django's is (a request that never asks runs no
    query), and then becomes the user itself: each read of an attribute through
    SimpleLazyObject costs ~1 µs, and a page reads its user's a hundred times or more (the
    access rules, the menu). Something that kept the lazy object reads the same user through it.
    """

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)

        def read() -> object:
            user = _cached_user(request)
            # `is`: the lazy object's identity, not its user's. A `request.user` set since
            # (login, logout) is left as it was set.
            if request.__dict__.get("user") is lazy:
                request.user = user
            return user

        lazy = SimpleLazyObject(read)
        request.user = lazy
