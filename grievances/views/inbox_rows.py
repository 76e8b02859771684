"""The inbox's rows read as the columns they print: no model instances.

A page of the inbox built a hundred model instances (each grievance with its park, zone, unit
and handler) and parsed their many timestamps to print some twenty values a row. Here the
page's rows (the inbox's own queryset: scope, filters, tab, annotations, order and slice,
grievances.selectors.inbox) are read with `values_list`: the same query count, the same rows.
Each becomes an InboxRow and a RowDeadline (the time left to the running limit, in whole
minutes, and the late take-up), which inbox.html draws once per process for each set of
values ({% memo row=grievance.row left=grievance.left %}, parks/templatetags/memo.py). They
hold the values as read (codes, moments as numbers) and name them only when drawn: labels and
times are pure functions of those values and of the language and time zone, which the memo
keys on.
tests/grievances/test_inbox_rows.py pins the rows against the rows drawn from the grievances
before.
"""

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace

from django.db.models import QuerySet

from grievances import selectors
from grievances.duplicates import duplicate_counts
from grievances.models import Grievance
from grievances.views.common import next_deadline
from parks.core.choice_display import choice_label
from parks.core.dates import minute_text
from parks.core.kept_moment import micros, moment
from parks.structure.choice_labels import person_name

COLUMNS = (
    "pk",
    "tracking_code",
    "deadline_flag",
    "title",
    "category",
    "channel",
    "park__name",
    "grid_zone_id",
    "grid_zone__code",
    "grid_zone__name",
    "status",
    "complainant_name",
    "received_at",
    "handling_unit__name",
    "handler_id",
    "handler__display_name",
    "handler__username",
    "response_breached",
    "responded_at",
    "response_due_at",
    "resolved_at",
    "resolution_due_at",
)


_FIELDS = {name: Grievance._meta.get_field(name) for name in ("category", "channel", "status")}


@dataclass(frozen=True)
class InboxRow:
    """What a row of the inbox prints but its time left, as read. The labels (in the request's
    language) and the time received (in its time zone) are made when the row is drawn, from
    the fields alone: the memo keys on the fields, the language and the time zone."""

    pk: int
    code: str
    flag: str
    title: str
    duplicates: int
    category: str
    channel: str
    park: str
    zone: int | None
    zone_code: str
    zone_name: str
    status: str
    masked: str | None
    received_at: int  # microseconds since 1970 (parks.core.kept_moment)
    unit: str | None
    handler_id: int | None
    handler: str

    @property
    def category_label(self) -> str:
        return choice_label(_FIELDS["category"], self.category)

    @property
    def channel_label(self) -> str:
        return choice_label(_FIELDS["channel"], self.channel)

    @property
    def status_label(self) -> str:
        return choice_label(_FIELDS["status"], self.status)

    @property
    def received(self) -> str:
        return minute_text(moment(self.received_at))


@dataclass(frozen=True)
class RowDeadline:
    """What a row prints after its InboxRow: the limit running now with the time left to it
    (grievances.views.common.next_deadline; `at` None when none runs) and the late take-up.
    Plain values, so that the row is drawn once per set of them with its InboxRow ({% memo %}):
    the time left is in whole minutes, so a row's fragment changes at most once a minute."""

    kind: str | None
    text: str | None
    overdue: bool
    at: int | None  # microseconds since 1970 (parks.core.kept_moment)
    late: bool

    @property
    def deadline(self) -> dict | None:
        """next_deadline's value, as the time_left tag reads it."""
        if self.at is None:
            return None
        return {
            "at": moment(self.at),
            "kind": self.kind,
            "text": self.text,
            "overdue": self.overdue,
        }


def _row_deadline(deadline: dict | None, late: bool) -> RowDeadline:
    if deadline is None:
        return RowDeadline(kind=None, text=None, overdue=False, at=None, late=late)
    return RowDeadline(
        kind=deadline["kind"],
        text=deadline["text"],
        overdue=deadline["overdue"],
        at=micros(deadline["at"]),
        late=late,
    )


def page_columns(grievances: QuerySet[Grievance]) -> QuerySet:
    """What inbox_rows reads of each of `grievances`: COLUMNS, in order."""
    return grievances.values_list(*COLUMNS)


def inbox_rows(
    grievances: QuerySet,
    *,
    visible: QuerySet[Grievance],
    now: datetime,
    scope: Hashable = None,
) -> list[SimpleNamespace]:
    """The rows of `grievances` (a page of the inbox's queryset, read as `page_columns`), in
    its order: each with its InboxRow (`row`) and its RowDeadline (`left`: the limit running
    now, grievances.views.common.next_deadline, and the late take-up). `scope` is what
    `visible` depends on (access.scope_key of its user), for
    grievances.duplicates.duplicate_counts."""
    found = list(grievances)
    # Likely duplicates of the page's rows, in one query (grievances.duplicates).
    duplicates = duplicate_counts(visible, [row[0] for row in found], scope=scope)
    rows = []
    for (
        pk,
        code,
        flag,
        title,
        category,
        channel,
        park,
        zone,
        zone_code,
        zone_name,
        status,
        complainant_name,
        received_at,
        unit,
        handler_id,
        handler_display_name,
        handler_username,
        response_breached,
        responded_at,
        response_due_at,
        resolved_at,
        resolution_due_at,
    ) in found:
        # What next_deadline reads of a grievance.
        limits = SimpleNamespace(
            status=status,
            responded_at=responded_at,
            response_due_at=response_due_at,
            resolved_at=resolved_at,
            resolution_due_at=resolution_due_at,
        )
        row = SimpleNamespace()
        # The late take-up, as the template tested it: `response_breached and responded_at`.
        row.left = _row_deadline(
            next_deadline(limits, now), bool(response_breached and responded_at)
        )
        row.row = InboxRow(
            pk=pk,
            code=code,
            flag=flag,
            title=title,
            duplicates=duplicates.get(pk, 0),
            category=category,
            channel=channel,
            park=park,
            zone=zone,
            zone_code=zone_code if zone else "",
            zone_name=zone_name if zone else "",
            status=status,
            masked=selectors.mask_name(complainant_name),
            received_at=micros(received_at),
            unit=unit,
            handler_id=handler_id,
            # The person as the template printed them (User.__str__).
            handler=person_name(handler_display_name, handler_username) if handler_id else "",
        )
        rows.append(row)
    return rows
