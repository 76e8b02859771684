"""The grid log's rollup (ActivityRollup): entries per park, grid zone, local month and kind,
kept exact by PostgreSQL triggers (parks.core.tallies.Rollup) that the migration creates from
ACTIVITY_ROLLUP. parks.gridlog.selectors reads it: twelve months of the dashboard read a few
thousand rollup rows instead of half a million entries. On SQLite (the demo), or if the portal's
time zone is not the one the rollup's months were cut in (`use_rollup`), the same figures come
from the raw log.
"""

from django.conf import settings
from django.utils import timezone

from parks.core.tallies import Rollup, rollups_kept
from parks.gridlog.models import ROLLUP_TIME_ZONE, Activity, ActivityRollup

ACTIVITY_ROLLUP = Rollup(
    name="activity_rollup",
    source=Activity._meta.db_table,
    target=ActivityRollup._meta.db_table,
    keys={
        "park_id": "{row}.park_id",
        "grid_zone_id": "{row}.grid_zone_id",
        "month": (
            f"date_trunc('month', {{row}}.occurred_at AT TIME ZONE '{ROLLUP_TIME_ZONE}')::date"
        ),
        "kind": "{row}.kind",
    },
    sums={"participants": "participants"},
)


def use_rollup() -> bool:
    return (
        rollups_kept()
        and settings.TIME_ZONE == ROLLUP_TIME_ZONE
        and timezone.get_current_timezone_name() == ROLLUP_TIME_ZONE
    )
