"""Django's models module for the parks app: it registers the models of the app's domains.

Code imports a model from its domain (parks.structure.models, parks.gridlog.models,
parks.history.models, parks.notices.models), never from here; Django and the migrations need
this module.
"""

from parks.core.tallies import Tally
from parks.exports.models import Export
from parks.gridlog.models import Activity, ActivityDayRollup, ActivityPhoto, ActivityRollup
from parks.history.models import AuditEvent
from parks.notices.models import Delivery, NoticePreference, NoticeProfile, Notification
from parks.structure.models import (
    Facility,
    GridZone,
    Industry,
    Organisation,
    Park,
    Subdistrict,
    User,
)

__all__ = [
    "Activity",
    "ActivityDayRollup",
    "ActivityPhoto",
    "ActivityRollup",
    "AuditEvent",
    "Export",
    "Delivery",
    "Facility",
    "GridZone",
    "Industry",
    "NoticePreference",
    "NoticeProfile",
    "Notification",
    "Organisation",
    "Park",
    "Subdistrict",
    "Tally",
    "User",
]
