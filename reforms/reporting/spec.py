"""The shape of a progress report's snapshot, declared once.

reforms.reporting.contents builds the snapshot; everything that shows it reads this module:
the API schema (reforms.api.report_schema builds its serializers from the groups here, one
schema component per group), the workbook (reforms.reporting.excel: sheet names, fixed Chinese
terms, number formats), the printable page (reforms.views.report_figures: section titles and
row labels) and the dashboard (reforms.views.dashboard: card and ranking labels). A figure added
to the snapshot is added here, and each of them picks it up.

The figures are written in the words of reforms.reporting.shape (Figure, Group, Part…): each
carries its kind, its label on the page, its term in the workbook and its definition.

How the figures are counted (periods in the portal's time zone, the scope, `as_of`) is said
in reforms.reporting.contents, which counts them.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parks.choices import ActivityKind

from ..choices import (
    PeriodKind,
    ProposalStatus,
    PublicityChannel,
    ReportScope,
    TaskStatus,
    WarningLevel,
)
from ..ledger_excel import CHANNEL_TERMS, STATUS_TERMS
from .shape import (
    CHOICE,
    DATE,
    DATETIME,
    HOURS,
    ID,
    NUMBER,
    PERCENT,
    TEXT,
    TEXTS,
    YUAN,
    Figure,
    Group,
    Part,
    Section,
    Share,
    per_choice,
    periods,
)

AS_OF = "as they stand on `as_of`"
LEDGER_NOTE = "Summed as on the ledger pages, over rows whose {date} falls in the period."


# --- The workbook's fixed terms for the choices it lists -------------------------------------

TASK_STATUS_TERMS = {
    TaskStatus.PLANNED: "未开始",
    TaskStatus.IN_PROGRESS: "推进中",
    TaskStatus.DONE: "已完成",
    TaskStatus.SUSPENDED: "已暂停",
    TaskStatus.CANCELLED: "已取消",
}
WARNING_TERMS = {
    WarningLevel.GREEN: "正常",
    WarningLevel.YELLOW: "黄色预警",
    WarningLevel.RED: "红色预警（逾期）",
    WarningLevel.DONE_LATE: "逾期完成",
    WarningLevel.NONE: "不督办",
}
ACTIVITY_TERMS = {
    ActivityKind.VISIT: "巡查走访",
    ActivityKind.LECTURE: "主题宣讲",
    ActivityKind.TRAINING: "技能培训",
    ActivityKind.CARE: "关爱活动",
    ActivityKind.MEDIATION: "调解",
    ActivityKind.FORUM: "职工座谈会",
    ActivityKind.READING: "职工阅读活动",
    ActivityKind.SURVEY: "发放调查问卷",
    ActivityKind.PARTY_POST: "党员示范岗",
    ActivityKind.OTHER: "其他",
}

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

# --- Sections --------------------------------------------------------------------------------

TASKS_PERIOD = Group(
    "ReportTasksPeriod",
    (
        Figure("done", _("Done"), "本期完成任务数", "Tasks whose done date falls in the period."),
        Figure(
            "done_on_time",
            _("Done on time"),
            "其中按时完成",
            "Of those, done on or before their due date.",
        ),
        Figure(
            "due",
            _("Due in the period"),
            "本期到期任务数（不含已取消）",
            "Tasks whose due date falls in the period, cancelled ones excepted.",
        ),
        Figure(
            "due_done_on_time",
            _("Due in the period and done on time"),
            "到期任务中按时完成数",
            "Of those, done on or before their due date (as known on `as_of`).",
        ),
        Figure(
            "on_time_rate",
            _("On-time rate"),
            "按时完成率",
            "due_done_on_time / due × 100.",
            kind=PERCENT,
        ),
    ),
)
TASKS = Group(
    "ReportTasks",
    (
        Figure(
            "as_of",
            definition="The day the status and warning counts stand at (the snapshot's `as_of`).",
            kind=DATE,
        ),
        Figure("total", term="任务总数", definition=f"Every task in scope, {AS_OF}."),
        Part(
            "by_status",
            Group(
                "ReportTasksByStatus",
                per_choice(TaskStatus, TASK_STATUS_TERMS),
                f"Tasks in scope by status, {AS_OF}.",
            ),
        ),
        Part(
            "by_warning",
            Group(
                "ReportTasksByWarning",
                per_choice(WarningLevel, WARNING_TERMS),
                f"Tasks in scope by supervision warning as the task pages show them, {AS_OF} "
                "(red: overdue; yellow: at risk; done_late; none: not chased).",
            ),
        ),
        *periods(TASKS_PERIOD, previous=""),
    ),
    "Reform tasks (产改任务).",
)

# The three rates of 接诉即办 and the counts behind them: a period's, and a park's.
RATE_FIGURES = (
    Figure(
        "received",
        _("Received"),
        "受理诉求数",
        "Grievances received in the period; withdrawn ones count nowhere.",
        name=_("Grievances received"),
    ),
    Figure(
        "responded_in_time",
        _("Responded in time"),
        "按时响应数",
        f"Answered by the response deadline, {AS_OF}.",
    ),
    Figure(
        "resolved",
        _("Resolved"),
        "已办结数",
        f"Resolved (replied to the worker, whenever), {AS_OF}.",
    ),
    Figure(
        "resolved_in_time",
        _("Resolved in time"),
        "按时办结数",
        "Resolved by the resolution deadline.",
    ),
    Figure("followed_up", _("Followed up"), "已回访数", "With a satisfaction recorded."),
    Figure("satisfied", _("Satisfied"), "满意数", "Satisfied or basically satisfied."),
    Figure(
        "response_rate",
        _("Response rate"),
        "响应率",
        "响应率: responded_in_time / received × 100.",
        kind=PERCENT,
    ),
    Figure(
        "resolution_rate",
        _("Resolution rate"),
        "解决率",
        "解决率: resolved / received × 100.",
        kind=PERCENT,
    ),
    Figure(
        "satisfaction_rate",
        _("Satisfaction rate"),
        "满意率",
        "满意率: satisfied / followed_up × 100.",
        kind=PERCENT,
    ),
)
RATES = ("response_rate", "resolution_rate", "satisfaction_rate")
SURVEY = "满意度调查："
FUNNEL = Group(
    "ReportSurveyFunnel",
    (
        Figure(
            "handed_out",
            _("Handed out"),
            f"{SURVEY}发放问卷",
            "Forms handed out, over survey campaigns held in the period.",
        ),
        Figure(
            "returned",
            pgettext_lazy("survey", "Returned"),
            f"{SURVEY}回收问卷",
            "Forms returned, over the same campaigns.",
        ),
        Figure(
            "opinions",
            _("Opinions (grievances from surveys)"),
            f"{SURVEY}收集意见",
            "Grievances of the survey channel received in the period (withdrawn "
            "ones included, as on the grievance rates page).",
        ),
        Figure("rectified", _("Rectified"), f"{SURVEY}已整改", "Of those, marked rectified."),
    ),
    "Satisfaction surveys: handed out → returned → opinions → rectified.",
)
GRIEVANCES = Group(
    "ReportGrievances",
    periods(
        Group(
            "ReportGrievancesPeriod",
            (*RATE_FIGURES, Part("funnel", FUNNEL, label=_("Survey funnel"))),
            "The three rates of 接诉即办 over the grievances received in the period.",
        )
    ),
    "Workers' grievances (职工诉求).",
)

ACTIVITY_FIGURES = Group(
    "ReportActivityFigures",
    (
        Figure("count", definition="Entries."),
        Figure("participants", definition="Participants, summed as logged."),
    ),
)
ACTIVITIES = Group(
    "ReportActivities",
    periods(
        Group(
            "ReportActivitiesPeriod",
            (
                Figure(
                    "count",
                    _("Activities"),
                    "网格活动次数",
                    "Grid-log entries that occurred in the period, park-wide ones included.",
                ),
                Figure(
                    "participants",
                    _("Participants"),
                    "活动参与人次",
                    "Participants, summed as logged.",
                ),
                Part(
                    "by_kind",
                    Group(
                        "ReportActivitiesByKind",
                        tuple(
                            Part(value, ACTIVITY_FIGURES, label=label)
                            for value, label in ActivityKind.choices
                        ),
                        "The same per kind of activity; every kind present, zeros included.",
                    ),
                ),
            ),
        )
    ),
    "The grid log (网格活动).",
)

COVERAGE = Group(
    "ReportCoverage",
    (
        Figure(
            "zones",
            _("Grid zones"),
            "网格总数",
            "Grid zones of the scope's parks that exist on `as_of`.",
        ),
        Figure(
            "zones_with_liaison",
            _("Grid zones with a liaison"),
            "配备联络员的网格数",
            "Of those, looked after by a liaison whose account is active.",
        ),
        *periods(
            Group(
                "ReportCoveragePeriod",
                (
                    Figure(
                        "covered",
                        _("Grid zones that logged activity"),
                        "有活动记录的网格数",
                        "Zones with at least one grid-log entry in the period "
                        "(park-wide entries cover none).",
                    ),
                    Figure(
                        "rate",
                        _("Grid coverage"),
                        "网格覆盖率",
                        "covered / zones × 100 (both periods divide by the zones of `as_of`).",
                        kind=PERCENT,
                    ),
                ),
            ),
            previous="",
        ),
    ),
    "Grid coverage (网格覆盖).",
)

CARE = Group(
    "ReportCare",
    periods(
        Group(
            "ReportCarePeriod",
            (
                Figure("entries", _("Payments"), "帮扶条数", "Payments."),
                Figure("recipients", _("People paid"), "受助人数", "People paid."),
                Figure("amount", _("Amount (yuan)"), "帮扶金额（元）", "Money paid.", kind=YUAN),
            ),
        )
    ),
    f"Care and subsidy payments (关爱帮扶). {LEDGER_NOTE.format(date='paid-on date')}",
)
PUBLICITY = Group(
    "ReportPublicity",
    periods(
        Group(
            "ReportPublicityPeriod",
            (
                Figure("entries", _("Pieces"), "宣传报道总数", "Publicity items."),
                *per_choice(
                    PublicityChannel, CHANNEL_TERMS, definition="Of those, on channel `{value}`."
                ),
            ),
        )
    ),
    "Publicity (宣传) by channel (`publicity_channels`). "
    f"{LEDGER_NOTE.format(date='published-on date')}",
)
TRAINING = Group(
    "ReportTraining",
    periods(
        Group(
            "ReportTrainingPeriod",
            (
                Figure("entries", _("Courses"), "培训期数", "Courses."),
                Figure("hours", _("Hours"), "学时", "Course hours", kind=HOURS),
                Figure("trainees", _("Trainees"), "参训人数", "Trainees."),
                Figure(
                    "certificates",
                    _("Certificates"),
                    "取证人数",
                    "Trainees who earned a certificate.",
                ),
            ),
        )
    ),
    f"Skills training (技能培训). {LEDGER_NOTE.format(date='start date')}",
)
PROPOSAL_STATUSES = per_choice(
    ProposalStatus,
    {status: f"状态：{term}" for status, term in STATUS_TERMS.items()},
    definition="Of those, in status `{value}` on `as_of`.",
)
PROPOSALS = Group(
    "ReportProposals",
    periods(
        Group(
            "ReportProposalsPeriod",
            (
                Figure(
                    "entries",
                    _("Submitted in the period"),
                    "建议和成果总数",
                    "Proposals and innovations submitted.",
                ),
                Figure(
                    "innovations",
                    _("Innovations"),
                    "其中：科技创新成果",
                    "Of those, technical innovations.",
                ),
                Figure(
                    "benefit_amount",
                    _("Benefit (yuan)"),
                    "效益金额（元）",
                    "Benefit recorded.",
                    kind=YUAN,
                ),
                Figure(
                    "reward_amount",
                    _("Rewards (yuan)"),
                    "奖励金额（元）",
                    "Rewards paid.",
                    kind=YUAN,
                ),
                *PROPOSAL_STATUSES,
            ),
        )
    ),
    "Rationalisation proposals and innovations (合理化建议), by status in workflow order "
    f"(`proposal_statuses`). {LEDGER_NOTE.format(date='submitted-on date')}",
)
# The page and the workbook list a proposal's statuses between its counts and its money.
PROPOSAL_ROWS = ("entries", "innovations", *(f.key for f in PROPOSAL_STATUSES))
PROPOSAL_ROWS += ("benefit_amount", "reward_amount")

OVERDUE_UNIT = Group(
    "ReportOverdueUnit",
    (
        Figure("unit", definition="The lead unit's organisation id.", kind=ID),
        Figure("unit_name", _("Lead unit"), "牵头单位", kind=TEXT),
        Figure(
            "overdue", _("Overdue"), "逾期未完成任务数", "Its tasks past due on `overdue_as_of`."
        ),
    ),
)
PARK_TASKS = Group(
    "ReportParkTasks",
    (
        Figure("total", term="任务总数", definition="The park's tasks."),
        Figure("done", term="已完成任务", definition="Done.", name=_("Tasks done")),
        Figure("red", term="红色预警", definition="Overdue (red).", name=_("Red")),
        Figure("yellow", term="黄色预警", definition="At risk (yellow).", name=_("Yellow")),
    ),
    f"The park's tasks, {AS_OF}.",
)
PARK_COVERAGE = Group(
    "ReportParkCoverage",
    (
        Figure("zones", term="网格数", definition="Grid zones."),
        Figure("covered", term="有活动网格数", definition="Zones with an entry in `period`."),
    ),
)
PARK = Group(
    "ReportParkFigures",
    (
        Figure("park", definition="The park's id.", kind=ID),
        Figure("park_name", term="园区", kind=TEXT, name=_("Park")),
        Part(
            "grievances",
            Group("ReportParkGrievances", RATE_FIGURES, "As in `grievances`, over `period`."),
        ),
        Part(
            "activities",
            Group(
                "ReportParkActivities",
                (
                    Figure(
                        "count",
                        term="活动次数",
                        definition="Grid-log entries.",
                        name=_("Activities"),
                    ),
                    Figure("participants", term="参与人次", definition="Participants."),
                ),
                "As in `activities`, over `period`.",
            ),
        ),
        Part("tasks", PARK_TASKS),
        Part("coverage", PARK_COVERAGE),
    ),
    "One park's key figures (no previous period).",
)


PARK_COVERAGE_RATE = Share(
    "coverage", "coverage.covered", "coverage.zones", name=_("Grid coverage"), term="网格覆盖率"
)
PARK_COMPLETION = Share("completion", "tasks.done", "tasks.total", name=_("Task completion"))

# --- The whole snapshot -------------------------------------------------------------------------

SNAPSHOT = Group(
    "ReportSnapshot",
    (
        Figure("schema_version", definition="1 for this schema.", kind=NUMBER),
        Part("scope", SCOPE),
        Part("period", PERIOD),
        Part("previous_period", PREVIOUS_PERIOD),
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
            "resolved, a proposal's status, the zones and their liaisons) stand as on this day, "
            "so rebuilding a past report may change them.",
            kind=DATE,
        ),
        Figure(
            "overdue_as_of",
            term="逾期统计截至",
            definition="The day `overdue_by_unit` stands at: the period's last day, or `as_of` "
            "while the period is still running.",
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
            "by_park",
            PARK,
            "One entry per park of the scope, by park id, parks with no rows included.",
            many=True,
        ),
    ),
    "The figures of a report, as built (schema_version 1). Fields are only ever added within a "
    "schema version; a rename or removal bumps it. Every section's `current` covers `period` "
    "and its `previous` covers `previous_period`.",
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
BY_PARK_SHEET = "各园区"
SUMMARY_SHEET = "概览"

# The workbook's overview (概览): key figures of the sections, by "section.figure"; a second
# item names the figure where the overview, out of its section, needs a fuller name.
SUMMARY = (
    ("tasks.done", ""),
    ("tasks.due", "本期到期任务数"),
    ("tasks.on_time_rate", "任务按时完成率"),
    ("grievances.received", ""),
    ("grievances.response_rate", ""),
    ("grievances.resolution_rate", ""),
    ("grievances.satisfaction_rate", ""),
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
