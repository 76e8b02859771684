"""Grievances per park, handling unit and status, kept exact by PostgreSQL triggers
(parks.core.tallies.Rollup), so the inbox's tab counts, its pages' count and the workbench's
queues do not count the district's grievances on every page.

The inbox's rows are a scope (every park, a park, a subdistrict's parks, or a unit's staff's park
OR their unit's cases) narrowed by a status tab and perhaps a park or a unit: conditions on
these three columns alone, which this rollup answers exactly (parks.core.tallies.count,
counts_by). Its size is bounded by the parks, units and statuses (85 rows for the benchmark's
100,000 grievances), not by the grievances. Any other filter (a grid zone, a category, a search,
a time-limit flag) counts its filtered rows, as before.
"""

from django.db import models

from parks.core.tallies import Rollup

# The source table is named, not imported: grievances.models imports this module to register
# the model, and the triggers are written in SQL anyway.
GRIEVANCE_TABLE = "grievances_grievance"


class StatusTally(models.Model):
    """How many grievances of a park, handled by a unit (empty: none yet), are in a status."""

    park_id = models.BigIntegerField()
    handling_unit_id = models.BigIntegerField(null=True)
    status = models.CharField(max_length=20)
    # 0 once every grievance of the group has moved on or gone.
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            # The triggers' upsert target (grievances not yet assigned share the NULL unit).
            models.UniqueConstraint(
                fields=["park_id", "handling_unit_id", "status"],
                name="grievance_status_tally_key",
                nulls_distinct=False,
            )
        ]

    def __str__(self):
        return f"park {self.park_id} unit {self.handling_unit_id} {self.status}: {self.n}"


STATUS_TALLY = Rollup(
    name="grievance_status_tally",
    source=GRIEVANCE_TABLE,
    target="grievances_statustally",
    keys={
        "park_id": "{row}.park_id",
        "handling_unit_id": "{row}.handling_unit_id",
        "status": "{row}.status",
    },
)
