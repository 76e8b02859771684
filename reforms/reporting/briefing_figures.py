"""Where a progress report's briefing (reforms.reporting.briefing_text) takes its figures from:
the snapshot, read through the report's declaration (reforms.reporting.spec); the period before's
figures to compare with; the units with overdue tasks.

The two look-ups that may reach past the snapshot are one function each, so that what they fall
back on can change in one place: previous_figures and overdue_units.
"""

from datetime import date

from reforms.reporting import spec
from reforms.reporting.choices import ReportStatus
from reforms.reporting.contents import overdue_by_unit
from reforms.reporting.models import Report, scope_key_for
from reforms.reporting.periods import previous_period

# The sections compared with the period before, as the declaration lists them.
COMPARED_SECTIONS = (
    spec.TASKS_SECTION,
    spec.GRIEVANCES_SECTION,
    spec.ACTIVITIES_SECTION,
    spec.COVERAGE_SECTION,
    *spec.LEDGER_SECTIONS,
)


def previous_figures(report: Report, snapshot: dict) -> dict[str, dict | None]:
    """The period before's figures to compare with, by section key, in the shape of the
    section's `current`; None for a section nothing can be compared with.

    The one place the briefing's "change on last month" comes from. A section's own `previous`
    in the snapshot comes first: counted in the same build, it is what the page's and the
    workbook's change column show. A section without it falls back to the `current` of the
    stored report of the same scope for the period before, when that one is built; otherwise
    there is nothing to compare with, and the briefing says so.
    """
    result: dict[str, dict | None] = {}
    stored: dict | None = None
    for section in COMPARED_SECTIONS:
        own = (snapshot.get(section.key) or {}).get("previous")
        if own is not None:
            result[section.key] = own
            continue
        if stored is None:
            stored = _stored_previous_snapshot(report, snapshot)
        result[section.key] = (stored.get(section.key) or {}).get("current")
    return result


def _stored_previous_snapshot(report: Report, snapshot: dict) -> dict:
    before = snapshot.get("previous_period") or {}
    try:
        start, end = date.fromisoformat(before["start"]), date.fromisoformat(before["end"])
    except (KeyError, TypeError, ValueError):
        start, end = previous_period(report.period_kind, report.period_start, report.period_end)
    found = (
        Report.objects.filter(
            scope_key=scope_key_for(report.scope, report.subdistrict_id, report.park_id),
            period_kind=report.period_kind,
            period_start=start,
            period_end=end,
            status=ReportStatus.DONE,
        )
        .values_list("snapshot", flat=True)
        .first()
    )
    return found or {}


def overdue_units(report: Report, snapshot: dict) -> list[dict]:
    """The lead units with overdue tasks and how many, most first (the snapshot's
    `overdue_by_unit`); for a snapshot without the list, counted now by the same definition as
    on the snapshot's `overdue_as_of` (or the period's last day)."""
    if "overdue_by_unit" in snapshot:
        return snapshot["overdue_by_unit"] or []
    as_of = day(snapshot.get("overdue_as_of")) or report.period_end
    return overdue_by_unit(report, as_of)


class Figures:
    """A snapshot's figures of the period and of the period before, by "section.figure" paths
    of the declaration (spec.period_figure), which checks each path and gives its kind."""

    def __init__(self, snapshot: dict, previous: dict[str, dict | None]):
        self.snapshot = snapshot
        self.previous = previous

    def now(self, path: str):
        spec.period_figure(path)
        section, _dot, key = path.partition(".")
        return get((self.snapshot.get(section) or {}).get("current"), key)

    def before(self, path: str):
        spec.period_figure(path)
        section, _dot, key = path.partition(".")
        return get(self.previous.get(section), key)


def get(data, path: str):
    """data["a"]["b"] for path "a.b", or None where a key is missing."""
    for key in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def day(text) -> date | None:
    """An ISO date of the snapshot, or None."""
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        return None
