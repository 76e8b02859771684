"""The liaison's grid work log: what happened in a grid zone (or park-wide), with photos."""

import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parks.core.choice_display import ChoiceDisplayMixin
from parks.core.dates import PORTAL_DATE_MAX, PORTAL_DATE_MIN
from parks.core.row_urls import pk_url
from parks.gridlog.choices import ActivityKind
from parks.structure.models import ConstraintErrorsOnFieldsMixin, GridZone, Park

# The portal's date range as instants: its first and last days as the portal's time zone counts
# them (2000-01-01 00:00 in Wuxi is 1999-12-31 16:00 UTC), fixed so the database can check them.
PORTAL_ZONE = ZoneInfo(settings.TIME_ZONE)
OCCURRED_MIN = datetime.combine(PORTAL_DATE_MIN, time.min, tzinfo=PORTAL_ZONE)
OCCURRED_END = datetime.combine(PORTAL_DATE_MAX + timedelta(days=1), time.min, tzinfo=PORTAL_ZONE)
MAX_PARTICIPANTS = 100_000
PARTICIPANTS_MESSAGE = _("Participants must be between 0 and 100,000.")
OCCURRED_MESSAGE = _("Dates run from 2000-01-01 to 2100-12-31.")


# The route of an activity's page (get_absolute_url; the panels address rows read as columns).
ACTIVITY_ROUTE = "parks:activity_detail"


class Activity(ChoiceDisplayMixin, ConstraintErrorsOnFieldsMixin, models.Model):
    """One entry of the grid log (网格工作日志): a visit, lecture, care activity, forum…"""

    park = models.ForeignKey(
        Park, on_delete=models.PROTECT, related_name="activities", verbose_name=_("park")
    )
    # Empty for a park-wide activity.
    grid_zone = models.ForeignKey(
        GridZone,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("grid zone"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    occurred_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    participants = models.PositiveIntegerField(
        _("participants"), default=0, help_text=_("How many people took part.")
    )
    organisers = models.CharField(_("organisers"), max_length=200, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="activities_logged",
        verbose_name=_("logged by"),
    )
    # Made by the phone's draft or by a REST client: sending the same entry twice (a retry after
    # the network dropped) finds the first one instead of logging a duplicate.
    client_id = models.UUIDField(_("client id"), null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    constraint_fields = {"participants_range": "participants", "occurred_range": "occurred_at"}
    # A TextField's max_length binds forms only; clean() holds every writer to it.
    description_validator = MaxLengthValidator(5000)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            # The feed of one park (a park's people, ?park=), newest first with the pk as
            # tie-break (ORDER BY occurred_at DESC, id DESC LIMIT … OFFSET …: read in index
            # order, no sort); report counts per park and period.
            models.Index(fields=["park", "-occurred_at", "-id"], name="activity_park_time"),
            # Coverage: activities per grid zone per week; a zone's feed (?grid_zone=).
            models.Index(fields=["grid_zone", "occurred_at"], name="activity_zone_time"),
            # The whole-district feed (/activities/, /api/v1/activities/) in its order,
            # occurred_at DESC, id DESC, and period counts (occurred_at ranges).
            models.Index(fields=["-occurred_at", "-id"], name="activity_time"),
            # "My recent entries" on the liaison's phone.
            models.Index(fields=["logged_by", "-created_at"], name="activity_logged_by"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(participants__lte=MAX_PARTICIPANTS),
                name="activity_participants_range",
                violation_error_code="participants_range",
                violation_error_message=PARTICIPANTS_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(occurred_at__gte=OCCURRED_MIN, occurred_at__lt=OCCURRED_END),
                name="activity_occurred_range",
                violation_error_code="occurred_range",
                violation_error_message=OCCURRED_MESSAGE,
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return pk_url(ACTIVITY_ROUTE, self.pk)

    def clean(self):
        # The constraints' bounds, checked in Python too: validating a constraint costs a query,
        # and a bulk batch of 500 entries is checked without one per entry. The database
        # constraints stay the last word.
        errors = {}
        if isinstance(self.participants, int) and self.participants > MAX_PARTICIPANTS:
            errors["participants"] = ValidationError(
                PARTICIPANTS_MESSAGE, code="participants_range"
            )
        if (
            isinstance(self.occurred_at, datetime)
            and timezone.is_aware(self.occurred_at)
            and not OCCURRED_MIN <= self.occurred_at < OCCURRED_END
        ):
            errors["occurred_at"] = ValidationError(OCCURRED_MESSAGE, code="occurred_range")
        if isinstance(self.description, str):
            try:
                self.description_validator(self.description)
            except ValidationError as error:
                errors["description"] = error
        if errors:
            raise ValidationError(errors)


# The local time zone of ActivityRollup's months: the portal's (settings.TIME_ZONE). Readers
# use the rollup only while the portal's zone is this one.
ROLLUP_TIME_ZONE = "Asia/Shanghai"


class ActivityRollup(models.Model):
    """Grid-log entries per park, grid zone, local month and kind, kept by PostgreSQL triggers
    (ACTIVITY_ROLLUP): the dashboard's monthly trends and coverage read it, not the raw log."""

    park = models.ForeignKey(
        Park, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    # Empty for park-wide entries.
    grid_zone = models.ForeignKey(
        GridZone, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    # The first day of the month, as the portal's time zone counts months (ROLLUP_TIME_ZONE).
    month = models.DateField()
    kind = models.CharField(max_length=20, choices=ActivityKind.choices)
    # How many entries; 0 once all of them are deleted or moved away.
    n = models.BigIntegerField(default=0)
    participants = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            # The triggers' upsert target.
            models.UniqueConstraint(
                fields=["park", "grid_zone", "month", "kind"],
                name="activity_rollup_key",
                nulls_distinct=False,
            )
        ]
        indexes = [
            # The dashboard's twelve months: entries per month (activities_per_month) and
            # covered zones per month (zones_covered_per_month, n > 0), read from the index
            # alone and in month order (`n` included): no heap pages, no sort before grouping
            # (the covered zones took 14 ms reading the table and sorting 18,000 rows, 8 ms so).
            models.Index(
                fields=["month", "grid_zone"], include=["n"], name="activity_rollup_month"
            ),
        ]

    def __str__(self):
        return f"{self.park_id}/{self.grid_zone_id} {self.month:%Y-%m} {self.kind}: {self.n}"


class ActivityDayRollup(models.Model):
    """Grid-log entries per park, grid zone and local day, kept by PostgreSQL triggers
    (ACTIVITY_DAY_ROLLUP): the coverage heat map's weekly counts read it, not the raw log."""

    park = models.ForeignKey(
        Park, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    # Empty for park-wide entries.
    grid_zone = models.ForeignKey(
        GridZone, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    # The day as the portal's time zone counts days (ROLLUP_TIME_ZONE).
    day = models.DateField()
    # How many entries; 0 once all of them are deleted or moved away.
    n = models.BigIntegerField(default=0)
    participants = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            # The triggers' upsert target.
            models.UniqueConstraint(
                fields=["park", "grid_zone", "day"],
                name="activity_day_rollup_key",
                nulls_distinct=False,
            )
        ]
        indexes = [
            # Coverage: entries per grid zone per week over the weeks shown.
            models.Index(fields=["day", "grid_zone"], name="activity_day_rollup_day"),
        ]

    def __str__(self):
        return f"{self.park_id}/{self.grid_zone_id} {self.day}: {self.n}"


# Names are made here, never taken from the phone: they carry no personal detail.
def activity_photo_path(photo, filename):
    return f"activity-photos/full/{photo.activity_id}/{uuid.uuid4().hex}.jpg"


def activity_thumb_path(photo, filename):
    return f"activity-photos/thumb/{photo.activity_id}/{uuid.uuid4().hex}.jpg"


class ActivityPhoto(models.Model):
    """A photo of an activity, re-encoded on the server; served only to who may see the entry."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="photos", verbose_name=_("activity")
    )
    image = models.FileField(_("image"), upload_to=activity_photo_path, max_length=200)
    thumbnail = models.FileField(_("thumbnail"), upload_to=activity_thumb_path, max_length=200)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    original_name = models.CharField(_("original name"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("activity photo")
        verbose_name_plural = _("activity photos")
        ordering = ["activity_id", "pk"]

    def __str__(self):
        return self.original_name or f"photo {self.pk}"

    @property
    def download_name(self) -> str:
        """The name a saved copy gets, from the page or the API: stored photos are JPEGs, and
        the phone's own file name stays out (it may carry personal detail)."""
        return f"activity-{self.activity_id}-{self.pk}.jpg"
