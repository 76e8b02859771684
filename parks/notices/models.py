"""The bell (each person's in-app notices), what each person chose to receive by the other
channels, and the deliveries by those channels."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parks.core.privacy import mask_phone
from parks.notices.choices import DeliveryChannel, DeliveryStatus, NoticeKind


class Notification(models.Model):
    """A message in a person's in-app notification list (reminders, reports ready…)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    # Empty on notices from before kinds were kept.
    kind = models.CharField(_("kind"), max_length=40, choices=NoticeKind.choices, blank=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The navbar's unread count and the notification list: one person's, newest first.
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox"),
        ]

    def __str__(self):
        return self.title


class NoticePreference(models.Model):
    """The channels one person chose for one kind of notice (no row: DEFAULT_CHANNELS)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notice_preferences",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("kind"), max_length=40, choices=NoticeKind.choices)
    email = models.BooleanField(_("e-mail"), default=True)
    wecom = models.BooleanField(_("WeCom group"), default=True)
    sms = models.BooleanField(_("SMS"), default=False)

    class Meta:
        verbose_name = _("notice preference")
        verbose_name_plural = _("notice preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notice_preference_once"),
        ]

    def __str__(self):
        return f"{self.user} · {self.kind}"


class NoticeProfile(models.Model):
    """One person's choices that hold for every kind: the daily e-mail digest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notice_profile",
        verbose_name=_("person"),
    )
    daily_digest = models.BooleanField(
        _("daily e-mail digest"),
        default=False,
        help_text=_("One e-mail a day with the last day's notices, instead of one per notice."),
    )

    class Meta:
        verbose_name = _("notice profile")
        verbose_name_plural = _("notice profiles")

    def __str__(self):
        return str(self.user)


class Delivery(models.Model):
    """One message by one channel to one address (a mailbox, a phone, a WeCom group robot)."""

    # The announcement (or digest) this delivery belongs to: one per announce() call, so a
    # message to a unit's five people posts once to the unit's robot.
    batch = models.CharField(_("batch"), max_length=64)
    channel = models.CharField(
        pgettext_lazy("delivery", "channel"), max_length=10, choices=DeliveryChannel.choices
    )
    address = models.CharField(_("address"), max_length=500)
    # Who it is for, as the office reads it: a person, a unit's group, a worker's case.
    recipient_label = models.CharField(_("recipient"), max_length=200, blank=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("kind"), max_length=40, choices=NoticeKind.choices, blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    message = models.TextField(_("message"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.QUEUED,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Not before this time (a retry's backoff); a queued row past it and not taken is requeued.
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            # Exactly once: an announcement reaches each address by each channel once, however
            # often its job runs.
            models.UniqueConstraint(
                fields=["batch", "channel", "address"], name="delivery_once_per_address"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=DeliveryChannel.values), name="delivery_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="delivery_status_valid"
            ),
        ]
        indexes = [
            # The office's deliveries page: by status, newest first.
            models.Index(fields=["status", "-created_at"], name="delivery_status_recent"),
            # The sweep: queued or sending rows that no worker has finished.
            models.Index(
                fields=["next_attempt_at"],
                name="delivery_unfinished",
                condition=Q(status__in=["queued", "sending"]),
            ),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.recipient_label or self.shown_address}"

    @property
    def shown_address(self) -> str:
        """The address as the office's page shows it: a robot's key and the middle of a phone
        number hidden (the key lets anyone post to the group; the phone may be a worker's)."""
        if self.channel == DeliveryChannel.WECOM:
            return self.address.split("?", 1)[0] + ("?key=…" if "?" in self.address else "")
        if self.channel == DeliveryChannel.SMS:
            return mask_phone(self.address)
        return self.address
