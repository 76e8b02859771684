"""Parks, their grid zones and facilities, the organisations and people, and the grid log."""

from .activity import Activity, ActivityPhoto
from .audit import AuditEvent
from .structure import (
    FIRST_DESIGNATION_YEAR,
    LAST_DESIGNATION_YEAR,
    ConstraintErrorsOnFieldsMixin,
    Facility,
    GridZone,
    Industry,
    Notification,
    Organisation,
    Park,
    Subdistrict,
    User,
)

__all__ = [
    "FIRST_DESIGNATION_YEAR",
    "LAST_DESIGNATION_YEAR",
    "Activity",
    "ActivityPhoto",
    "AuditEvent",
    "ConstraintErrorsOnFieldsMixin",
    "Facility",
    "GridZone",
    "Industry",
    "Notification",
    "Organisation",
    "Park",
    "Subdistrict",
    "User",
]
