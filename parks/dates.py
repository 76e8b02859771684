"""The range of dates the portal accepts from people and clients.

Every date a person types stays within these bounds, so a typo (0026, 9999) is refused with a clear
message instead of stretching a chart's axis or overflowing a deadline computed from it.
"""

from datetime import date

from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

PORTAL_DATE_MIN = date(2000, 1, 1)
PORTAL_DATE_MAX = date(2100, 12, 31)
PORTAL_DATE_MESSAGE = _("Dates run from 2000-01-01 to 2100-12-31.")
PORTAL_DATE_VALIDATORS = [
    MinValueValidator(PORTAL_DATE_MIN, message=PORTAL_DATE_MESSAGE),
    MaxValueValidator(PORTAL_DATE_MAX, message=PORTAL_DATE_MESSAGE),
]
