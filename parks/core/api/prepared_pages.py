"""A list's pages read through plans compiled once (parks.core.prepared).

A short list with no filter (the API's progress reports: some fifty rows a page, each with a
freshness subquery) spent about as long compiling its page's query as running it, for SQL that
is the same on every request of the same scope. `PreparedRows` hands the paginator what a
queryset hands it: its count (from a tally as before, else by a plan too: parks.core.tallies)
and, for the page's window,
the rows of `queryset[start:stop]` — the very query the plain path runs, with what
PortalPagination adds for the serializer (parks.core.api.reading: prefetches kept as lists,
joined rows narrowed to the columns read), compiled once per key and window.

The key is the caller's proof: it must hold everything the queryset's SQL depends on (the
user's scope: parks.access.scope_key, the filters and ordering, which a caller admits only
when the request names none). The window is added here. Anything else a paginator or a view
asks of it (iterating it whole) is the plain queryset's answer.
"""

from collections.abc import Hashable, Iterator
from typing import Any

from django.db.models import QuerySet

from parks.core import tallies
from parks.core.api.reading import narrowed_to_what_is_read, prefetched_as_lists
from parks.core.prepared import prepared


class PreparedRows:
    """`queryset`'s rows for a paginator, each window read through a plan (module
    docstring)."""

    def __init__(self, queryset: QuerySet, *, key: Hashable, serializer_class: type) -> None:
        self.queryset = queryset
        self.key = key
        self.serializer_class = serializer_class
        # Django's paginator warns about an unordered list as it does for the queryset.
        self.ordered = queryset.ordered

    def count(self) -> int:
        return tallies.count(self.queryset, plan_key=self.key)

    def _page(self) -> QuerySet:
        # What PortalPagination.paginate_queryset makes of a queryset for its serializer.
        page = prefetched_as_lists(self.queryset, self.serializer_class)
        return narrowed_to_what_is_read(page, self.serializer_class)

    def __getitem__(self, window: slice) -> list[Any]:
        if not isinstance(window, slice) or window.step is not None:
            raise TypeError("PreparedRows reads windows of rows: rows[start:stop]")
        start, stop = window.start or 0, window.stop
        # Built only to make the plan (or where none can be made).
        return list(prepared((self.key, start, stop), lambda: self._page()[start:stop]))

    def __iter__(self) -> Iterator[Any]:
        # Not paged (no paginator ran): the queryset as it is, as the plain path reads it.
        return iter(self.queryset)
