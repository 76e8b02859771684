"""The grid log's panels read their rows as columns (parks.gridlog.panels: no model
instances): each row prints what the row drawn from the activity itself printed (its title,
address, local day, zone, who logged it, kind), in both languages, with and without a zone,
for a logger named or known by the username alone."""

from datetime import UTC, datetime

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from parks.core.related import PanelItem
from parks.gridlog import panels
from parks.gridlog.choices import ActivityKind
from parks.gridlog.models import Activity
from tests.factories import ActivityFactory, GridZoneFactory, UserFactory

pytestmark = pytest.mark.django_db


def _item_from_model(activity: Activity) -> PanelItem:
    # The panel's row as it was drawn from the activity, its zone and its logger.
    return PanelItem(
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


def test_a_panels_rows_read_as_columns_are_the_rows_of_the_activities(
    park, office_user, fresh_plans
):
    zone = GridZoneFactory(park=park, code="W07", name="七区")
    unnamed = UserFactory(username="no-display-name", display_name="")
    named = UserFactory(username="named", display_name="张 <三>")
    # Late on the 30th in UTC: the 1st of the next month in the portal's time zone.
    late = datetime(2026, 6, 30, 20, 30, tzinfo=UTC)
    for logger, where, kind in (
        (unnamed, zone, ActivityKind.VISIT),
        (named, None, ActivityKind.choices[-1][0]),
    ):
        ActivityFactory(park=park, grid_zone=where, logged_by=logger, kind=kind, occurred_at=late)
    activities = Activity.objects.filter(park=park).select_related("grid_zone", "logged_by")
    for language in ("zh-hans", "en"):
        with translation.override(language):
            # In the feed's order (the newest first, then the later id), as the panel reads.
            expected = [_item_from_model(a) for a in activities.order_by("-occurred_at", "-pk")]
            for panel in (
                panels.park_panel(office_user, park),
                panels.park_panel(office_user, park),  # its plan kept
                panels._entries(office_user, "park", park=park.pk),
            ):
                assert list(panel.items) == expected
                assert panel.count == 2
            in_zone = panels.grid_zone_panel(office_user, zone)
            assert in_zone.items == [i for i in expected if "W07" in i.note]
            assert in_zone.count == 1
