"""`manage.py backup [--output PATH] [--no-media]`: the database and the media files, one archive.

See parks/backup.py for what the archive holds. The archive is written under a temporary name,
read back and checked, then renamed into place with mode 0600; the command prints its path.
"""

from argparse import BooleanOptionalAction
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils import timezone

from parks.core.backup import BackupError, describe, write_backup


def default_output() -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / "backups" / f"portal-{stamp}.tar.gz"


class Command(BaseCommand):
    help = (
        "Back up the database and the media files into one verified archive "
        "(default var/backups/portal-<timestamp>.tar.gz) and print its path."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="Archive to write (.tar.gz, or .tar for no compression); a folder puts a "
            "time-stamped archive in it. An existing file is never overwritten.",
        )
        parser.add_argument(
            "--media",
            action=BooleanOptionalAction,
            default=True,
            help="Include the media files under MEDIA_ROOT (default: yes).",
        )

    def handle(self, *args, output, media, **options):
        if output is None:
            output = default_output()
        elif output.is_dir():
            output = output / default_output().name
        if output.exists():
            raise CommandError(f"{output} already exists; choose another --output.")
        # The settings as Django resolved them (under pytest, the test database's real name).
        database = connections["default"].settings_dict
        media_root = Path(settings.MEDIA_ROOT) if media else None
        try:
            manifest, skipped = write_backup(
                output=output.resolve(), database=database, media_root=media_root
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        except OSError as error:
            raise CommandError(f"Cannot write the backup to {output}: {error}") from error
        for name in skipped:
            self.stderr.write(f"Skipped {name}: it was deleted while the backup ran.")
        media_files = len(manifest["files"]) - 1
        rows = sum(manifest["row_counts"].values())
        self.stderr.write(
            f"Backed up the {describe(database)} ({len(manifest['row_counts'])} tables, "
            f"{rows} rows) and {media_files} media files."
        )
        self.stdout.write(str(output.resolve()))
