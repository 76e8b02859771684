from django.db import migrations, models

from grievances.followup_counts import FOLLOW_UP_TALLY
from parks.core.tallies import rollup_operations


class Migration(migrations.Migration):
    """Each grievance's follow-up calls counted, kept by PostgreSQL triggers: the figures that
    read the calls join it (grievances.rates, grievances.followup_counts)."""

    dependencies = [
        ("grievances", "0011_status_tally"),
    ]

    operations = [
        migrations.CreateModel(
            name="FollowUpTally",
            fields=[
                (
                    "grievance",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="call_tally",
                        serialize=False,
                        to="grievances.grievance",
                    ),
                ),
                ("n", models.BigIntegerField(default=0)),
                ("satisfied", models.BigIntegerField(default=0)),
                ("first_calls", models.BigIntegerField(default=0)),
                ("first_call_satisfied", models.BigIntegerField(default=0)),
            ],
        ),
        *rollup_operations(FOLLOW_UP_TALLY),
    ]
