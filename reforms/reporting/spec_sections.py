"""The sections of a progress report's snapshot about the work itself: reform tasks, workers'
grievances (the three rates of 接诉即办 and the survey funnel), the grid log and grid coverage,
with the workbook's fixed terms for the choices they list.

Part of the report's declaration; reforms.reporting.spec assembles the whole snapshot and
re-exports every name here.
"""

from django.utils.translation import gettext_lazy as _

from grievances import selectors as grievance_selectors
from parks.gridlog.choices import ActivityKind
from reforms.reporting.shape import COUNT, DATE, PERCENT, Figure, Group, Part, per_choice, periods
from reforms.tasks.choices import TaskStatus, WarningLevel
from reforms.tasks.selectors import (
    ON_TIME_COUNTED,
    ON_TIME_DONE,
    ON_TIME_PENDING,
    ON_TIME_RATE,
    OnTimeFigure,
)

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


def _on_time_figure(measure: OnTimeFigure, key: str, term: str, label=None) -> Figure:
    """A figure of the on-time rate, over the tasks due in the period, as
    reforms.tasks.selectors defines it: its English definition, fixed Chinese 口径 and page
    note (and, unless given, its label) come from there; pending is judged on `as_of`."""
    return Figure(
        key,
        label or measure.label,
        term,
        f"{measure.definition} Over the tasks due in the period; pending judged on `as_of`.",
        kind=PERCENT if measure is ON_TIME_RATE else COUNT,
        basis=f"{measure.basis}（范围：到期日在统计期内的任务；是否未到期按数据截至日判断。）",
        note=measure.note,
    )


TASKS_PERIOD = Group(
    "ReportTasksPeriod",
    (
        Figure(
            "done",
            _("Done"),
            "本期完成任务数",
            "Tasks whose done date falls in the period.",
            basis="完成日期在统计期内的任务数。",
        ),
        Figure(
            "done_on_time",
            _("Done on time"),
            "其中按时完成",
            "Of those, done on or before their due date.",
            basis="其中在到期日当天或之前完成的任务数。",
        ),
        Figure(
            "due",
            _("Due in the period"),
            "本期到期任务数（不含已取消）",
            "Tasks whose due date falls in the period, cancelled ones excepted.",
            basis="到期日在统计期内的任务数，已取消的不计。",
        ),
        _on_time_figure(ON_TIME_PENDING, "due_pending", "其中未到期任务数"),
        _on_time_figure(ON_TIME_COUNTED, "due_counted", "其中应完成任务数"),
        _on_time_figure(
            ON_TIME_DONE,
            "due_done_on_time",
            "到期任务中按时完成数",
            _("Due in the period and done on time"),
        ),
        _on_time_figure(ON_TIME_RATE, "on_time_rate", ON_TIME_RATE.term),
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


def _grievance_figure(measure, **options) -> Figure:
    """A grievance figure as grievances.rates defines it: its label, workbook term, English
    definition, fixed Chinese definition (口径) and page note all come from there."""
    return Figure(
        measure.key,
        measure.label,
        measure.term,
        measure.definition,
        kind=PERCENT if measure.is_rate else COUNT,
        basis=measure.basis,
        note=measure.note,
        lower_is_better=measure.lower_is_better,
        **options,
    )


# Every grievance figure of grievances.rates (the three rates of 接诉即办, the others and the
# counts behind them, pending included): a period's, and a park's.
RATE_FIGURES = tuple(
    _grievance_figure(measure, name=_("Grievances received") if measure.key == "received" else None)
    for measure in grievance_selectors.RATE_MEASURES
)
# The three rates of 接诉即办, the headline: cards, charts and the dashboard's ranking.
RATES = ("response_rate", "resolution_rate", "satisfaction_rate")
# The other rates, shown beside them on the report page and the dashboard's cards.
OTHER_RATES = tuple(
    measure.key
    for measure in grievance_selectors.RATE_MEASURES
    if measure.is_rate and measure.key not in RATES
)
# Each rate's numerator, denominator and pending count ("" for none), by key (the cards).
RATE_PARTS = {
    measure.key: (
        measure.part,
        measure.whole,
        grievance_selectors.RATE_PENDING.get(measure.key, ""),
    )
    for measure in grievance_selectors.RATE_MEASURES
    if measure.is_rate
}
SURVEY = "满意度调查："
FUNNEL = Group(
    "ReportSurveyFunnel",
    tuple(
        Figure(
            step.key,
            step.label,
            f"{SURVEY}{step.term}",
            step.definition,
            basis=step.basis,
            note=step.note,
        )
        for step in grievance_selectors.FUNNEL_MEASURES
    ),
    "Satisfaction surveys: handed out → returned → opinions → rectified.",
)
GRIEVANCES = Group(
    "ReportGrievances",
    periods(
        Group(
            "ReportGrievancesPeriod",
            (
                *RATE_FIGURES,
                *(_grievance_figure(m) for m in grievance_selectors.BACKLOG_MEASURES),
                Part("funnel", FUNNEL, label=_("Survey funnel")),
            ),
            "The grievance figures (grievances.rates) over the grievances received in the "
            "period: the three rates of 接诉即办 and the others, the counts behind them and "
            "the grievances pending (not yet due), which count as neither on time nor late. "
            "Whether a grievance was answered, resolved, returned, called back or reopened, and "
            "whether its deadline has passed, stand as at the build (`generated_at`). "
            "`open_at_end` and `overdue_at_end` count every grievance received before the "
            "period's end (or the build, while the period runs), however long ago.",
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
            basis="数据截至日存在的、范围内园区的网格数。",
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
                        basis="统计期内至少有一条网格活动记录的网格数；园区整体活动不计入任何网格。",
                    ),
                    Figure(
                        "rate",
                        _("Grid coverage"),
                        "网格覆盖率",
                        "covered / zones × 100 (both periods divide by the zones of `as_of`).",
                        kind=PERCENT,
                        basis="网格覆盖率 = 有活动记录的网格数 ÷ 网格总数；"
                        "本期和上期都除以数据截至日的网格数。",
                        note=_(
                            "Grid zones that logged at least one activity in the period ÷ all "
                            "grid zones (as they are on the day the figures stand at)."
                        ),
                    ),
                ),
            ),
            previous="",
        ),
    ),
    "Grid coverage (网格覆盖).",
)
