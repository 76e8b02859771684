"""Each grievance's follow-up calls counted, kept exact by PostgreSQL triggers
(parks.core.tallies.Rollup), so the figures that read the calls (grievances.rates: the
satisfaction and first-call rates, the reopen rate's denominator) join one row per grievance
instead of looking its calls up four times per grievance counted. The dashboard's twelve-month
trend counts a year of grievances: the correlated look-ups were half of its SQL.

A grievance's row holds how many calls it had (`n`), how many of them were satisfied or basically
satisfied (SATISFIED_LEVELS), and whether it had a first call (number 1, at most one per
grievance: follow_up_number_once) and whether that call was satisfied. A grievance without calls
has no row, or a row of zeros once its calls are gone. The triggers follow every write to
grievances_followup (one call or many, a call moved to another grievance by an UPDATE); a
grievance's calls are deleted with it (on_delete CASCADE deletes them first, through the ORM),
which leaves its row at zeros. SQLite (the demo) has no triggers: grievances.rates counts the
calls themselves there (parks.core.tallies.rollups_kept), with the same results.
"""

from django.db import models

from grievances.choices import SATISFIED_LEVELS
from parks.core.tallies import Rollup

# Named, not imported: grievances.models imports this module to register the model.
FOLLOW_UP_TABLE = "grievances_followup"

_SATISFIED = ", ".join(f"'{level}'" for level in SATISFIED_LEVELS)


class FollowUpTally(models.Model):
    """A grievance's follow-up calls: how many, how many satisfied, its first call and whether
    that was satisfied (kept by triggers on PostgreSQL)."""

    # No foreign key constraint: the row outlives its grievance (at zeros) when the grievance
    # is deleted, and the triggers write it while the grievance's own delete is under way.
    grievance = models.OneToOneField(
        "grievances.Grievance",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="call_tally",
    )
    n = models.BigIntegerField(default=0)
    satisfied = models.BigIntegerField(default=0)
    first_calls = models.BigIntegerField(default=0)
    first_call_satisfied = models.BigIntegerField(default=0)

    def __str__(self):
        return f"grievance {self.grievance_id}: {self.n} calls"


FOLLOW_UP_TALLY = Rollup(
    name="grievance_follow_up_tally",
    source=FOLLOW_UP_TABLE,
    target="grievances_followuptally",
    keys={"grievance_id": "{row}.grievance_id"},
    sums={
        "satisfied": f"CASE WHEN {{row}}.satisfaction IN ({_SATISFIED}) THEN 1 ELSE 0 END",
        "first_calls": "CASE WHEN {row}.number = 1 THEN 1 ELSE 0 END",
        "first_call_satisfied": (
            f"CASE WHEN {{row}}.number = 1 AND {{row}}.satisfaction IN ({_SATISFIED}) "
            "THEN 1 ELSE 0 END"
        ),
    },
)
