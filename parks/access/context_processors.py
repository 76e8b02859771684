"""Template context every page needs: the unread count for the bell, the menu's access."""

from collections.abc import Callable
from functools import cache
from typing import Any

from django.http import HttpRequest

from parks import access as access_policy


def unread_notifications(request: HttpRequest) -> dict[str, Callable[[], int]]:
    """`unread_notification_count`: one query, run only if the page shows it, and only once.

    Templates call a callable they are given, so the count is taken when first shown.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def unread_notification_count() -> int:
        return user.notifications.filter(read_at__isnull=True).count()

    return {"unread_notification_count": unread_notification_count}


def access(request: HttpRequest) -> dict[str, Any]:
    """`access`: what the menu and the pages' buttons may offer this user (parks.access)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"access": access_policy.navigation(user)}
