"""Access to the work done in the parks: reform tasks and plans, ledgers, progress reports and
the dashboard, worker grievances and surveys, supervision orders, API tokens, and the navigation.

Rules about other apps' rows are conditions over their field names, applied to the queryset the
caller passes in (this package imports no other app). The package `parks.access` re-exports
every name.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import reduce
from typing import Any, Protocol

from django.db.models import Q, QuerySet

from parks.access.scope import (
    DISTRICT_READERS,
    NOWHERE,
    AnyUser,
    Area,
    Level,
    M,
    Scope,
    is_district_office,
    scope_of,
    starts_in_grid_zones,
    works_in_grid_zones,
)
from parks.access.structure import may_manage_people, parks_managed_by
from parks.structure.models import Park, Subdistrict, User

# --- Reform tasks and plans ----------------------------------------------------------------------


def tasks_visible(user: AnyUser, tasks: QuerySet[M]) -> QuerySet[M]:
    """Narrow reform tasks to the user's: office staff see every task. Others see the tasks of
    the parks they see, the tasks their unit leads or supports, and the district- or
    subdistrict-wide tasks (no park) of their area."""
    scope = scope_of(user)
    if not scope.user_id:
        return tasks.none()
    if scope.office or scope.area.level == Level.DISTRICT:
        # A district-wide reader sees every park's tasks and every task without a park.
        return tasks
    visible = scope.area.park_condition()
    if scope.organisation_id:
        supported = tasks.model._default_manager.filter(
            supporting_units=scope.organisation_id
        ).values("pk")
        visible |= Q(lead_unit_id=scope.organisation_id) | Q(pk__in=supported)
    if scope.area.level == Level.SUBDISTRICT:
        visible |= Q(park__isnull=True, plan__subdistrict_id=scope.area.subdistrict_id)
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
        | scope.area.park_condition()
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
    """may_update_task for a non-office user, as a condition on tasks (for lists). It reads
    the user's id, whoever they are: a query built with it and compiled once keys on the id
    (scope_key holds it for everyone but the office, shared_scope)."""
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
    if scope.area.level == Level.DISTRICT:
        return rows
    return rows.filter(scope.area.park_condition() | Q(park__isnull=True))


def may_write_ledger(user: AnyUser, park: Park | None) -> bool:
    """Office staff keep every ledger; a park manager their own park's. District-wide
    publicity (park None) is the office's."""
    scope = scope_of(user)
    return scope.office or scope.manages(park.pk if park else None)


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
    if not access.oversees_area:
        return False
    return access.office or access.area.contains_target(scope, subdistrict=subdistrict, park=park)


def requestable_targets(
    user: AnyUser,
) -> tuple[list[Level], QuerySet[Subdistrict], QuerySet[Park]]:
    """What a user may ask reports for, for forms: (scopes, subdistricts, parks). The same rule
    as may_request_report, which checks one request."""
    access = scope_of(user)
    area = access.area if access.oversees_area else NOWHERE
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


def oversees_area(user: AnyUser) -> bool:
    """The office, subdistrict staff and park managers look after an area: their workbench
    shows its grid zones that logged nothing this week and its reports just built."""
    return scope_of(user).oversees_area


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
    if scope.area.level == Level.DISTRICT:
        # Every grievance has a park, and every park is in the district.
        return scope.area.narrow(grievances)
    visible = scope.area.park_condition()
    if scope.organisation_id:
        visible |= Q(handling_unit_id=scope.organisation_id)
    return grievances.filter(visible)


def surveys_visible(user: AnyUser, surveys: QuerySet[M]) -> QuerySet[M]:
    return scope_of(user).area.narrow(surveys)


def may_log_grievances(user: AnyUser, park: Park) -> bool:
    """The office logs anywhere; liaisons and park managers log in their own park."""
    scope = scope_of(user)
    if scope.office:
        return True
    return scope.field_park_id == park.pk


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
    return scope.staffs_area


# --- Supervision orders (督办单) ---------------------------------------------------------------


def supervision_orders_visible(user: AnyUser, orders: QuerySet[M]) -> QuerySet[M]:
    """Office staff see every order; a unit's staff see the orders issued to their unit; nobody
    else sees any (an order is between the office and one unit)."""
    scope = scope_of(user)
    if scope.office:
        return orders
    if not scope.user_id or not scope.organisation_id:
        return orders.none()
    return orders.filter(unit_id=scope.organisation_id)


def sees_supervision_orders(user: AnyUser, *, unit_id: int | None = None) -> bool:
    """Whether orders can show for `user` at all (supervision_orders_visible): the office, and
    a unit's staff — with `unit_id`, that unit's own staff only. Pages hide their orders panel
    from everyone else rather than show an empty one."""
    scope = scope_of(user)
    if scope.office:
        return True
    if not scope.user_id or scope.organisation_id is None:
        return False
    return unit_id is None or scope.organisation_id == unit_id


def may_issue_orders(user: AnyUser) -> bool:
    """Issuing, urging, closing and sending back supervision orders is the district office's."""
    return is_district_office(user)


def is_staff_of(user: AnyUser, unit_id: int | None) -> bool:
    """The user belongs to the organisation `unit_id` (they answer for its orders)."""
    organisation_id = scope_of(user).organisation_id
    return organisation_id is not None and organisation_id == unit_id


def staff_of_unit(unit_id: int) -> QuerySet[User]:
    """The active people of an organisation: who hears what the office asks of it."""
    return User.objects.filter(organisation_id=unit_id, is_active=True)


# --- Assessment (考核) ---------------------------------------------------------------------------


def _assessed_as(scope: Scope) -> Q | None:
    """The scores that assess the user's own unit, park or subdistrict (and its parks), or None
    when the user is assessed as nobody: one condition for the scores and for the menu."""
    own = []
    if scope.organisation_id:
        own.append(Q(unit_id=scope.organisation_id))
    if scope.managed_park_id:
        own.append(Q(park_id=scope.managed_park_id))
    if scope.staffed_subdistrict_id:
        own.append(Q(subdistrict_id=scope.staffed_subdistrict_id) | scope.area.park_condition())
    return reduce(operator.or_, own) if own else None


def assessment_scores_visible(user: AnyUser, scores: QuerySet[M]) -> QuerySet[M]:
    """Office staff see every score, published or not. The assessed see their own published
    scores only: a unit's staff their unit's, a park manager their park's, subdistrict staff
    their subdistrict's and those of its parks. Nobody else sees any (a score is between the
    office and the one it assesses)."""
    scope = scope_of(user)
    if scope.office:
        return scores
    own = _assessed_as(scope) if scope.user_id else None
    if own is None:
        return scores.none()
    return scores.filter(own, published_at__isnull=False)


def assessment_schemes_visible(
    user: AnyUser, schemes: QuerySet[M], scores: QuerySet
) -> QuerySet[M]:
    """Office staff see every scheme, drafts too. The assessed see the schemes of the scores
    assessment_scores_visible shows them (`scores`: every score): the rules beside the score
    they explain, and nothing the office is still writing."""
    if scope_of(user).office:
        return schemes
    return schemes.filter(pk__in=assessment_scores_visible(user, scores).values("scheme_id"))


def sees_assessment(user: AnyUser) -> bool:
    """Whether the assessment shows for `user` at all (the navigation, the API): the office and
    those assessment_scores_visible may show a score to. Others get no menu entry, not an empty
    page."""
    scope = scope_of(user)
    return scope.office or (bool(scope.user_id) and _assessed_as(scope) is not None)


def may_run_assessment(user: AnyUser) -> bool:
    """Writing schemes, computing, adjusting and publishing scores is the district office's."""
    return is_district_office(user)


# --- API tokens --------------------------------------------------------------------------------


def may_manage_tokens_of_others(user: AnyUser) -> bool:
    """The office makes and revokes API tokens for anyone; others only their own."""
    return may_manage_people(user)


# --- The navigation -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Navigation:
    """What the menu shows, as booleans the templates read (`access.can_see_dashboard`)."""

    can_log_in_grid_zones: bool
    lands_in_grid_zones: bool
    can_see_dashboard: bool
    has_own_tasks: bool
    can_log_for_any_zone: bool
    can_manage_people: bool
    can_manage_report_schedules: bool
    can_see_admin: bool
    can_read_audit_log: bool
    can_see_assessment: bool


def navigation(user: AnyUser) -> Navigation:
    office = is_district_office(user)
    return Navigation(
        can_log_in_grid_zones=works_in_grid_zones(user),
        lands_in_grid_zones=starts_in_grid_zones(user),
        can_see_dashboard=may_see_dashboard(user),
        has_own_tasks=not office,
        can_log_for_any_zone=office,
        can_manage_people=may_manage_people(user),
        can_manage_report_schedules=may_manage_report_schedules(user),
        can_see_admin=bool(scope_of(user).user_id and user.is_staff),
        can_read_audit_log=may_read_audit_log(user),
        can_see_assessment=sees_assessment(user),
    )


def may_read_audit_log(user: AnyUser) -> bool:
    """Who changed what, everywhere: the district office's."""
    return is_district_office(user)


def may_see_deliveries(user: AnyUser) -> bool:
    """Every notice's deliveries by e-mail, WeCom and SMS, their failures and the retry
    button: the district office's."""
    return is_district_office(user)
