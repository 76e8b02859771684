"""The deeper report (issue 12 item 4): activity kinds in their documented order, the overdue
tasks by name, grievances open and overdue at the period's end, the grievance rates by handling
unit, per-subdistrict rows and the same period a year earlier. Hand-made data, hand-counted."""

from parks.gridlog.choices import ActivityKind
from reforms.reporting.views.report_figures import report_figures


def test_the_page_lists_activity_kinds_in_the_documented_order_not_the_stored_one():
    # PostgreSQL's jsonb keeps an object's keys shortest first, then alphabetically.
    stored = sorted(ActivityKind.values, key=lambda kind: (len(kind), kind))
    by_kind = {kind: {"count": n, "participants": 0} for n, kind in enumerate(stored)}
    snapshot = {"activities": {"current": {"count": 1, "by_kind": by_kind}, "previous": {}}}

    section = next(s for s in report_figures(snapshot)["sections"] if s["key"] == "activities")
    kinds = [row["key"] for row in section["rows"] if row["key"].startswith("kind_")]

    assert kinds == [f"kind_{kind}" for kind in ActivityKind.values]
    assert kinds[:3] == ["kind_visit", "kind_lecture", "kind_training"]
