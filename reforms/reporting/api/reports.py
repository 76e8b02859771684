"""REST API v1 for progress reports (进展报告): /api/v1/reports/.

A REST client lists the reports it may see, asks for one (202 Accepted, then polls its `url`
until `status` is `done`), reads its figures as JSON with a documented schema (the report's
serializers live in reforms.reporting.api.report_serializers, the snapshot's in report_schema),
and downloads the workbook, the Word briefing (情况通报) or the raw snapshot. Incremental pulls
use `generated_after` (reports finished since the last pull) and the validators on the detail
and the downloads: a re-pull of an unchanged report answers 304 Not Modified to
`If-None-Match` (ETag) or `If-Modified-Since` (Last-Modified).

Reports come from reforms.reporting.selectors.reports_visible_to, so one outside the user's scope
is a 404. Asking and regenerating go through reforms.reporting.services, which enforce who may
(reforms.reporting.policy): a role that asks for no reports gets 403; a park or subdistrict
outside the asker's reach is a 400 worded as for one that does not exist, so the answer never
tells whether it exists.
"""

import django_filters
from django.db.models import Q
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
    extend_schema_view,
)
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.response import Response

from parks import access
from parks.access import parks_visible_to
from parks.core.api.errors import Conflict, state_conflicts_as_409
from parks.core.api.negotiation import FileDownloadNegotiation
from parks.core.api.planned import PlannedListMixin
from parks.core.api.schema import conflict, invalid
from parks.core.api.viewsets import ReadOnlyViewSet
from parks.core.dates import PORTAL_DATE_VALIDATORS
from parks.core.downloads import file_media_type
from parks.core.excel import XLSX_CONTENT_TYPE
from parks.structure.models import Subdistrict
from reforms.reporting import freshness, policy, selectors, services
from reforms.reporting.api.report_schema import ReportSnapshotSerializer
from reforms.reporting.api.report_serializers import (
    ReportDetailSerializer,
    ReportRequestSerializer,
    ReportSerializer,
)
from reforms.reporting.choices import PeriodKind, ReportScope, ReportStatus
from reforms.reporting.downloads import FORMATS, report_file_response
from reforms.reporting.models import Report

# --- Filters ------------------------------------------------------------------------------------


class ReportFilter(django_filters.FilterSet):
    """Scope, target, period and state; `generated_after` for incremental pulls."""

    scope = django_filters.MultipleChoiceFilter(
        choices=ReportScope.choices, label=gettext_lazy("Scope")
    )
    park = django_filters.ModelChoiceFilter(
        queryset=access.for_request(parks_visible_to), label=gettext_lazy("Park's reports")
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

# The columns of a report that ReportSerializer does not read (the build state reads
# `lease_until`, `updated_at` and `started_at`; they stay).
LIST_UNREAD = ("scope_key", "excel", "briefing", "requested_by", "build_token", "build_attempts")


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
    enum=list(FORMATS),
    description=gettext_lazy(
        "`xlsx` (the default) for the workbook, `docx` for the Word briefing, `json` for the "
        "snapshot."
    ),
)


def _with_validators(request, report: Report, respond, *, data_changed_at=None):
    """`respond()`, or 304 when the client has this build already. A report that is not done
    gets no validators: its progress changes while it is built, so it is always fetched whole.
    `data_changed_at` (the detail's): the detail says the report is out of date from then on,
    so a client holding the up-to-date answer is sent the new one."""
    if report.status == ReportStatus.DONE and report.finished_at:
        etag = f"report-{report.pk}-v{report.version}-{report.finished_at.timestamp():.6f}"
        modified = report.finished_at
        if data_changed_at is not None:
            etag += f"-changed-{data_changed_at.timestamp():.6f}"
            modified = max(modified, data_changed_at)
        etag = f'"{etag}"'
        last_modified = int(modified.timestamp())
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
class ReportViewSet(PlannedListMixin, ReadOnlyViewSet):
    """Progress reports (进展报告) for the district, a subdistrict or a park, per week, month,
    quarter, year or custom period: one per scope and period."""

    # No serializer_class (list and detail differ): the model for the schema is named here.
    queryset = Report.objects.none()
    filterset_class = ReportFilter
    ordering_fields = ["period_start", "period_end", "finished_at", "created_at", "id"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if self.action == "list":
            return self.listed()
        return self._reports()

    # The list's rows (parks.core.api.planned): its pages with no filter are read by SQL
    # compiled once per scope. Its scope is the user's Scope as keys hold it (access.shared_scope:
    # one for the whole office), not access.scope_key: the reports' rule (access.reports_visible)
    # reads nothing else — no subdistrict's park ids, which scope_key would read with a query of
    # its own.
    def list_queryset(self):
        return self._reports()

    def list_scope(self):
        return access.shared_scope(access.scope_of(self.request.user))

    def _reports(self):
        reports = selectors.reports_visible_to(self.request.user).select_related(
            "park", "subdistrict"
        )
        if self.action in ("list", "retrieve"):
            # Whether each report is out of date, in the same query (reporting.freshness).
            reports = freshness.with_data_changed_at(reports)
        # The snapshot is large (a row per park): read it only where it is sent.
        needs_snapshot = self.action == "retrieve" or (
            self.action == "download" and self.request.query_params.get("format") == "json"
        )
        unread = () if needs_snapshot else ("snapshot",)
        if self.action == "list":
            # What a list row never shows (its files' paths, who asked, the build's bookkeeping)
            # is not read: ~0.1 ms of a page's 50 rows. One defer(), one copy of the queryset.
            unread = (*LIST_UNREAD, *unread)
        return reports.defer(*unread) if unread else reports

    def get_serializer_class(self):
        return ReportSerializer if self.action == "list" else ReportDetailSerializer

    def _detail(self, report: Report, status_code=status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(report).data, status=status_code)

    def retrieve(self, request, *args, **kwargs):
        report = self.get_object()
        return _with_validators(
            request,
            report,
            lambda: self._detail(report),
            data_changed_at=freshness.changed_since_built(report),
        )

    @extend_schema(
        summary="Ask for a report (office; subdistrict staff; park managers)",
        description=gettext_lazy(
            "Answers **202 Accepted** when the report is new: it is queued, and `url` (also in "
            "the `Location` header) is polled until `status` is `done`. A report of this scope "
            "and period that exists already but is out of date (`stale`: its data changed "
            "after it was built) is built again: **202** with `version` + 1, the earlier build "
            "kept. Otherwise **200 OK** with the existing report, whatever its status: it may "
            "still be queued or running (poll it), or failed (regenerate it). A calendar "
            "period is the one containing `start`; a period not yet over, a custom period "
            "longer than a year, or a scope with no parks is a 400. A park or subdistrict "
            "outside yours is a 400 worded as for one that does not exist, and so is a scope "
            "you may not ask for (a park manager's district report); a role that asks for no "
            "reports (liaisons, observers, instructors, member units) gets 403."
        ),
        request=ReportRequestSerializer,
        responses={
            202: OpenApiResponse(
                ReportDetailSerializer,
                description=gettext_lazy("Queued: a new report, or an out-of-date one rebuilt."),
            ),
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
        if not policy.user_may_request_reports(request.user):
            raise exceptions.PermissionDenied
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
        summary="Download a report: the Excel workbook, the Word briefing or the snapshot as JSON",
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
            (200, file_media_type("briefing.docx")): OpenApiResponse(
                OpenApiTypes.BINARY,
                description=gettext_lazy(
                    "The Word briefing (format=docx): the report's figures in sentences, as "
                    "offices write their briefings."
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
        if file_format not in FORMATS:
            raise exceptions.ValidationError({"format": [_("Use “xlsx”, “docx” or “json”.")]})
        if report.status != ReportStatus.DONE:
            raise Conflict(
                _("The report is not ready: it is %(status)s.")
                % {"status": report.get_status_display().lower()}
            )
        return _with_validators(
            request, report, lambda: report_file_response(report, report, file_format)
        )
