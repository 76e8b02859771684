"""Announcing hand-offs: the one way any domain tells people that something needs them."""

from collections.abc import Iterable
from functools import partial

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from parks.notices.choices import NoticeKind
from parks.notices.models import Notification
from parks.structure.models import User


def announce(
    *,
    kind: NoticeKind,
    recipients: Iterable[User],
    title: str,
    body: str = "",
    url: str = "",
) -> list[Notification]:
    """Put the notice in each recipient's bell now, in the caller's transaction, and send it by
    the other channels once the data commits. A person named twice hears once."""
    notifications = []
    for recipient in {person.pk: person for person in recipients}.values():
        notification = Notification.objects.create(
            recipient=recipient, title=title, body=body, url=url
        )
        notifications.append(notification)
        if recipient.email:
            transaction.on_commit(
                partial(
                    send_mail,
                    subject=title,
                    message=f"{body}\n\n{url}".strip(),
                    from_email=None,
                    recipient_list=[recipient.email],
                    fail_silently=True,  # the in-app notice stands even if mail is down
                ),
                robust=True,  # and a message that cannot even be built does not undo the write
            )
    return notifications


def notifications_mark_read(*, recipient: User, ids: Iterable[int | str] | None = None) -> int:
    unread = Notification.objects.filter(recipient=recipient, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
