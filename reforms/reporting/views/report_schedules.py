"""When the scheduled progress reports are produced: office staff see the four schedules (week,
month, quarter, year) with their last and next runs, and change or switch off each one.

The schedules are django-celery-beat rows; reforms.reporting.schedules.report_schedule_update
writes them, and beat (DatabaseScheduler) picks the change up without a restart.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parks import access
from parks.core.forms import BootstrapFormMixin
from parks.core.view_helpers import save_form
from reforms.reporting import schedules as report_schedules_service
from reforms.reporting.choices import PeriodKind


class ScheduleForm(BootstrapFormMixin, forms.Form):
    """One schedule: on or off, the time of day, and the weekday or the day of the month."""

    enabled = forms.BooleanField(label=gettext_lazy("Produce these reports"), required=False)
    hour = forms.IntegerField(label=gettext_lazy("Hour"), min_value=0, max_value=23)
    minute = forms.IntegerField(label=gettext_lazy("Minute"), min_value=0, max_value=59)
    day = forms.TypedChoiceField(label=gettext_lazy("Weekday"), coerce=int)

    def __init__(self, *args, period_kind, **kwargs):
        super().__init__(*args, **kwargs)
        if period_kind == PeriodKind.WEEK:
            self.fields["day"].choices = [(number + 1, name) for number, name in WEEKDAYS.items()]
        else:
            self.fields["day"] = forms.IntegerField(
                label=gettext_lazy("Day of the month"),
                min_value=1,
                max_value=report_schedules_service.SCHEDULE_LAST_DAY,
                help_text=gettext_lazy("1 to 28: later days are missing from some months."),
                widget=forms.NumberInput(attrs={"class": "form-control"}),
            )


def _titles():
    return {
        PeriodKind.WEEK: _("Weekly reports"),
        PeriodKind.MONTH: _("Monthly reports"),
        PeriodKind.QUARTER: _("Quarterly reports"),
        PeriodKind.YEAR: _("Yearly reports"),
    }


def _form(schedule, data=None):
    initial = {
        "enabled": schedule.enabled,
        "hour": schedule.hour,
        "minute": schedule.minute,
        "day": schedule.day,
    }
    return ScheduleForm(
        data,
        initial=initial,
        period_kind=schedule.period_kind,
        prefix=schedule.period_kind,
    )


@login_required
def report_schedules(request):
    if not access.may_manage_report_schedules(request.user):
        raise PermissionDenied
    schedules = report_schedules_service.report_schedules(now=timezone.now())
    forms_by_kind = {schedule.period_kind: _form(schedule) for schedule in schedules}
    if request.method == "POST":
        kind = request.POST.get("period_kind", "")
        schedule = next((s for s in schedules if s.period_kind == kind), None)
        if schedule is None:
            return HttpResponseBadRequest(_("Unknown schedule."))
        form = forms_by_kind[kind] = _form(schedule, request.POST)
        if form.is_valid() and save_form(
            form,
            lambda: report_schedules_service.report_schedule_update(
                actor=request.user, period_kind=kind, **form.cleaned_data
            ),
        ):
            messages.success(
                request,
                _("%(schedule)s: saved. The scheduler follows the change by itself.")
                % {"schedule": _titles()[kind]},
            )
            return redirect("reforms:report_schedules")
    titles = _titles()
    rows = [
        {
            "schedule": schedule,
            "title": titles[schedule.period_kind],
            "form": forms_by_kind[schedule.period_kind],
        }
        for schedule in schedules
    ]
    return render(request, "reforms/reports/schedules.html", {"nav": "reports", "rows": rows})
