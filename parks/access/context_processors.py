"""Template context every page needs: the unread count for the bell, the menu's access."""

from collections.abc import Callable
from functools import cache
from typing import Any

from django.db.models import Count, QuerySet
from django.http import HttpRequest

from parks import access as access_policy
from parks.core.prepared import prepared
from parks.notices.models import Notification


def unread_notifications(request: HttpRequest) -> dict[str, Callable[[], int]]:
    """`unread_notification_count`: one query, run only if the page shows it, and only once.

    Templates call a callable they are given, so the count is taken when first shown.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def unread_notification_count() -> int:
        # One row (the count) or none (no unread notice), by a query compiled once per process.
        found = list(prepared(("unread_notifications",), _unread, user.pk))
        return found[0] if found else 0

    return {"unread_notification_count": unread_notification_count}


def _unread(user_id: int) -> QuerySet:
    """How many unread notifications the user has: `user.notifications.filter(read_at__isnull
    =True).count()`, as a query that parks.core.prepared can keep (a count is an aggregate,
    which it cannot): one group, the user's, and no row when they have none."""
    return (
        Notification.objects.filter(recipient_id=user_id, read_at__isnull=True)
        .order_by()
        .values("recipient_id")
        .annotate(n=Count("*"))
        .values_list("n", flat=True)
    )


def access(request: HttpRequest) -> dict[str, Any]:
    """`access`: what the menu and the pages' buttons may offer this user (parks.access)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"access": access_policy.navigation(user)}
