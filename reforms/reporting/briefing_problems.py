"""The briefing's fifth section, problems (存在问题): the units with overdue tasks by name, the
overdue tasks one by one, the parks with overdue tasks, the rates that fell, and room for the
office's own words.
"""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reforms.reporting import spec
from reforms.reporting.briefing_figures import Figures, get, overdue_units
from reforms.reporting.briefing_words import (
    Paragraph,
    Table,
    Words,
    date_text,
    figure_text,
    listed,
)
from reforms.reporting.models import Report

# The rates whose fall the problems section names.
WATCHED_RATES = (
    "tasks.on_time_rate",
    *(f"grievances.{key}" for key in spec.RATES),
    "coverage.rate",
)


def problems(figures: Figures, words: Words, report: Report, snapshot: dict) -> list:
    blocks = []
    units = overdue_units(report, snapshot)
    as_of = date_text(snapshot.get("overdue_as_of")) or date_text(report.period_end.isoformat())
    if units:
        named = [
            _("%(name)s (%(count)s)") % {"name": row.get("unit_name"), "count": row.get("overdue")}
            for row in units
        ]
        count = sum(row.get("overdue") or 0 for row in units)
        text = ngettext(
            "As of %(date)s, %(count)s task was overdue and not done. Units with overdue "
            "tasks: %(units)s.",
            "As of %(date)s, %(count)s tasks were overdue and not done. Units with overdue "
            "tasks: %(units)s.",
            count,
        ) % {"date": as_of, "count": count, "units": listed(named)}
    else:
        text = _("As of %(date)s, no task was overdue.") % {"date": as_of}
    blocks.append(Paragraph(text))
    tasks = overdue_task_table(snapshot)
    if tasks.rows:
        blocks.append(Paragraph(_("The overdue tasks, one by one:")))
        blocks.append(tasks)
    by_park = snapshot.get("by_park") or []
    overdue_parks = [
        _("%(name)s (%(count)s)") % {"name": park.get("park_name"), "count": count}
        for park, count in _overdue_per_park(snapshot, by_park)
        if count
    ]
    # A park's own report names its units above; the parks are told apart in a wider one.
    if len(by_park) > 1 and overdue_parks:
        text = _("Parks with overdue tasks: %(parks)s.") % {"parks": listed(overdue_parks)}
        blocks.append(Paragraph(text))
    fallen = []
    for path in WATCHED_RATES:
        now, before = figures.now(path), figures.before(path)
        if now is not None and before is not None and now < before:
            fallen.append(
                _("%(name)s (down %(points)s points)")
                % {
                    "name": spec.period_figure(path).label,
                    "points": f"{Decimal(str(before)) - Decimal(str(now)):.1f}",
                }
            )
    if fallen:
        text = _("Compared with %(before)s, these fell: %(items)s.")
        blocks.append(Paragraph(text % {"before": words.before, "items": listed(fallen)}))
    blocks.append(Paragraph(_("[The office's own account of the problems found goes here.]"), True))
    return blocks


def _overdue_per_park(snapshot: dict, by_park: list[dict]) -> list[tuple[dict, int]]:
    """Each park's overdue tasks, counted in `overdue_tasks` (on `overdue_as_of`, as the
    sentence and the table above); from its red tasks on `as_of` for a report built before the
    list was added."""
    tasks = snapshot.get("overdue_tasks")
    if tasks is None:
        return [(park, get(park, "tasks.red") or 0) for park in by_park]
    return [(park, sum(task.get("park") == park.get("park") for task in tasks)) for park in by_park]


def overdue_task_table(snapshot: dict) -> Table:
    """The overdue tasks one by one (the snapshot's `overdue_tasks`), longest overdue first: the
    task (its code and title), its lead unit, its park where the report covers several, its due
    date and the days it is overdue on `overdue_as_of`. No rows for a report without any (or
    built before the list was added)."""
    several_parks = len(snapshot.get("by_park") or []) > 1
    columns = ("unit_name", *(("park_name",) if several_parks else ()), "due_date")
    headers = (
        spec.OVERDUE_TASK["title"].label,
        *(spec.OVERDUE_TASK[key].label for key in columns),
        spec.OVERDUE_TASK["days_overdue"].label,
    )
    rows = tuple(
        (
            " ".join(part for part in (row.get("code"), row.get("title")) if part),
            *(
                date_text(row.get(key)) if key == "due_date" else row.get(key) or "—"
                for key in columns
            ),
            figure_text(row.get("days_overdue")),
        )
        for row in snapshot.get("overdue_tasks") or []
    )
    return Table(tuple(str(header) for header in headers), rows)
