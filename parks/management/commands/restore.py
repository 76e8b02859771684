"""`manage.py restore ARCHIVE [--yes] [--check] [--no-media]`: put a backup back.

The whole archive is checked (every file present, every SHA-256 right, the engine and the
migrations compatible) before anything changes. It restores into the database and MEDIA_ROOT
the settings name: to rehearse a restore, point DATABASE_URL and DJANGO_MEDIA_ROOT at a scratch
database and folder; the password then stays out of the command line.
"""

import sys
from argparse import BooleanOptionalAction
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from parks.core.backup import (
    ENGINE_NAMES,
    MEDIA_PREFIX,
    BackupError,
    describe,
    migration_check,
    preflight,
    restore_archive,
    verify_archive,
)


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into the configured database and "
        "MEDIA_ROOT, replacing what is there. The archive is verified first."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask before replacing the data."
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only verify the archive (files, checksums, migrations); change nothing.",
        )
        parser.add_argument(
            "--media",
            action=BooleanOptionalAction,
            default=True,
            help="Replace MEDIA_ROOT by the archive's media files (default: yes, if it has them).",
        )

    def handle(self, *args, archive, yes, check, media, **options):
        try:
            self.restore(archive, yes=yes, check=check, media=media)
        except BackupError as error:
            raise CommandError(str(error)) from error
        except OSError as error:
            raise CommandError(f"The restore stopped: {error}") from error

    def restore(self, archive: Path, *, yes: bool, check: bool, media: bool) -> None:
        manifest = verify_archive(archive)
        behind = migration_check(manifest)
        tables, rows = len(manifest["row_counts"]), sum(manifest["row_counts"].values())
        media_files = [item for item in manifest["files"] if item["name"].startswith(MEDIA_PREFIX)]
        self.stdout.write(
            f"{archive}: made {manifest['created_at']} by portal {manifest['portal_version']}; "
            f"{ENGINE_NAMES[manifest['database']['engine']]} with {tables} tables, {rows} rows; "
            f"{len(media_files)} media files"
            + ("" if manifest["media"] else " (made with --no-media)")
            + ". Every checksum matches."
        )
        if check:
            return
        database = connections["default"].settings_dict
        preflight(manifest, database)
        media_root = Path(settings.MEDIA_ROOT) if media and manifest["media"] else None
        target = describe(database) + (
            f" and the media files in {media_root}" if media_root else ""
        )
        if not yes and not self.confirmed(target):
            raise CommandError(f"Nothing was restored. Add --yes to replace the {target}.")

        counts = restore_archive(
            archive, manifest=manifest, database=database, media_root=media_root
        )

        for table, count in sorted(counts.items()):
            if count:
                self.stdout.write(f"  {table}: {count}")
        self.stdout.write(
            f"Restored {sum(counts.values())} rows in {len(counts)} tables into the {target}."
        )
        differ = [
            f"{table} ({counts.get(table)} instead of {count})"
            for table, count in manifest["row_counts"].items()
            if counts.get(table) != count
        ]
        if differ:
            raise CommandError("Row counts differ from the archive: " + ", ".join(differ))
        if behind:
            self.stdout.write(
                f"The archive predates {len(behind)} migrations of this portal: run "
                "`manage.py migrate` before starting it."
            )

    def confirmed(self, target: str) -> bool:
        if not sys.stdin.isatty():
            return False
        answer = input(f"This replaces everything in the {target}. Type 'yes' to go on: ")
        return answer.strip().lower() == "yes"
