"""The report's one declaration (reforms.reporting.spec) is the shape the snapshot really has:
a figure the build adds or drops without the declaration would be missing from the API schema,
the workbook, the page and the dashboard, so the two are compared key by key."""

import pytest

from reforms.reporting import shape, spec
from reforms.reporting.choices import ReportScope
from reforms.reporting.contents import build_snapshot
from tests.reforms.report_contents_helpers import (  # noqa: F401 (fixtures used by name)
    frozen_now,
    report,
    world,
)

pytestmark = pytest.mark.django_db


def _undeclared(value, group: shape.Group, path: str = "") -> list[str]:
    """Where `value` and `group` differ: keys built but not declared, or declared but not built."""
    declared = {item.key: item for item in group.fields}
    differences = [f"{path}{key}: built, not declared" for key in value.keys() - declared]
    differences += [f"{path}{key}: declared, not built" for key in declared.keys() - value.keys()]
    for key, item in declared.items():
        if isinstance(item, shape.Part) and key in value:
            rows = value[key] if item.many else [value[key]]
            for row in rows:
                differences += _undeclared(row, item.group, f"{path}{key}.")
    return differences


@pytest.mark.parametrize(
    "scope, where", [(ReportScope.DISTRICT, {}), (ReportScope.PARK, {"park": "a"})]
)
def test_the_built_snapshot_has_exactly_the_declared_figures(world, scope, where):  # noqa: F811
    snapshot = build_snapshot(report(scope, **{k: getattr(world, v) for k, v in where.items()}))
    assert snapshot["by_park"]
    assert _undeclared(snapshot, spec.SNAPSHOT) == []
