"""The grid log's rollups, kept exact by PostgreSQL triggers (parks.core.tallies.Rollup) that
the migration creates from the specs below: ActivityRollup (entries per park, grid zone, local
month and kind) and ActivityDayRollup (per park, grid zone and local day). parks.gridlog.selectors
reads them: the dashboard's twelve months read tens of thousands of rollup rows, the coverage
heat map's weeks a row per zone and day, instead of every entry; their size is bounded by the
zones and the days, not by how much is logged. On SQLite (the demo), or if the portal's time
zone is not the one the rollups' days were cut in (`use_rollup`), the same figures come from the
raw log.
"""

from django.conf import settings
from django.utils import timezone

from parks.core.tallies import Rollup, rollups_kept
from parks.gridlog.models import ROLLUP_TIME_ZONE, Activity, ActivityDayRollup, ActivityRollup

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


ACTIVITY_DAY_ROLLUP = Rollup(
    name="activity_day_rollup",
    source=Activity._meta.db_table,
    target=ActivityDayRollup._meta.db_table,
    keys={
        "park_id": "{row}.park_id",
        "grid_zone_id": "{row}.grid_zone_id",
        "day": f"({{row}}.occurred_at AT TIME ZONE '{ROLLUP_TIME_ZONE}')::date",
    },
    sums={"participants": "participants"},
)


def use_rollup() -> bool:
    return (
        rollups_kept()
        and settings.TIME_ZONE == ROLLUP_TIME_ZONE
        and timezone.get_current_timezone_name() == ROLLUP_TIME_ZONE
    )
