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
Supervision orders are seen by the office and by the staff of the unit they are issued to.
Inactive and anonymous users get no area and may change nothing.

Grid zones, facilities, activities, ledger rows, surveys and grievances are seen through their
park. This module stays inside the parks app (it imports no other app): rules about other apps'
rows are conditions over their field names, applied to the queryset the caller passes in.

The rules live in three modules, and this package re-exports every public name so callers keep
writing `access.scope_of(user)`:
- `scope`: the user's `Scope` and `Area`, the role groups and the questions about the user alone;
- `structure`: parks and their structure, people, and the grid log;
- `work`: reform tasks and plans, ledgers, progress reports and the dashboard, grievances and
  surveys, supervision orders, API tokens, and the navigation.
"""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import HttpRequest

from parks.access.scope import (
    AREA_STAFF,
    DISTRICT_READERS,
    FIELD_ROLES,
    NOWHERE,
    AnyUser,
    Area,
    HandledCase,
    Level,
    M,
    Scope,
    ScopeMiddleware,
    handles,
    is_district_office,
    is_handling_unit,
    office_staff_condition,
    parks_read_once,
    scope_key,
    scope_of,
    shared_scope,
    starts_in_grid_zones,
    works_in_grid_zones,
)
from parks.access.structure import (
    activities_visible_to,
    activity_edit_deadline,
    editable_activities,
    facilities_visible_to,
    grid_zones_user_can_log,
    grid_zones_visible_to,
    is_active_liaison,
    liaisons_of_park,
    liaisons_visible_to,
    loggers_visible_to,
    may_change_park_designation,
    may_create_parks,
    may_edit_activity,
    may_log_activity,
    may_look_after_zones_of,
    may_manage_park,
    may_manage_people,
    office_staff,
    organisations_visible_to,
    parks_managed_by,
    parks_user_can_log_park_wide,
    parks_visible_to,
    report_audience,
    subdistricts_visible_to,
    unit_staff,
    unit_staff_condition,
)
from parks.access.work import (
    Navigation,
    OwnedTask,
    assessment_schemes_visible,
    assessment_scores_visible,
    dashboard_area,
    grievances_visible,
    is_staff_of,
    ledger_parks_for,
    ledger_rows_visible,
    may_edit_time_limits,
    may_export_unmasked,
    may_issue_orders,
    may_log_grievances,
    may_manage_report_schedules,
    may_manage_tasks,
    may_manage_tokens_of_others,
    may_print_posters,
    may_read_audit_log,
    may_record_district_wide,
    may_record_ledgers,
    may_request_report,
    may_run_assessment,
    may_see_dashboard,
    may_see_deliveries,
    may_update_task,
    may_write_ledger,
    navigation,
    oversees_area,
    plans_visible,
    reports_visible,
    requestable_targets,
    sees_assessment,
    sees_supervision_orders,
    staff_of_unit,
    supervision_orders_visible,
    surveys_visible,
    task_updatable_condition,
    tasks_visible,
)


def for_request(
    rule: Callable[[Any], QuerySet[Any]],
) -> Callable[[HttpRequest | None], QuerySet[Any]]:
    """A filter field's queryset: the rows `rule` lets the request's user see.

    Offering only what the user sees means a filter never confirms that a hidden row exists; a
    form built without a request (the schema generator's) offers nothing.
    """

    def queryset(request: HttpRequest | None) -> QuerySet[Any]:
        return rule(request.user if request is not None else AnonymousUser())

    return queryset


__all__ = [
    "assessment_schemes_visible",
    "assessment_scores_visible",
    "may_run_assessment",
    "for_request",
    "AnyUser",
    "M",
    "DISTRICT_READERS",
    "AREA_STAFF",
    "FIELD_ROLES",
    "Level",
    "Area",
    "NOWHERE",
    "Scope",
    "ScopeMiddleware",
    "parks_read_once",
    "scope_key",
    "shared_scope",
    "scope_of",
    "HandledCase",
    "is_district_office",
    "is_handling_unit",
    "handles",
    "works_in_grid_zones",
    "starts_in_grid_zones",
    "parks_visible_to",
    "grid_zones_visible_to",
    "facilities_visible_to",
    "subdistricts_visible_to",
    "organisations_visible_to",
    "may_create_parks",
    "may_manage_park",
    "may_change_park_designation",
    "may_manage_people",
    "liaisons_visible_to",
    "liaisons_of_park",
    "is_active_liaison",
    "may_look_after_zones_of",
    "loggers_visible_to",
    "office_staff",
    "office_staff_condition",
    "unit_staff",
    "unit_staff_condition",
    "report_audience",
    "activities_visible_to",
    "grid_zones_user_can_log",
    "parks_managed_by",
    "parks_user_can_log_park_wide",
    "may_log_activity",
    "activity_edit_deadline",
    "editable_activities",
    "may_edit_activity",
    "tasks_visible",
    "plans_visible",
    "OwnedTask",
    "may_manage_tasks",
    "may_update_task",
    "task_updatable_condition",
    "ledger_rows_visible",
    "may_write_ledger",
    "ledger_parks_for",
    "may_record_ledgers",
    "may_record_district_wide",
    "reports_visible",
    "may_request_report",
    "requestable_targets",
    "may_manage_report_schedules",
    "dashboard_area",
    "oversees_area",
    "may_see_dashboard",
    "grievances_visible",
    "surveys_visible",
    "supervision_orders_visible",
    "sees_assessment",
    "sees_supervision_orders",
    "may_issue_orders",
    "is_staff_of",
    "staff_of_unit",
    "may_log_grievances",
    "may_edit_time_limits",
    "may_export_unmasked",
    "may_print_posters",
    "may_manage_tokens_of_others",
    "Navigation",
    "navigation",
    "may_read_audit_log",
    "may_see_deliveries",
]
