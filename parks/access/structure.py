"""Access to the parks app's own rows: parks and their structure, people, and the grid log.

Which parks, grid zones, facilities, subdistricts and organisations a user sees and may manage;
who may be chosen as liaison or logger, and who hears of reports; which activities a user sees,
may log and may still correct. The package `parks.access` re-exports every name.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from parks.access.scope import (
    AREA_STAFF,
    FIELD_ROLES,
    AnyUser,
    Level,
    is_district_office,
    office_staff_condition,
    scope_of,
)
from parks.gridlog.models import Activity
from parks.structure.choices import Role
from parks.structure.models import Facility, GridZone, Organisation, Park, Subdistrict, User

# --- Parks and their structure -----------------------------------------------------------------


def parks_visible_to(user: AnyUser) -> QuerySet[Park]:
    return scope_of(user).area.parks()


def grid_zones_visible_to(user: AnyUser) -> QuerySet[GridZone]:
    return scope_of(user).area.narrow(GridZone.objects.all())


def facilities_visible_to(user: AnyUser) -> QuerySet[Facility]:
    return scope_of(user).area.narrow(Facility.objects.all())


def subdistricts_visible_to(user: AnyUser) -> QuerySet[Subdistrict]:
    # Subdistricts are the district's public structure; every signed-in user may read them.
    if not scope_of(user).user_id:
        return Subdistrict.objects.none()
    return Subdistrict.objects.all()


def organisations_visible_to(user: AnyUser) -> QuerySet[Organisation]:
    """District-level bodies for everyone; park bodies only with their park."""
    scope = scope_of(user)
    if not scope.user_id:
        return Organisation.objects.none()
    if scope.office or scope.area.level == Level.DISTRICT:
        return Organisation.objects.all()
    return Organisation.objects.filter(Q(park__isnull=True) | scope.area.park_condition())


def may_create_parks(user: AnyUser) -> bool:
    return is_district_office(user)


def may_manage_park(user: AnyUser, park: Park) -> bool:
    """Office staff manage every park; a park manager manages their own park's zones and rooms
    (but not its name, subdistrict or designation: see may_change_park_designation)."""
    scope = scope_of(user)
    return scope.office or scope.manages(park.pk)


def may_change_park_designation(user: AnyUser) -> bool:
    """A park's name, subdistrict, pilot status, designation year and kind are the office's."""
    return is_district_office(user)


# --- People -------------------------------------------------------------------------------------


def may_manage_people(user: AnyUser) -> bool:
    """The office's people page: accounts, roles, scopes and everyone's API tokens."""
    return is_district_office(user)


def liaisons_visible_to(user: AnyUser) -> QuerySet[User]:
    """Liaisons of the parks the user sees: the people a zone's liaison may be chosen from."""
    return scope_of(user).area.narrow(User.objects.filter(role=Role.LIAISON))


def liaisons_of_park(park: Park) -> QuerySet[User]:
    """People who may be made liaison of a grid zone in this park."""
    return User.objects.filter(park=park, role=Role.LIAISON, is_active=True)


def is_active_liaison(person: User) -> bool:
    """Whether `person` may look after grid zones (those of their own park)."""
    return person.role == Role.LIAISON and person.is_active


def may_look_after_zones_of(person: User, park: Park) -> bool:
    """Whether `person` may be made liaison of a grid zone of `park`: one of its active grid
    liaisons, as liaisons_of_park offers them."""
    return is_active_liaison(person) and person.park_id == park.pk


def loggers_visible_to(user: AnyUser) -> QuerySet[User]:
    """People who may log entries in the parks the user sees: liaisons and park managers there,
    and the office."""
    return User.objects.filter(
        Q(scope_of(user).area.park_condition(), role__in=FIELD_ROLES) | office_staff_condition()
    )


def office_staff() -> QuerySet[User]:
    """Active district office people: who hears of new and escalated grievances."""
    return User.objects.filter(office_staff_condition(), is_active=True)


def unit_staff_condition(organisation_id: int | None) -> Q:
    """The staff of a unit, as a condition on users: the people whose organisation it is, the
    same rule as is_handling_unit asks of one user (any role; an organisation holds no one
    else). No unit, no one."""
    if organisation_id is None:
        return Q(pk__in=[])
    return Q(organisation_id=organisation_id)


def unit_staff(organisation_id: int | None) -> QuerySet[User]:
    """Active staff of a unit: who hears that a grievance or a task was handed to it."""
    return User.objects.filter(unit_staff_condition(organisation_id), is_active=True)


def report_audience(scope: str, *, subdistrict_id: int | None, park_id: int | None) -> Q:
    """Who hears that a scheduled report is ready: the office (superusers included) for the
    district, the subdistrict's staff, or the park's managers."""
    if scope == Level.PARK:
        return Q(role=AREA_STAFF[Level.PARK], park_id=park_id)
    if scope == Level.SUBDISTRICT:
        return Q(role=AREA_STAFF[Level.SUBDISTRICT], subdistrict_id=subdistrict_id)
    return office_staff_condition()


# --- The grid log -------------------------------------------------------------------------------


def activities_visible_to(user: AnyUser) -> QuerySet[Activity]:
    return scope_of(user).area.narrow(Activity.objects.all())


def grid_zones_user_can_log(user: AnyUser) -> QuerySet[GridZone]:
    """Zones the user may log activities in: a liaison their own zones, a park manager every
    zone of their park, office staff every zone."""
    scope = scope_of(user)
    zones = GridZone.objects.all()
    if scope.office:
        return zones
    park_id = scope.area.park_id
    if park_id is None:
        return zones.none()
    if scope.managed_park_id is not None:
        return zones.filter(park_id=scope.managed_park_id)
    if scope.is_liaison:
        return zones.filter(liaison_id=scope.user_id, park_id=park_id)
    return zones.none()


def parks_managed_by(user: AnyUser) -> QuerySet[Park]:
    """The parks a user runs: every park for the office, their own for a park manager."""
    scope = scope_of(user)
    if scope.office:
        return Park.objects.all()
    if scope.managed_park_id is not None:
        return Park.objects.filter(pk=scope.managed_park_id)
    return Park.objects.none()


def parks_user_can_log_park_wide(user: AnyUser) -> QuerySet[Park]:
    """Parks where the user may log an activity for the whole park rather than one zone."""
    return parks_managed_by(user)


def may_log_activity(user: AnyUser, *, park: Park, grid_zone: GridZone | None = None) -> bool:
    if grid_zone is not None:
        return (
            grid_zone.park_id == park.pk
            and grid_zones_user_can_log(user).filter(pk=grid_zone.pk).exists()
        )
    return parks_user_can_log_park_wide(user).filter(pk=park.pk).exists()


def activity_edit_deadline(activity: Activity) -> datetime:
    """Until when a liaison may correct their own entry."""
    return activity.created_at + timedelta(hours=settings.ACTIVITY_EDIT_HOURS)


def editable_activities(
    user: AnyUser, activities: Iterable[Activity]
) -> dict[int, datetime | None]:
    """{pk: deadline} of the entries the user may still correct (None: no deadline applies).

    Office staff and the park's manager correct any entry; a liaison their own entry, in their
    own zone, within ACTIVITY_EDIT_HOURS of saving it. One query at most, whatever the count.
    """
    scope = scope_of(user)
    if scope.office:
        return {a.pk: None for a in activities}
    if scope.managed_park_id is not None:
        return {a.pk: None for a in activities if a.park_id == scope.managed_park_id}
    if not scope.is_liaison:
        return {}
    zone_ids = set(grid_zones_user_can_log(user).values_list("pk", flat=True))
    now = timezone.now()
    editable: dict[int, datetime | None] = {}
    for activity in activities:
        deadline = activity_edit_deadline(activity)
        if (
            activity.logged_by_id == scope.user_id
            and now <= deadline
            and activity.grid_zone_id in zone_ids
        ):
            editable[activity.pk] = deadline
    return editable


def may_edit_activity(user: AnyUser, activity: Activity) -> bool:
    return activity.pk in editable_activities(user, [activity])
