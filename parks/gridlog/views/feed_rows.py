"""The feed's rows read as the columns they print: no model instances.

A page of the feed built some hundred model instances (each activity with its park, zone and
the person who logged it, each photo) and parsed some two hundred timestamps, to print a dozen
values a row: about two thirds of the page's reading. Here the page's rows (the feed's own
queryset: scope, filters, order and slice, parks.gridlog.selectors.activity_list) are read with
`values_list`, and their photos in one more query, the one the prefetch ran: the same number of
queries. Each row becomes a FeedRow, which feed.html draws once per process for each set of
values ({% memo row=row %}, parks/templatetags/memo.py). The row holds the kind's code and the
moment as a number, and names them only when drawn: pure functions of those values and of the
language and time zone, which the memo keys on. tests/parks/test_feed_rows.py pins the
rows against the rows drawn from the activities before.
"""

from collections.abc import Hashable
from dataclasses import dataclass

from django.db.models import QuerySet

from parks.core.choice_display import choice_label
from parks.core.dates import iso_text, minute_text
from parks.core.kept_moment import micros, moment
from parks.core.prepared import prepared
from parks.core.stand_ins import MOST_VALUES
from parks.gridlog.forms import kind_icon
from parks.gridlog.models import Activity, ActivityPhoto
from parks.structure.choice_labels import person_name

COLUMNS = (
    "pk",
    "kind",
    "title",
    "park__name",
    "grid_zone_id",
    "grid_zone__code",
    "grid_zone__name",
    "place",
    "occurred_at",
    "participants",
    "logged_by__display_name",
    "logged_by__username",
)


_KIND = Activity._meta.get_field("kind")


@dataclass(frozen=True)
class FeedRow:
    """What a row of the feed prints, as read. The kind's label (in the request's language) and
    the times (in its time zone) are made when the row is drawn, from the fields alone: the
    memo keys on the fields, the language and the time zone."""

    pk: int
    kind: str
    title: str
    park: str
    zone: int | None
    zone_code: str
    zone_name: str
    place: str
    occurred_at: int  # microseconds since 1970 (parks.core.kept_moment)
    participants: int
    logged_by: str
    photos: tuple[int, ...]

    @property
    def kind_label(self) -> str:
        return choice_label(_KIND, self.kind)

    @property
    def kind_icon(self) -> str:
        return kind_icon(self.kind)

    @property
    def occurred_iso(self) -> str:
        return iso_text(moment(self.occurred_at))

    @property
    def occurred(self) -> str:
        return minute_text(moment(self.occurred_at))


def feed_rows(activities: QuerySet[Activity], *, compiled_for: Hashable = None) -> list[FeedRow]:
    """The rows of `activities` (a page of the feed's queryset), in its order.

    `compiled_for`: a key holding everything the SQL of `activities` depends on (the user's
    scope, the page's bounds, that no filter narrows it); with it the page is read by a query
    compiled once per key (parks.core.prepared)."""

    def page():
        return activities.prefetch_related(None).values_list(*COLUMNS)

    found = list(page() if compiled_for is None else prepared(("feed_rows", compiled_for), page))
    photos: dict[int, list[int]] = {}
    if found:  # as the prefetch: no query for an empty page
        ids = [row[0] for row in found]
        # The photos in the prefetch's order (parks.gridlog.selectors.activity_list), by a
        # query that depends on the ids alone: compiled once per number of ids.
        of_page = (
            _photos(*ids)
            if len(ids) > MOST_VALUES
            else prepared(("feed_photos", len(ids)), _photos, *ids)
        )
        for activity_id, photo_id in of_page:
            photos.setdefault(activity_id, []).append(photo_id)
    return [
        FeedRow(
            pk=pk,
            kind=kind_value,
            title=title,
            park=park,
            zone=zone,
            # A park-wide entry's zone is never printed: its code and name stay empty.
            zone_code=zone_code if zone else "",
            zone_name=zone_name if zone else "",
            place=place,
            occurred_at=micros(occurred_at),
            participants=participants,
            # The person as the template printed them (User.__str__); logged_by is required.
            logged_by=person_name(display_name, username),
            photos=tuple(photos.get(pk, ())),
        )
        for (
            pk,
            kind_value,
            title,
            park,
            zone,
            zone_code,
            zone_name,
            place,
            occurred_at,
            participants,
            display_name,
            username,
        ) in found
    ]


def _photos(*ids: int) -> QuerySet:
    """(activity id, photo id) of the activities `ids`, as their prefetch orders them."""
    return (
        ActivityPhoto.objects.filter(activity_id__in=list(ids))
        .order_by("pk")
        .values_list("activity_id", "pk")
    )
