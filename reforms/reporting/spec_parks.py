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
SUBDISTRICT = Group(
    "ReportSubdistrictFigures",
    (
        Figure("subdistrict", definition="The subdistrict's id.", kind=ID),
        Figure("subdistrict_name", term="街道", kind=TEXT, name=_("Subdistrict")),
        Figure("parks", term="园区数", definition="Its parks.", name=_("Parks")),
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
                PARK["activities"].group.fields,
                "Its parks' `by_park` counts summed.",
            ),
        ),
        Part(
            "tasks",
            Group(
                "ReportSubdistrictTasks",
                PARK_TASKS.fields,
                f"Its parks' tasks and its own subdistrict-wide tasks (no park, a plan of the "
                f"subdistrict), {AS_OF}.",
            ),
        ),
        Part(
            "coverage",
            Group("ReportSubdistrictCoverage", PARK_COVERAGE.fields, "Its parks' zones summed."),
        ),
    ),
    "One subdistrict's key figures (no previous period), as `by_park` adds up over its parks.",
)


PARK_COVERAGE_RATE = Share(
    "coverage", "coverage.covered", "coverage.zones", name=_("Grid coverage"), term="网格覆盖率"
)
PARK_COMPLETION = Share("completion", "tasks.done", "tasks.total", name=_("Task completion"))
