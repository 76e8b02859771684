"""A list's pages read by SQL compiled once per process (parks.core.prepared).

Building and compiling a list's main query (a grievance's five joins and deadline flags, a
task's warning) cost a page of the API about a millisecond of Python, for SQL whose text
depends on little: the user's scope, the ordering asked for, the language and time zone, the
settings the SQL holds as constants, and the page's window, which Django writes into the text
and parks.core.prepared appends to a plan of the whole list. The rest are values (the moment
"now", the day "today"), which a plan takes as parameters.

A viewset opts in with `PlannedListMixin`, saying what its list is made of:

- `list_queryset(*values)`: the list's rows for these values, reading nothing of the request
  but its user's scope;
- `list_values()`: this request's values (ints, strings, dates, datetimes);
- `list_scope()`: everything of the user the rows depend on (for the user's scope alone,
  parks.access.scope_key: parks.access.lists.ScopedPlannedListMixin);
- `list_settings`: the names of the settings the SQL holds as constants;

and answers its list's `get_queryset` with `listed()`. PortalPagination then reads a page of a
request that names no filter (only the page, its size, an ordering by one of the view's
`ordering_fields` and `unmask`) through the plan; any other request, and any list that does not
opt in, is read as before. The plan's key holds the view's class (and so its filter backends,
ordering fields and serializer) and every input above; the page's rows are prefetched by the
very lookups the plain queryset carries, each to-many relation's rows by a plan of its own
(parks.core.prefetched, where it applies; else prefetch_related_objects, as Django's own
iteration does). The count is the paginator's, from the plain queryset, as before.
"""

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, ClassVar

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from rest_framework.filters import OrderingFilter

from parks.core.api.filtering import PortalFilterBackend
from parks.core.prefetched import prefetch_planned
from parks.core.prepared import prepared

# The query parameters a planned page may carry: none of them is a filter's.
PLANNED_PARAMETERS = frozenset({"page", "page_size", "ordering", "unmask"})


class PlannedListMixin:
    # A viewset whose list's pages may be read by a plan (module docstring).

    # The settings the list's SQL holds as constants: their values join the plan's key.
    list_settings: ClassVar[tuple[str, ...]] = ()

    def list_queryset(self, *values: Any) -> QuerySet:
        raise NotImplementedError

    def list_values(self) -> tuple[Any, ...]:
        return ()

    def list_scope(self) -> Hashable:
        raise NotImplementedError

    def listed(self) -> QuerySet:
        """The list's queryset for this request: what `get_queryset` answers for `list`."""
        values = self.list_values_read = tuple(self.list_values())
        return self.list_queryset(*values)


@dataclass(frozen=True)
class ListPlan:
    """The plan of one request's list: its key, the build its SQL is compiled from, and this
    request's values."""

    key: Hashable
    build: Callable[..., QuerySet]
    values: tuple[Any, ...]

    def page(self, rows: QuerySet) -> QuerySet | list[Any]:
        """The rows of `rows` — the list's plain queryset, sliced to a page by the paginator —
        read by the plan and prefetched as `rows` prefetches."""
        low, high = rows.query.low_mark, rows.query.high_mark
        if high is None or not isinstance(rows, QuerySet):
            return rows
        window = (low, high)
        planned = prepared(self.key, self.build, *self.values, using=rows.db, window=window)
        found = list(planned)
        prefetch_planned(found, rows._prefetch_related_lookups, self.key)
        return found


def list_plan(
    view: Any, request: Any, queryset: QuerySet, shaped: Callable[[QuerySet], QuerySet]
) -> ListPlan | None:
    """The plan of `view`'s list for `request`, whose plain queryset is `queryset` (the view's
    `filter_queryset(listed())`, with the prefetches the pagination keeps as lists), whose page
    the plan reads `shaped` by the pagination; None where the SQL may depend on more than the
    key holds (module docstring)."""
    if not isinstance(view, PlannedListMixin) or getattr(view, "action", None) != "list":
        return None
    values = getattr(view, "list_values_read", None)
    parameters = request.query_params
    if values is None or not set(parameters) <= PLANNED_PARAMETERS:
        return None
    ordering = parameters.get("ordering")
    fields = getattr(view, "ordering_fields", None)
    if ordering is not None and (
        not isinstance(fields, list | tuple) or ordering.removeprefix("-") not in fields
    ):
        return None
    for backend in view.filter_backends:
        if issubclass(backend, PortalFilterBackend):
            if not backend().filters_nothing(request, queryset, view):
                return None
        elif not (issubclass(backend, OrderingFilter) and backend.ordering_param == "ordering"):
            return None  # a backend that may read other parameters
    serializer_class = view.get_serializer_class()
    key = (
        "api list",
        type(view),
        serializer_class,
        # Whether the page is shaped for the serializer's fast read (PortalPagination): its
        # joined rows read as columns, or joined as DRF's own path reads them.
        getattr(serializer_class, "read_fast", None),
        view.list_scope(),
        ordering,
        get_language(),
        timezone.get_current_timezone_name(),
        tuple(getattr(settings, name) for name in view.list_settings),
    )

    def build(*values: Any) -> QuerySet:
        return shaped(view.filter_queryset(view.list_queryset(*values))).prefetch_related(None)

    return ListPlan(key, build, values)
