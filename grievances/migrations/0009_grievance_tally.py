from django.db import migrations

from parks.core.tallies import tally_operations


class Migration(migrations.Migration):
    """Grievances per park, kept by PostgreSQL triggers: the lists' counts read them
    (parks.core.tallies)."""

    dependencies = [
        ("grievances", "0008_inbox_indexes"),
        ("parks", "0009_tallies_and_activity_rollups"),
    ]

    operations = tally_operations("grievances_grievance")
