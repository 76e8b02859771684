"""Announcing hand-offs: the one way any domain tells people that something needs them, and
each person's choice of channels, kind by kind.

`announce` puts the notice in each recipient's bell in the caller's transaction and plans its
deliveries by the channels each person chose (rows, in the same transaction); once the data
commits, the worker sends them (parks.notices.deliveries, parks.notices.jobs). Sending never
blocks or undoes the write.
"""

import uuid
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from parks.notices import deliveries
from parks.notices.choices import DEFAULT_CHANNELS, DeliveryChannel, NoticeKind
from parks.notices.models import Delivery, NoticePreference, NoticeProfile, Notification
from parks.structure.models import Organisation, Park, User

Choices = dict[str, dict[str, bool]]  # {kind: {channel: on}}


def announce(
    *,
    kind: NoticeKind,
    recipients: Iterable[User],
    title: str,
    body: str = "",
    url: str = "",
) -> list[Notification]:
    """Put the notice in each recipient's bell now, in the caller's transaction, and send it by
    the channels each chose once the data commits. A person named twice hears once; a unit's
    WeCom group hears once however many of its people are told."""
    people = list({person.pk: person for person in recipients}.values())
    if not people:
        return []
    notifications = Notification.objects.bulk_create(
        [
            Notification(recipient=person, kind=kind, title=title, body=body, url=url)
            for person in people
        ]
    )
    planned = _plan(kind, people, subject=title, message=_message(body, url))
    deliveries.queue(Delivery.objects.bulk_create(planned))
    return notifications


def text_person(*, phone: str, message: str, label: str = "", kind: str = "") -> Delivery:
    """Send one SMS to a phone number that belongs to no account (a worker who left it), once
    the data commits. A malformed number is recorded as a failed delivery, not retried."""
    delivery = Delivery.objects.create(
        batch=uuid.uuid4().hex,
        channel=DeliveryChannel.SMS,
        address=phone.strip(),
        recipient_label=label[:200],
        kind=kind,
        subject="",
        message=message,
    )
    deliveries.queue([delivery])
    return delivery


def _message(body: str, url: str) -> str:
    return f"{body}\n\n{deliveries.absolute_url(url)}".strip()


def _plan(kind: str, people: list[User], *, subject: str, message: str) -> list[Delivery]:
    """The deliveries of one notice: by e-mail and SMS to each person who chose them (e-mail
    waits for the digest of those who take one), and one post per WeCom group robot of the
    units and parks of the people who chose it."""
    chosen = channel_choices(people, kind)
    digest = set(
        NoticeProfile.objects.filter(user__in=people, daily_digest=True).values_list(
            "user_id", flat=True
        )
    )
    batch = uuid.uuid4().hex
    planned: dict[tuple[str, str], Delivery] = {}

    def add(channel: str, address: str, label: str, recipient: User | None = None) -> None:
        planned.setdefault(
            (channel, address),
            Delivery(
                batch=batch,
                channel=channel,
                address=address,
                recipient_label=label[:200],
                recipient=recipient,
                kind=kind,
                subject=subject[:200],
                message=message,
            ),
        )

    robot_of: dict[int, tuple[str, str]] = {}
    wanting_robot = [p for p in people if chosen[p.pk][DeliveryChannel.WECOM]]
    if wanting_robot:
        robot_of = _robots(wanting_robot)
    for person in people:
        channels = chosen[person.pk]
        if channels[DeliveryChannel.EMAIL] and person.email and person.pk not in digest:
            add(DeliveryChannel.EMAIL, person.email, str(person), person)
        if channels[DeliveryChannel.SMS] and person.phone:
            add(DeliveryChannel.SMS, person.phone, str(person), person)
        if person.pk in robot_of:
            name, webhook = robot_of[person.pk]
            add(DeliveryChannel.WECOM, webhook, name)
    return list(planned.values())


def _robots(people: list[User]) -> dict[int, tuple[str, str]]:
    """Each person's WeCom group robot as (group name, webhook): their unit's, else their
    park's. Two queries at most, whatever the number of people."""
    units = dict.fromkeys(p.organisation_id for p in people if p.organisation_id)
    parks = dict.fromkeys(p.park_id for p in people if p.park_id)
    unit_robots = (
        {
            pk: (name, hook)
            for pk, name, hook in Organisation.objects.filter(pk__in=units, is_active=True)
            .exclude(wecom_webhook="")
            .values_list("pk", "name", "wecom_webhook")
        }
        if units
        else {}
    )
    park_robots = (
        {
            pk: (name, hook)
            for pk, name, hook in Park.objects.filter(pk__in=parks)
            .exclude(wecom_webhook="")
            .values_list("pk", "name", "wecom_webhook")
        }
        if parks
        else {}
    )
    robots = {}
    for person in people:
        robot = unit_robots.get(person.organisation_id or 0) or park_robots.get(person.park_id or 0)
        if robot:
            robots[person.pk] = robot
    return robots


# --- Preferences ------------------------------------------------------------------------------


def channel_choices(people: Iterable[User], kind: str) -> dict[int, dict[str, bool]]:
    """{person id: {channel: on}} for one kind: what each chose, else DEFAULT_CHANNELS."""
    people = list(people)
    rows = {
        row.user_id: row
        for row in NoticePreference.objects.filter(user__in=people, kind=kind).only(
            "user_id", "email", "wecom", "sms"
        )
    }
    return {
        person.pk: (
            {channel: getattr(rows[person.pk], channel) for channel in DeliveryChannel.values}
            if person.pk in rows
            else dict(DEFAULT_CHANNELS)
        )
        for person in people
    }


def preferences_of(user: User) -> tuple[Choices, bool]:
    """Every kind's channels for this person (defaults where they chose nothing), and whether
    they take the daily digest. Two queries."""
    rows = {row.kind: row for row in NoticePreference.objects.filter(user=user)}
    choices = {
        kind: (
            {channel: getattr(rows[kind], channel) for channel in DeliveryChannel.values}
            if kind in rows
            else dict(DEFAULT_CHANNELS)
        )
        for kind in NoticeKind.values
    }
    digest = NoticeProfile.objects.filter(user=user, daily_digest=True).exists()
    return choices, digest


@transaction.atomic
def preferences_save(*, user: User, choices: Choices, daily_digest: bool) -> None:
    """Store the person's channels for every kind (a kind left out keeps what it had) and the
    digest choice."""
    rows = [
        NoticePreference(
            user=user,
            kind=kind,
            **{channel: bool(on.get(channel, False)) for channel in DeliveryChannel.values},
        )
        for kind, on in choices.items()
        if kind in NoticeKind.values
    ]
    NoticePreference.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["user", "kind"],
        update_fields=list(DeliveryChannel.values),
    )
    NoticeProfile.objects.update_or_create(user=user, defaults={"daily_digest": daily_digest})


def notifications_mark_read(*, recipient: User, ids: Iterable[int | str] | None = None) -> int:
    unread = Notification.objects.filter(recipient=recipient, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
