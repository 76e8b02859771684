"""The JSON snapshot of a progress report, described for the OpenAPI schema (drf-spectacular).

Output only: the report detail (reforms.api.reports) passes the stored snapshot through
ReportSnapshotSerializer, so what the schema documents is exactly what a client receives. The
meanings repeat the docstring of reforms.reporting.contents, which builds the snapshot; keep the
two in step.
"""

from rest_framework import serializers

from parks.api.serializers import NamedChoiceField
from parks.choices import ActivityKind

from ..choices import (
    PeriodKind,
    ProposalStatus,
    PublicityChannel,
    ReportScope,
    TaskStatus,
    WarningLevel,
)

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
