"""Reform tasks, milestones, ledgers and reports as related panels and workbench sections
(parks.core.related).

Counts are the construction table's own: its filter (reforms.tasks.filters.TaskFilter) with
the query string the count links to, over the tasks the user sees with their warning
(selectors.with_warning: red overdue, yellow at risk or due within REFORM_DUE_SOON_DAYS). Each
panel runs a fixed number of queries, whatever the rows.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q, Window
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from parks import access
from parks.core import related
from parks.core.choice_display import choice_label
from parks.core.db import counts_at_once
from parks.core.related import PANEL_ITEMS, Panel, PanelItem
from parks.core.row_urls import named_url, pk_url
from parks.structure.models import Park
from reforms.ledgers.selectors import ledger_visible_to
from reforms.ledgers.views import LEDGERS
from reforms.reporting.choices import ReportStatus
from reforms.reporting.models import Report
from reforms.reporting.selectors import reports_visible_to
from reforms.tasks import selectors as task_selectors
from reforms.tasks.choices import WarningLevel
from reforms.tasks.filters import TaskFilter

WARNING_TONES = {WarningLevel.RED: "danger", WarningLevel.YELLOW: "warning"}
# Reports built this many days ago or since count as "ready" on the workbench.
REPORTS_READY_DAYS = 7


def _tasks(user, *, known=None, **params):
    """The construction table's rows for `params`, with their warning and rank, and the link.
    `known`: rows named by `params` that the page has read already (related.filtered)."""
    known = known or {}
    query = QueryDict(mutable=True)
    query.update({name: str(value) for name, value in params.items()})
    query.update({name: str(value.pk) for name, value in known.items()})
    rows = task_selectors.with_warning_rank(
        task_selectors.tasks_visible_to(user).select_related("park", "lead_unit")
    )
    return related.filtered(TaskFilter, query, rows, user, **known), query


# What a panel's row shows (parks.core.related.PanelItem): the tasks read with these columns
# and their warning, not every column of three tables.
TASK_ITEM_COLUMNS = ("title", "code", "due_date", "lead_unit__name")


def _shown_tasks(rows):
    shown = rows.select_related(None).select_related("lead_unit").only(*TASK_ITEM_COLUMNS)
    return shown.order_by("warning_rank", "due_date", "code")


def _task_items(rows) -> list[PanelItem]:
    return _as_task_items(_shown_tasks(rows)[:PANEL_ITEMS])


def _as_task_items(tasks) -> list[PanelItem]:
    return [
        PanelItem(
            text=task.title,
            url=task.get_absolute_url(),
            note=" · ".join(
                part
                for part in (task.code, task.lead_unit.name, date_format(task.due_date))
                if part
            ),
            badge=str(WarningLevel(task.warning).label),
            tone=WARNING_TONES.get(task.warning, "secondary"),
        )
        for task in tasks
    ]


def _table_url(query: QueryDict, **more) -> str:
    link = query.copy()
    for name, value in more.items():
        link[name] = value
    return f"{named_url('reforms:task_list')}?{link.urlencode()}"


def _by_level(rows):
    # One row per warning level (GROUP BY the warning, its expression compiled once; a
    # COUNT … FILTER per level compiled it once a level).
    return rows.order_by().values_list("warning").annotate(n=Count("pk"))


def _warning_panel(key, title, rows, query, *, every_task=False, links=(), empty_text="") -> Panel:
    """Red and yellow tasks of `rows`, each count a link to the table, in one query; with
    `every_task` the panel counts and lists all of `rows` (worst first), not only those."""
    by_level = dict(_by_level(rows))
    counts = {
        "red": by_level.get(WarningLevel.RED, 0),
        "yellow": by_level.get(WarningLevel.YELLOW, 0),
        "total": sum(by_level.values()),
    }
    listed = (
        rows if every_task else rows.filter(warning__in=[WarningLevel.RED, WarningLevel.YELLOW])
    )
    return _levels_panel(
        key, title, counts, _task_items(listed), query, every_task, links, empty_text
    )


def _levels_panel(key, title, counts, items, query, every_task, links, empty_text) -> Panel:
    """The panel of a warning's counts and `items`, its links to the table made once per set of
    these values (related.built_once): three query strings encoded and the table reversed."""
    return related.built_once(
        "task_levels",
        _levels_built,
        key,
        title,
        (counts["red"], counts["yellow"], counts["total"]),
        tuple(items),
        related.query_values(query),
        every_task,
        tuple(links),
        empty_text,
    )


def _levels_built(key, title, counts, items, query_lists, every_task, links, empty_text) -> Panel:
    red, yellow, total = counts
    query = related.query_of(query_lists)
    return Panel(
        key=key,
        title=title,
        count=total if every_task else red + yellow,
        url=_table_url(query, ordering="warning"),
        items=list(items),
        icon="bi-flag",
        links=[
            (_("%(count)d red") % {"count": red}, _table_url(query, warning="red")),
            (_("%(count)d yellow") % {"count": yellow}, _table_url(query, warning="yellow")),
            *links,
        ],
        empty_text=empty_text,
    )


# --- The workbench ---------------------------------------------------------------------------


def _own(user) -> dict:
    """The office chases every task it sees; everyone else their own (TaskFilter's `mine`)."""
    return {} if access.is_district_office(user) else {"mine": "true"}


def tasks_section(user, _obj):
    rows, query = _tasks(user, **_own(user))
    return _warning_panel(
        "tasks",
        _("Tasks overdue or at risk"),
        rows,
        query,
        empty_text=_("No task is red or yellow."),
    )


def milestones_section(user, _obj):
    """Open milestones of open tasks (the user's own, or all for the office) due by Sunday."""
    today = timezone.localdate()
    sunday = today + timedelta(days=6 - today.weekday())
    tasks, _query = _tasks(user, **_own(user))
    rows = (
        task_selectors.milestones_due_by(
            task_selectors.milestones_visible_to(user).filter(task__in=tasks.values("pk")), sunday
        )
        .select_related("task")
        .order_by("due_date", "task__code", "order")
    )
    own = "mine" in _own(user)
    return Panel(
        key="milestones",
        title=_("Milestones due this week"),
        count=rows.count(),
        url=reverse("reforms:my_tasks" if own else "reforms:task_list"),
        items=[
            PanelItem(
                text=milestone.title,
                url=milestone.task.get_absolute_url(),
                note=f"{milestone.task.code} {milestone.task.title}",
                badge=date_format(milestone.due_date),
                tone="danger" if milestone.due_date < today else "warning",
            )
            for milestone in rows[:PANEL_ITEMS]
        ],
        icon="bi-signpost-2",
        empty_text=_("No milestone is due this week."),
    )


def reports_section(user, _obj):
    """Reports built in the last REPORTS_READY_DAYS days in the area the user looks after."""
    if not access.oversees_area(user):
        return None
    since = timezone.now() - timedelta(days=REPORTS_READY_DAYS)
    rows = (
        reports_visible_to(user)
        .filter(status=ReportStatus.DONE, finished_at__gte=since)
        .select_related("park", "subdistrict")
        .defer("snapshot")  # ~90 kB of JSON a report, parsed for nothing: the panel names them
        .order_by("-finished_at", "-pk")
    )
    return Panel(
        key="reports",
        title=_("Reports ready"),
        count=rows.count(),
        url=f"{reverse('reforms:report_list')}?status={ReportStatus.DONE}",
        items=[
            PanelItem(
                text=str(report),
                url=report.get_absolute_url(),
                note=report.get_period_kind_display(),
                badge=date_format(timezone.localtime(report.finished_at), "SHORT_DATE_FORMAT"),
                tone="success",
            )
            for report in rows[:PANEL_ITEMS]
        ],
        icon="bi-file-earmark-bar-graph",
        empty_text=_("No new report this week."),
    )


# --- The park and unit pages -----------------------------------------------------------------


# A park's tasks with, on each row, how many there are of each warning level: windows over
# every row (counted before the LIMIT), so the panel's first rows and its counts come in one
# query (none when there is no task: every count is then 0).
LEVEL_WINDOWS = {
    "level_total": Window(Count("*")),
    "level_red": Window(Count("pk", filter=Q(warning=WarningLevel.RED))),
    "level_yellow": Window(Count("pk", filter=Q(warning=WarningLevel.YELLOW))),
}


def park_tasks_panel(user, park):
    """The park's tasks as _warning_panel draws them (every task), its counts read with its
    first rows in one query (LEVEL_WINDOWS; _warning_panel's two queries), compiled once per
    scope and setting (parks.core.related.first_once; the key holds what the SQL depends on
    besides the park's id and the day: access.scope_key and the warning's settings).
    tests/workbench pin it to the plain panel."""

    def rows_of(pk, today):
        tasks = task_selectors.with_warning(
            task_selectors.tasks_visible_to(user).select_related("park", "lead_unit"), today=today
        )
        query = QueryDict(mutable=True)
        query["park"] = str(pk)
        rows = task_selectors.with_warning_rank(tasks)
        return related.filtered(TaskFilter, query, rows, user, park=Park(pk=pk))

    key = (
        "park_tasks",
        access.scope_key(user),
        settings.REFORM_DUE_SOON_DAYS,
        settings.REFORM_PACE_MARGIN,
    )
    tasks = related.first_once(
        key,
        lambda *v: _shown_tasks(rows_of(*v).annotate(**LEVEL_WINDOWS)),
        park.pk,
        timezone.localdate(),
    )
    first = tasks[0] if tasks else None
    counts = {
        "red": first.level_red if first else 0,
        "yellow": first.level_yellow if first else 0,
        "total": first.level_total if first else 0,
    }
    query = QueryDict(mutable=True)
    query["park"] = str(park.pk)
    roadmap = (_("Roadmap"), pk_url("reforms:park_roadmap", park.pk))
    return _levels_panel(
        "tasks",
        _("Reform tasks"),
        counts,
        _as_task_items(tasks),
        query,
        True,
        [roadmap],
        _("No reform tasks."),
    )


def unit_tasks_panel(user, unit):
    rows, query = _tasks(user, unit=unit.pk)
    return _warning_panel(
        "tasks", _("Reform tasks"), rows, query, every_task=True, empty_text=_("No reform tasks.")
    )


def park_ledgers_panel(user, park):
    """How many rows each ledger (台账) holds for the park, all counted in one query: the
    statement counts_at_once composes, kept per scope and park (related.statement_once; the
    key holds what its SQL depends on besides the park's id: access.scope_key)."""

    def run():
        return counts_at_once(
            {
                kind: ledger_visible_to(ledger.model, user).filter(park=park.pk)
                for kind, ledger in LEDGERS.items()
            }
        )

    counts = related.statement_once(
        ("park_ledgers", access.scope_key(user)),
        (park.pk,),
        run,
        # As counts_at_once reads its row: a count per ledger, in LEDGERS' order.
        lambda row: {kind: int(count) for kind, count in zip(LEDGERS, row, strict=True)},
    )
    return _ledgers_panel(park, counts)


def _ledgers_panel(park, counts) -> Panel:
    """How many rows each ledger holds for `park` (`counts`, by kind), built once per park and
    counts (related.built_once)."""
    return related.built_once(
        "park_ledgers", _ledgers_built, park.pk, tuple(counts[kind] for kind in LEDGERS)
    )


def _ledgers_built(park_pk, counts) -> Panel:
    items = []
    for ledger, count in zip(LEDGERS.values(), counts, strict=True):
        items.append(
            PanelItem(
                text=str(ledger.title),
                url=f"{ledger.url('list')}?park={park_pk}",
                badge=str(count),
                tone="secondary",
            )
        )
    return Panel(
        key="ledgers",
        title=_("Ledgers"),
        count=sum(int(item.badge) for item in items),
        url=f"{named_url('reforms:ledgers')}?park={park_pk}",
        items=items,
        icon="bi-journal-bookmark",
    )


# What a park panel's report shows (its name, Report.__str__: the scope's and the period's;
# its kind; its address): not every column of three tables (the snapshot, ~90 kB of JSON).
REPORT_ITEM_COLUMNS = (
    "scope",
    "park",
    "subdistrict",
    "period_kind",
    "period_start",
    "period_end",
    "park__name",
    "subdistrict__name",
)


def park_reports_panel(user, park):
    """The park's finished reports, read with their count in one query compiled once per scope
    (related.first_and_count_once; the key holds what the SQL depends on besides the park's
    id: access.scope_key)."""

    def rows_of(pk):
        return (
            reports_visible_to(user)
            .filter(park=pk, status=ReportStatus.DONE)
            .select_related("park", "subdistrict")
            .only(*REPORT_ITEM_COLUMNS)
        )

    reports, count = related.first_and_count_once(
        ("park_reports", access.scope_key(user)), rows_of, park.pk, ordering=("-period_end", "-pk")
    )
    # Each report as the panel shows it, as values: the panel is built once per set of them
    # (related.built_once). Its name is the model's own (Report.__str__), read here.
    shown = tuple((report.pk, str(report), report.period_kind) for report in reports)
    return related.built_once("park_reports", _reports_built, park.pk, count, shown)


def _reports_built(park_pk, count, reports) -> Panel:
    kind = Report._meta.get_field("period_kind")
    return Panel(
        key="reports",
        title=_("Progress reports"),
        count=count,
        url=f"{named_url('reforms:report_list')}?park={park_pk}",
        items=[
            PanelItem(
                text=text,
                url=Report(pk=pk).get_absolute_url(),
                # What get_period_kind_display() returns, without translating every kind.
                badge=choice_label(kind, period_kind),
                tone="secondary",
            )
            for pk, text, period_kind in reports
        ],
        icon="bi-file-earmark-bar-graph",
        empty_text=_("No report yet."),
    )


def register() -> None:
    """Called by ReformsConfig.ready."""
    related.register("workbench", "tasks", tasks_section, order=40)
    related.register("workbench", "milestones", milestones_section, order=45)
    related.register("workbench", "reports", reports_section, order=70)
    related.register("park", "tasks", park_tasks_panel, order=10)
    related.register("park", "ledgers", park_ledgers_panel, order=40)
    related.register("park", "reports", park_reports_panel, order=50)
    related.register("unit", "tasks", unit_tasks_panel, order=10)
