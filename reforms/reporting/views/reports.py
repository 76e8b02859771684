"""Progress report pages (进展报告): the list, the request form, the printable report, its
build status (JSON for the progress bar, static/js/report_progress.js) and its downloads.

Every page reads reports through reforms.reporting.selectors.reports_visible_to, so a report
outside the reader's scope answers 404; asking for and regenerating reports go through
reforms.reporting.services, which decides who may.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from parks.access import parks_visible_to
from parks.core.dates import PORTAL_DATE_VALIDATORS
from parks.core.db import chinese_order
from parks.core.filter_bar import filter_bar
from parks.core.forms import DATE_INPUT, BootstrapFormMixin
from parks.core.view_helpers import paginate, save_form
from parks.structure.models import Park, Subdistrict
from reforms.reporting import freshness, policy, services
from reforms.reporting.choices import PeriodKind, ReportScope, ReportStatus
from reforms.reporting.downloads import FORMATS, report_file_response
from reforms.reporting.periods import last_complete_period
from reforms.reporting.selectors import reports_visible_to
from reforms.reporting.views.report_figures import report_figures

BUILDING = (ReportStatus.QUEUED, ReportStatus.RUNNING)


# --- Forms ----------------------------------------------------------------------------------


class ReportFilterForm(BootstrapFormMixin, forms.Form):
    """The list's filters. Only visible parks are offered, so a filter never confirms that a
    hidden park exists."""

    scope = forms.ChoiceField(
        label=gettext_lazy("Scope"),
        choices=[("", gettext_lazy("All"))] + ReportScope.choices,
        required=False,
    )
    park = forms.ModelChoiceField(
        label=gettext_lazy("Park"),
        queryset=Park.objects.none(),
        required=False,
        empty_label=gettext_lazy("All"),
    )
    period_kind = forms.ChoiceField(
        label=gettext_lazy("Period"),
        choices=[("", gettext_lazy("All"))] + PeriodKind.choices,
        required=False,
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[("", gettext_lazy("All"))] + ReportStatus.choices,
        required=False,
    )
    date_from = forms.DateField(
        label=gettext_lazy("Covering from"),
        required=False,
        validators=PORTAL_DATE_VALIDATORS,
        widget=DATE_INPUT,
    )
    date_to = forms.DateField(
        label=pgettext_lazy("period", "to"),
        required=False,
        validators=PORTAL_DATE_VALIDATORS,
        widget=DATE_INPUT,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["park"].queryset = parks_visible_to(user).order_by(chinese_order("name"))

    def filter(self, reports):
        if not self.is_valid():
            return reports
        data = self.cleaned_data
        for name in ("scope", "park", "period_kind", "status"):
            if data.get(name):
                reports = reports.filter(**{name: data[name]})
        # Reports whose period overlaps the dates asked for.
        if data.get("date_from"):
            reports = reports.filter(period_end__gte=data["date_from"])
        if data.get("date_to"):
            reports = reports.filter(period_start__lte=data["date_to"])
        return reports


class ReportRequestForm(BootstrapFormMixin, forms.Form):
    """Ask for a report: a scope, and a period — the calendar period a day falls in, or any
    span of days. The service normalises the period and decides whether the user may."""

    # Narrowed to what the user may ask for (policy.requestable_targets): anything else is
    # answered as the service and the API answer it, as for one that does not exist.
    scope = forms.ChoiceField(
        label=gettext_lazy("Scope"),
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": policy.SCOPE_OUT_OF_REACH},
    )
    subdistrict = forms.ModelChoiceField(
        label=gettext_lazy("Subdistrict"),
        queryset=Subdistrict.objects.none(),
        required=False,
        help_text=gettext_lazy("For a subdistrict report."),
        error_messages={"invalid_choice": policy.NO_SUCH_SUBDISTRICT},
    )
    park = forms.ModelChoiceField(
        label=gettext_lazy("Park"),
        queryset=Park.objects.none(),
        required=False,
        help_text=gettext_lazy("For a park report."),
        error_messages={"invalid_choice": policy.NO_SUCH_PARK},
    )
    period_kind = forms.ChoiceField(
        label=gettext_lazy("Period"), choices=PeriodKind.choices, widget=forms.RadioSelect
    )
    day = forms.DateField(
        label=gettext_lazy("Any day in the period"),
        required=False,
        validators=PORTAL_DATE_VALIDATORS,
        widget=DATE_INPUT,
        help_text=gettext_lazy(
            "The week (Monday to Sunday), month, quarter or year that this day falls in."
        ),
    )
    start = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        validators=PORTAL_DATE_VALIDATORS,
        widget=DATE_INPUT,
        help_text=gettext_lazy("For a custom period: the first day."),
    )
    end = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        validators=PORTAL_DATE_VALIDATORS,
        widget=DATE_INPUT,
        help_text=gettext_lazy("For a custom period: the last day, included."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scopes, subdistricts, parks = policy.requestable_targets(user)
        for name in ("scope", "period_kind"):
            self.fields[name].widget.attrs["class"] = "form-check-input"
        labels = dict(ReportScope.choices)
        self.fields["scope"].choices = [(scope, labels[scope]) for scope in scopes]
        self.fields["subdistrict"].queryset = subdistricts.order_by(chinese_order("name"))
        self.fields["park"].queryset = parks.order_by(chinese_order("name"))
        if ReportScope.SUBDISTRICT not in scopes:
            del self.fields["subdistrict"]
        if not self.is_bound:
            # The last whole month is what people ask for most; the scope is the user's own.
            self.initial.setdefault("scope", scopes[-1] if len(scopes) == 1 else scopes[0])
            self.initial.setdefault("period_kind", PeriodKind.MONTH)
            self.initial.setdefault(
                "day", last_complete_period(PeriodKind.MONTH, timezone.localdate())[0]
            )
            if parks.count() == 1:
                self.initial.setdefault("park", parks.first())
            if len(subdistricts) == 1:
                self.initial.setdefault("subdistrict", subdistricts[0])

    def clean(self):
        data = super().clean()
        scope = data.get("scope")
        # Not over a field's own error ("No such park."): one message, the one that applies.
        if scope == ReportScope.PARK and not data.get("park") and "park" not in self.errors:
            self.add_error("park", _("Choose the park."))
        if (
            scope == ReportScope.SUBDISTRICT
            and not data.get("subdistrict")
            and "subdistrict" not in self.errors
        ):
            self.add_error("subdistrict", _("Choose the subdistrict."))
        kind = data.get("period_kind")
        if kind == PeriodKind.CUSTOM:
            for name in ("start", "end"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("A custom period needs its first and last day."))
        elif kind and not data.get("day") and "day" not in self.errors:
            self.add_error("day", _("Pick a day in the period."))
        return data

    def request_report(self, actor):
        data = self.cleaned_data
        scope = data["scope"]
        custom = data["period_kind"] == PeriodKind.CUSTOM
        try:
            return services.report_request(
                actor=actor,
                scope=scope,
                period_kind=data["period_kind"],
                start=data["start"] if custom else data["day"],
                end=data["end"] if custom else None,
                subdistrict=data.get("subdistrict") if scope == ReportScope.SUBDISTRICT else None,
                park=data.get("park") if scope == ReportScope.PARK else None,
            )
        except ValidationError as error:
            # The service names the period's first day `start`; for a calendar period this
            # form asks for it as `day` (the `start` field is hidden then).
            if custom or not hasattr(error, "error_dict") or "start" not in error.error_dict:
                raise
            errors = error.error_dict
            errors["day"] = errors.pop("start")
            raise ValidationError(errors) from error


# --- Pages ----------------------------------------------------------------------------------


def _visible_report(user, pk):
    return get_object_or_404(
        reports_visible_to(user).select_related("park", "subdistrict", "requested_by"), pk=pk
    )


def _may_regenerate(user, report):
    return policy.user_can_request_report(
        user, scope=report.scope, subdistrict=report.subdistrict, park=report.park
    )


@login_required
def report_list(request):
    form = ReportFilterForm(request.GET or None, user=request.user)
    reports = form.filter(
        # The snapshot (~90 kB of JSON a report) is the detail page's; a row never shows it.
        reports_visible_to(request.user).select_related("park", "subdistrict").defer("snapshot")
    ).order_by("-period_end", "-period_start", "scope", "scope_key", "period_kind", "-pk")
    return render(
        request,
        "reforms/reports/report_list.html",
        {
            "nav": "reports",
            "form": form,
            "bar": filter_bar(form, search=None),
            "page": paginate(request, reports),
            "may_request": policy.user_may_request_reports(request.user),
        },
    )


@login_required
def report_request(request):
    if not policy.user_may_request_reports(request.user):
        raise PermissionDenied
    form = ReportRequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        result = save_form(form, lambda: form.request_report(request.user))
        if result is not None:
            report, queued = result
            if queued and report.version > 1:
                messages.info(
                    request,
                    _(
                        "The data has changed since this report was built: it is being built "
                        "again, and the earlier build is kept."
                    ),
                )
            elif queued:
                messages.success(request, _("The report is being built. This page follows it."))
            else:
                messages.info(
                    request,
                    _(
                        "This report exists already: here it is. Regenerate it to count "
                        "today's data again."
                    ),
                )
            return redirect(report)
    return render(request, "reforms/reports/report_request.html", {"nav": "reports", "form": form})


@login_required
def report_detail(request, pk):
    report = _visible_report(request.user, pk)
    snapshot = report.snapshot if report.status == ReportStatus.DONE else None
    state = services.report_build_state(report)
    context = {
        "nav": "reports",
        "report": report,
        "building": report.status in BUILDING,
        "build_state": state,
        "build_state_label": services.BuildState.LABELS[state],
        "regenerable": services.report_regenerable(report),
        "may_regenerate": _may_regenerate(request.user, report),
        # Set when a record the report counts changed after it was built (reporting.freshness).
        "data_changed_at": freshness.changed_since_built(report),
        "versions": report.versions.order_by("-version"),
    }
    if snapshot:
        context.update(report_figures(snapshot))
    return render(request, "reforms/reports/report_detail.html", context)


@never_cache
@login_required
def report_status(request, pk):
    """What the progress bar needs: polled every second or two while the report is built."""
    report = _visible_report(request.user, pk)
    state = services.report_build_state(report)
    return JsonResponse(
        {
            "status": report.status,
            "status_label": report.get_status_display(),
            # What the build is doing in words: waiting, building, interrupted and restarting.
            "state": state,
            "state_label": str(services.BuildState.LABELS[state]),
            # A stuck build may be regenerated (by who may ask for the report).
            "regenerable": services.report_regenerable(report)
            and _may_regenerate(request.user, report),
            "progress": report.progress,
            "failure_reason": report.failure_reason,
            "version": report.version,
            "url": report.get_absolute_url(),
        }
    )


@login_required
def report_download(request, pk):
    """The report's workbook, Word briefing or JSON, through the permission check (/media/ is
    never served).
    `version=N` names an earlier build."""
    report = _visible_report(request.user, pk)
    kind = request.GET.get("format", "xlsx")
    if kind not in FORMATS:
        return HttpResponseBadRequest(_("Choose format=xlsx, format=docx or format=json."))
    build = report
    version = request.GET.get("version")
    if version and version != str(report.version):
        if not version.isascii() or not version.isdigit():
            return HttpResponseBadRequest(_("The version is a whole number."))
        build = get_object_or_404(report.versions, version=int(version))
    elif report.status != ReportStatus.DONE:
        raise Http404(_("The report is not ready yet."))
    return report_file_response(report, build, kind)


@require_POST
@login_required
def report_regenerate(request, pk):
    report = _visible_report(request.user, pk)
    try:
        services.report_regenerate(report=report, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The report is being built again; the earlier build is kept."))
    return redirect(report)
