"""Who a user is to the access policy: their `Scope` and the `Area` it reaches.

A user becomes a `Scope` once (`scope_of`): whether they are the district office, the `Area`
they work in (the whole district, one subdistrict, one park, or nothing) and the organisation
(handling unit) they belong to. This module also holds the role groups, the `AnyUser` type and
the questions about the user alone (`is_district_office`, `handles`, `works_in_grid_zones`…).
The package `parks.access` re-exports every name.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from django.db.models import Model, Q, QuerySet
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse

from parks.structure.choices import Role
from parks.structure.models import Park, Subdistrict, User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    AnyUser = User | AnonymousUser
else:
    AnyUser = Any

M = TypeVar("M", bound=Model)


# Roles that read the whole district unless they are given a park or a subdistrict.
DISTRICT_READERS = (Role.OBSERVER, Role.MEMBER_UNIT)
# Roles that work in the field: they log activities and grievances in their park's grid zones.
FIELD_ROLES = (Role.LIAISON, Role.PARK_MANAGER)


class Level(StrEnum):
    """How far an area reaches. The values are those of a report's or a plan's scope."""

    DISTRICT = "district"
    SUBDISTRICT = "subdistrict"
    PARK = "park"
    NONE = "none"


# The role whose holders are an area's own staff: a park's managers, a subdistrict's staff.
# They ask for its progress reports, hear that they are ready, are assessed with it and print
# its posters. The one place where a role is tied to the area it looks after.
AREA_STAFF = {Level.PARK: Role.PARK_MANAGER, Level.SUBDISTRICT: Role.SUBDISTRICT}


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

    def park_condition(self, field: str = "park") -> Q:
        """`field` (a foreign key to parks) points into the area, as plainly as SQL allows:
        `IS NOT NULL` for the whole district (every park is in it), `= id` for one park,
        `IN (ids)` for a subdistrict, and nothing at all for no area.

        Never a subquery over every park (`IN (SELECT id FROM parks_park)`): it cost a join on
        every list for the users who see everything. Use `narrow` for a whole queryset; this
        is for a scope rule that ORs the parks with other conditions.
        """
        if self.level == Level.DISTRICT:
            return Q(**{f"{field}__isnull": False})
        if self.level == Level.PARK and self.park_id is not None:
            return Q(**{field: self.park_id})
        if self.level == Level.SUBDISTRICT and self.subdistrict_id is not None:
            return Q(**{f"{field}__in": _parks_of_subdistrict(self.subdistrict_id)})
        return Q(**{f"{field}__in": []})

    def narrow(self, rows: QuerySet[M], field: str = "park") -> QuerySet[M]:
        """`rows` whose `field` lies in the area (park_condition); for the whole district and a
        field that cannot be empty, `rows` themselves: no condition at all."""
        if self.level == Level.DISTRICT and not rows.model._meta.get_field(field).null:
            return rows
        if not self.active:
            return rows.none()
        return rows.filter(self.park_condition(field))

    @property
    def active(self) -> bool:
        return self.level != Level.NONE

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


# --- A subdistrict's parks, read once per request -----------------------------------------------

# {subdistrict id: its park ids} for the request being served; None outside a request.
_parks_of_subdistricts: ContextVar[dict[int, list[int]] | None] = ContextVar(
    "parks_of_subdistricts", default=None
)


@contextmanager
def parks_read_once() -> Iterator[None]:
    """Within the block, a subdistrict's park ids are read from the database once.

    The memo lives as long as one request (ScopeMiddleware), not on the user or the Scope: a
    Scope is rebuilt at every call (see its docstring), and a memo hung on a user object would
    outlive the request in a test or a worker. Saving or deleting a park forgets it.
    """
    token = _parks_of_subdistricts.set({})
    try:
        yield
    finally:
        _parks_of_subdistricts.reset(token)


def _forget_parks(**kwargs: Any) -> None:
    memo = _parks_of_subdistricts.get()
    if memo is not None:
        memo.clear()


post_save.connect(_forget_parks, sender=Park, dispatch_uid="access_forget_parks_saved")
post_delete.connect(_forget_parks, sender=Park, dispatch_uid="access_forget_parks_deleted")


class ScopeMiddleware:
    """Serves each request inside parks_read_once."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with parks_read_once():
            return self.get_response(request)


def _parks_of_subdistrict(subdistrict_id: int) -> list[int] | QuerySet[Park, Any]:
    """The subdistrict's park ids: a literal list inside a request (one query, the first time),
    else the subquery that reads them (a worker or a shell, where nothing would reuse a list)."""
    parks = Park.objects.filter(subdistrict_id=subdistrict_id)
    memo = _parks_of_subdistricts.get()
    if memo is None:
        return parks.values("pk")
    if subdistrict_id not in memo:
        memo[subdistrict_id] = list(parks.order_by("pk").values_list("pk", flat=True))
    return memo[subdistrict_id]


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

    @property
    def field_park_id(self) -> int | None:
        """The park a liaison or a park manager works in (None for everyone else)."""
        return self.area.park_id if self.role in FIELD_ROLES else None

    @property
    def staffs_area(self) -> bool:
        """Whether the user is their area's own staff (AREA_STAFF): a park manager of their
        park, subdistrict staff of their subdistrict."""
        return self.role == AREA_STAFF.get(self.area.level)

    @property
    def managed_park_id(self) -> int | None:
        """The park a park manager runs (None for everyone else)."""
        return self.area.park_id if self.staffs_area else None

    @property
    def staffed_subdistrict_id(self) -> int | None:
        """The subdistrict subdistrict staff work for (None for everyone else)."""
        return self.area.subdistrict_id if self.staffs_area else None

    @property
    def oversees_area(self) -> bool:
        """The office and an area's own staff (staffs_area: subdistrict staff, park managers)
        look after an area: they ask for its progress reports and hear of its silent grid zones
        and new reports."""
        return self.office or self.staffs_area

    @property
    def is_liaison(self) -> bool:
        return self.role == Role.LIAISON

    def manages(self, park_id: int | None) -> bool:
        """Whether the user is the manager of park `park_id`."""
        return park_id is not None and self.managed_park_id == park_id


def is_office_person(user: User) -> bool:
    """The district office's people: office-role holders and superusers. The same rule as a
    condition on users is office_staff_condition, beside it."""
    return user.is_superuser or user.role == Role.OFFICE


def office_staff_condition() -> Q:
    """is_office_person as a condition on users (who may mediate, who hears of district
    reports, who may log anywhere)."""
    return Q(role=Role.OFFICE) | Q(is_superuser=True)


def scope_of(user: AnyUser) -> Scope:
    """The user's scope. Anonymous and inactive users reach nothing."""
    if not user.is_authenticated or not user.is_active:
        return Scope(user_id=None, role="", office=False, area=NOWHERE, organisation_id=None)
    office = is_office_person(user)
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


def shared_scope(scope: Scope) -> Scope:
    """`scope` as a key of what its rules answer: the district office's without its user's id.

    No rule of this package that answers a queryset or a condition reads the id of an office
    user: each answers the office before it looks at the id, or reads only whether there is one
    (an office user always has one: scope_of). The one exception is task_updatable_condition,
    which is for non-office users only and reads the id of whoever it is given: a query built
    with it must hold the user's id in its key itself. So the office's people, however many,
    share one key and one compiled query per page instead of one each (parks.core.prepared
    keeps a bounded number). Everyone else keeps their id: a liaison's zones and anyone's own
    tasks are read by it (grid_zones_user_can_log, task_updatable_condition).
    tests/parks/test_shared_scope.py calls every such rule for two office users of one key."""
    if scope.office:
        return replace(scope, user_id=None)
    return scope


def scope_key(user: AnyUser) -> Hashable:
    """Everything the rules of parks.access read to decide what `user` sees: the user's Scope
    (shared_scope: an office user's id left out) and, for a subdistrict, its parks as this
    request reads them (a subquery outside a request, whose text the Scope fixes). Users with
    equal keys get the same conditions from every rule, so a query compiled for one may serve
    the other (parks.core.prepared)."""
    scope = shared_scope(scope_of(user))
    if scope.area.level == Level.SUBDISTRICT and scope.area.subdistrict_id is not None:
        parks = _parks_of_subdistrict(scope.area.subdistrict_id)
        return scope, tuple(parks) if isinstance(parks, list) else None
    return scope


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
    return scope_of(user).field_park_id is not None


def starts_in_grid_zones(user: AnyUser) -> bool:
    """A liaison works in their grid zones, usually on a phone: the portal opens there."""
    return scope_of(user).is_liaison
