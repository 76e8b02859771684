"""A done report's snapshot as the printable page shows it: titled tables of this period, the
period before and the change, the three rates, the tasks as they stood, overdue units and parks.

Titles and labels are the report's declaration's (reforms.reporting.spec). Missing parts of a
snapshot are skipped rather than failing, so a report built under an older
schema still renders.
"""

from decimal import Decimal, InvalidOperation

from parks.core.figures import percent
from parks.gridlog.choices import ActivityKind
from reforms.reporting import shape, spec
from reforms.reporting.contents import SCHEMA_VERSION
from reforms.tasks.choices import TaskStatus, WarningLevel


def _number(value):
    """Counts stay ints; money and hours come as strings ("42000.00") and become Decimals."""
    if value is None or isinstance(value, int | float):
        return value
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _change(current, before):
    if current is None or before is None:
        return None
    change = current - before
    return round(change, 1) if isinstance(change, float) else change


def _row(
    label,
    current,
    previous,
    *,
    percent=False,
    key="",
    note="",
    lower_is_better=False,
    year_ago=None,
):
    current, previous, year_ago = _number(current), _number(previous), _number(year_ago)
    change = _change(current, previous)
    # 同比: the change from the same period a year earlier.
    year_change = _change(current, year_ago)
    return {
        "key": key,
        "label": label,
        # What the figure counts (its definition), shown as the row's tooltip.
        "note": note,
        "current": current,
        "previous": previous,
        "current_text": _text(current, percent),
        "previous_text": _text(previous, percent),
        "change": change,
        "size": None if change is None else _text(abs(change)),
        "percent": percent,
        "tone": shape.change_tone(change, percent=percent, lower_is_better=lower_is_better),
        "year_ago": year_ago,
        "year_ago_text": _text(year_ago, percent),
        "year_change": year_change,
        "year_size": None if year_change is None else _text(abs(year_change)),
        "year_tone": shape.change_tone(
            year_change, percent=percent, lower_is_better=lower_is_better
        ),
    }


def _text(value, percent=False):
    """A figure as the page prints it: thousands separated, a percentage with its sign."""
    if value is None:
        return "—"
    if percent:
        return f"{value}%"
    return f"{value:,}"


def _compared(section, rows):
    """Rows of (key, label, options) read from a section's "current", "previous" and
    "year_ago"."""
    now, before = section.get("current", {}), section.get("previous", {})
    year_ago = section.get("year_ago") or {}
    return [
        _row(label, now.get(key), before.get(key), key=key, year_ago=year_ago.get(key), **options)
        for key, label, options in rows
    ]


def _label(choices, value):
    try:
        return choices(value).label
    except ValueError:
        return value


def _rows(section: shape.Section, snapshot: dict) -> list[tuple]:
    """(key, label, options) of a section's figures in the order the page shows them; the
    one-per-choice figures (channels, statuses) in the order the snapshot lists them."""
    rows, listed = [], False
    for figure in section.figures():
        if figure.choices is None:
            options = {
                "percent": figure.kind == shape.PERCENT,
                "note": figure.note,
                "lower_is_better": figure.lower_is_better,
            }
            rows.append((figure.key, figure.label, options))
        elif not listed:
            listed = True
            rows += [
                (value, f"· {_label(figure.choices, value)}", {})
                for value in snapshot.get(section.listed_in, figure.choices.values)
            ]
    return rows


def report_figures(snapshot):
    """The snapshot as titled tables of current, previous and change; missing parts are
    skipped, so an older schema still renders."""
    grievances = snapshot.get("grievances", {})
    g_now = grievances.get("current", {})
    sections = []
    tasks = snapshot.get("tasks")
    if tasks:
        section = spec.TASKS_SECTION
        rows = _compared(tasks, _rows(section, snapshot))
        sections.append({"key": section.key, "title": section.title, "rows": rows})
    if grievances:
        section = spec.GRIEVANCES_SECTION
        rows = _compared(grievances, _rows(section, snapshot))
        sections.append({"key": section.key, "title": section.title, "rows": rows})
        funnel = section.period["funnel"]
        funnel_rows = [
            (figure.key, figure.label, {"note": figure.note}) for figure in funnel.group.figures()
        ]
        funnel_now = g_now.get("funnel", {})
        funnel_parts = {
            name: (grievances.get(name) or {}).get("funnel", {}) for name in shape.COMPARED
        }
        sections.append(
            {
                "key": funnel.key,
                "title": funnel.label,
                "rows": _compared({"current": funnel_now, **funnel_parts}, funnel_rows),
            }
        )
    activities = snapshot.get("activities")
    if activities:
        section = spec.ACTIVITIES_SECTION
        rows = _compared(activities, _rows(section, snapshot))
        now = activities.get("current", {}).get("by_kind", {})
        before = activities.get("previous", {}).get("by_kind", {})
        year_ago = (activities.get("year_ago") or {}).get("by_kind", {})
        # The documented order (parks.gridlog.choices.ActivityKind), not the stored one: the
        # database keeps a JSON object's keys in its own order. Kinds no longer defined follow.
        kinds = [*ActivityKind.values, *(kind for kind in now if kind not in ActivityKind.values)]
        for kind in (kind for kind in kinds if kind in now):
            rows.append(
                _row(
                    f"· {_label(ActivityKind, kind)}",
                    now[kind].get("count"),
                    before.get(kind, {}).get("count"),
                    key=f"kind_{kind}",
                    year_ago=year_ago.get(kind, {}).get("count"),
                )
            )
        sections.append({"key": section.key, "title": section.title, "rows": rows})
    coverage = snapshot.get("coverage")
    if coverage:
        section = spec.COVERAGE_SECTION
        rows = [
            # Today's zones: one figure, nothing to compare.
            *(
                _row(spec.COVERAGE[key].label, coverage.get(key), None, key=key)
                for key in ("zones", "zones_with_liaison")
            ),
            *_compared(coverage, _rows(section, snapshot)),
        ]
        sections.append({"key": section.key, "title": section.title, "rows": rows})
    for section in spec.LEDGER_SECTIONS:
        if snapshot.get(section.key):
            rows = _compared(snapshot[section.key], _rows(section, snapshot))
            sections.append({"key": section.key, "title": section.title, "rows": rows})
    tasks = tasks or {}
    task_status = [
        {"label": _label(TaskStatus, status), "count": count, "key": f"status_{status}"}
        for status, count in tasks.get("by_status", {}).items()
    ]
    task_warning = [
        {
            "label": _label(WarningLevel, level),
            "count": count,
            "key": f"warning_{level}",
            "level": level,
        }
        for level, count in tasks.get("by_warning", {}).items()
    ]
    g_before = grievances.get("previous", {})
    rates = [
        {
            **_row(
                spec.period_figure(f"grievances.{key}").label,
                g_now.get(key),
                g_before.get(key),
                percent=True,
                key=key,
                note=spec.period_figure(f"grievances.{key}").note,
                lower_is_better=spec.period_figure(f"grievances.{key}").lower_is_better,
            ),
            "value": g_now.get(key),
        }
        for key in (*spec.RATES, *spec.OTHER_RATES)
    ]
    return {
        "sections": sections,
        "rates": rates,
        "tasks_total": tasks.get("total"),
        "task_status": task_status,
        "task_warning": task_warning,
        "overdue_by_unit": snapshot.get("overdue_by_unit", []),
        "overdue_headings": [spec.OVERDUE_UNIT[key].label for key in ("unit_name", "overdue")],
        "overdue_tasks": snapshot.get("overdue_tasks", []),
        "overdue_task_headings": [spec.OVERDUE_TASK[key].label for key in OVERDUE_TASK_COLUMNS],
        "grievances_by_unit": [
            {
                "name": row.get("unit_name"),
                "cells": [_text(row.get(key), key != "received") for key in BY_UNIT_COLUMNS],
            }
            for row in snapshot.get("grievances_by_unit", [])
        ],
        "by_unit_headings": [
            spec.UNIT_GRIEVANCES["unit_name"].label,
            *(spec.UNIT_GRIEVANCES[key].heading for key in BY_UNIT_COLUMNS),
        ],
        # Supervision orders (absent from reports built before they were counted).
        "supervision": _supervision(snapshot),
        "by_park": [_park_row(row) for row in snapshot.get("by_park", [])],
        "by_park_headings": [figure.heading for figure in BY_PARK_COLUMNS],
        # A district report's subdistricts: the parks' table's columns, a subdistrict a row.
        "by_subdistrict": [
            {
                **_park_row(row),
                "name": row.get("subdistrict_name"),
                "parks": row.get("parks"),
                # A subdistrict without parks has nothing to compare: no line of zeros.
                **({} if row.get("parks") else {"changes": None}),
            }
            for row in snapshot.get("by_subdistrict") or []
        ],
        "by_subdistrict_headings": [
            spec.SUBDISTRICT["subdistrict_name"].heading,
            spec.SUBDISTRICT["parks"].heading,
            *(figure.heading for figure in BY_PARK_COLUMNS[1:]),
        ],
        "previous_period": snapshot.get("previous_period", {}),
        "year_ago_period": snapshot.get("year_ago_period", {}),
        "as_of": snapshot.get("as_of"),
        "overdue_as_of": snapshot.get("overdue_as_of"),
        "generated_at": snapshot.get("generated_at"),
        "definitions": DEFINITIONS,
        "old_definitions": _old_definitions(snapshot.get("schema_version")),
    }


def _old_definitions(version) -> str:
    """What a snapshot of an earlier schema counted otherwise, as the page warns: "grievances"
    (before grievances.rates, version 1; its tasks too), "tasks" (before the on-time rate of
    reforms.tasks.selectors, version 2) or "" (counted as defined now)."""
    if version == SCHEMA_VERSION:
        return ""
    return "tasks" if version == 2 else "grievances"


# The page's footnote: what each rate and pending count means, as the report declares it.
DEFINITIONS = tuple(
    figure
    for section in (spec.TASKS_SECTION, spec.GRIEVANCES_SECTION, spec.COVERAGE_SECTION)
    for figure in section.figures()
    if figure.note and (figure.kind == shape.PERCENT or figure.key.endswith("_pending"))
)


# The columns of the overdue tasks' table.
OVERDUE_TASK_COLUMNS = ("code", "title", "unit_name", "park_name", "due_date", "days_overdue")

# The columns of the handling units' table, after the unit's name.
BY_UNIT_COLUMNS = ("received", *spec.RATES, *spec.OTHER_RATES)


def _supervision(snapshot: dict) -> dict | None:
    """The supervision orders' table: the scope's total, then a row per responsible unit."""
    total = snapshot.get("supervision")
    if total is None:
        return None
    keys = [figure.key for figure in spec.ORDER_FIGURES]
    return {
        "headings": [
            spec.UNIT_ORDERS["unit_name"].label,
            *(figure.heading for figure in spec.ORDER_FIGURES),
        ],
        "total": [total.get(key) for key in keys],
        "rows": [
            {"name": row.get("unit_name"), "cells": [row.get(key) for key in keys]}
            for row in snapshot.get("supervision_by_unit") or []
        ],
    }


# The columns of the parks' table (the template lays out their cells).
BY_PARK_COLUMNS = (
    spec.PARK["park_name"],
    *(spec.park_figure(f"grievances.{key}") for key in ("received", *spec.RATES)),
    spec.park_figure("activities.count"),
    spec.park_figure("tasks.done"),
    spec.park_figure("tasks.red"),
    spec.park_figure("tasks.yellow"),
    spec.PARK_COVERAGE_RATE,
)


def _park_row(row):
    tasks = row.get("tasks", {})
    coverage = row.get("coverage", {})
    now = _area_period(row)
    return {
        "name": row.get("park_name"),
        **now,
        "participants": row.get("activities", {}).get("participants"),
        "tasks_total": tasks.get("total"),
        "tasks_done": tasks.get("done"),
        "red": tasks.get("red"),
        "yellow": tasks.get("yellow"),
        "covered": coverage.get("covered"),
        "zones": coverage.get("zones") or 0,
        "changes": _area_changes(row, now),
    }


def _area_period(part: dict) -> dict:
    """The figures of a `by_park` or `by_subdistrict` entry (or of its `previous` or
    `year_ago`) that count over a period, as the areas' table shows them."""
    grievances = part.get("grievances", {})
    coverage = part.get("coverage", {})
    return {
        "received": grievances.get("received"),
        "response_rate": grievances.get("response_rate"),
        "resolution_rate": grievances.get("resolution_rate"),
        "satisfaction_rate": grievances.get("satisfaction_rate"),
        "activities": part.get("activities", {}).get("count"),
        "coverage": percent(coverage.get("covered", 0), coverage.get("zones") or 0),
    }


# The areas' table's columns after the name, by their figure in _area_period; None for the
# tasks' columns, which stand on `as_of` and are not compared.
AREA_COMPARED = (
    "received",
    *spec.RATES,
    "activities",
    None,
    None,
    None,
    "coverage",
)


def _area_changes(row: dict, now: dict) -> list | None:
    """Each column's change on the period before and on a year earlier (None for a column not
    compared), for the line under an area's row; None for an entry of a report built before
    areas were compared."""
    if row.get("previous") is None and row.get("year_ago") is None:
        return None
    before = _area_period(row.get("previous") or {})
    year_ago = _area_period(row.get("year_ago") or {})
    return [
        None
        if key is None
        else _row(
            "",
            now[key],
            before[key] if row.get("previous") else None,
            percent=key in ("coverage", *spec.RATES),
            year_ago=year_ago[key] if row.get("year_ago") else None,
        )
        for key in AREA_COMPARED
    ]
