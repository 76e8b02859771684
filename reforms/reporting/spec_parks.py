"""The per-unit, per-park and per-subdistrict objects of a progress report's snapshot: the
overdue tasks of one lead unit (`overdue_by_unit`), one park's key figures (`by_park`), one
subdistrict's (`by_subdistrict`) and the shares worked out from them.

Part of the report's declaration; reforms.reporting.spec assembles the whole snapshot and
re-exports every name here.
"""

from django.utils.translation import gettext_lazy as _

from reforms.reporting.shape import DATE, ID, TEXT, Figure, Group, Part, Share
from reforms.reporting.spec_sections import AS_OF, RATE_FIGURES

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
OVERDUE_TASK = Group(
    "ReportOverdueTask",
    (
        Figure("task", definition="The task's id.", kind=ID),
        Figure("code", _("Code"), "任务编号", kind=TEXT),
        Figure("title", _("Task"), "任务名称", kind=TEXT),
        Figure("unit", definition="Its lead unit's organisation id.", kind=ID),
        Figure("unit_name", _("Lead unit"), "牵头单位", kind=TEXT),
        Figure(
            "park", definition="Its park's id; null for a task of no park.", kind=ID, nullable=True
        ),
        Figure(
            "park_name", _("Park"), "园区", "Null for a task of no park.", kind=TEXT, nullable=True
        ),
        Figure("due_date", _("Due date"), "到期日", kind=DATE),
        Figure(
            "days_overdue",
            _("Days overdue"),
            "逾期天数",
            "Days from its due date to `overdue_as_of`.",
            basis="截至逾期统计日，距到期日的天数。",
        ),
    ),
)
UNIT_GRIEVANCES = Group(
    "ReportUnitGrievances",
    (
        Figure("unit", definition="The handling unit's organisation id.", kind=ID),
        Figure("unit_name", _("Handling unit"), "承办单位", kind=TEXT),
        *RATE_FIGURES,
    ),
    "As in `grievances`, over `period`, for the grievances the unit handles now.",
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
PARK_GRIEVANCES = Group("ReportParkGrievances", RATE_FIGURES, "As in `grievances`, over `period`.")
PARK_ACTIVITIES = Group(
    "ReportParkActivities",
    (
        Figure("count", term="活动次数", definition="Grid-log entries.", name=_("Activities")),
        Figure("participants", term="参与人次", definition="Participants."),
    ),
    "As in `activities`, over `period`.",
)
# What an entry's compared periods (`previous`, `year_ago`) hold and leave out.
COMPARED_NOTE = (
    "Absent from reports built before it was added. Its zones are those of `as_of`, as for "
    "`period`; its tasks, standing on `as_of`, have no earlier figures."
)
PARK_PERIOD = Group(
    "ReportParkPeriod",
    (
        Part("grievances", PARK_GRIEVANCES),
        Part("activities", PARK_ACTIVITIES),
        Part("coverage", PARK_COVERAGE),
    ),
    "The park's grievances, activities and grid coverage over a compared period, counted as "
    "over `period`.",
)
PARK = Group(
    "ReportParkFigures",
    (
        Figure("park", definition="The park's id.", kind=ID),
        Figure("park_name", term="园区", kind=TEXT, name=_("Park")),
        Part("grievances", PARK_GRIEVANCES),
        Part("activities", PARK_ACTIVITIES),
        Part("tasks", PARK_TASKS),
        Part("coverage", PARK_COVERAGE),
        Part("previous", PARK_PERIOD, f"Over `previous_period`. {COMPARED_NOTE}", optional=True),
        Part(
            "year_ago",
            PARK_PERIOD,
            f"Over `year_ago_period` (the same period a year earlier). {COMPARED_NOTE}",
            optional=True,
        ),
    ),
    "One park's key figures, and its figures over the period before and a year earlier.",
)
SUBDISTRICT_PERIOD_FIELDS = (
    Part(
        "grievances",
        Group(
            "ReportSubdistrictGrievances",
            RATE_FIGURES,
            "Its parks' `by_park` counts summed, each rate worked out again from the sums "
            "(never an average of the parks' rates).",
        ),
    ),
    Part(
        "activities",
        Group(
            "ReportSubdistrictActivities",
            PARK_ACTIVITIES.fields,
            "Its parks' `by_park` counts summed.",
        ),
    ),
)
SUBDISTRICT_COVERAGE = Group(
    "ReportSubdistrictCoverage", PARK_COVERAGE.fields, "Its parks' zones summed."
)
SUBDISTRICT_PERIOD = Group(
    "ReportSubdistrictPeriod",
    (*SUBDISTRICT_PERIOD_FIELDS, Part("coverage", SUBDISTRICT_COVERAGE)),
    "Its parks' figures over a compared period summed, the rates worked out again.",
)
SUBDISTRICT = Group(
    "ReportSubdistrictFigures",
    (
        Figure("subdistrict", definition="The subdistrict's id.", kind=ID),
        Figure("subdistrict_name", term="街道", kind=TEXT, name=_("Subdistrict")),
        Figure("parks", term="园区数", definition="Its parks.", name=_("Parks")),
        *SUBDISTRICT_PERIOD_FIELDS,
        Part(
            "tasks",
            Group(
                "ReportSubdistrictTasks",
                PARK_TASKS.fields,
                f"Its parks' tasks and its own subdistrict-wide tasks (no park, a plan of the "
                f"subdistrict), {AS_OF}.",
            ),
        ),
        Part("coverage", SUBDISTRICT_COVERAGE),
        Part(
            "previous",
            SUBDISTRICT_PERIOD,
            f"Over `previous_period`. {COMPARED_NOTE}",
            optional=True,
        ),
        Part(
            "year_ago",
            SUBDISTRICT_PERIOD,
            f"Over `year_ago_period` (the same period a year earlier). {COMPARED_NOTE}",
            optional=True,
        ),
    ),
    "One subdistrict's key figures, as `by_park` adds up over its parks, and over the period "
    "before and a year earlier.",
)


PARK_COVERAGE_RATE = Share(
    "coverage", "coverage.covered", "coverage.zones", name=_("Grid coverage"), term="网格覆盖率"
)
PARK_COMPLETION = Share("completion", "tasks.done", "tasks.total", name=_("Task completion"))
