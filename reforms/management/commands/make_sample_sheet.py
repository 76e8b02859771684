"""`manage.py make_sample_sheet [path]`: write the sample construction table (施工表) as .xlsx.

The sheet names the demo's plans, units and accounts, so it imports into a portal that has run
`load_demo`. Its dates are counted from today (or --today).
"""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reforms.tasks.sample_data import SAMPLE_TASKS, build_sample_sheet


class Command(BaseCommand):
    help = "Write the sample construction table (施工表) in the import format."

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", default="var/sample-construction-table.xlsx", type=Path
        )
        parser.add_argument("--today", help="Count the dates from this day (YYYY-MM-DD).")

    def handle(self, *args, path, today, **options):
        try:
            today = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--today: {error}") from error
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as stream:
            build_sample_sheet(stream, today=today)
        self.stdout.write(f"Wrote {len(SAMPLE_TASKS)} tasks to {path}")
