"""Every write to the grid log (activities and their photos) goes through here.

Each function checks the actor may do it, validates the whole row (model validation and
database constraints) and saves in one transaction, with its audit event (parks.history.audit). A
unique clash that slips past validation because two people saved at once comes back as a
ValidationError, never as a server error.
"""

import copy
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parks.access import (
    grid_zones_user_can_log,
    may_edit_activity,
    may_log_activity,
    parks_user_can_log_park_wide,
)
from parks.core.files import FilesWritten, files_undone_on_error
from parks.gridlog.models import Activity, ActivityPhoto
from parks.gridlog.photos import ProcessedPhoto, process_photo
from parks.history import audit
from parks.structure.models import GridZone, Park, User

# Phones' clocks drift; an entry "a few minutes from now" is a clock, not a plan.
ACTIVITY_CLOCK_SKEW = timedelta(minutes=10)

ACTIVITY_FIELDS = (
    "grid_zone",
    "kind",
    "occurred_at",
    "place",
    "title",
    "description",
    "participants",
    "organisers",
)

# Whether the actor may log in (park, grid zone); grid zone None is park-wide.
MayLog = Callable[[Park, GridZone | None], bool]


def _check_activity(activity: Activity, actor: User, *, may_log: MayLog | None = None) -> None:
    """Check an entry as its actor would save it; raise PermissionDenied or ValidationError.

    `may_log(park, grid_zone)` answers whether the actor may log there. A batch passes one that
    reads sets loaded once, and skips the checks that cost a query per entry: the zone and park
    exist (the actor may log there), the client id is new (looked up for the whole batch; the
    unique index has the last word) and the constraints (Activity.clean checks their bounds).
    """
    if activity.grid_zone is not None:
        # A zone decides its park; a client cannot pair a zone with another park.
        if activity.park_id is not None and activity.park_id != activity.grid_zone.park_id:
            raise ValidationError({"grid_zone": _("This grid zone is not in the chosen park.")})
        activity.park = activity.grid_zone.park
    if activity.park_id is None:
        raise ValidationError({"park": _("Choose the park or one of its grid zones.")})
    if may_log is None:
        allowed = may_log_activity(actor, park=activity.park, grid_zone=activity.grid_zone)
    else:
        allowed = may_log(activity.park, activity.grid_zone)
    if not allowed:
        raise PermissionDenied
    errors: dict[str, list[ValidationError]] = {}
    if isinstance(activity.occurred_at, datetime) and timezone.is_naive(activity.occurred_at):
        activity.occurred_at = timezone.make_aware(activity.occurred_at)
    if (
        isinstance(activity.occurred_at, datetime)
        and activity.occurred_at > timezone.now() + ACTIVITY_CLOCK_SKEW
    ):
        # A list, as update_error_dict below extends it with the model's own errors.
        errors["occurred_at"] = [
            ValidationError(
                _("An activity is logged once it has happened, not ahead."), code="future"
            )
        ]
    try:
        if may_log is None:
            activity.full_clean(exclude=["logged_by"])
        else:
            activity.full_clean(
                exclude=["logged_by", "park", "grid_zone"],
                validate_unique=False,
                validate_constraints=False,
            )
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _add_photos(activity: Activity, photos: Iterable[ProcessedPhoto], files: FilesWritten) -> None:
    for photo in photos:
        row = ActivityPhoto(
            activity=activity,
            width=photo.width,
            height=photo.height,
            original_name=photo.original_name,
        )
        files.save(row.image, "photo.jpg", ContentFile(photo.image))
        files.save(row.thumbnail, "thumb.jpg", ContentFile(photo.thumbnail))
        row.save()


def process_photos(uploads: Sequence[UploadedFile], *, already: int = 0) -> list[ProcessedPhoto]:
    """Check and re-encode every upload before anything is saved; one bad photo refuses all."""
    if already + len(uploads) > settings.ACTIVITY_PHOTOS_PER_ENTRY:
        raise ValidationError(
            {
                "photos": ValidationError(
                    _("At most %(n)d photos an entry.") % {"n": settings.ACTIVITY_PHOTOS_PER_ENTRY},
                    code="too_many_photos",
                )
            }
        )
    processed: list[ProcessedPhoto] = []
    errors: list[ValidationError] = []
    for upload in uploads:
        try:
            processed.append(process_photo(upload))
        except ValidationError as error:
            errors.extend(error.error_list)  # each keeps its code (not_a_photo, too_big…)
    if errors:
        raise ValidationError({"photos": errors})
    return processed


def activity_create(
    *, activity: Activity, actor: User, photos: Sequence[UploadedFile] = ()
) -> tuple[Activity, bool]:
    """Log an activity with its photos. Returns (activity, created).

    An entry whose client_id was already logged by the same person is that entry: a phone
    resending after the network dropped, or a REST client retrying, makes no duplicate.
    """
    if activity.client_id is not None:
        existing = Activity.objects.filter(client_id=activity.client_id).first()
        if existing is not None:
            if existing.logged_by_id != actor.pk:
                raise ValidationError({"client_id": _("This client id is already in use.")})
            return existing, False
    activity.logged_by = actor
    _check_activity(activity, actor)
    processed = process_photos(photos)
    try:
        with transaction.atomic(), files_undone_on_error() as files:
            activity.save()
            _add_photos(activity, processed, files)
            audit.record_save(
                actor=actor,
                instance=activity,
                before=None,
                extra={"photos": ([], [photo.original_name for photo in processed])},
            )
    except IntegrityError as error:
        # Two sends of the same entry raced: the other one won; that one is this entry.
        existing = None
        if activity.client_id is not None:
            existing = Activity.objects.filter(client_id=activity.client_id).first()
        if existing is not None and existing.logged_by_id == actor.pk:
            return existing, False
        if existing is not None:
            raise ValidationError({"client_id": _("This client id is already in use.")}) from error
        raise ValidationError(
            _("Someone else saved a conflicting record at the same time. Check and try again.")
        ) from error
    return activity, True


def activity_update(
    *,
    activity: Activity,
    actor: User,
    fields: dict[str, Any],
    photos: Sequence[UploadedFile] = (),
    remove_photos: Iterable[ActivityPhoto] = (),
) -> Activity:
    """Correct an entry: only the fields given change, so two people editing lose nothing."""
    with transaction.atomic(), files_undone_on_error() as files:
        # Judged on the stored entry: a form bound to `activity` has already changed it.
        activity = Activity.objects.select_for_update().get(pk=activity.pk)
        if not may_edit_activity(actor, activity):
            raise PermissionDenied
        unknown = sorted(set(fields) - set(ACTIVITY_FIELDS))
        if unknown:
            raise ValidationError(
                _("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(unknown)}
            )
        before = copy.copy(activity)
        for name, value in fields.items():
            setattr(activity, name, value)
        if "grid_zone" in fields and activity.grid_zone is not None:
            # The park follows the new zone; moving there needs the right to log there too.
            activity.park = activity.grid_zone.park
        _check_activity(activity, actor)
        remove_ids = [photo.pk for photo in remove_photos]
        photos_before = list(activity.photos.only("pk", "original_name"))
        kept = [photo.original_name for photo in photos_before if photo.pk not in remove_ids]
        processed = process_photos(photos, already=len(kept))
        activity.save(update_fields=[*fields, "park", "updated_at"])
        for photo in activity.photos.filter(pk__in=remove_ids):
            _delete_photo_files(photo)
            photo.delete()
        _add_photos(activity, processed, files)
        photo_names = (
            [photo.original_name for photo in photos_before],
            [*kept, *(photo.original_name for photo in processed)],
        )
        audit.record_save(
            actor=actor, instance=activity, before=before, extra={"photos": photo_names}
        )
    return activity


def _delete_photo_files(photo: ActivityPhoto) -> None:
    # Files go after the row is gone for good; a rolled-back delete keeps its files.
    image, thumbnail = photo.image.name, photo.thumbnail.name
    storage = photo.image.storage

    def remove() -> None:
        for name in (image, thumbnail):
            if name:  # a file never written has no name to delete
                storage.delete(name)

    # robust: the rows are committed already; a file that cannot be deleted must not turn the
    # committed write into an error (the orphan is only wasted space).
    transaction.on_commit(remove, robust=True)


def activity_delete(*, activity: Activity, actor: User) -> None:
    with transaction.atomic():
        stored = Activity.objects.select_for_update().filter(pk=activity.pk).first()
        if stored is None:
            return  # deleted meanwhile (a second click); nothing is left to do
        if not may_edit_activity(actor, stored):
            raise PermissionDenied
        activity = stored
        photos = list(activity.photos.all())
        audit.record_delete(
            actor=actor,
            instance=activity,
            extra={"photos": ([], [photo.original_name for photo in photos])},
        )
        for photo in photos:
            _delete_photo_files(photo)
        activity.delete()


class BulkValidationError(ValidationError):
    """A bulk write refused as a whole; `item_errors` maps an item's index to its errors."""

    def __init__(self, item_errors: dict[int, dict[str, list[str]]]) -> None:
        super().__init__(
            _("No activity was saved: %(n)d items have errors.") % {"n": len(item_errors)}
        )
        self.item_errors = item_errors


def activities_bulk_create(
    *, activities: list[Activity], actor: User
) -> list[tuple[Activity, bool]]:
    """Log many activities (another system's export) all or none.

    Every item is checked first; if any fails, nothing is saved and each failing item's errors
    are reported by its index. Items whose client_id this person already logged are returned as
    they are (created False), so a client may resend a whole batch after a failure.
    """
    if len(activities) > settings.ACTIVITY_BULK_MAX:
        raise ValidationError(
            _("At most %(n)d activities in one request.") % {"n": settings.ACTIVITY_BULK_MAX}
        )
    item_errors: dict[int, dict[str, list[str]]] = {}
    to_save: list[Activity] = []
    first_index: dict[UUID, int] = {}
    for index, activity in enumerate(activities):
        if activity.client_id is None:
            continue
        if activity.client_id in first_index:
            item_errors[index] = {
                "client_id": [
                    _("The same client id as item %(index)d of this batch.")
                    % {"index": first_index[activity.client_id]}
                ]
            }
        else:
            first_index[activity.client_id] = index
    existing = {a.client_id: a for a in Activity.objects.filter(client_id__in=list(first_index))}
    # Where the actor may log, loaded once for the whole batch rather than asked per entry.
    zone_ids = {a.grid_zone.pk for a in activities if a.grid_zone is not None}
    park_ids = {a.park_id for a in activities if a.grid_zone is None and a.park_id is not None}
    loggable_zones = set(
        grid_zones_user_can_log(actor).filter(pk__in=zone_ids).values_list("pk", flat=True)
    )
    loggable_parks = set(
        parks_user_can_log_park_wide(actor).filter(pk__in=park_ids).values_list("pk", flat=True)
    )

    def may_log(park: Park, grid_zone: GridZone | None) -> bool:
        if grid_zone is not None:
            return grid_zone.pk in loggable_zones and grid_zone.park_id == park.pk
        return park.pk in loggable_parks

    for index, activity in enumerate(activities):
        if index in item_errors:
            continue
        known = existing.get(activity.client_id)
        if known is not None:
            if known.logged_by_id != actor.pk:
                item_errors[index] = {"client_id": [_("This client id is already in use.")]}
            continue
        activity.logged_by = actor
        try:
            _check_activity(activity, actor, may_log=may_log)
        except PermissionDenied:
            field = "grid_zone" if activity.grid_zone is not None else "park"
            item_errors[index] = {
                field: [_("You may not log activities in this park or grid zone.")]
            }
        except ValidationError as error:
            item_errors[index] = (
                error.message_dict
                if hasattr(error, "error_dict")
                else {"non_field_errors": error.messages}
            )
        else:
            to_save.append(activity)
    if item_errors:
        raise BulkValidationError(dict(sorted(item_errors.items())))
    try:
        with transaction.atomic():
            Activity.objects.bulk_create(to_save)
            audit.record_bulk_create(actor=actor, instances=to_save)
    except IntegrityError as error:
        raise ValidationError(
            _("Someone else saved a conflicting record at the same time. Check and try again.")
        ) from error
    results: list[tuple[Activity, bool]] = []
    for activity in activities:
        known = existing.get(activity.client_id)
        results.append((known, False) if known is not None else (activity, True))
    return results
