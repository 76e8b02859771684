"""The serializers of /api/v1/reports/ (reforms.reporting.api.reports): a report in the list
and in detail, with its file links and freshness, and the request for one, whose park and
subdistrict fields offer only what the asker may ask for (reforms.reporting.policy)."""

from collections.abc import Callable
from datetime import datetime
from functools import cached_property

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    extend_schema_field,
)
from rest_framework import serializers

from parks.core.api.reading import ReadFastSerializer, represented_by
from parks.core.dates import PORTAL_DATE_VALIDATORS
from parks.core.row_urls import pk_url_parts
from parks.structure.api.serializers import NamedChoiceField
from reforms.reporting import freshness, policy, services
from reforms.reporting.api.report_schema import ReportSnapshotSerializer
from reforms.reporting.choices import PeriodKind, ReportScope, ReportStatus
from reforms.reporting.models import Report

# A file link exists once the report is done; before that it is null.
NULLABLE_URI = {"type": "string", "format": "uri", "nullable": True}


def _absolute(request, url):
    return request.build_absolute_uri(url) if request else url


# {language: {build state: its label}} (ReportSerializer._build_state_labels).
_BUILD_STATE_LABELS: dict[str | None, dict[str, str]] = {}
# The status as the rows hold it: an enum member is read several times slower than a module's
# constant, and each row asks it three times (its file links).
_DONE = ReportStatus.DONE.value


class ReportSerializer(ReadFastSerializer):
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
    data_changed_at = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "When a record the report counts, in its scope, was last written after the report "
            "was built (`as_of`); null while the report is up to date, and while it is being "
            "built."
        )
    )
    stale = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "True when the data changed after the report was built (`data_changed_at`): "
            "regenerate it, or ask for it again, to count it anew."
        )
    )
    xlsx_url = serializers.SerializerMethodField(
        help_text=gettext_lazy("The Excel workbook, once the report is done; null before.")
    )
    docx_url = serializers.SerializerMethodField(
        help_text=gettext_lazy("The Word briefing, once the report is done; null before.")
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
            "as_of",
            "data_changed_at",
            "stale",
            "xlsx_url",
            "docx_url",
            "json_url",
        ]
        read_only_fields = fields
        # What a list page reads of the rows it joins, as columns (parks.core.api.columns):
        # the park's or subdistrict's name, which Report.scope_label (scope_name) reads.
        read_related = {"park": ("name",), "subdistrict": ("name",)}
        read_on_columns = ("scope_label",)
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
            "as_of": {
                "help_text": gettext_lazy(
                    "The moment the current version read the data: its figures hold every "
                    "write made before it. Null until the report is built. The snapshot's "
                    "`as_of` is its day."
                )
            },
        }

    @cached_property
    def _links(self) -> tuple[tuple[str, str], tuple[str, str]]:
        """The detail and download links around the id, reversed once per process
        (parks.core.row_urls) and made absolute once for the whole list rather than four
        times a row. The part before the id is an absolute path: made absolute alone, it is
        the start of the whole address made absolute."""
        request = self.context.get("request")
        detail, download = (
            (_absolute(request, head), tail)
            for head, tail in map(pk_url_parts, ("report-detail", "report-download"))
        )
        return detail, download

    # `report.id`, not `report.pk`: the same value (Report's primary key is `id`), read from the
    # row without the `pk` property's two calls, four times a row.
    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, report):
        before, after = self._links[0]
        return f"{before}{report.id}{after}"

    def _download(self, report, file_format):
        if report.status != _DONE:
            return None
        before, after = self._links[1]
        return f"{before}{report.id}{after}?format={file_format}"

    @extend_schema_field(
        serializers.ChoiceField(choices=list(services.BuildState.LABELS), read_only=True)
    )
    def get_build_state(self, report):
        return services.report_build_state(report)

    @cached_property
    def _build_state_labels(self) -> dict[str, str]:
        # Translated once per language and process (the labels are the code's own), not per row.
        language = get_language()
        labels = _BUILD_STATE_LABELS.get(language)
        if labels is None:
            labels = _BUILD_STATE_LABELS[language] = {
                state: str(label) for state, label in services.BuildState.LABELS.items()
            }
        return labels

    @extend_schema_field(OpenApiTypes.STR)
    def get_build_state_label(self, report):
        return self._build_state_labels[services.report_build_state(report)]

    @cached_property
    def _moment(self) -> Callable[[datetime], str]:
        # A DateTimeField's representation, made once per response (the time zone does not
        # change within it) rather than a field made for each row (reading.represented_by).
        return represented_by(serializers.DateTimeField())

    @extend_schema_field({"type": "string", "format": "date-time", "nullable": True})
    def get_data_changed_at(self, report):
        changed = freshness.changed_since_built(report)
        return self._moment(changed) if changed else None

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_stale(self, report):
        return freshness.changed_since_built(report) is not None

    @extend_schema_field(NULLABLE_URI)
    def get_xlsx_url(self, report):
        return self._download(report, "xlsx")

    @extend_schema_field(NULLABLE_URI)
    def get_docx_url(self, report):
        return self._download(report, "docx")

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
class RequestableParkField(serializers.PrimaryKeyRelatedField):
    """A park the user may ask reports for, by id; any other reads as one that does not exist."""

    default_error_messages = {"does_not_exist": policy.NO_SUCH_PARK}

    def get_queryset(self):
        return policy.requestable_targets(self.context["request"].user)[2]


@extend_schema_field(OpenApiTypes.INT)
class RequestableSubdistrictField(serializers.PrimaryKeyRelatedField):
    """A subdistrict the user may ask reports for, by id; any other reads as one that does not
    exist."""

    default_error_messages = {"does_not_exist": policy.NO_SUCH_SUBDISTRICT}

    def get_queryset(self):
        return policy.requestable_targets(self.context["request"].user)[1]


class ReportRequestSerializer(serializers.Serializer):
    """What to report on: a scope and its target, and a period."""

    scope = NamedChoiceField(ReportScope, "ReportScopeEnum")
    park = RequestableParkField(
        required=False,
        allow_null=True,
        help_text=gettext_lazy(
            "The park, for scope `park` (and only then): one you may ask reports for; any "
            "other is answered as one that does not exist."
        ),
    )
    subdistrict = RequestableSubdistrictField(
        required=False,
        allow_null=True,
        help_text=gettext_lazy(
            "The subdistrict, for scope `subdistrict` (and only then): one you may ask reports "
            "for; any other is answered as one that does not exist."
        ),
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
        help_text=gettext_lazy(
            "Last day of a custom period, a year after `start` at most; ignored for calendar "
            "periods."
        ),
    )

    def validate(self, attrs):
        scope = attrs["scope"]
        errors = {}
        if scope not in policy.requestable_targets(self.context["request"].user)[0]:
            errors["scope"] = policy.SCOPE_OUT_OF_REACH
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
