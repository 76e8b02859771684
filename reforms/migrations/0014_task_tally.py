from django.db import migrations

from parks.core.tallies import tally_operations


class Migration(migrations.Migration):
    """Reform tasks per park (and without a park), kept by PostgreSQL triggers: the lists'
    counts read them (parks.core.tallies)."""

    dependencies = [
        ("reforms", "0013_task_list_order"),
        ("parks", "0009_tallies_and_activity_rollups"),
    ]

    operations = tally_operations("reforms_task")
