from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reforms", "0006_report_schedules"),
    ]

    operations = [
        migrations.AddField(
            model_name="report",
            name="build_token",
            field=models.CharField(
                blank=True, editable=False, max_length=64, verbose_name="build token"
            ),
        ),
    ]
