"""Is a progress report out of date? One definition, read by the report's page and the API.

A report is out of date when a record it counts, in its scope, was written after its build read the
data (Report.as_of). Every write to those records leaves an audit event (parks.history.audit) in the
write's own transaction, placed in its park, or for a subdistrict's own plans and tasks in its
subdistrict; so "the latest change in scope" is the newest such event, one indexed look-up:
`audit_by_park` / `audit_by_subdistrict` for a park's or a subdistrict's report, `audit_newest` for
the district's. Deletes count, and so do the writes of the demo loader, imports and the API.

What counts is the scope, not the period: figures without a date of their own (a task's status,
whether a grievance was answered) are as they stood when the report was built, so a change to
any row of the scope can change a past period's report. A write whose transaction began before
the build read the data and committed after it is stamped before `as_of` and is not seen.
"""

from datetime import datetime
from typing import Any, cast

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, DateTimeField, OuterRef, Q, QuerySet, Subquery, When

from grievances.models import Grievance, SurveyCampaign
from parks.core.compiled import compiled_once
from parks.gridlog.models import Activity
from parks.history.models import AuditEvent
from parks.structure.models import GridZone, Park
from reforms.ledgers.models import CarePayment, Proposal, Publicity, Training
from reforms.reporting.choices import ReportScope, ReportStatus
from reforms.reporting.models import Report
from reforms.tasks.models import Plan, Task

# The records whose writes can change a report's figures: its parks (names, subdistrict), their
# zones and liaisons (coverage), the grid log, grievances and surveys, plans and tasks, and the
# ledgers. Facilities, people and milestones are in no report.
REPORTED_MODELS = (
    Park,
    GridZone,
    Activity,
    Grievance,
    SurveyCampaign,
    Plan,
    Task,
    CarePayment,
    Publicity,
    Training,
    Proposal,
)


_UNREAD = object()
# The status as the rows hold it, read as a module's constant: an enum member is read several
# times slower, and a list asks this twice a row.
_DONE = ReportStatus.DONE.value


def _reported_types() -> list[int]:
    types = ContentType.objects.get_for_models(*REPORTED_MODELS, for_concrete_models=False)
    return sorted(t.pk for t in types.values())


def _reported_writes() -> QuerySet[AuditEvent]:
    """Writes to reported records after the outer report's build read the data."""
    return AuditEvent.objects.filter(
        content_type_id__in=_reported_types(), at__gt=OuterRef("as_of")
    )


def _latest(writes: QuerySet[AuditEvent]) -> Subquery:
    return Subquery(writes.order_by("-at").values("at")[:1], output_field=DateTimeField())


def data_changed_at() -> Case:
    """An annotation for reports: when a record the report counts, in its scope, was last
    written after the report's build read the data (Report.as_of); null when nothing was, and
    for a report never built. A park's report reads its park's events; a subdistrict's those
    of its parks and its own; the district's every event."""
    writes = _reported_writes()
    parks_of_subdistrict = Park.objects.filter(
        subdistrict_id=OuterRef(OuterRef("subdistrict_id"))
    ).values("pk")
    in_subdistrict = Q(park_id__in=parks_of_subdistrict) | Q(
        subdistrict_id=OuterRef("subdistrict_id")
    )
    return Case(
        When(scope=ReportScope.PARK, then=_latest(writes.filter(park_id=OuterRef("park_id")))),
        When(
            scope=ReportScope.SUBDISTRICT,
            then=_latest(writes.filter(in_subdistrict)),
        ),
        default=_latest(writes),
        output_field=DateTimeField(),
    )


def with_data_changed_at(reports: QuerySet[Report]) -> QuerySet[Report]:
    """The reports with `data_changed_at` (data_changed_at()): one query for any number. Its
    SQL is compiled once per process: it has no values; the reported types' ids are constants
    in it, forgotten with it when a migrate or a flush makes them anew (parks.core.recent)."""
    key = ("data_changed_at",)
    return compiled_once(reports, _annotated, (), key=key)


def _annotated(reports: QuerySet[Report]) -> QuerySet[Report]:
    return reports.annotate(data_changed_at=data_changed_at())


def changed_since_built(report: Report) -> datetime | None:
    """When the data of a built report last changed after it was built, or None while the
    report is up to date (or not built: a report being built gets today's data anyway).

    Reads the report's `data_changed_at` when it was loaded with_data_changed_at, else asks
    (one query) and keeps the answer on it the same way."""
    if report.status != _DONE or report.as_of is None:
        return None
    known: Any = getattr(report, "data_changed_at", _UNREAD)
    if known is _UNREAD:
        known = (
            Report.objects.filter(pk=report.pk)
            .annotate(data_changed_at=data_changed_at())
            .values_list("data_changed_at", flat=True)
            .first()
        )
        cast(Any, report).data_changed_at = known
    return known
