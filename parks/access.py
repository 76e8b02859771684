"""Who may see and change what: the portal's one access policy.

A user becomes a `Scope` once (`scope_of`): whether they are the district office, the `Area`
they work in (the whole district, one subdistrict, one park, or nothing) and the organisation
(handling unit) they belong to. Every page, API view, permission class, report, task and the
navigation asks the functions below; no other module looks at `user.role`.

The areas, by role:
- district office staff (and superusers): the whole district, and they change everything;
- subdistrict staff: their subdistrict's parks;
- park managers, liaisons and instructors: their park (a liaison logs in their own zones);
- observers and member-unit staff: the park or subdistrict they are given, or the whole district
  when given neither. Member-unit staff also see the tasks and grievances of their unit.
Inactive and anonymous users get no area and may change nothing.

Grid zones, facilities, activities, ledger rows, surveys and grievances are seen through their
park. This module stays inside the parks app (it imports no other app): rules about other apps'
rows are conditions over their field names, applied to the queryset the caller passes in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from django.conf import settings
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from .choices import Role
from .models import Activity, Facility, GridZone, Organisation, Park, Subdistrict, User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    AnyUser = User | AnonymousUser
else:
    AnyUser = Any

M = TypeVar("M", bound=Model)

# Roles that read the whole district unless they are given a park or a subdistrict.
DISTRICT_READERS = (Role.OBSERVER, Role.MEMBER_UNIT)
# Roles that ask for progress reports of their own area (the office asks for any).
REPORT_REQUESTERS = (Role.SUBDISTRICT, Role.PARK_MANAGER)
# Roles that work in the field: they log activities and grievances in their park's grid zones.
FIELD_ROLES = (Role.LIAISON, Role.PARK_MANAGER)


class Level(StrEnum):
    """How far an area reaches. The values are those of a report's or a plan's scope."""

    DISTRICT = "district"
    SUBDISTRICT = "subdistrict"
    PARK = "park"
    NONE = "none"


@dataclass(frozen=True)
class Area:
    """A part of the district: all of it, one subdistrict, one park, or nothing."""

    level: Level
    subdistrict_id: int | None = None
    park_id: int | None = None

    @classmethod
    def of_target(cls, scope: str, *, subdistrict_id: int | None, park_id: int | None) -> Area:
        """The area a report (or a dashboard) of `scope` covers."""
        if scope == Level.PARK:
            return cls(Level.PARK, park_id=park_id)
        if scope == Level.SUBDISTRICT:
            return cls(Level.SUBDISTRICT, subdistrict_id=subdistrict_id)
        return cls(Level.DISTRICT)

    def parks(self) -> QuerySet[Park]:
        parks = Park.objects.all()
        if self.level == Level.DISTRICT:
            return parks
        if self.level == Level.SUBDISTRICT and self.subdistrict_id is not None:
            return parks.filter(subdistrict_id=self.subdistrict_id)
        if self.level == Level.PARK and self.park_id is not None:
            return parks.filter(pk=self.park_id)
        return parks.none()

    def covers(self, park: Park) -> bool:
        """Whether `park` lies in the area (no query: read from the park row)."""
        if self.level == Level.DISTRICT:
            return True
        if self.level == Level.SUBDISTRICT:
            return park.subdistrict_id == self.subdistrict_id
        return self.level == Level.PARK and park.pk == self.park_id

    def contains_target(
        self, scope: str, *, subdistrict: Subdistrict | None, park: Park | None
    ) -> bool:
        """Whether a report of `scope` over `subdistrict` or `park` lies inside the area."""
        if self.level == Level.DISTRICT:
            return True
        if scope == Level.PARK:
            return park is not None and self.covers(park)
        return (
            scope == Level.SUBDISTRICT
            and self.level == Level.SUBDISTRICT
            and subdistrict is not None
            and subdistrict.pk == self.subdistrict_id
        )


NOWHERE = Area(Level.NONE)


@dataclass(frozen=True)
class Scope:
    """What a user's access is made of; built from the user row alone, without a query.

    It is not cached on the user: building it costs a few attribute reads, and a cached copy
    would go stale when a form or a test changes the user object it hangs on.
    """

    user_id: int | None
    role: str
    office: bool
    area: Area
    organisation_id: int | None

    @property
    def active(self) -> bool:
        return self.area.level != Level.NONE


def scope_of(user: AnyUser) -> Scope:
    """The user's scope. Anonymous and inactive users reach nothing."""
    if not user.is_authenticated or not user.is_active:
        return Scope(user_id=None, role="", office=False, area=NOWHERE, organisation_id=None)
    office = user.is_superuser or user.role == Role.OFFICE
    if office:
        area = Area(Level.DISTRICT)
    elif user.park_id:
        area = Area(Level.PARK, park_id=user.park_id)
    elif user.subdistrict_id:
        area = Area(Level.SUBDISTRICT, subdistrict_id=user.subdistrict_id)
    elif user.role in DISTRICT_READERS:
        area = Area(Level.DISTRICT)
    else:
        area = NOWHERE
    return Scope(
        user_id=user.pk,
        role=user.role,
        office=office,
        area=area,
        organisation_id=user.organisation_id,
    )


# --- Who the user is, for the policy modules ---------------------------------------------------


class HandledCase(Protocol):
    """A row assigned to a handling unit (a grievance)."""

    @property
    def handling_unit_id(self) -> int | None: ...


def is_district_office(user: AnyUser) -> bool:
    """District reform office staff (and superusers): they see and change everything.

    The policy modules call this for every "the office may…" step (deciding extensions,
    reopening, editing time limits, managing tasks)."""
    return scope_of(user).office


def is_handling_unit(user: AnyUser, case: HandledCase) -> bool:
    """The user belongs to the organisation the case is assigned to."""
    org = scope_of(user).organisation_id
    return org is not None and org == case.handling_unit_id


def handles(user: AnyUser, case: HandledCase) -> bool:
    """The office, and staff of the unit a case is assigned to, take the handling unit's steps
    (and may ask to see the complainant's personal data)."""
    return is_district_office(user) or is_handling_unit(user, case)


def works_in_grid_zones(user: AnyUser) -> bool:
    """Liaisons and park managers log in their grid zones: their grid-log pages lead back to
    the zone cards rather than to the feed."""
    return scope_of(user).role in FIELD_ROLES


def starts_in_grid_zones(user: AnyUser) -> bool:
    """A liaison works in their grid zones, usually on a phone: the portal opens there."""
    return scope_of(user).role == Role.LIAISON


def _manages_park(scope: Scope, park_id: int | None) -> bool:
    return park_id is not None and scope.role == Role.PARK_MANAGER and scope.area.park_id == park_id


# --- Parks and their structure -----------------------------------------------------------------


def parks_visible_to(user: AnyUser) -> QuerySet[Park]:
    return scope_of(user).area.parks()


def grid_zones_visible_to(user: AnyUser) -> QuerySet[GridZone]:
    return GridZone.objects.filter(park__in=parks_visible_to(user))


def facilities_visible_to(user: AnyUser) -> QuerySet[Facility]:
    return Facility.objects.filter(park__in=parks_visible_to(user))


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
    if scope.office:
        return Organisation.objects.all()
    return Organisation.objects.filter(Q(park__isnull=True) | Q(park__in=scope.area.parks()))


def may_create_parks(user: AnyUser) -> bool:
    return is_district_office(user)


def may_manage_park(user: AnyUser, park: Park) -> bool:
    """Office staff manage every park; a park manager manages their own park's zones and rooms
    (but not its name, subdistrict or designation: see may_change_park_designation)."""
    scope = scope_of(user)
    return scope.office or _manages_park(scope, park.pk)


def may_change_park_designation(user: AnyUser) -> bool:
    """A park's name, subdistrict, pilot status, designation year and kind are the office's."""
    return is_district_office(user)


# --- People -------------------------------------------------------------------------------------


def may_manage_people(user: AnyUser) -> bool:
    """The office's people page: accounts, roles, scopes and everyone's API tokens."""
    return is_district_office(user)


def liaisons_visible_to(user: AnyUser) -> QuerySet[User]:
    """Liaisons of the parks the user sees: the people a zone's liaison may be chosen from."""
    return User.objects.filter(role=Role.LIAISON, park__in=parks_visible_to(user))


def liaisons_of_park(park: Park) -> QuerySet[User]:
    """People who may be made liaison of a grid zone in this park."""
    return User.objects.filter(park=park, role=Role.LIAISON, is_active=True)


def is_active_liaison(person: User) -> bool:
    """Whether `person` may look after grid zones (those of their own park)."""
    return person.role == Role.LIAISON and person.is_active


def loggers_visible_to(user: AnyUser) -> QuerySet[User]:
    """People who may log entries in the parks the user sees: liaisons and park managers there,
    and the office."""
    return User.objects.filter(
        Q(park__in=parks_visible_to(user), role__in=FIELD_ROLES) | Q(role=Role.OFFICE)
    )


def office_staff() -> QuerySet[User]:
    """Active holders of the office role: who hears of new and escalated grievances and may
    mediate anywhere."""
    return User.objects.filter(role=Role.OFFICE, is_active=True)


def office_staff_condition() -> Q:
    """Office-role holders, as a condition on people (for "who may mediate")."""
    return Q(role=Role.OFFICE)


def report_audience(scope: str, *, subdistrict_id: int | None, park_id: int | None) -> Q:
    """Who hears that a scheduled report is ready: the office (superusers included) for the
    district, the subdistrict's staff, or the park's managers."""
    if scope == Level.PARK:
        return Q(role=Role.PARK_MANAGER, park_id=park_id)
    if scope == Level.SUBDISTRICT:
        return Q(role=Role.SUBDISTRICT, subdistrict_id=subdistrict_id)
    return Q(role=Role.OFFICE) | Q(is_superuser=True)


# --- The grid log -------------------------------------------------------------------------------


def activities_visible_to(user: AnyUser) -> QuerySet[Activity]:
    return Activity.objects.filter(park__in=parks_visible_to(user))


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
    if scope.role == Role.PARK_MANAGER:
        return zones.filter(park_id=park_id)
    if scope.role == Role.LIAISON:
        return zones.filter(liaison_id=scope.user_id, park_id=park_id)
    return zones.none()


def parks_managed_by(user: AnyUser) -> QuerySet[Park]:
    """The parks a user runs: every park for the office, their own for a park manager."""
    scope = scope_of(user)
    if scope.office:
        return Park.objects.all()
    if scope.role == Role.PARK_MANAGER and scope.area.park_id is not None:
        return Park.objects.filter(pk=scope.area.park_id)
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
    if scope.role == Role.PARK_MANAGER:
        return {a.pk: None for a in activities if a.park_id == scope.area.park_id}
    if scope.role != Role.LIAISON:
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


# --- Reform tasks and plans ----------------------------------------------------------------------


def tasks_visible(user: AnyUser, tasks: QuerySet[M]) -> QuerySet[M]:
    """Narrow reform tasks to the user's: office staff see every task. Others see the tasks of
    the parks they see, the tasks their unit leads or supports, and the district- or
    subdistrict-wide tasks (no park) of their area."""
    scope = scope_of(user)
    if not scope.user_id:
        return tasks.none()
    if scope.office:
        return tasks
    visible = Q(park__in=scope.area.parks())
    if scope.organisation_id:
        supported = tasks.model._default_manager.filter(
            supporting_units=scope.organisation_id
        ).values("pk")
        visible |= Q(lead_unit_id=scope.organisation_id) | Q(pk__in=supported)
    if scope.area.level == Level.SUBDISTRICT:
        visible |= Q(park__isnull=True, plan__subdistrict_id=scope.area.subdistrict_id)
    if scope.area.level == Level.DISTRICT:
        visible |= Q(park__isnull=True)
    return tasks.filter(visible)


def plans_visible(
    user: AnyUser, plans: QuerySet[M], *, visible_tasks: QuerySet[Any]
) -> QuerySet[M]:
    """District plans, plans of visible parks and of the user's subdistrict, and plans holding
    a task the user sees (`visible_tasks`, from tasks_visible)."""
    scope = scope_of(user)
    if not scope.user_id:
        return plans.none()
    if scope.office:
        return plans
    own_subdistrict = Q(pk__in=[])
    if scope.area.level == Level.SUBDISTRICT:
        own_subdistrict = Q(subdistrict_id=scope.area.subdistrict_id)
    return plans.filter(
        Q(scope=Level.DISTRICT)
        | Q(park__in=scope.area.parks())
        | own_subdistrict
        | Q(pk__in=visible_tasks.values("plan_id"))
    )


class OwnedTask(Protocol):
    @property
    def owner_id(self) -> int | None: ...

    @property
    def lead_unit_id(self) -> int | None: ...


def may_manage_tasks(user: AnyUser) -> bool:
    """Creating, editing, importing and reopening tasks is the district office's work."""
    return is_district_office(user)


def may_update_task(user: AnyUser, task: OwnedTask) -> bool:
    """Office staff, the task's owner, and staff of its lead unit report progress on it."""
    scope = scope_of(user)
    if scope.office:
        return True
    if not scope.user_id:
        return False
    return task.owner_id == scope.user_id or (
        scope.organisation_id is not None and scope.organisation_id == task.lead_unit_id
    )


def task_updatable_condition(user: AnyUser) -> Q:
    """may_update_task for a non-office user, as a condition on tasks (for lists)."""
    scope = scope_of(user)
    condition = Q(owner_id=scope.user_id)
    if scope.organisation_id:
        condition |= Q(lead_unit_id=scope.organisation_id)
    return condition


# --- Ledgers ------------------------------------------------------------------------------------


def ledger_rows_visible(user: AnyUser, rows: QuerySet[M]) -> QuerySet[M]:
    """A ledger's rows in the user's scope. District-wide rows (no park: publicity the office
    published) are read by every signed-in user."""
    scope = scope_of(user)
    if not scope.user_id:
        return rows.none()
    return rows.filter(Q(park__in=scope.area.parks()) | Q(park__isnull=True))


def may_write_ledger(user: AnyUser, park: Park | None) -> bool:
    """Office staff keep every ledger; a park manager their own park's. District-wide
    publicity (park None) is the office's."""
    scope = scope_of(user)
    return scope.office or _manages_park(scope, park.pk if park else None)


def ledger_parks_for(user: AnyUser) -> QuerySet[Park]:
    """Parks a user may record ledger rows for, for form choices."""
    return parks_managed_by(user)


def may_record_ledgers(user: AnyUser) -> bool:
    """Office staff record in every ledger, a park manager in their park's; nobody else."""
    return is_district_office(user) or ledger_parks_for(user).exists()


def may_record_district_wide(user: AnyUser) -> bool:
    """District-wide rows (publicity with no park) are the district office's own."""
    return is_district_office(user)


# --- Progress reports and the dashboard -----------------------------------------------------------


def reports_visible(user: AnyUser, reports: QuerySet[M]) -> QuerySet[M]:
    """Reports a user may read: those whose scope lies in their area (office staff: all), and
    the district's reports for observers and member units wherever they are placed."""
    scope = scope_of(user)
    area = scope.area
    if area.level == Level.NONE:
        return reports.none()
    if area.level == Level.DISTRICT:
        return reports
    park_reports = Q(scope=Level.PARK)
    if area.level == Level.PARK:
        visible = Q(park_reports, park_id=area.park_id)
    else:
        visible = Q(scope=Level.SUBDISTRICT, subdistrict_id=area.subdistrict_id) | Q(
            park_reports, park__subdistrict_id=area.subdistrict_id
        )
    if scope.role in DISTRICT_READERS:
        visible |= Q(scope=Level.DISTRICT)
    return reports.filter(visible)


def may_request_report(
    user: AnyUser, *, scope: str, subdistrict: Subdistrict | None = None, park: Park | None = None
) -> bool:
    """Office staff ask for any report; subdistrict staff for their subdistrict and its parks;
    a park manager for their park."""
    access = scope_of(user)
    if access.office:
        return True
    if access.role not in REPORT_REQUESTERS:
        return False
    return access.area.contains_target(scope, subdistrict=subdistrict, park=park)


def requestable_targets(
    user: AnyUser,
) -> tuple[list[Level], QuerySet[Subdistrict], QuerySet[Park]]:
    """What a user may ask reports for, for forms: (scopes, subdistricts, parks). The same rule
    as may_request_report, which checks one request."""
    access = scope_of(user)
    area = access.area
    if not access.office and access.role not in REPORT_REQUESTERS:
        area = NOWHERE
    if area.level == Level.DISTRICT:
        levels = [Level.DISTRICT, Level.SUBDISTRICT, Level.PARK]
        return levels, Subdistrict.objects.all(), area.parks()
    if area.level == Level.SUBDISTRICT:
        subdistricts = Subdistrict.objects.filter(pk=area.subdistrict_id or 0)  # 0: no row
        return [Level.SUBDISTRICT, Level.PARK], subdistricts, area.parks()
    if area.level == Level.PARK:
        return [Level.PARK], Subdistrict.objects.none(), area.parks()
    return [], Subdistrict.objects.none(), Park.objects.none()


def may_manage_report_schedules(user: AnyUser) -> bool:
    """When scheduled reports are built is the district office's decision."""
    return is_district_office(user)


def dashboard_area(user: AnyUser) -> Area:
    """The area a user's dashboard counts: their own (a park's people get their park's)."""
    return scope_of(user).area


def may_see_dashboard(user: AnyUser) -> bool:
    return dashboard_area(user).level != Level.NONE


# --- Worker grievances ---------------------------------------------------------------------------


def grievances_visible(user: AnyUser, grievances: QuerySet[M]) -> QuerySet[M]:
    """Office staff see all; others the grievances of parks they see or assigned to their unit."""
    scope = scope_of(user)
    if not scope.user_id:
        return grievances.none()
    if scope.office:
        return grievances
    visible = Q(park__in=scope.area.parks())
    if scope.organisation_id:
        visible |= Q(handling_unit_id=scope.organisation_id)
    return grievances.filter(visible)


def surveys_visible(user: AnyUser, surveys: QuerySet[M]) -> QuerySet[M]:
    return surveys.filter(park__in=parks_visible_to(user))


def may_log_grievances(user: AnyUser, park: Park) -> bool:
    """The office logs anywhere; liaisons and park managers log in their own park."""
    scope = scope_of(user)
    if scope.office:
        return True
    return scope.role in FIELD_ROLES and scope.area.park_id == park.pk


def may_edit_time_limits(user: AnyUser) -> bool:
    """Grievance time-limit policies are the district office's."""
    return is_district_office(user)


def may_export_unmasked(user: AnyUser) -> bool:
    """Who may ask for an export with personal data: the office and staff of a handling unit
    (the export then unmasks only the cases each may see in the clear)."""
    scope = scope_of(user)
    return scope.office or scope.organisation_id is not None


def may_print_posters(user: AnyUser, park: Park) -> bool:
    """Office staff, the park's own staff, and its subdistrict's staff print its QR codes."""
    scope = scope_of(user)
    if not scope.area.covers(park):
        return False
    if scope.office or scope.area.park_id == park.pk:
        return True
    return scope.role == Role.SUBDISTRICT


# --- API tokens --------------------------------------------------------------------------------


def may_manage_tokens_of_others(user: AnyUser) -> bool:
    """The office makes and revokes API tokens for anyone; others only their own."""
    return may_manage_people(user)


# --- The navigation -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Navigation:
    """What the menu shows, as booleans the templates read (`access.can_see_dashboard`)."""

    can_log_in_grid_zones: bool
    can_see_dashboard: bool
    has_own_tasks: bool
    can_log_for_any_zone: bool
    can_manage_people: bool
    can_manage_report_schedules: bool
    can_see_admin: bool
    can_read_audit_log: bool


def navigation(user: AnyUser) -> Navigation:
    office = is_district_office(user)
    return Navigation(
        can_log_in_grid_zones=works_in_grid_zones(user),
        can_see_dashboard=may_see_dashboard(user),
        has_own_tasks=not office,
        can_log_for_any_zone=office,
        can_manage_people=may_manage_people(user),
        can_manage_report_schedules=may_manage_report_schedules(user),
        can_see_admin=bool(scope_of(user).user_id and user.is_staff),
        can_read_audit_log=may_read_audit_log(user),
    )


def may_read_audit_log(user: AnyUser) -> bool:
    """Who changed what, everywhere: the district office's."""
    return is_district_office(user)
