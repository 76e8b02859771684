"""The sections of a progress report's snapshot about the work itself: reform tasks, workers'
grievances (the three rates of 接诉即办 and the survey funnel), the grid log and grid coverage,
with the workbook's fixed terms for the choices they list.

Part of the report's declaration; reforms.reporting.spec assembles the whole snapshot and
re-exports every name here.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parks.gridlog.choices import ActivityKind
from reforms.reporting.shape import DATE, PERCENT, Figure, Group, Part, per_choice, periods
from reforms.tasks.choices import TaskStatus, WarningLevel

AS_OF = "as they stand on `as_of`"


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
