"""Every write to parks, grid zones, facilities, people and API tokens goes through here.

Each function checks the actor may do it, validates the whole row (model validation and
database constraints) and saves in one transaction. A unique clash that slips past validation
because two people saved at once comes back as a ValidationError, never as a server error.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.models import AuthToken

from .choices import Role
from .models import Facility, GridZone, Notification, Park, User
from .selectors import user_can_create_parks, user_can_manage_park, user_can_manage_people


def _save_validated(instance, *, exclude=None):
    instance.full_clean(exclude=exclude)
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        raise ValidationError(
            _("Someone else saved a conflicting record at the same time. Check and try again.")
        ) from error
    return instance


# Which parks are pilots, where they sit and what they are called is the office's decision;
# a park manager edits the rest of their park's page.
PARK_OFFICE_ONLY_FIELDS = ("name", "kind", "subdistrict", "pilot_status", "designation_year")


def park_save(*, park: Park, industries=None, actor: User) -> Park:
    """Create or update a park. Only office staff create; park managers edit their own."""
    is_new = park.pk is None
    if (is_new and not user_can_create_parks(actor)) or (
        not is_new and not user_can_manage_park(actor, park)
    ):
        raise PermissionDenied
    if not is_new and not actor.is_office:
        stored = Park.objects.get(pk=park.pk)
        changed = [
            name for name in PARK_OFFICE_ONLY_FIELDS if getattr(stored, name) != getattr(park, name)
        ]
        if changed:
            raise ValidationError(
                {name: _("Only the district reform office can change this.") for name in changed}
            )
    with transaction.atomic():
        _save_validated(park)
        if industries is not None:
            park.industries.set(industries)
    return park


def grid_zone_save(*, grid_zone: GridZone, actor: User) -> GridZone:
    if not user_can_manage_park(actor, grid_zone.park):
        raise PermissionDenied
    grid_zone.code = grid_zone.code.strip().upper()
    return _save_validated(grid_zone)


def facility_save(*, facility: Facility, actor: User) -> Facility:
    if not user_can_manage_park(actor, facility.park):
        raise PermissionDenied
    return _save_validated(facility)


def user_save(*, user: User, actor: User, password: str | None = None) -> User:
    """Create or update a person. Only office staff manage people; only superusers, superusers.

    A liaison who moves to another park or role must first hand their grid zones over, so that
    no zone keeps a liaison who may no longer work in it.
    """
    if not user_can_manage_people(actor):
        raise PermissionDenied
    if user.is_superuser and not actor.is_superuser:
        raise PermissionDenied
    if user.pk is not None:
        stranded = GridZone.objects.filter(liaison=user)
        if user.role == Role.LIAISON and user.is_active:
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
    return _save_validated(user, exclude=["password"])


def api_token_create(*, owner: User, actor: User, days: int | None = None):
    """Make an API token for `owner`. Returns (row, key); the key is shown once, stored hashed.

    Anyone may make tokens for themselves; office staff may make them for others.
    """
    if owner.pk != actor.pk and not user_can_manage_people(actor):
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
    if token.user_id != actor.pk and not user_can_manage_people(actor):
        raise PermissionDenied
    token.delete()


def notify(*, recipient: User, title: str, body: str = "", url: str = "") -> Notification:
    """Put a message in the person's notification list and e-mail it once the data commits."""
    notification = Notification.objects.create(recipient=recipient, title=title, body=body, url=url)
    if recipient.email:
        transaction.on_commit(
            lambda: send_mail(
                subject=title,
                message=f"{body}\n\n{url}".strip(),
                from_email=None,
                recipient_list=[recipient.email],
                fail_silently=True,  # the in-app notification stands even if mail is down
            )
        )
    return notification


def notifications_mark_read(*, recipient: User, ids=None) -> int:
    unread = Notification.objects.filter(recipient=recipient, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
