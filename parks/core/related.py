"""Related panels (as NetBox shows them): the one registry through which a domain shows what it
holds about another's record — on the park, grid-zone, unit, task and grievance pages — and
contributes a section to the workbench.

A page's own app may not import the domain that has something to say about its record (parks
imports neither reforms nor grievances; grievances does not import reforms: pyproject's import
contracts). So each domain, at AppConfig.ready, registers a provider for a kind of page
("park", "grid_zone", "unit", "task", "grievance", "workbench"); the page renders them with
`{% related_panels "park" park %}` (parks.templatetags.panels, templates/_related_panels.html)
and the workbench asks `panels_for("workbench", user, None)`. A provider answers one `Panel`
(or None when the user may not see that kind of row) in a fixed number of queries — a count
and a short list — so a page's query count does not grow with the rows it links to. A panel
that draws more than the shared markup names its `template`, which extends templates/_panel.html
(e.g. the supervision orders, reforms/supervision/_orders_panel.html).
"""

import functools
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Count, QuerySet, Window
from django.http import QueryDict

from parks.core import kept as keeping
from parks.core import tallies
from parks.core.prepared import prepared
from parks.core.recent import Recent
from parks.core.replayed import KeptStatements

# Rows a panel lists; its count and link lead to the rest.
PANEL_ITEMS = 5


@dataclass(frozen=True)
class PanelItem:
    """One row of a panel: what it is, where it leads, a short note and a tone (a Bootstrap
    colour: danger, warning, success, secondary) for its badge."""

    text: str
    url: str
    note: str = ""
    tone: str = ""
    badge: str = ""


@dataclass(frozen=True)
class Panel:
    """A related panel: a title, how many rows there are, the filtered list that shows them
    all, and the first few."""

    key: str
    title: str
    count: int
    url: str
    items: list[PanelItem] = field(default_factory=list)
    icon: str = "bi-list-ul"
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url) beside the count
    empty_text: str = ""
    # A panel that draws itself instead of the shared markup: its template, and what that
    # template prints besides the fields above, as values `{% memo %}` can key (a frozen
    # dataclass, e.g. reforms.supervision.panels.OrderRows); a panel whose `extra` cannot be
    # keyed is drawn on every request.
    template: str = ""
    extra: Any = None

    @functools.cached_property
    def drawn(self) -> "DrawnPanel":
        """What templates/_panel.html, or the panel's own template, prints of this panel, as
        values `{% memo %}` can key (templates/_related_panels.html, the workbench): the same
        fields, the lists made tuples. Made once per panel: a panel built once (built_once) is
        drawn on many pages."""
        return DrawnPanel(
            key=self.key,
            title=self.title,
            count=self.count,
            url=self.url,
            items=tuple(self.items),
            icon=self.icon,
            links=tuple(self.links),
            empty_text=self.empty_text,
            template=self.template,
            extra=self.extra,
        )


@dataclass(frozen=True)
class DrawnPanel:
    """Panel.drawn: every field _panel.html reads, none it does not (parks.templatetags.memo
    keys a fragment on all of a frozen dataclass's fields)."""

    key: str
    title: str
    count: int
    url: str
    items: tuple[PanelItem, ...]
    icon: str
    links: tuple[tuple[str, str], ...]
    empty_text: str
    template: str
    extra: Any


class Asker:
    """What a FilterSet's choices need of a request (parks.access.for_request): who is asking.
    A panel counts with the very filter its list page uses, outside that page's request."""

    def __init__(self, user: Any) -> None:
        self.user = user


def filtered(filterset_class: Any, query: Any, rows: Any, user: Any, **known: Any) -> Any:
    """`rows` as the list page's filter (`filterset_class`) keeps them for `query`, the query
    string the panel's count links to; none if the query does not validate.

    `known` holds values of `query` the page has already read within the user's scope (the
    park of a park's page, read through parks.access): the filter takes them as validated, so
    each panel does not read the page's own row again to check the id it links with. The same
    filters apply (they are ANDed, so their order does not matter).
    """
    data = query.copy()
    for name in known:
        data.pop(name, None)
    if data:
        filterset = filterset_class(data, queryset=rows, request=Asker(user))
        if filterset.errors:
            return rows.none()
        rows = filterset.qs
    else:  # nothing left to validate: no form to build (its choices, its fields)
        filterset = _narrowed(filterset_class, frozenset(known))(
            None, queryset=rows, request=Asker(user)
        )
    for name, value in known.items():
        rows = filterset.filters[name].filter(rows, value)
    return rows


def first_and_count(rows: Any, *ordering: str) -> tuple[list, int]:
    """A panel's first PANEL_ITEMS rows in `ordering` and how many `rows` there are, in one
    query: the count is a window over every row (`COUNT(*) OVER ()`, taken before the LIMIT),
    read from the first row, and none when there is no row. For rows that are one per record
    (no DISTINCT, no join that repeats a record), as a panel's are; a count kept in a tally
    reads the tally instead (parks.core.tallies.count). Rows made DISTINCT (a filter choosing
    among several values marks them so) are counted by a query of their own: a window counts
    before DISTINCT."""
    if rows.query.distinct:
        return list(rows.order_by(*ordering)[:PANEL_ITEMS]), rows.count()
    first = list(_first_with_total(rows, ordering))
    return first, first[0].panel_total if first else 0


def _first_with_total(rows: QuerySet, ordering: tuple[str, ...]) -> QuerySet:
    return rows.annotate(panel_total=Window(Count("*"))).order_by(*ordering)[:PANEL_ITEMS]


# --- The same, compiled once ------------------------------------------------------------------
# A page's panels build the same querysets on every request (a scope's rows, a filter, the
# columns a row shows) and compile them into the same SQL; only the page's id and the day
# change. These run them through parks.core.prepared: `rows_of(*values)` is built and compiled
# once per `key`, which must hold everything the rows' SQL depends on besides `values` (the
# user's access.scope_key, any setting the rows read); `values` are ints, strings, dates and
# moments (parks.core.stand_ins).


def first_and_count_once(
    key: Hashable, rows_of: Callable[..., QuerySet], *values: Any, ordering: tuple[str, ...]
) -> tuple[list, int]:
    """first_and_count(rows_of(*values), *ordering), its one query compiled once per `key`
    (above). For rows first_and_count reads in one query: not DISTINCT."""

    def build(*values: Any) -> QuerySet:
        rows = rows_of(*values)
        if rows.query.distinct:  # a window counts before DISTINCT: first_and_count's two queries
            raise TypeError("first_and_count_once takes rows that are not DISTINCT")
        return _first_with_total(rows, ordering)

    first = list(prepared(("first_and_count", key, ordering), build, *values))
    return first, first[0].panel_total if first else 0


def first_once(key: Hashable, rows_of: Callable[..., QuerySet], *values: Any) -> list:
    """The first PANEL_ITEMS rows of `rows_of(*values)` (in its order), their query compiled
    once per `key` (above)."""
    return list(prepared(("first", key), lambda *v: rows_of(*v)[:PANEL_ITEMS], *values))


# The one statement a reading ran for a key and its values (parks.core.replayed). The reading
# is a function of the key and the values (the contract above: its querysets' SQL, and what
# tallies.count makes of them, a tally's, a rollup's or a COUNT(*) of the rows): the key holds
# every input of the statement. A statement keeps ~0.9 KB (tracemalloc), and there is one per
# scope, park and panel: 4096 hold some 3.6 MB, the park pages of many scopes (a miss runs the
# plain path, no more).
_STATEMENTS = KeptStatements(most=4096)


def statement_once(
    key: Hashable,
    values: tuple[Any, ...],
    run: Callable[[], Any],
    read: Callable[[tuple[Any, ...]], Any],
    *,
    using: str = DEFAULT_DB_ALIAS,
) -> Any:
    """`run()`, a reading of one row by one statement that depends on nothing but `key` and
    `values` (above); the next time, the statement it ran, its row read by `read` as `run`
    reads it."""
    return _STATEMENTS.answer(
        (key, values), run, lambda cursor: read(cursor.fetchone()), using=using
    )


def count_once(
    key: Hashable, rows_of: Callable[..., QuerySet], *values: Any, using: str = DEFAULT_DB_ALIAS
) -> int:
    """tallies.count(rows_of(*values)) (the count a tally, a rollup or the rows themselves
    give: one statement whose one row's first column is the count, a SUM(n) or a COUNT(*)),
    by the statement it ran the first time for `key` and `values` (statement_once)."""
    return statement_once(
        ("count", key),
        values,
        lambda: tallies.count(rows_of(*values).using(using)),
        lambda row: int(row[0]),
        using=using,
    )


# --- Built once per set of what it shows ------------------------------------------------------
# A panel's rows come as a few plain values (a row's title, day, zone, a count), and building its
# items from them (a day formatted, a label translated, an address reversed, a query string
# encoded) cost more Python than reading them: ~0.1-0.2 ms a panel. `built_once` builds a panel
# once per set of those values and the ambient inputs (language, time zone, URL conf and script
# prefix: parks.core.kept.ambient), as {% memo %} draws a fragment. A panel with its
# key is at most ~3.5 KB (tracemalloc over the 50 parks' pages, their new statements counted
# too): 2048 hold under 7 MB, the park, zone and unit pages of a district (a miss builds it).
_BUILT = Recent(2048)


def built_once(key: Hashable, build: Callable[..., Panel], *values: Hashable) -> Panel:
    """`build(*values)`, the same Panel each time for `key`, `values` and the ambient inputs.

    Correct as {% memo %} is, by its contract: `build` reads nothing but its values and the
    ambient inputs (no model instance, no request, no clock), and `key` names `build` and any
    setting it reads. The values are plain, hashable and of one type per place (ints, strings,
    dates, moments, and tuples of them: as read from a row), so equal values build equal
    panels; a moment is formatted in the time zone the key holds. The panel is shared: nothing
    changes it (its lists are read, never appended to)."""
    return keeping.kept(_BUILT, (key, values), lambda: build(*values))


def query_values(query: QueryDict) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """A panel's query string as values built_once can key (query_of makes it again)."""
    return tuple((name, tuple(values)) for name, values in query.lists())


def query_of(values: tuple[tuple[str, tuple[str, ...]], ...]) -> QueryDict:
    """The query string query_values read: the same names, values and order."""
    query = QueryDict(mutable=True)
    for name, listed in values:
        query.setlist(name, list(listed))
    return query


def forget() -> None:
    """Drop the remembered statements and built panels (tests that change what a key stands
    for)."""
    _STATEMENTS.clear()
    _BUILT.clear()


@functools.cache
def _narrowed(filterset_class: Any, names: frozenset[str]) -> Any:
    """`filterset_class` holding only the filters `names`: a FilterSet deep-copies every filter
    it declares when it is made (about 0.9 ms for the task or inbox filters), and a panel whose
    values are all known applies only these. Its filters and their methods are the class's own
    (a subclass, made once per class and names)."""
    narrowed: Any = type(filterset_class.__name__, (filterset_class,), {})
    narrowed.base_filters = {name: filterset_class.base_filters[name] for name in names}
    return narrowed


Provider = Callable[[Any, Any], Panel | None]
_PROVIDERS: dict[str, dict[str, tuple[int, Provider]]] = {}


def register(kind: str, key: str, provider: Provider, *, order: int = 100) -> None:
    """Offer `provider`'s panel on every page of `kind`; registering a key again replaces it
    (AppConfig.ready may run more than once in tests)."""
    _PROVIDERS.setdefault(kind, {})[key] = (order, provider)


def panels_for(kind: str, user: Any, obj: Any) -> list[Panel]:
    """The panels of `obj`'s page that `user` may see, in their registered order."""
    providers = sorted(_PROVIDERS.get(kind, {}).items(), key=lambda item: (item[1][0], item[0]))
    panels = (provider(user, obj) for _key, (_order, provider) in providers)
    return [panel for panel in panels if panel is not None]
