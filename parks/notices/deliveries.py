"""Sending the planned deliveries, once each: the worker's side of the notices.

A Delivery row is written with its notice, in the caller's transaction; once that commits, a
job per row (parks.notices.jobs.deliver, sent by the name DELIVER) claims the row with a
compare-and-set from queued to sending — so a job run twice, or a message delivered twice,
sends once — and sends it. A transient failure puts it back in the queue with a backoff until
NOTICES_DELIVERY_ATTEMPTS are spent; a permanent one fails it at once. The sweep queues what
no worker took (the broker was down at commit) or what a killed worker left half-done.
"""

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from parks.core import queue as core_queue
from parks.notices.channels import SENDERS, PermanentFailure, TransientFailure
from parks.notices.choices import DeliveryChannel, DeliveryStatus
from parks.notices.models import Delivery, NoticePreference, Notification
from parks.structure.models import User

logger = logging.getLogger(__name__)

DELIVER = "parks.notices.deliver"  # the job's registered name: stored in queued messages
# A retry's message may arrive a hair before the time the row was given: not a reason to wait.
CLAIM_SLACK = timedelta(seconds=1)
# A queued row no worker took for this long is sent again (its message was lost or never
# sent); a row left "sending" this long lost its worker (the job's hard limit is 90 s).
QUEUE_PATIENCE = timedelta(minutes=2)
SENDING_LEASE = timedelta(minutes=5)
BACKOFF_CAP_SECONDS = 60 * 60


def queue(rows: Iterable[Delivery]) -> None:
    """Queue a job per delivery once the caller's data commits."""
    for delivery in rows:
        core_queue.send_on_commit(DELIVER, delivery.pk)


def backoff(attempts: int) -> float:
    """Seconds before the next try after `attempts` tries: NOTICES_RETRY_SECONDS, doubled each
    time, at most an hour."""
    return min(settings.NOTICES_RETRY_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_CAP_SECONDS)


def _finish(delivery_id: int, **fields) -> int:
    # Only the claim that is sending it may finish it (the sweep may have taken it back).
    return Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.SENDING).update(
        updated_at=timezone.now(), **fields
    )


def delivery_attempt(delivery_id: int) -> float | None:
    """Try to send one delivery once. Returns the seconds to wait before the job retries it,
    or None when there is nothing more to do (sent, failed, or another run has it)."""
    now = timezone.now()
    claimed = (
        Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.QUEUED)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + CLAIM_SLACK))
        .update(
            status=DeliveryStatus.SENDING,
            attempts=F("attempts") + 1,
            claimed_at=now,
            updated_at=now,
        )
    )
    if not claimed:
        return None
    delivery = Delivery.objects.get(pk=delivery_id)
    try:
        SENDERS[delivery.channel](delivery)
    except TransientFailure as error:
        if delivery.attempts < settings.NOTICES_DELIVERY_ATTEMPTS:
            wait = backoff(delivery.attempts)
            _finish(
                delivery_id,
                status=DeliveryStatus.QUEUED,
                last_error=str(error),
                next_attempt_at=timezone.now() + timedelta(seconds=wait),
            )
            return wait
        _finish(delivery_id, status=DeliveryStatus.FAILED, last_error=str(error))
    except PermanentFailure as error:
        _finish(delivery_id, status=DeliveryStatus.FAILED, last_error=str(error))
    except Exception as error:
        # A bug or a surprise from a library: the office sees that it failed and its kind;
        # the details, which may name hosts or keys, go to the worker's log.
        logger.exception("Delivery %s failed", delivery_id)
        _finish(
            delivery_id,
            status=DeliveryStatus.FAILED,
            last_error=_("Unexpected error (%(kind)s); the details are in the worker's log.")
            % {"kind": type(error).__name__},
        )
    else:
        _finish(delivery_id, status=DeliveryStatus.SENT, sent_at=timezone.now(), last_error="")
    return None


def delivery_retry(*, delivery: Delivery) -> bool:
    """The office sends a failed delivery again, with a fresh set of attempts. False when it
    is no longer failed (someone else retried it)."""
    with transaction.atomic():
        retried = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.FAILED).update(
            status=DeliveryStatus.QUEUED,
            attempts=0,
            next_attempt_at=None,
            claimed_at=None,
            updated_at=timezone.now(),
        )
        if retried:
            queue([delivery])
    return bool(retried)


def deliveries_requeue_lost(*, now=None) -> int:
    """Queue again the deliveries no worker finished: queued past their time by QUEUE_PATIENCE
    (the message was lost, or the broker was down when the notice was written), or sending for
    longer than SENDING_LEASE (the worker died). Beat runs it every minute: one indexed query
    when nothing is lost. Each is given a new time now, so it is sent once per sweep at most."""
    now = now or timezone.now()
    with transaction.atomic():
        lost = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .annotate(due=Coalesce("next_attempt_at", "created_at"))
            .filter(
                Q(status=DeliveryStatus.QUEUED, due__lt=now - QUEUE_PATIENCE)
                | Q(status=DeliveryStatus.SENDING, claimed_at__lt=now - SENDING_LEASE)
            )
            .values_list("pk", flat=True)
        )
        Delivery.objects.filter(pk__in=lost).update(
            status=DeliveryStatus.QUEUED, next_attempt_at=now, claimed_at=None, updated_at=now
        )
        queue(Delivery(pk=pk) for pk in lost)
    if lost:
        logger.warning("Queued again %d deliveries that were lost: %s", len(lost), lost)
    return len(lost)


def digests_send(*, now=None) -> int:
    """Each person who takes the daily digest gets one e-mail with the notices of the last day
    of the kinds they get by e-mail; once per person and day however often it runs (the
    delivery's batch names the day). Returns how many digests were queued."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    since = now - timedelta(days=1)
    queued = 0
    people = User.objects.filter(is_active=True, notice_profile__daily_digest=True).exclude(
        email=""
    )
    for person in people:
        muted = set(
            NoticePreference.objects.filter(user=person, email=False).values_list("kind", flat=True)
        )
        notices = [
            notice
            for notice in Notification.objects.filter(
                recipient=person, created_at__gte=since, created_at__lt=now
            ).order_by("created_at", "pk")
            if notice.kind not in muted
        ]
        if not notices:
            continue
        with transaction.atomic():
            delivery, created = Delivery.objects.get_or_create(
                batch=f"digest:{person.pk}:{day.isoformat()}",
                channel=DeliveryChannel.EMAIL,
                address=person.email,
                defaults={
                    "recipient": person,
                    "recipient_label": str(person)[:200],
                    "subject": _("Your notices of %(day)s (%(count)d)")
                    % {"day": day.isoformat(), "count": len(notices)},
                    "message": _digest_text(notices),
                },
            )
            if created:
                queue([delivery])
                queued += 1
    return queued


def absolute_url(url: str) -> str:
    """A portal path as a link that works outside the portal (PORTAL_PUBLIC_BASE_URL)."""
    base = getattr(settings, "PORTAL_PUBLIC_BASE_URL", "")
    if base and url.startswith("/"):
        return base.rstrip("/") + url
    return url


def _digest_text(notices: list[Notification]) -> str:
    lines = []
    for notice in notices:
        at = timezone.localtime(notice.created_at).strftime("%Y-%m-%d %H:%M")
        lines.append(f"[{at}] {notice.title}")
        if notice.body:
            lines.append(notice.body)
        if notice.url:
            lines.append(absolute_url(notice.url))
        lines.append("")
    return "\n".join(lines).strip()
