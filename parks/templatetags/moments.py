"""`{{ moment|minute }}`: what `{{ moment|date:"Y-m-d H:i" }}` prints, without Django's format
parser (some 50 µs a call on the grievance page, a dozen calls and one per timeline entry).

Registered, as `date` is, to receive the moment already in the template's time zone
(expects_localtime: `{% localtime off %}` included), it writes that datetime's own fields as
dateformat's Y, m, d, H and i write them (parks.core.dates.minute_digits, as list rows do).
Anything else (None, a text, a date) goes to the `date` filter itself. tests/parks/test_moments.py
pins the two over time zones and values.
"""

from datetime import datetime

from django import template
from django.template.defaultfilters import date

from parks.core.dates import minute_digits

register = template.Library()

MINUTE = "Y-m-d H:i"


@register.filter(expects_localtime=True, is_safe=False)
def minute(value):
    if type(value) is not datetime:
        return date(value, MINUTE)
    return minute_digits(value)
