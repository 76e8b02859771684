from rest_framework.permissions import SAFE_METHODS, BasePermission

from ..selectors import user_can_manage_park, user_can_manage_people


class ParkWritePermission(BasePermission):
    """Reading follows the scope selector; writing a park's rows needs the right to manage it."""

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS or view.action != "create":
            return True
        return view.can_create(request)

    def has_object_permission(self, request, view, obj):
        if request.method in SAFE_METHODS:
            return True
        return user_can_manage_park(request.user, view.park_of(obj))


class OfficeWritePermission(BasePermission):
    """District-wide reference data: everyone in scope reads, office staff write."""

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or user_can_manage_people(request.user)
