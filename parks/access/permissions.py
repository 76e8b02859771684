"""The API's permission classes: one family, every answer from parks.access.

Reading follows the scope querysets (a row outside the scope is a 404 before it is a 403);
these classes decide writes.
"""

from typing import Any

from django.utils.translation import gettext_lazy
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from parks import access


class ParkWritePermission(BasePermission):
    """Reading follows the scope selector; writing a park's rows needs the right to manage it."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS or view.action != "create":
            return True
        return view.can_create(request)

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return access.may_manage_park(request.user, view.park_of(obj))


class OfficeWritePermission(BasePermission):
    """District-wide reference data: everyone in scope reads, office staff write."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return request.method in SAFE_METHODS or access.is_district_office(request.user)


class OfficeEditsPermission(BasePermission):
    """Everyone reads their scope; creating and editing rows is the district office's work.

    Edits are checked per object, so a row outside the scope is a 404 before it is a 403.
    Workflow actions are not CRUD writes: their service decides who may take them.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        if view.action == "create":
            return access.is_district_office(request.user)
        return True

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        if request.method in SAFE_METHODS or view.action not in ("update", "partial_update"):
            return True
        return access.is_district_office(request.user)


class LedgerWritePermission(BasePermission):
    """Everyone reads their scope; office staff and a park's manager write that park's rows.

    Checked per object, so a row outside the scope is a 404 before it is a 403. The park a new
    row names is checked by the service.
    """

    message = gettext_lazy(
        "Only the district reform office and the park's manager keep the park's ledgers."
    )

    def has_permission(self, request: Request, view: Any) -> bool:
        if view.action != "create":
            return True
        return access.may_record_ledgers(request.user)

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return access.may_write_ledger(request.user, obj.park)
