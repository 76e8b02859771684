"""The grid log's part of the related panels and of the workbench (parks.core.related): the
latest entries of a park or a grid zone, and the grid zones that logged nothing this week.

Two queries each: a count and the first rows. "Silent this week" is the coverage page's own
definition (selectors.idle_grid_zones over selectors.zone_logged), counted over the zones the
user sees.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from parks import access
from parks.core import related, tallies
from parks.core.related import PANEL_ITEMS, Panel, PanelItem
from parks.core.row_urls import named_url
from parks.gridlog import selectors

# What a panel's row shows (its text, link, note and badge): the feed's rows read with these
# columns, not every column of four tables.
ITEM_COLUMNS = (
    "title",
    "kind",
    "occurred_at",
    "grid_zone__code",
    "logged_by__display_name",
    "logged_by__username",
)


def _rows(user, **where):
    return selectors.activity_list(user=user).filter(**where).prefetch_related(None)


def _shown(rows):
    return rows.select_related(None).select_related("grid_zone", "logged_by").only(*ITEM_COLUMNS)


def _entries(user, key, **where):
    rows = _rows(user, **where)
    return _panel(_shown(rows)[:PANEL_ITEMS], tallies.count(rows), key, where[key])


def _panel(activities, count, key, value):
    items = [
        PanelItem(
            text=activity.title,
            url=activity.get_absolute_url(),
            note=" · ".join(
                part
                for part in (
                    date_format(timezone.localtime(activity.occurred_at), "SHORT_DATE_FORMAT"),
                    activity.grid_zone.code if activity.grid_zone else "",
                    str(activity.logged_by),
                )
                if part
            ),
            badge=activity.get_kind_display(),
            tone="secondary",
        )
        for activity in activities
    ]
    return Panel(
        key="activities",
        title=_("Grid log"),
        # A park's count reads its tally row, as the feed's does, not its thousands of entries.
        count=count,
        url=f"{named_url('parks:activity_feed')}?{urlencode({key: value})}",
        items=items,
        icon="bi-journal-text",
        empty_text=_("Nothing logged yet."),
    )


def park_panel(user, park):
    """_entries of the park, its queries compiled once per scope (parks.core.related.first_once,
    count_once; the key holds what the SQL depends on besides the park's id:
    access.scope_key). tests/workbench pin it to the plain panel."""

    def rows_of(pk):
        return _rows(user, park=pk)

    key = ("park_activities", access.scope_key(user))
    return _panel(
        related.first_once(key, lambda pk: _shown(rows_of(pk)), park.pk),
        related.count_once(key, rows_of, park.pk),
        "park",
        park.pk,
    )


def grid_zone_panel(user, zone):
    return _entries(user, "grid_zone", grid_zone=zone.pk)


def silent_zones_section(user, _obj):
    """Grid zones the user looks after that logged nothing since Monday."""
    if not access.oversees_area(user):
        return None
    monday = selectors.week_start(timezone.localdate())
    zones = selectors.idle_grid_zones(zones=access.grid_zones_visible_to(user), since=monday)
    items = [
        PanelItem(
            text=f"{zone.code} {zone.name}",
            url=zone.get_absolute_url(),
            note=" · ".join(
                part for part in (zone.park.name, str(zone.liaison or _("no liaison"))) if part
            ),
        )
        for zone in zones[:PANEL_ITEMS]
    ]
    return Panel(
        key="silent_zones",
        title=_("Grid zones silent this week"),
        count=zones.count(),
        url=reverse("parks:coverage"),
        items=items,
        icon="bi-broadcast",
        empty_text=_("Every grid zone has logged this week."),
    )


def register() -> None:
    """Called by ParksConfig.ready."""
    related.register("park", "activities", park_panel, order=30)
    related.register("grid_zone", "activities", grid_zone_panel, order=30)
    related.register("workbench", "silent_zones", silent_zones_section, order=60)
