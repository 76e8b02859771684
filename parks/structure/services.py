"""Every write to parks, grid zones, facilities, people, API tokens and notifications goes through
here.

Each function checks the actor may do it, validates the whole row (model validation and
database constraints) and saves in one transaction, with its audit event (parks.history.audit). A
unique clash that slips past validation because two people saved at once comes back as a
ValidationError, never as a server error.
"""

from collections.abc import Iterable
from datetime import timedelta
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils.translation import gettext as _
from knox.models import AuthToken

from parks import access
from parks.access import (
    is_active_liaison,
    may_change_park_designation,
    may_create_parks,
    may_manage_park,
    may_manage_people,
)
from parks.history import audit
from parks.structure.models import Facility, GridZone, Park, User

M = TypeVar("M", bound=Model)


def _save_validated(
    instance: M,
    *,
    actor: User,
    exclude: list[str] | None = None,
    many: dict[str, Iterable[Model] | None] | None = None,
) -> M:
    """Validate, save and log the write; `many` sets many-to-many fields ({name: rows}, None
    leaving one as it is) in the same transaction, and logs their names before and after."""
    instance.full_clean(exclude=exclude)
    to_set = {name: rows for name, rows in (many or {}).items() if rows is not None}
    try:
        with transaction.atomic():
            before = audit.stored(instance)
            extra = {
                name: (
                    audit.names(getattr(before, name).all()) if before else [],
                    audit.names(rows),
                )
                for name, rows in to_set.items()
            }
            instance.save()
            for name, rows in to_set.items():
                getattr(instance, name).set(rows)
            audit.record_save(actor=actor, instance=instance, before=before, extra=extra)
    except IntegrityError as error:
        raise ValidationError(
            _("Someone else saved a conflicting record at the same time. Check and try again.")
        ) from error
    return instance


# Which parks are pilots, where they sit and what they are called is the office's decision;
# a park manager edits the rest of their park's page.
PARK_OFFICE_ONLY_FIELDS = ("name", "kind", "subdistrict", "pilot_status", "designation_year")


def park_save(*, park: Park, industries: Iterable[Model] | None = None, actor: User) -> Park:
    """Create or update a park. Only office staff create; park managers edit their own."""
    is_new = park.pk is None
    if (is_new and not may_create_parks(actor)) or (
        not is_new and not may_manage_park(actor, park)
    ):
        raise PermissionDenied
    if not is_new and not may_change_park_designation(actor):
        stored = Park.objects.get(pk=park.pk)
        changed = [
            name for name in PARK_OFFICE_ONLY_FIELDS if getattr(stored, name) != getattr(park, name)
        ]
        if changed:
            raise ValidationError(
                {name: _("Only the district reform office can change this.") for name in changed}
            )
    return _save_validated(park, actor=actor, many={"industries": industries})


def grid_zone_save(*, grid_zone: GridZone, actor: User) -> GridZone:
    if not may_manage_park(actor, grid_zone.park):
        raise PermissionDenied
    grid_zone.code = grid_zone.code.strip().upper()
    liaison = grid_zone.liaison
    if liaison is not None and not access.may_look_after_zones_of(liaison, grid_zone.park):
        raise ValidationError({"liaison": _("The liaison must be a grid liaison of this park.")})
    return _save_validated(grid_zone, actor=actor)


def facility_save(*, facility: Facility, actor: User) -> Facility:
    if not may_manage_park(actor, facility.park):
        raise PermissionDenied
    return _save_validated(facility, actor=actor)


def user_save(*, user: User, actor: User, password: str | None = None) -> User:
    """Create or update a person. Only office staff manage people; only superusers, superusers.

    A liaison who moves to another park or role must first hand their grid zones over, so that
    no zone keeps a liaison who may no longer work in it.
    """
    if not may_manage_people(actor):
        raise PermissionDenied
    if user.is_superuser and not actor.is_superuser:
        raise PermissionDenied
    if user.pk is not None:
        stranded = GridZone.objects.filter(liaison=user)
        # A liaison with no park may keep no zone: then every zone of theirs is stranded.
        if is_active_liaison(user) and user.park_id is not None:
            stranded = stranded.exclude(park_id=user.park_id)
        codes = [f"{zone.park} {zone.code}" for zone in stranded.select_related("park")]
        if codes:
            raise ValidationError(
                _(
                    "%(name)s is still the liaison of %(zones)s. "
                    "Give those zones another liaison first."
                )
                % {"name": user, "zones": "、".join(codes)}
            )
    if password:
        user.set_password(password)
    elif user.pk is None and not user.password:
        user.set_unusable_password()
    # Password validation happened in the form; the hash itself needs no field check.
    return _save_validated(user, actor=actor, exclude=["password"])


def api_token_create(*, owner: User, actor: User, days: int | None = None) -> tuple[AuthToken, str]:
    """Make an API token for `owner`. Returns (row, key); the key is shown once, stored hashed.

    Anyone may make tokens for themselves; office staff may make them for others.
    """
    if owner.pk != actor.pk and not may_manage_people(actor):
        raise PermissionDenied
    if not owner.is_active:
        raise ValidationError(_("Tokens cannot be made for an inactive account."))
    days = settings.API_TOKEN_DEFAULT_DAYS if days is None else days
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise ValidationError(
            _("A token lives between 1 and %(max)d days.") % {"max": settings.API_TOKEN_MAX_DAYS}
        )
    return AuthToken.objects.create(user=owner, expiry=timedelta(days=days))


def api_token_revoke(*, token: AuthToken, actor: User) -> None:
    if token.user_id != actor.pk and not may_manage_people(actor):
        raise PermissionDenied
    token.delete()


# --- The grid log -----------------------------------------------------------------------------
