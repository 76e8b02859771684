from django.conf import settings
from django.db import migrations

# How many local months grievances were received in, for the planner: the dashboard's
# twelve-month trend (reforms.reporting.views.dashboard._trends) groups a year of grievances by
# DATE_TRUNC('month', received_at AT TIME ZONE <the portal's zone>), an expression PostgreSQL has
# no statistics for, so it expected one group per row (24,896 at 100,000 grievances), chose to
# sort them all and aggregate in order; knowing there are a dozen it hashes them (no sort).
# PostgreSQL only (SQLite has no such statistics); advisory, so a portal in another zone only
# misses the hint.
NAME = "grievance_received_month"


def create_statistics(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    zone = settings.TIME_ZONE.replace("'", "")
    schema_editor.execute(
        f"CREATE STATISTICS {NAME} ON "
        f"(DATE_TRUNC('month', received_at AT TIME ZONE '{zone}')) FROM grievances_grievance"
    )
    schema_editor.execute("ANALYZE grievances_grievance")


def drop_statistics(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP STATISTICS IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("grievances", "0009_grievance_tally")]

    operations = [migrations.RunPython(create_statistics, drop_statistics)]
