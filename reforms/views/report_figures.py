"""A done report's snapshot as the printable page shows it: titled tables of this period, the
period before and the change, the three rates, the tasks as they stood, overdue units and parks.

Missing parts of a snapshot are skipped rather than failing, so a report built under an older
schema still renders.
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from parks.choices import ActivityKind

from ..choices import ProposalStatus, PublicityChannel, TaskStatus, WarningLevel


def _number(value):
    """Counts stay ints; money and hours come as strings ("42000.00") and become Decimals."""
    if value is None or isinstance(value, int | float):
        return value
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _row(label, current, previous, *, percent=False, key=""):
    current, previous = _number(current), _number(previous)
    change = None
    if current is not None and previous is not None:
        change = current - previous
        if isinstance(change, float):
            change = round(change, 1)
    return {
        "key": key,
        "label": label,
        "current": current,
        "previous": previous,
        "current_text": _text(current, percent),
        "previous_text": _text(previous, percent),
        "change": change,
        "size": None if change is None else _text(abs(change)),
        "percent": percent,
        # Rates are better up; whether more of a count is better depends on the count, so
        # its arrow is not coloured.
        "neutral": not percent,
    }


def _text(value, percent=False):
    """A figure as the page prints it: thousands separated, a percentage with its sign."""
    if value is None:
        return "—"
    if percent:
        return f"{value}%"
    return f"{value:,}"


def _compared(section, rows):
    """Rows of (key, label, options) read from a section's "current" and "previous"."""
    now, before = section.get("current", {}), section.get("previous", {})
    return [
        _row(label, now.get(key), before.get(key), key=key, **options)
        for key, label, options in rows
    ]


def _label(choices, value):
    try:
        return choices(value).label
    except ValueError:
        return value


def report_figures(snapshot):
    """The snapshot as titled tables of current, previous and change; missing parts are
    skipped, so an older schema still renders."""
    grievances = snapshot.get("grievances", {})
    g_now = grievances.get("current", {})
    sections = []
    tasks = snapshot.get("tasks")
    if tasks:
        sections.append(
            {
                "key": "tasks",
                "title": _("Reform tasks finished in the period"),
                "rows": _compared(
                    tasks,
                    [
                        ("done", _("Done"), {}),
                        ("done_on_time", _("Done on time"), {}),
                        ("due", _("Due in the period"), {}),
                        ("due_done_on_time", _("Due in the period and done on time"), {}),
                        ("on_time_rate", _("On-time rate"), {"percent": True}),
                    ],
                ),
            }
        )
    if grievances:
        sections.append(
            {
                "key": "grievances",
                "title": _("Worker grievances received in the period"),
                "rows": _compared(
                    grievances,
                    [
                        ("received", _("Received"), {}),
                        ("responded_in_time", _("Responded in time"), {}),
                        ("resolved", _("Resolved"), {}),
                        ("resolved_in_time", _("Resolved in time"), {}),
                        ("followed_up", _("Followed up"), {}),
                        ("satisfied", _("Satisfied"), {}),
                        ("response_rate", _("Response rate"), {"percent": True}),
                        ("resolution_rate", _("Resolution rate"), {"percent": True}),
                        ("satisfaction_rate", _("Satisfaction rate"), {"percent": True}),
                    ],
                ),
            }
        )
        funnel_now = g_now.get("funnel", {})
        funnel_before = grievances.get("previous", {}).get("funnel", {})
        sections.append(
            {
                "key": "funnel",
                "title": _("Survey funnel"),
                "rows": _compared(
                    {"current": funnel_now, "previous": funnel_before},
                    [
                        ("handed_out", _("Handed out"), {}),
                        ("returned", pgettext("survey", "Returned"), {}),
                        ("opinions", _("Opinions (grievances from surveys)"), {}),
                        ("rectified", _("Rectified"), {}),
                    ],
                ),
            }
        )
    activities = snapshot.get("activities")
    if activities:
        rows = _compared(
            activities,
            [("count", _("Activities"), {}), ("participants", _("Participants"), {})],
        )
        now = activities.get("current", {}).get("by_kind", {})
        before = activities.get("previous", {}).get("by_kind", {})
        for kind in now:
            rows.append(
                _row(
                    f"· {_label(ActivityKind, kind)}",
                    now[kind].get("count"),
                    before.get(kind, {}).get("count"),
                    key=f"kind_{kind}",
                )
            )
        sections.append({"key": "activities", "title": _("Grid activity"), "rows": rows})
    coverage = snapshot.get("coverage")
    if coverage:
        rows = [
            _row(_("Grid zones"), coverage.get("zones"), None, key="zones"),
            _row(_("Grid zones with a liaison"), coverage.get("zones_with_liaison"), None),
            *_compared(
                coverage,
                [
                    ("covered", _("Grid zones that logged activity"), {}),
                    ("rate", _("Grid coverage"), {"percent": True}),
                ],
            ),
        ]
        sections.append({"key": "coverage", "title": _("Grid coverage"), "rows": rows})
    ledgers = [
        (
            "care",
            _("Care and subsidies"),
            [
                ("entries", _("Payments"), {}),
                ("recipients", _("People paid"), {}),
                ("amount", _("Amount (yuan)"), {}),
            ],
        ),
        (
            "publicity",
            _("Publicity"),
            [("entries", _("Pieces"), {})]
            + [
                (channel, f"· {_label(PublicityChannel, channel)}", {})
                for channel in snapshot.get("publicity_channels", PublicityChannel.values)
            ],
        ),
        (
            "training",
            _("Training"),
            [
                ("entries", _("Courses"), {}),
                ("hours", _("Hours"), {}),
                ("trainees", _("Trainees"), {}),
                ("certificates", _("Certificates"), {}),
            ],
        ),
        (
            "proposals",
            _("Proposals and innovations"),
            [
                ("entries", _("Submitted in the period"), {}),
                ("innovations", _("Innovations"), {}),
            ]
            + [
                (status, f"· {_label(ProposalStatus, status)}", {})
                for status in snapshot.get("proposal_statuses", ProposalStatus.values)
            ]
            + [
                ("benefit_amount", _("Benefit (yuan)"), {}),
                ("reward_amount", _("Rewards (yuan)"), {}),
            ],
        ),
    ]
    for key, title, rows in ledgers:
        if snapshot.get(key):
            sections.append({"key": key, "title": title, "rows": _compared(snapshot[key], rows)})
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
            **_row(label, g_now.get(key), g_before.get(key), percent=True, key=key),
            "value": g_now.get(key),
        }
        for key, label in (
            ("response_rate", _("Response rate")),
            ("resolution_rate", _("Resolution rate")),
            ("satisfaction_rate", _("Satisfaction rate")),
        )
    ]
    return {
        "sections": sections,
        "rates": rates,
        "tasks_total": tasks.get("total"),
        "task_status": task_status,
        "task_warning": task_warning,
        "overdue_by_unit": snapshot.get("overdue_by_unit", []),
        "by_park": [_park_row(row) for row in snapshot.get("by_park", [])],
        "previous_period": snapshot.get("previous_period", {}),
        "as_of": snapshot.get("as_of"),
        "overdue_as_of": snapshot.get("overdue_as_of"),
        "generated_at": snapshot.get("generated_at"),
    }


def _park_row(row):
    grievances = row.get("grievances", {})
    tasks = row.get("tasks", {})
    coverage = row.get("coverage", {})
    zones = coverage.get("zones") or 0
    return {
        "name": row.get("park_name"),
        "received": grievances.get("received"),
        "response_rate": grievances.get("response_rate"),
        "resolution_rate": grievances.get("resolution_rate"),
        "satisfaction_rate": grievances.get("satisfaction_rate"),
        "activities": row.get("activities", {}).get("count"),
        "participants": row.get("activities", {}).get("participants"),
        "tasks_total": tasks.get("total"),
        "tasks_done": tasks.get("done"),
        "red": tasks.get("red"),
        "yellow": tasks.get("yellow"),
        "covered": coverage.get("covered"),
        "zones": zones,
        "coverage": round(100 * coverage.get("covered", 0) / zones, 1) if zones else None,
    }
