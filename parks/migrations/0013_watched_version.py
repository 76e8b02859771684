from django.db import migrations

from parks.core.watched import version_operations


class Migration(migrations.Migration):
    dependencies = [
        ("parks", "0012_industry_order_by_pinyin"),
    ]

    # The version of the tables the filter bars' selects list, kept by triggers
    # (parks.core.watched): a page reads their rows again only after one of them changed.
    operations = version_operations()
