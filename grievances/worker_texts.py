"""Telling the worker: an SMS when their grievance is accepted, replied and closed, if they
left a phone and agreed (Grievance.sms_consent). Sent through parks.notices after the step
commits; a malformed number is recorded as a failed delivery for the office, never retried."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from grievances.choices import Action
from grievances.models import Grievance
from parks.notices import services as notices
from parks.notices.deliveries import absolute_url


def _texts() -> dict[str, str]:
    return {
        Action.ACCEPT: _("Your request %(code)s was accepted by %(unit)s, which now handles it."),
        Action.REPLY: _("Your request %(code)s has been answered by %(unit)s. Read the reply:"),
        Action.CLOSE: _("Your request %(code)s is closed. Thank you for telling us."),
    }


def tell_worker(grievance: Grievance, action: str) -> None:
    """Text the worker about this step, if they agreed and it is one they are told about."""
    if not (grievance.sms_consent and grievance.complainant_phone):
        return
    # Workers read Chinese, whatever language the staff member taking the step uses.
    with translation.override(settings.LANGUAGE_CODE):
        text = _texts().get(action)
        if text is None:
            return
        unit = grievance.handling_unit.name if grievance.handling_unit_id else _("the office")
        link = absolute_url(reverse("grievances:public_track", args=[grievance.tracking_code]))
        message = f"{text % {'code': grievance.tracking_code, 'unit': unit}} {link}"
        label = _("Worker, tracking code %(code)s") % {"code": grievance.tracking_code}
    notices.text_person(phone=grievance.complainant_phone, message=message, label=label)
