"""REST API v1 for progress reports (进展报告): /api/v1/reports/.

A REST client lists the reports it may see, asks for one (202 Accepted, then polls its `url`
until `status` is `done`), reads its figures as JSON with a documented schema, and downloads the
workbook or the raw snapshot. Incremental pulls use `generated_after` (reports finished since the
last pull) and the validators on the detail and the downloads: a re-pull of an unchanged report
answers 304 Not Modified to `If-None-Match` (ETag) or `If-Modified-Since` (Last-Modified).

Reports come from reforms.selectors.reports_visible_to, so one outside the user's scope is a 404.
Asking and regenerating go through reforms.reporting.services, which decide who may (403).
"""

import django_filters
from django.db.models import Q
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from parks.api.errors import Conflict, state_conflicts_as_409
from parks.api.negotiation import FileDownloadNegotiation
from parks.api.schema import conflict, invalid
from parks.api.serializers import NamedChoiceField, VisibleParkField
from parks.choices import ActivityKind
from parks.dates import PORTAL_DATE_VALIDATORS
from parks.models import Park, Subdistrict
from parks.selectors import parks_visible_to

from .. import selectors
from ..choices import (
    PeriodKind,
    ProposalStatus,
    PublicityChannel,
    ReportScope,
    ReportStatus,
    TaskStatus,
    WarningLevel,
)
from ..excel import XLSX_CONTENT_TYPE
from ..models import Report
from ..reporting import services
from ..reporting.downloads import FORMATS as DOWNLOAD_FORMATS
from ..reporting.downloads import report_file_response

# --- The snapshot's schema ----------------------------------------------------------------------
# Output only: the detail passes the stored snapshot through these serializers, so what the
# schema documents is exactly what a client receives. The meanings repeat the docstring of
# reforms.reporting.contents, which builds the snapshot; keep the two in step.

AS_OF = "as they stand on `as_of`"


def _count(help_text=""):
    return serializers.IntegerField(min_value=0, help_text=help_text)


def _rate(help_text):
    return serializers.FloatField(
        allow_null=True,
        min_value=0,
        max_value=100,
        help_text=f"{help_text} A percentage with one decimal (75.0 is 75 %); null over zero.",
    )


def _yuan(help_text):
    return serializers.DecimalField(
        max_digits=None,
        decimal_places=2,
        help_text=f'{help_text} Yuan, as a decimal string: "42000.00".',
    )


def _day(help_text):
    return serializers.DateField(help_text=help_text)


def _serializer(name, fields, doc=""):
    """A named output serializer (its name is the schema component's)."""
    return type(name, (serializers.Serializer,), {"__doc__": doc, **fields})


def _per_period(name, period, doc):
    """{"current": <period>, "previous": <period>}."""
    return _serializer(
        name,
        {
            "current": period(help_text="Over `period`."),
            "previous": period(help_text="Over `previous_period`, counted the same way."),
        },
        doc,
    )


ReportScopeInfo = _serializer(
    "ReportSnapshotScope",
    {
        "kind": NamedChoiceField(ReportScope, "ReportScopeEnum"),
        "subdistrict": serializers.IntegerField(
            allow_null=True, help_text="The subdistrict's id, for a subdistrict report."
        ),
        "park": serializers.IntegerField(
            allow_null=True, help_text="The park's id, for a park report."
        ),
        "name": serializers.CharField(help_text="The district's, subdistrict's or park's name."),
    },
    "What the report covers. The district counts every row, district-wide ones (no park) "
    "included; a subdistrict its parks' rows and its own subdistrict-wide tasks; a park its own.",
)
ReportPeriodInfo = _serializer(
    "ReportSnapshotPeriod",
    {
        "kind": NamedChoiceField(PeriodKind, "ReportPeriodKindEnum"),
        "start": _day("First day."),
        "end": _day("Last day (inclusive)."),
    },
    "The report's period, in days of the portal's time zone (Asia/Shanghai): an entry at "
    "Sunday 23:30 in Wuxi belongs to that Sunday's week. Weeks run Monday to Sunday.",
)
ReportPreviousPeriodInfo = _serializer(
    "ReportSnapshotPreviousPeriod",
    {"start": _day("First day."), "end": _day("Last day (inclusive).")},
    "The period compared with: the calendar period before, or for a custom period as many "
    "days just before it.",
)

TaskFinished = _serializer(
    "ReportTasksPeriod",
    {
        "done": _count("Tasks whose done date falls in the period."),
        "done_on_time": _count("Of those, done on or before their due date."),
        "due": _count("Tasks whose due date falls in the period, cancelled ones excepted."),
        "due_done_on_time": _count(
            "Of those, done on or before their due date (as known on `as_of`)."
        ),
        "on_time_rate": _rate("due_done_on_time / due × 100."),
    },
)
ReportTasks = _serializer(
    "ReportTasks",
    {
        "as_of": _day("The day the status and warning counts stand at (the snapshot's `as_of`)."),
        "total": _count(f"Every task in scope, {AS_OF}."),
        "by_status": _serializer(
            "ReportTasksByStatus",
            {value: _count() for value in TaskStatus.values},
            f"Tasks in scope by status, {AS_OF}.",
        )(),
        "by_warning": _serializer(
            "ReportTasksByWarning",
            {value: _count() for value in WarningLevel.values},
            f"Tasks in scope by supervision warning as the task pages show them, {AS_OF} "
            "(red: overdue; yellow: at risk; done_late; none: not chased).",
        )(),
        "current": TaskFinished(help_text="Over `period`."),
        "previous": TaskFinished(help_text="Over `previous_period`."),
    },
    "Reform tasks (产改任务).",
)

ReportFunnel = _serializer(
    "ReportSurveyFunnel",
    {
        "handed_out": _count("Forms handed out, over survey campaigns held in the period."),
        "returned": _count("Forms returned, over the same campaigns."),
        "opinions": _count(
            "Grievances of the survey channel received in the period (withdrawn ones "
            "included, as on the grievance rates page)."
        ),
        "rectified": _count("Of those, marked rectified."),
    },
    "Satisfaction surveys: handed out → returned → opinions → rectified.",
)
RATE_COUNTS = {
    "received": _count("Grievances received in the period; withdrawn ones count nowhere."),
    "responded_in_time": _count(f"Answered by the response deadline, {AS_OF}."),
    "resolved": _count(f"Resolved (replied to the worker, whenever), {AS_OF}."),
    "resolved_in_time": _count("Resolved by the resolution deadline."),
    "followed_up": _count("With a satisfaction recorded."),
    "satisfied": _count("Satisfied or basically satisfied."),
    "response_rate": _rate("响应率: responded_in_time / received × 100."),
    "resolution_rate": _rate("解决率: resolved / received × 100."),
    "satisfaction_rate": _rate("满意率: satisfied / followed_up × 100."),
}
ReportGrievancePeriod = _serializer(
    "ReportGrievancesPeriod",
    {**RATE_COUNTS, "funnel": ReportFunnel()},
    "The three rates of 接诉即办 over the grievances received in the period.",
)
ReportGrievances = _per_period(
    "ReportGrievances", ReportGrievancePeriod, "Workers' grievances (职工诉求)."
)

ActivityFigures = _serializer(
    "ReportActivityFigures",
    {"count": _count("Entries."), "participants": _count("Participants, summed as logged.")},
)
ReportActivityPeriod = _serializer(
    "ReportActivitiesPeriod",
    {
        "count": _count("Grid-log entries that occurred in the period, park-wide ones included."),
        "participants": _count("Participants, summed as logged."),
        "by_kind": _serializer(
            "ReportActivitiesByKind",
            {value: ActivityFigures() for value in ActivityKind.values},
            "The same per kind of activity; every kind present, zeros included.",
        )(),
    },
)
ReportActivities = _per_period("ReportActivities", ReportActivityPeriod, "The grid log (网格活动).")

CoveragePeriod = _serializer(
    "ReportCoveragePeriod",
    {
        "covered": _count(
            "Zones with at least one grid-log entry in the period (park-wide entries cover none)."
        ),
        "rate": _rate("covered / zones × 100 (both periods divide by the zones of `as_of`)."),
    },
)
ReportCoverage = _serializer(
    "ReportCoverage",
    {
        "zones": _count("Grid zones of the scope's parks that exist on `as_of`."),
        "zones_with_liaison": _count(
            "Of those, looked after by a liaison whose account is active."
        ),
        "current": CoveragePeriod(help_text="Over `period`."),
        "previous": CoveragePeriod(help_text="Over `previous_period`."),
    },
    "Grid coverage (网格覆盖).",
)

LEDGER_NOTE = "Summed as on the ledger pages, over rows whose {date} falls in the period."
ReportCare = _per_period(
    "ReportCare",
    _serializer(
        "ReportCarePeriod",
        {
            "entries": _count("Payments."),
            "recipients": _count("People paid."),
            "amount": _yuan("Money paid."),
        },
    ),
    f"Care and subsidy payments (关爱帮扶). {LEDGER_NOTE.format(date='paid-on date')}",
)
ReportPublicity = _per_period(
    "ReportPublicity",
    _serializer(
        "ReportPublicityPeriod",
        {
            "entries": _count("Publicity items."),
            **{
                value: _count(f"Of those, on channel `{value}`.")
                for value in PublicityChannel.values
            },
        },
    ),
    f"Publicity (宣传) by channel (`publicity_channels`). "
    f"{LEDGER_NOTE.format(date='published-on date')}",
)
ReportTraining = _per_period(
    "ReportTraining",
    _serializer(
        "ReportTrainingPeriod",
        {
            "entries": _count("Courses."),
            "hours": serializers.DecimalField(
                max_digits=None,
                decimal_places=1,
                help_text='Course hours, as a decimal string: "16.0".',
            ),
            "trainees": _count("Trainees."),
            "certificates": _count("Trainees who earned a certificate."),
        },
    ),
    f"Skills training (技能培训). {LEDGER_NOTE.format(date='start date')}",
)
ReportProposals = _per_period(
    "ReportProposals",
    _serializer(
        "ReportProposalsPeriod",
        {
            "entries": _count("Proposals and innovations submitted."),
            "innovations": _count("Of those, technical innovations."),
            "benefit_amount": _yuan("Benefit recorded."),
            "reward_amount": _yuan("Rewards paid."),
            **{
                value: _count(f"Of those, in status `{value}` on `as_of`.")
                for value in ProposalStatus.values
            },
        },
    ),
    "Rationalisation proposals and innovations (合理化建议), by status in workflow order "
    f"(`proposal_statuses`). {LEDGER_NOTE.format(date='submitted-on date')}",
)
ReportOverdueUnit = _serializer(
    "ReportOverdueUnit",
    {
        "unit": serializers.IntegerField(help_text="The lead unit's organisation id."),
        "unit_name": serializers.CharField(),
        "overdue": _count("Its tasks past due on `overdue_as_of`."),
    },
)
ReportParkRow = _serializer(
    "ReportParkFigures",
    {
        "park": serializers.IntegerField(help_text="The park's id."),
        "park_name": serializers.CharField(),
        "grievances": _serializer(
            "ReportParkGrievances", RATE_COUNTS, "As in `grievances`, over `period`."
        )(),
        "activities": _serializer(
            "ReportParkActivities",
            {"count": _count("Grid-log entries."), "participants": _count("Participants.")},
            "As in `activities`, over `period`.",
        )(),
        "tasks": _serializer(
            "ReportParkTasks",
            {
                "total": _count("The park's tasks."),
                "done": _count("Done."),
                "red": _count("Overdue (red)."),
                "yellow": _count("At risk (yellow)."),
            },
            f"The park's tasks, {AS_OF}.",
        )(),
        "coverage": _serializer(
            "ReportParkCoverage",
            {
                "zones": _count("Grid zones."),
                "covered": _count("Zones with an entry in `period`."),
            },
        )(),
    },
    "One park's key figures (no previous period).",
)


class ReportSnapshotSerializer(serializers.Serializer):
    """The figures of a report, as built (schema_version 1). Fields are only ever added within
    a schema version; a rename or removal bumps it. Every section's `current` covers `period`
    and its `previous` covers `previous_period`."""

    schema_version = serializers.IntegerField(help_text="1 for this schema.")
    scope = ReportScopeInfo()
    period = ReportPeriodInfo()
    previous_period = ReportPreviousPeriodInfo()
    generated_at = serializers.DateTimeField(help_text="When the figures were computed.")
    as_of = _day(
        "The day (portal time zone) the report was built. Figures without a date of their own "
        "(a task's status and warning, whether a grievance was answered or resolved, a "
        "proposal's status, the zones and their liaisons) stand as on this day, so rebuilding "
        "a past report may change them."
    )
    overdue_as_of = _day(
        "The day `overdue_by_unit` stands at: the period's last day, or `as_of` while the "
        "period is still running."
    )
    publicity_channels = serializers.ListField(
        child=serializers.CharField(), help_text="The publicity channels, in display order."
    )
    proposal_statuses = serializers.ListField(
        child=serializers.CharField(), help_text="The proposal statuses, in workflow order."
    )
    tasks = ReportTasks()
    grievances = ReportGrievances()
    activities = ReportActivities()
    coverage = ReportCoverage()
    care = ReportCare()
    publicity = ReportPublicity()
    training = ReportTraining()
    proposals = ReportProposals()
    overdue_by_unit = ReportOverdueUnit(
        many=True,
        help_text="Tasks in scope past due on `overdue_as_of` (due before it, not done by it, "
        "not cancelled), by lead unit, most first, then by name. Units with none are left out.",
    )
    by_park = ReportParkRow(
        many=True,
        help_text="One entry per park of the scope, by park id, parks with no rows included.",
    )


# --- Reports ------------------------------------------------------------------------------------


# A file link exists once the report is done; before that it is null.
NULLABLE_URI = {"type": "string", "format": "uri", "nullable": True}


def _absolute(request, url):
    return request.build_absolute_uri(url) if request else url


class ReportSerializer(serializers.ModelSerializer):
    """A report in a list: what it covers, its state and where to fetch it."""

    url = serializers.SerializerMethodField(
        help_text=gettext_lazy("This report in the API: poll it until `status` is `done`.")
    )
    scope = NamedChoiceField(ReportScope, "ReportScopeEnum")
    scope_name = serializers.CharField(
        source="scope_label",
        help_text=gettext_lazy("The district's, subdistrict's or park's name."),
    )
    period_kind = NamedChoiceField(PeriodKind, "ReportPeriodKindEnum")
    status = NamedChoiceField(
        ReportStatus,
        "ReportStatusEnum",
        help_text=gettext_lazy(
            "queued → running → done; failed after its retries (see `failure_reason`). "
            "Regenerating puts a report back to queued with `version` + 1."
        ),
    )
    build_state = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "What the build is doing: `waiting` for a worker, `stalled` (no worker took it for "
            "minutes), `building`, `restarting` (its worker was lost or it is retried), "
            "`done` or `failed`. `stalled` and `restarting` reports may be regenerated."
        )
    )
    build_state_label = serializers.SerializerMethodField(
        help_text=gettext_lazy("The same in words, as the report's page says it.")
    )
    xlsx_url = serializers.SerializerMethodField(
        help_text=gettext_lazy("The Excel workbook, once the report is done; null before.")
    )
    json_url = serializers.SerializerMethodField(
        help_text=gettext_lazy("The snapshot as a JSON file, once the report is done; null before.")
    )

    class Meta:
        model = Report
        fields = [
            "id",
            "url",
            "scope",
            "scope_name",
            "subdistrict",
            "park",
            "period_kind",
            "period_start",
            "period_end",
            "status",
            "build_state",
            "build_state_label",
            "progress",
            "failure_reason",
            "version",
            "created_at",
            "started_at",
            "finished_at",
            "xlsx_url",
            "json_url",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "period_start": {
                "label": gettext_lazy("Period start"),
                "help_text": gettext_lazy("First day of the period."),
            },
            "period_end": {
                "label": gettext_lazy("Period end"),
                "help_text": gettext_lazy("Last day of the period (inclusive)."),
            },
            "progress": {"help_text": gettext_lazy("0–100 while the report is being built.")},
            "version": {
                "help_text": gettext_lazy("1, plus one each time the report is regenerated.")
            },
            "finished_at": {
                "help_text": gettext_lazy(
                    "When the current version was built; `generated_after` filters on it."
                )
            },
        }

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, report):
        return _absolute(self.context.get("request"), reverse("report-detail", args=[report.pk]))

    def _download(self, report, file_format):
        if report.status != ReportStatus.DONE:
            return None
        url = reverse("report-download", args=[report.pk])
        return _absolute(self.context.get("request"), f"{url}?format={file_format}")

    @extend_schema_field(
        serializers.ChoiceField(choices=list(services.BuildState.LABELS), read_only=True)
    )
    def get_build_state(self, report):
        return services.report_build_state(report)

    @extend_schema_field(OpenApiTypes.STR)
    def get_build_state_label(self, report):
        return str(services.BuildState.LABELS[services.report_build_state(report)])

    @extend_schema_field(NULLABLE_URI)
    def get_xlsx_url(self, report):
        return self._download(report, "xlsx")

    @extend_schema_field(NULLABLE_URI)
    def get_json_url(self, report):
        return self._download(report, "json")


class ReportDetailSerializer(ReportSerializer):
    """A report with its figures."""

    snapshot = ReportSnapshotSerializer(
        read_only=True,
        allow_null=True,
        help_text=gettext_lazy("The figures; null until the report is done."),
    )

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "snapshot"]
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.INT)
class ReportParkField(VisibleParkField):
    """A park the user sees, by id."""


class ReportRequestSerializer(serializers.Serializer):
    """What to report on: a scope and its target, and a period."""

    scope = NamedChoiceField(ReportScope, "ReportScopeEnum")
    park = ReportParkField(
        required=False,
        allow_null=True,
        help_text=gettext_lazy("The park, for scope `park` (and only then)."),
    )
    subdistrict = serializers.PrimaryKeyRelatedField(
        queryset=Subdistrict.objects.all(),
        required=False,
        allow_null=True,
        help_text=gettext_lazy("The subdistrict, for scope `subdistrict` (and only then)."),
    )
    period_kind = NamedChoiceField(PeriodKind, "ReportPeriodKindEnum")
    start = serializers.DateField(
        validators=PORTAL_DATE_VALIDATORS,
        help_text=gettext_lazy(
            "For a week, month, quarter or year: any day in it (the period is the calendar one "
            "containing it). For a custom period: its first day. A period not yet started is "
            "refused."
        ),
    )
    end = serializers.DateField(
        required=False,
        allow_null=True,
        validators=PORTAL_DATE_VALIDATORS,
        help_text=gettext_lazy("Last day of a custom period; ignored for calendar periods."),
    )

    def validate(self, attrs):
        scope = attrs["scope"]
        errors = {}
        for field, needed_for in (
            ("park", ReportScope.PARK),
            ("subdistrict", ReportScope.SUBDISTRICT),
        ):
            given = attrs.get(field) is not None
            if scope == needed_for and not given:
                errors[field] = _("This scope needs it.")
            elif scope != needed_for and given:
                errors[field] = _("Only a %(scope)s report names one.") % {
                    "scope": ReportScope(needed_for).label.lower()
                }
        if attrs["period_kind"] == PeriodKind.CUSTOM and attrs.get("end") is None:
            errors["end"] = _("A custom period needs its last day.")
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


# --- Filters ------------------------------------------------------------------------------------


def _visible_parks(request):
    if request is None:
        return Park.objects.none()
    return parks_visible_to(request.user)


class ReportFilter(django_filters.FilterSet):
    """Scope, target, period and state; `generated_after` for incremental pulls."""

    scope = django_filters.MultipleChoiceFilter(
        choices=ReportScope.choices, label=gettext_lazy("Scope")
    )
    park = django_filters.ModelChoiceFilter(
        queryset=_visible_parks, label=gettext_lazy("Park's reports")
    )
    subdistrict = django_filters.ModelChoiceFilter(
        queryset=Subdistrict.objects.all(),
        method="filter_subdistrict",
        label=gettext_lazy("Subdistrict's reports and its parks'"),
    )
    period_kind = django_filters.MultipleChoiceFilter(
        choices=PeriodKind.choices, label=gettext_lazy("Period")
    )
    period_start = django_filters.DateFilter(
        label=gettext_lazy("Period starts on"), validators=PORTAL_DATE_VALIDATORS
    )
    period_end = django_filters.DateFilter(
        label=gettext_lazy("Period ends on"), validators=PORTAL_DATE_VALIDATORS
    )
    period_from = django_filters.DateFilter(
        field_name="period_start",
        lookup_expr="gte",
        label=gettext_lazy("Period starts on or after"),
        validators=PORTAL_DATE_VALIDATORS,
    )
    period_to = django_filters.DateFilter(
        field_name="period_end",
        lookup_expr="lte",
        label=pgettext_lazy("period", "Period ends on or before"),
        validators=PORTAL_DATE_VALIDATORS,
    )
    status = django_filters.MultipleChoiceFilter(
        choices=ReportStatus.choices, label=gettext_lazy("Status")
    )
    generated_after = django_filters.IsoDateTimeFilter(
        field_name="finished_at",
        lookup_expr="gt",
        label=gettext_lazy(
            "Finished after this moment (ISO 8601, e.g. 2026-07-01T08:00:00.123456+08:00, with "
            "the + sent as %2B): pass the largest `finished_at` of the last pull"
        ),
    )

    class Meta:
        model = Report
        fields = [
            "scope",
            "park",
            "subdistrict",
            "period_kind",
            "period_start",
            "period_end",
            "period_from",
            "period_to",
            "status",
            "generated_after",
        ]

    def filter_subdistrict(self, queryset, name, value):
        return queryset.filter(Q(subdistrict=value) | Q(park__subdistrict=value))


# --- Views --------------------------------------------------------------------------------------


NOT_MODIFIED = OpenApiResponse(
    description=gettext_lazy(
        "Not modified: the report has the ETag in `If-None-Match`, or was built no later than "
        "`If-Modified-Since`."
    )
)
NOT_DONE = conflict(gettext_lazy("The report is not done (still queued or running, or failed)."))
BEING_BUILT = conflict(gettext_lazy("The report is being built (queued or running) already."))
FORMAT_PARAMETER = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=list(DOWNLOAD_FORMATS),
    description=gettext_lazy("`xlsx` (the default) for the workbook, `json` for the snapshot."),
)


def _with_validators(request, report: Report, respond):
    """`respond()`, or 304 when the client has this build already. A report that is not done
    gets no validators: its progress changes while it is built, so it is always fetched whole."""
    if report.status == ReportStatus.DONE and report.finished_at:
        etag = f'"report-{report.pk}-v{report.version}-{report.finished_at.timestamp():.6f}"'
        last_modified = int(report.finished_at.timestamp())
        response = (
            get_conditional_response(request, etag=etag, last_modified=last_modified) or respond()
        )
        response["ETag"] = etag
        response["Last-Modified"] = http_date(last_modified)
    else:
        response = respond()
    # Each client may keep it but must ask again; no shared cache may, as access is per user.
    response["Cache-Control"] = "private, no-cache"
    return response


def _accepted(response: Response) -> Response:
    """202 Accepted, pointing at the report to poll."""
    response["Location"] = response.data["url"]
    return response


@extend_schema_view(
    list=extend_schema(
        summary="List the progress reports you may see",
        description=gettext_lazy(
            "Office staff see every report; subdistrict staff their subdistrict's and its "
            "parks'; a park's people their park's; observers and member units the district's and "
            "those their scope covers. For incremental pulls, keep the largest `finished_at` "
            "you have and pass it as `generated_after` (with `ordering=finished_at`): a "
            "regenerated report comes back with a new `version` and `finished_at`."
        ),
    ),
    retrieve=extend_schema(
        summary="One report with its figures",
        description=gettext_lazy(
            "`snapshot` holds the figures once `status` is `done`. A done report carries an "
            "`ETag` and `Last-Modified`; send them back as `If-None-Match` / "
            "`If-Modified-Since` to get 304 Not Modified while it is unchanged."
        ),
        responses={200: ReportDetailSerializer, 304: NOT_MODIFIED},
    ),
)
class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Progress reports (进展报告) for the district, a subdistrict or a park, per week, month,
    quarter, year or custom period: one per scope and period."""

    permission_classes = [IsAuthenticated]
    queryset = Report.objects.none()
    filterset_class = ReportFilter
    ordering_fields = ["period_start", "period_end", "finished_at", "created_at", "id"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        reports = selectors.reports_visible_to(self.request.user).select_related(
            "park", "subdistrict"
        )
        # The snapshot is large (a row per park): read it only where it is sent.
        needs_snapshot = self.action == "retrieve" or (
            self.action == "download" and self.request.query_params.get("format") == "json"
        )
        return reports if needs_snapshot else reports.defer("snapshot")

    def get_serializer_class(self):
        return ReportSerializer if self.action == "list" else ReportDetailSerializer

    def _detail(self, report: Report, status_code=status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(report).data, status=status_code)

    def retrieve(self, request, *args, **kwargs):
        report = self.get_object()
        return _with_validators(request, report, lambda: self._detail(report))

    @extend_schema(
        summary="Ask for a report (office; subdistrict staff; park managers)",
        description=gettext_lazy(
            "Answers **202 Accepted** when the report is new: it is queued, and `url` (also in "
            "the `Location` header) is polled until `status` is `done`. Answers **200 OK** with "
            "the existing report when one of this scope and period exists already — whatever "
            "its status, so it may still be queued or running (poll it), or failed (regenerate "
            "it). A calendar period is the one containing `start`; a period not yet started "
            "is a 400."
        ),
        request=ReportRequestSerializer,
        responses={
            202: OpenApiResponse(ReportDetailSerializer, description=gettext_lazy("Queued.")),
            200: OpenApiResponse(
                ReportDetailSerializer, description=gettext_lazy("The report existed already.")
            ),
        },
        examples=[
            OpenApiExample(
                "A park's report for June 2026",
                value={"scope": "park", "park": 1, "period_kind": "month", "start": "2026-06-01"},
                request_only=True,
            )
        ],
    )
    def create(self, request, *args, **kwargs):
        data = ReportRequestSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        report, created = services.report_request(actor=request.user, **data.validated_data)
        if not created:
            return self._detail(report)
        return _accepted(self._detail(report, status.HTTP_202_ACCEPTED))

    @extend_schema(
        summary="Build a report again from today's data",
        description=gettext_lazy(
            "Keeps the current build as an earlier version and queues `version` + 1 (202). "
            "Who may ask for the report may regenerate it; a report being built is a 409."
        ),
        request=None,
        responses={202: ReportDetailSerializer, 409: BEING_BUILT},
    )
    @action(detail=True, methods=["post"])
    def regenerate(self, request, pk=None):
        report = self.get_object()
        report = state_conflicts_as_409(
            lambda: services.report_regenerate(report=report, actor=request.user)
        )
        return _accepted(self._detail(report, status.HTTP_202_ACCEPTED))

    @extend_schema(
        summary="Download a report: the Excel workbook or the snapshot as JSON",
        description=gettext_lazy(
            "Sends the same `ETag` and `Last-Modified` as the detail; 304 for a re-pull of an "
            "unchanged report. 409 while the report is not done."
        ),
        parameters=[FORMAT_PARAMETER],
        responses={
            (200, XLSX_CONTENT_TYPE): OpenApiResponse(
                OpenApiTypes.BINARY,
                description=gettext_lazy(
                    "The workbook (format=xlsx), or the snapshot as stored (format=json)."
                ),
            ),
            (200, "application/json"): OpenApiResponse(
                ReportSnapshotSerializer,
                description=gettext_lazy(
                    "The snapshot as stored (format=json), in the schema of the detail's "
                    "`snapshot`."
                ),
            ),
            304: NOT_MODIFIED,
            400: invalid(gettext_lazy("An unknown format.")),
            409: NOT_DONE,
        },
        filters=False,
    )
    @action(
        detail=True,
        methods=["get"],
        filter_backends=[],
        pagination_class=None,
        content_negotiation_class=FileDownloadNegotiation,
    )
    def download(self, request, pk=None):
        report = self.get_object()
        file_format = request.query_params.get("format", "xlsx")
        if file_format not in DOWNLOAD_FORMATS:
            raise exceptions.ValidationError({"format": [_("Use “xlsx” or “json”.")]})
        if report.status != ReportStatus.DONE:
            raise Conflict(
                _("The report is not ready: it is %(status)s.")
                % {"status": report.get_status_display().lower()}
            )
        return _with_validators(
            request, report, lambda: report_file_response(report, report, file_format)
        )
