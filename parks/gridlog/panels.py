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
from parks.core.choice_display import choice_label
from parks.core.related import PANEL_ITEMS, Panel, PanelItem
from parks.core.row_urls import named_url, pk_url
from parks.gridlog import selectors
from parks.gridlog.models import ACTIVITY_ROUTE, Activity
from parks.structure.choice_labels import PERSON_COLUMNS, person_name

# What a panel's row shows (its text, link, note and badge): the feed's rows read as these
# columns, not as fifteen model instances (as the feed reads its own: views.feed_rows).
ITEM_COLUMNS = (
    "pk",
    "title",
    "kind",
    "occurred_at",
    "grid_zone__code",
    *(f"logged_by__{column}" for column in PERSON_COLUMNS),
)
_KIND = Activity._meta.get_field("kind")


def _rows(user, **where):
    return selectors.activity_list(user=user).filter(**where).prefetch_related(None)


def _shown(rows):
    # The zone's code over the same LEFT JOIN select_related("grid_zone") makes (no zone: None).
    return rows.select_related(None).values_list(*ITEM_COLUMNS)


def _entries(user, key, **where):
    rows = _rows(user, **where)
    return _panel(_shown(rows)[:PANEL_ITEMS], tallies.count(rows), key, where[key])


def _panel(activities, count, key, value):
    """The panel of `activities` (rows read as ITEM_COLUMNS, plain values), built once per set
    of them (parks.core.related.built_once)."""
    return related.built_once("activities", _built, tuple(activities), count, key, value)


def _built(activities, count, key, value):
    """Each activity's title, address, day, zone and who logged it (Activity.get_absolute_url,
    User.__str__: person_name), and kind (get_kind_display: choice_label)."""
    items = [
        PanelItem(
            text=title,
            url=pk_url(ACTIVITY_ROUTE, pk),
            note=" · ".join(
                part
                for part in (
                    date_format(timezone.localtime(occurred_at), "SHORT_DATE_FORMAT"),
                    zone_code or "",
                    person_name(*person),
                )
                if part
            ),
            badge=choice_label(_KIND, kind),
            tone="secondary",
        )
        for pk, title, kind, occurred_at, zone_code, *person in activities
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
