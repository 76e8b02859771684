"""Likely duplicates (可能重复): the one definition the registration form, the inbox, the
grievance page and the merge all read.

Two grievances are likely duplicates when they are of the same park, received within
GRIEVANCE_DUPLICATE_DAYS of each other, neither is closed, withdrawn or merged, and their titles
are similar: PostgreSQL's pg_trgm similarity of at least GRIEVANCE_DUPLICATE_SIMILARITY
(migration 0006 creates the extension), or the same text once case, spaces and punctuation are
set aside (the only test on SQLite, the demo's database, and what catches two Chinese titles a
database without a Unicode ctype cannot split into trigrams).
"""

from collections.abc import Hashable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import (
    CharField,
    Count,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)

from grievances.choices import FINAL_STATUSES
from grievances.models import Grievance
from parks.core.prepared import prepared
from parks.core.stand_ins import MOST_VALUES

# Set aside when titles are compared: "车间空调坏了三天！" is "车间空调坏了三天".
IGNORED_CHARACTERS = " \u3000，。！？、；：,.!?;:"


class TitleKey(Func):
    """A title with case, the spaces around it and IGNORED_CHARACTERS set aside: the SQL that
    `Lower(Trim(title))` wrapped in one `Replace(…, character, "")` per ignored character
    compiles to, written as text. Compiling those 23 nested expressions cost more CPU than the
    inbox's and the grievance page's duplicate queries took in the database;
    tests/grievances/test_duplicates_sql.py holds the two to the same SQL."""

    arity = 1
    output_field = CharField()

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        sql, params = f"LOWER(TRIM({sql}))", list(params)
        for character in IGNORED_CHARACTERS:
            sql = f"REPLACE({sql}, %s, %s)"
            params += [character, ""]
        return sql, params


def _normalised(expression):
    return TitleKey(expression)


def _similar_to(title) -> Q:
    """A condition on a grievance's title: similar to `title` (a string or an OuterRef)."""
    same_words = Q(_title_key=_normalised(title if not isinstance(title, str) else Value(title)))
    if connection.vendor != "postgresql":
        return same_words
    return same_words | Q(_similarity__gte=settings.GRIEVANCE_DUPLICATE_SIMILARITY)


def _annotated(grievances: QuerySet[Grievance], title) -> QuerySet[Grievance]:
    grievances = grievances.annotate(_title_key=_normalised(F("title")))
    if connection.vendor == "postgresql":
        grievances = grievances.annotate(_similarity=TrigramSimilarity("title", title))
    return grievances


def candidates_for(
    grievances: QuerySet[Grievance],
    *,
    park_id: int,
    title: str,
    received_at: datetime,
    exclude_pk: int | None = None,
) -> QuerySet[Grievance]:
    """The grievances of `grievances` (the user's scope) that are likely duplicates of a
    grievance of `park_id` titled `title` received at `received_at` (one being registered, or
    one that exists: `exclude_pk`), the most similar first."""
    start, end = received_window(received_at)
    return candidates_between(
        grievances, park_id=park_id, title=title, start=start, end=end, exclude_pk=exclude_pk
    )


def received_window(received_at: datetime) -> tuple[datetime, datetime]:
    """The times of receipt a likely duplicate of a grievance received at `received_at` has."""
    window = timedelta(days=settings.GRIEVANCE_DUPLICATE_DAYS)
    return received_at - window, received_at + window


def candidates_between(
    grievances: QuerySet[Grievance],
    *,
    park_id: int,
    title: str,
    start: datetime,
    end: datetime,
    exclude_pk: int | None = None,
) -> QuerySet[Grievance]:
    """candidates_for with the window of receipt given (received_window): what its SQL is made
    of, each value as it is sent (a query compiled once, parks.core.prepared, matches them)."""
    found = _annotated(
        grievances.filter(park_id=park_id, received_at__gte=start, received_at__lte=end).exclude(
            status__in=FINAL_STATUSES
        ),
        Value(title),
    ).filter(_similar_to(title))
    if exclude_pk is not None:
        found = found.exclude(pk=exclude_pk)
    order = ["-_similarity"] if connection.vendor == "postgresql" else []
    return found.order_by(*order, "received_at", "pk")


def duplicates_of(grievances: QuerySet[Grievance], grievance: Grievance) -> QuerySet[Grievance]:
    """The likely duplicates of `grievance` among `grievances`; none for a closed one."""
    if grievance.status in FINAL_STATUSES:
        return grievances.none()
    return candidates_for(
        grievances,
        park_id=grievance.park_id,
        title=grievance.title,
        received_at=grievance.received_at,
        exclude_pk=grievance.pk,
    )


def duplicate_counts(
    grievances: QuerySet[Grievance], ids: list[int], *, scope: Hashable = None
) -> dict[int, int]:
    """{id: how many likely duplicates among `grievances`} for the grievances `ids` (a page of
    the inbox), in one query whatever the number of rows; open grievances only.

    With `scope` — everything `grievances` depends on: access.scope_key of the user whose
    visible grievances they are — the query is compiled once per scope and number of ids
    (parks.core.prepared): compiling its trigram subquery cost more than the database took."""
    if not ids:
        return {}
    if scope is None or len(ids) > MOST_VALUES:
        rows = _counted(grievances, *ids)
    else:
        # The window and the similarity are written into the SQL: settings, so in the key.
        window, similarity = (
            settings.GRIEVANCE_DUPLICATE_DAYS,
            settings.GRIEVANCE_DUPLICATE_SIMILARITY,
        )
        rows = prepared(
            ("duplicate_counts", scope, len(ids), window, similarity),
            lambda *page: _counted(grievances, *page),
            *ids,
        )
    # Rows without duplicates are dropped here, not by a WHERE on the subquery, which PostgreSQL
    # would run a second time per row. Each run reads the index grievance_park_received: the
    # same park, received within the window.
    return {pk: duplicates for pk, duplicates in rows if duplicates}


def _counted(grievances: QuerySet[Grievance], *ids: int) -> QuerySet:
    """(id, likely duplicates among `grievances`) of the open grievances `ids`."""
    window = timedelta(days=settings.GRIEVANCE_DUPLICATE_DAYS)
    others = _annotated(
        grievances.filter(
            park_id=OuterRef("park_id"),
            received_at__gte=OuterRef("received_at") - window,
            received_at__lte=OuterRef("received_at") + window,
        )
        .exclude(status__in=FINAL_STATUSES)
        .exclude(pk=OuterRef("pk")),
        OuterRef("title"),
    ).filter(_similar_to(OuterRef("title")))
    count = others.order_by().values("park_id").annotate(n=Count("pk")).values("n")
    return (
        Grievance.objects.filter(pk__in=list(ids))
        .exclude(status__in=FINAL_STATUSES)
        .annotate(duplicates=Subquery(count, output_field=IntegerField()))
        .values_list("pk", "duplicates")
    )
