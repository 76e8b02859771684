"""The grievances' part of the related panels and of the workbench (parks.core.related).

Every count here is the inbox's own: the inbox's filter (filters.GrievanceFilter) over the
inbox's rows (selectors.inbox), with the very query string the count links to, so a count and
the list it opens cannot disagree. Each panel costs two queries: its count and its first rows,
most urgent first (the next deadline, selectors.with_next_deadline).
"""

from datetime import UTC, datetime

from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from grievances import policy, selectors
from grievances.filters import GrievanceFilter
from grievances.views.common import STATUS_GROUPS, next_deadline
from parks import access
from parks.core import related
from parks.core.related import PANEL_ITEMS, Panel, PanelItem
from parks.core.row_urls import named_url, pk_url
from parks.core.tallies import count
from parks.structure.models import Park

FLAG_TONES = {"breached": "danger", "due_soon": "warning"}


def _query(**params) -> QueryDict:
    query = QueryDict(mutable=True)
    for name, value in params.items():
        if isinstance(value, list | tuple):
            query.setlist(name, [str(item) for item in value])
        else:
            query[name] = str(value)
    return query


def _listed(user, query: QueryDict, *, group: str = "all", **known):
    """The inbox's rows for `query` in status group `group`, as the inbox lists them; the link.
    `known`: values of `query` the page has read already (parks.core.related.filtered)."""
    now = timezone.now()
    rows = related.filtered(
        GrievanceFilter, query, selectors.inbox(user=user, now=now), user, **known
    )
    statuses = STATUS_GROUPS[group][1]
    if statuses is not None:
        rows = rows.filter(status__in=statuses)
    link = query.copy()
    link["group"] = group
    return rows, f"{reverse('grievances:inbox')}?{link.urlencode()}", now


# What a panel's row shows (its text, note, link and next deadline, grievances.views.common):
# the inbox's rows read with these columns and their park's, not every column of four tables.
ITEM_COLUMNS = (
    "title",
    "tracking_code",
    "status",
    "responded_at",
    "response_due_at",
    "resolved_at",
    "resolution_due_at",
    "park__name",
)


def _shown(rows):
    return rows.select_related(None).select_related("park").only(*ITEM_COLUMNS)


def _items(rows, now) -> list[PanelItem]:
    return _as_items(_shown(rows)[:PANEL_ITEMS], now)


def _as_items(grievances, now) -> list[PanelItem]:
    items = []
    for grievance in grievances:
        deadline = next_deadline(grievance, now)
        items.append(
            PanelItem(
                text=grievance.title,
                url=grievance.get_absolute_url(),
                note=f"{grievance.tracking_code} · {grievance.park.name}",
                badge=deadline["text"] if deadline else grievance.get_status_display(),
                tone=FLAG_TONES.get(grievance.deadline_flag, "secondary"),
            )
        )
    return items


def _panel(key, title, rows, url, now, **extra) -> Panel:
    # Counted as the inbox's pages count (a queue's statuses over a scope: the status tally).
    return Panel(key=key, title=title, count=count(rows), url=url, items=_items(rows, now), **extra)


# --- The workbench ---------------------------------------------------------------------------


def _queue_section(queue: policy.Queue):
    def section(user, _obj):
        if queue not in policy.queues_for(user):
            return None
        params = {"status": queue.statuses}
        if not queue.office:
            params["handling_unit"] = access.scope_of(user).organisation_id
        rows, url, now = _listed(user, _query(**params))
        return _panel(
            f"grievances_{queue.key}",
            str(queue.label),
            rows,
            url,
            now,
            icon="bi-chat-left-text",
            empty_text=_("Nothing waiting."),
        )

    return section


# --- The park, grid-zone and unit pages ------------------------------------------------------


def _open_grievances(key, user, query, *, links=(), **known):
    rows, url, now = _listed(user, query, group="open", **known)
    return _panel(
        key,
        _("Open grievances"),
        rows,
        url,
        now,
        icon="bi-chat-left-text",
        links=list(links),
        empty_text=_("No open grievances."),
    )


def _poster_link(user, park):
    return _poster_links(access.may_print_posters(user, park), park.pk)


def _poster_links(may_print: bool, park_pk: int) -> list[tuple[str, str]]:
    if not may_print:
        return []
    return [(_("QR posters"), pk_url("grievances:qr_poster", park_pk))]


# The moments a park panel's rows are counted with: a row's deadline flags (what the moments
# shape) are columns of the row, never a condition on it, so they change no count; fixed, they
# leave the count's rows a function of the scope and the park alone (related.count_once).
COUNTED_AT = selectors.deadline_moments(datetime(2000, 1, 1, tzinfo=UTC))


def park_panel(user, park):
    """_open_grievances for the park (?park=), its queries compiled once per scope
    (parks.core.related.first_once, count_once; the key holds what the SQL depends on besides
    the park's id and the moments: access.scope_key). tests/workbench pin it to the plain
    panel."""
    statuses = STATUS_GROUPS["open"][1]

    def open_rows(pk, *moments):
        inbox = selectors.inbox(user=user, moments=moments)
        rows = related.filtered(GrievanceFilter, _query(park=pk), inbox, user, park=Park(pk=pk))
        return rows.filter(status__in=statuses)

    moments = selectors.deadline_moments()
    key = ("park_grievances", access.scope_key(user))
    count = related.count_once(key, open_rows, park.pk, *COUNTED_AT)
    # The rows' items are made on every request (a deadline's time left changes by the
    # minute); the panel around them once per set of its values (related.built_once).
    items = _as_items(
        related.first_once(key, lambda *v: _shown(open_rows(*v)), park.pk, *moments), moments[0]
    )
    may_print = access.may_print_posters(user, park)
    return related.built_once(
        "park_grievances", _park_built, park.pk, count, tuple(items), may_print
    )


def _park_built(park_pk: int, count: int, items: tuple, may_print: bool) -> Panel:
    link = _query(park=park_pk)
    link["group"] = "open"
    return Panel(
        key="grievances",
        title=_("Open grievances"),
        count=count,
        url=f"{named_url('grievances:inbox')}?{link.urlencode()}",
        items=list(items),
        icon="bi-chat-left-text",
        links=_poster_links(may_print, park_pk),
        empty_text=_("No open grievances."),
    )


def grid_zone_panel(user, zone):
    return _open_grievances(
        "grievances", user, _query(grid_zone=zone.pk), links=_poster_link(user, zone.park)
    )


def unit_panel(user, unit):
    return _open_grievances("grievances", user, _query(handling_unit=unit.pk))


def register() -> None:
    """Called by GrievancesConfig.ready."""
    for order, queue in enumerate(policy.WORK_QUEUES):
        related.register(
            "workbench", f"grievances_{queue.key}", _queue_section(queue), order=10 + order
        )
    related.register("park", "grievances", park_panel, order=20)
    related.register("grid_zone", "grievances", grid_zone_panel, order=20)
    related.register("unit", "grievances", unit_panel, order=20)
