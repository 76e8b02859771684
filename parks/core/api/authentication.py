"""API token authentication: knox's tokens, read as one row per request.

knox's own TokenAuthentication reads every token whose first 15 characters match the key's,
and for each of them all of its user's tokens, deleting those past their expiry: a few reads
and perhaps writes on every API request, growing with the tokens a user holds. Here the token
is found by its digest (the table's primary key) with its user, in one query, and a read
request writes nothing: a token past its expiry is refused and left to the hourly purge
(parks.structure.jobs.purge_expired_api_tokens), as a revoked one is already gone.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox import auth
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS, knox_settings
from rest_framework.exceptions import AuthenticationFailed

from parks.core.prepared import prepared


def _token(digest: str, token_key: str) -> QuerySet[AuthToken]:
    """The token of that digest and first characters, with its user (what `.first()` reads)."""
    return (
        AuthToken.objects.select_related("user")
        .filter(digest=digest, token_key=token_key)
        .order_by("pk")[:1]
    )


class TokenAuthentication(auth.TokenAuthentication):
    """`Authorization: Token <key>`; the same answers as knox's (401 "Invalid token." for an
    unknown, revoked or expired key; "User inactive or deleted." for a deactivated owner)."""

    def authenticate_credentials(self, token: bytes) -> tuple[Any, AuthToken]:
        invalid = _("Invalid token.")
        try:
            key = token.decode("utf-8")
        except UnicodeDecodeError as error:
            raise AuthenticationFailed(invalid) from error
        # Its SQL compiled once per process (parks.core.prepared): only the key changes.
        found = next(
            iter(prepared("api_token", _token, hash_token(key), key[: CONSTANTS.TOKEN_KEY_LENGTH])),
            None,
        )
        if found is None or (found.expiry is not None and found.expiry < timezone.now()):
            raise AuthenticationFailed(invalid)
        if knox_settings.AUTO_REFRESH and found.expiry:
            # Off in settings (a token lives as long as its owner chose); kept for knox's meaning.
            self.renew_token(found)
        return self.validate_user(found)


class TokenScheme(KnoxTokenScheme):
    """The schema's security scheme for it: knox's (`knoxApiToken`), as before."""

    target_class = "parks.core.api.authentication.TokenAuthentication"
