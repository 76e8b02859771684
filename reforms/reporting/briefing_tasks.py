"""The briefing's first section, work progress (工作进展): the reform tasks due and done in the
period with the on-time rate and its definition, the tasks as they stand, and the parks' table.
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parks.core.figures import percent
from reforms.reporting import shape, spec
from reforms.reporting.briefing_figures import Figures, get
from reforms.reporting.briefing_words import (
    TASKS,
    Paragraph,
    Table,
    Words,
    date_text,
    figure_text,
)


def _on_time(figures: Figures, words: Words) -> list:
    """The tasks due in the period and their on-time rate with its definition beside it (one
    definition: reforms.tasks.selectors); a snapshot before schema 3 divided by all those due."""
    due = figures.now("tasks.due")
    if not due:
        return [Paragraph(_("%(period)s, no reform task fell due.") % {"period": words.this})]
    rate = "tasks.on_time_rate"
    counted = figures.now("tasks.due_counted")
    text = ngettext(
        "%(period)s, %(due)s reform task fell due; done on time: %(on_time)s of the "
        "%(counted)s done or past their due date, an on-time rate of %(rate)s, %(change)s.",
        "%(period)s, %(due)s reform tasks fell due; done on time: %(on_time)s of the "
        "%(counted)s done or past their due date, an on-time rate of %(rate)s, %(change)s.",
        due,
    ) % {
        "period": words.this,
        "due": due,
        "counted": due if counted is None else counted,
        "on_time": figures.now("tasks.due_done_on_time"),
        "rate": figure_text(figures.now(rate), shape.PERCENT),
        "change": words.change(figures.now(rate), figures.before(rate), shape.PERCENT),
    }
    pending = figures.now("tasks.due_pending")
    if pending:
        text += " " + ngettext(
            "%(pending)s task not done and not yet due is left out of the rate.",
            "%(pending)s tasks not done and not yet due are left out of the rate.",
            pending,
        ) % {"pending": pending}
    figure = spec.period_figure(rate)
    definition = _("(%(name)s: %(definition)s)") % {"name": figure.label, "definition": figure.note}
    return [Paragraph(text), Paragraph(definition)]


def work_progress(figures: Figures, words: Words, snapshot: dict) -> list:
    blocks = _on_time(figures, words)
    done = figures.now("tasks.done") or 0
    blocks.append(
        Paragraph(
            ngettext(
                "In all, %(done)s task was done (%(done_on_time)s on time), %(change)s.",
                "In all, %(done)s tasks were done (%(done_on_time)s of them on time), %(change)s.",
                done,
            )
            % {
                "done": done,
                "done_on_time": figures.now("tasks.done_on_time"),
                "change": words.change(
                    figures.now("tasks.done"), figures.before("tasks.done"), unit=TASKS
                ),
            }
        )
    )
    tasks = snapshot.get("tasks") or {}
    if "total" in tasks:

        def standing(path: str):
            spec.TASKS.figure(path)  # a path of the declaration
            return get(tasks, path) or 0

        blocks.append(
            Paragraph(
                _(
                    "As of %(date)s: %(total)s reform tasks in all; done %(done)s, in progress "
                    "%(in_progress)s, not started %(planned)s; overdue (red) %(red)s, at risk "
                    "(yellow) %(yellow)s."
                )
                % {
                    "date": date_text(tasks.get("as_of") or snapshot.get("as_of")),
                    "total": standing("total"),
                    "done": standing("by_status.done"),
                    "in_progress": standing("by_status.in_progress"),
                    "planned": standing("by_status.planned"),
                    "red": standing("by_warning.red"),
                    "yellow": standing("by_warning.yellow"),
                }
            )
        )
    parks = park_table(snapshot)
    if parks.rows:
        blocks.append(Paragraph(_("The parks' key figures for the period:")))
        blocks.append(parks)
    return blocks


# The parks' table: its columns by path in a `by_park` entry (spec.PARK); the task column shows
# done / total, the last the park's grid coverage (spec.PARK_COVERAGE_RATE).
PARK_COLUMNS = (
    "grievances.received",
    *(f"grievances.{key}" for key in spec.RATES),
    "activities.count",
)


def park_table(snapshot: dict) -> Table:
    rate = spec.PARK_COVERAGE_RATE
    headers = (
        spec.PARK["park_name"].heading,
        *(spec.park_figure(path).heading for path in PARK_COLUMNS),
        spec.park_figure("tasks.done").heading,
        spec.park_figure("tasks.red").heading,
        rate.heading,
    )
    rows = []
    for park in snapshot.get("by_park") or []:
        covered, zones = get(park, rate.part), get(park, rate.whole)
        rows.append(
            (
                park.get("park_name") or "",
                *(
                    figure_text(get(park, path), spec.park_figure(path).kind)
                    for path in PARK_COLUMNS
                ),
                f"{get(park, 'tasks.done') or 0}/{get(park, 'tasks.total') or 0}",
                figure_text(get(park, "tasks.red") or 0),
                figure_text(percent(covered or 0, zones or 0), shape.PERCENT),
            )
        )
    return Table(tuple(str(header) for header in headers), tuple(rows))
