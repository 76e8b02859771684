"""The shape of a progress report's snapshot, declared once.

reforms.reporting.contents builds the snapshot; everything that shows it reads this module:
the API schema (reforms.reporting.api.report_schema builds its serializers from the groups here, one
schema component per group), the workbook (reforms.reporting.excel: sheet names, fixed Chinese
terms, number formats), the printable page (reforms.reporting.views.report_figures: section titles
and row labels) and the dashboard (reforms.reporting.views.dashboard: card and ranking labels). A
figure added to the snapshot is added here, and each of them picks it up.

The figures are written in the words of reforms.reporting.shape (Figure, Group, Part…): each
carries its kind, its label on the page, its term in the workbook and its definition.

How the figures are counted (periods in the portal's time zone, the scope, `as_of`) is said
in reforms.reporting.contents, which counts them.

The declaration is split by topic: the task, grievance, activity and coverage sections in
reforms.reporting.spec_sections, the ledger sections in reforms.reporting.spec_ledgers, the
per-unit and per-park objects in reforms.reporting.spec_parks. This module holds the scope and
the periods, assembles the whole snapshot, and re-exports every name of those modules, so that
readers import them all from here.
"""

from django.utils.translation import gettext_lazy as _

from reforms.reporting.choices import PeriodKind, ReportScope
from reforms.reporting.shape import (
    CHOICE,
    DATE,
    DATETIME,
    ID,
    NUMBER,
    TEXT,
    TEXTS,
    Figure,
    Group,
    Part,
    Section,
)
from reforms.reporting.spec_ledgers import (
    CARE,
    LEDGER_NOTE,
    PROPOSAL_ROWS,
    PROPOSAL_STATUSES,
    PROPOSALS,
    PUBLICITY,
    TRAINING,
)
from reforms.reporting.spec_parks import (
    OVERDUE_TASK,
    OVERDUE_UNIT,
    PARK,
    PARK_COMPLETION,
    PARK_COVERAGE,
    PARK_COVERAGE_RATE,
    PARK_TASKS,
    SUBDISTRICT,
    UNIT_GRIEVANCES,
)
from reforms.reporting.spec_sections import (
    ACTIVITIES,
    ACTIVITY_FIGURES,
    ACTIVITY_TERMS,
    AS_OF,
    COVERAGE,
    FUNNEL,
    GRIEVANCES,
    OTHER_RATES,
    RATE_FIGURES,
    RATE_PARTS,
    RATES,
    SURVEY,
    TASK_STATUS_TERMS,
    TASKS,
    TASKS_PERIOD,
    WARNING_TERMS,
)
from reforms.reporting.spec_supervision import (
    ORDER_FIGURES,
    ORDERS,
    SUPERVISION_SHEET,
    UNIT_ORDERS,
)

__all__ = [
    "FIRST_DAY",
    "LAST_DAY",
    "SCOPE",
    "PERIOD",
    "PREVIOUS_PERIOD",
    "YEAR_AGO_PERIOD",
    "SNAPSHOT",
    "TASKS_SECTION",
    "GRIEVANCES_SECTION",
    "ACTIVITIES_SECTION",
    "COVERAGE_SECTION",
    "LEDGER_SECTIONS",
    "OVERDUE_SHEET",
    "BY_PARK_SHEET",
    "SUMMARY_SHEET",
    "DEFINITIONS_SHEET",
    "SUMMARY",
    "period_figure",
    "park_figure",
    "AS_OF",
    "TASK_STATUS_TERMS",
    "WARNING_TERMS",
    "ACTIVITY_TERMS",
    "TASKS_PERIOD",
    "TASKS",
    "RATE_FIGURES",
    "RATES",
    "OTHER_RATES",
    "RATE_PARTS",
    "SURVEY",
    "FUNNEL",
    "GRIEVANCES",
    "ACTIVITY_FIGURES",
    "ACTIVITIES",
    "COVERAGE",
    "LEDGER_NOTE",
    "CARE",
    "PUBLICITY",
    "TRAINING",
    "PROPOSAL_STATUSES",
    "PROPOSALS",
    "PROPOSAL_ROWS",
    "OVERDUE_UNIT",
    "OVERDUE_TASK",
    "OVERDUE_TASKS_SHEET",
    "UNIT_GRIEVANCES",
    "BY_UNIT_SHEET",
    "PARK_TASKS",
    "PARK_COVERAGE",
    "PARK",
    "PARK_COVERAGE_RATE",
    "PARK_COMPLETION",
    "SUBDISTRICT",
    "BY_SUBDISTRICT_SHEET",
    "subdistrict_figure",
    "ORDER_FIGURES",
    "ORDERS",
    "UNIT_ORDERS",
    "SUPERVISION_SHEET",
]

# --- What the report covers and when -----------------------------------------------------------

FIRST_DAY = "First day."
LAST_DAY = "Last day (inclusive)."
SCOPE = Group(
    "ReportSnapshotScope",
    (
        Figure("kind", kind=CHOICE, choices=ReportScope, enum="ReportScopeEnum"),
        Figure(
            "subdistrict",
            definition="The subdistrict's id, for a subdistrict report.",
            kind=ID,
            nullable=True,
        ),
        Figure("park", definition="The park's id, for a park report.", kind=ID, nullable=True),
        Figure(
            "name",
            term="报告范围",
            definition="The district's, subdistrict's or park's name.",
            kind=TEXT,
        ),
    ),
    "What the report covers. The district counts every row, district-wide ones (no park) "
    "included; a subdistrict its parks' rows and its own subdistrict-wide tasks; a park its own.",
)
PERIOD = Group(
    "ReportSnapshotPeriod",
    (
        Figure(
            "kind", term="报告类型", kind=CHOICE, choices=PeriodKind, enum="ReportPeriodKindEnum"
        ),
        Figure("start", term="本期开始", definition=FIRST_DAY, kind=DATE),
        Figure("end", term="本期截止", definition=LAST_DAY, kind=DATE),
    ),
    "The report's period, in days of the portal's time zone (Asia/Shanghai): an entry at "
    "Sunday 23:30 in Wuxi belongs to that Sunday's week. Weeks run Monday to Sunday.",
)
PREVIOUS_PERIOD = Group(
    "ReportSnapshotPreviousPeriod",
    (
        Figure("start", term="上期开始", definition=FIRST_DAY, kind=DATE),
        Figure("end", term="上期截止", definition=LAST_DAY, kind=DATE),
    ),
    "The period compared with: the calendar period before, or for a custom period as many "
    "days just before it.",
)
YEAR_AGO_PERIOD = Group(
    "ReportSnapshotYearAgoPeriod",
    (
        Figure("start", term="去年同期开始", definition=FIRST_DAY, kind=DATE),
        Figure("end", term="去年同期截止", definition=LAST_DAY, kind=DATE),
    ),
    "The same period a year earlier (去年同期): for a week the week 52 weeks before; for a "
    "month, quarter or year the same calendar period of the year before; for a custom period "
    "the same dates a year earlier, 29 February read as 28 February. Absent from reports built "
    "before it was added.",
)
# --- The whole snapshot -------------------------------------------------------------------------

SNAPSHOT = Group(
    "ReportSnapshot",
    (
        Figure(
            "schema_version",
            definition="2 for this schema. 2: the grievance figures of grievances.rates "
            "(pending grievances apart, every follow-up call counted, the response judged on "
            "the final unit's acceptance, four more rates); 1 counted not-yet-due grievances "
            "as failures and only the last follow-up call.",
            kind=NUMBER,
        ),
        Part("scope", SCOPE),
        Part("period", PERIOD),
        Part("previous_period", PREVIOUS_PERIOD),
        Part("year_ago_period", YEAR_AGO_PERIOD),
        Figure(
            "generated_at",
            term="生成时间",
            definition="When the figures were computed.",
            kind=DATETIME,
        ),
        Figure(
            "as_of",
            term="数据截至",
            definition="The day (portal time zone) the report was built. Figures without a date "
            "of their own (a task's status and warning, whether a grievance was answered or "
            "resolved or is still pending, a proposal's status, the zones and their liaisons) "
            "stand as on this day, so rebuilding a past report may change them.",
            kind=DATE,
        ),
        Figure(
            "overdue_as_of",
            term="逾期统计截至",
            definition="The day `overdue_by_unit` and `overdue_tasks` stand at: the period's "
            "last day, or `as_of` while the period is still running.",
            kind=DATE,
        ),
        Figure(
            "publicity_channels", definition="The publicity channels, in display order.", kind=TEXTS
        ),
        Figure(
            "proposal_statuses", definition="The proposal statuses, in workflow order.", kind=TEXTS
        ),
        Part("tasks", TASKS),
        Part("grievances", GRIEVANCES),
        Part("activities", ACTIVITIES),
        Part("coverage", COVERAGE),
        Part("care", CARE),
        Part("publicity", PUBLICITY),
        Part("training", TRAINING),
        Part("proposals", PROPOSALS),
        Part(
            "overdue_by_unit",
            OVERDUE_UNIT,
            "Tasks in scope past due on `overdue_as_of` (due before it, not done by it, not "
            "cancelled), by lead unit, most first, then by name. Units with none are left out.",
            many=True,
        ),
        Part(
            "overdue_tasks",
            OVERDUE_TASK,
            "The same tasks one by one (reforms.tasks.selectors.overdue_on): longest overdue "
            "first, then by code.",
            many=True,
        ),
        Part(
            "grievances_by_unit",
            UNIT_GRIEVANCES,
            "The grievance figures of `period` per handling unit (the unit handling each "
            "grievance now), most received first; grievances sent to no unit are left out.",
            many=True,
        ),
        Part(
            "supervision",
            ORDERS,
            "Supervision orders (督办单) issued in `period` about the scope's tasks and "
            "grievances. Absent from reports built before it was added.",
        ),
        Part(
            "supervision_by_unit",
            UNIT_ORDERS,
            "The same per responsible unit, by unit name; units with no order in `period` are "
            "left out. Absent from reports built before it was added.",
            many=True,
        ),
        Part(
            "by_park",
            PARK,
            "One entry per park of the scope, by park id, parks with no rows included.",
            many=True,
        ),
        Part(
            "by_subdistrict",
            SUBDISTRICT,
            "District reports only (an empty list in any other; absent from reports built "
            "before it was added): one entry per subdistrict, by id, subdistricts with no "
            "parks included, adding up `by_park` over its parks.",
            many=True,
            optional=True,
        ),
    ),
    "The figures of a report, as built (schema_version 3). Fields are only ever added within a "
    "schema version; a rename or removal, or a change of what a figure counts, bumps it. Every "
    "section's `current` covers `period`, its `previous` `previous_period` and its `year_ago` "
    "`year_ago_period`.",
)


TASKS_SECTION = Section("tasks", TASKS, _("Reform tasks finished in the period"), "任务")
GRIEVANCES_SECTION = Section(
    "grievances", GRIEVANCES, _("Worker grievances received in the period"), "诉求"
)
ACTIVITIES_SECTION = Section("activities", ACTIVITIES, _("Grid activity"), "活动")
COVERAGE_SECTION = Section("coverage", COVERAGE, _("Grid coverage"), "网格覆盖")
LEDGER_SECTIONS = (
    Section("care", CARE, _("Care and subsidies"), "关爱帮扶"),
    Section("publicity", PUBLICITY, _("Publicity"), "宣传", listed_in="publicity_channels"),
    Section("training", TRAINING, _("Training"), "培训"),
    Section(
        "proposals",
        PROPOSALS,
        _("Proposals and innovations"),
        "建议",
        PROPOSAL_ROWS,
        listed_in="proposal_statuses",
    ),
)
OVERDUE_SHEET = "逾期单位"
OVERDUE_TASKS_SHEET = "逾期任务"
BY_UNIT_SHEET = "各承办单位"
BY_PARK_SHEET = "各园区"
BY_SUBDISTRICT_SHEET = "各街道"
SUMMARY_SHEET = "概览"
DEFINITIONS_SHEET = "口径说明"

# The workbook's overview (概览): key figures of the sections, by "section.figure"; a second
# item names the figure where the overview, out of its section, needs a fuller name.
SUMMARY = (
    ("tasks.done", ""),
    ("tasks.due", "本期到期任务数"),
    ("tasks.due_pending", "本期到期任务中未到期数"),
    ("tasks.on_time_rate", "任务按时完成率"),
    ("grievances.received", ""),
    ("grievances.response_pending", ""),
    ("grievances.resolution_pending", ""),
    ("grievances.response_rate", ""),
    ("grievances.resolution_rate", ""),
    ("grievances.satisfaction_rate", ""),
    ("grievances.on_time_resolution_rate", ""),
    ("grievances.first_call_satisfaction_rate", ""),
    ("grievances.return_rate", ""),
    ("grievances.reopen_rate", ""),
    ("activities.count", ""),
    ("activities.participants", ""),
    ("coverage.rate", ""),
    ("care.recipients", ""),
    ("care.amount", ""),
    ("publicity.entries", "宣传报道数"),
    ("training.trainees", ""),
    ("proposals.entries", "合理化建议和创新成果数"),
)


def period_figure(path: str) -> Figure:
    """The figure of a section's period: "grievances.response_rate"."""
    section, _dot, key = path.partition(".")
    return SNAPSHOT.figure(section).group["current"].group.figure(key)


def park_figure(path: str) -> Figure:
    """A figure of one park's entry in `by_park`: "tasks.red"."""
    return PARK.figure(path)


def subdistrict_figure(path: str) -> Figure:
    """A figure of one subdistrict's entry in `by_subdistrict`: "tasks.red"."""
    return SUBDISTRICT.figure(path)
