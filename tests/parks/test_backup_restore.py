"""Backup and restore: one archive holds the database and the media files, and proves them.

The commands run as an operator runs them: the real `manage.py` in a subprocess, pointed at a
database and a media folder by DATABASE_URL and DJANGO_MEDIA_ROOT. A restore goes into a scratch
database and folder made here, never into the test database other tests use.
"""

import io
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image

from parks.gridlog import services
from parks.gridlog.choices import ActivityKind
from parks.gridlog.models import Activity
from tests.factories import GrievanceFactory, ParkFactory

ROOT = Path(__file__).resolve().parents[2]

# Made in a SQLite portal by `manage.py shell`: rows in a few tables and one evidence file.
SEED = """
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from parks.models import Park, Subdistrict
subdistrict = Subdistrict.objects.create(district="梁溪区", name="广益街道")
Park.objects.create(name="无锡华夏家居港建材市场", subdistrict=subdistrict, kind="market",
                    pilot_status="pilot", designation_year=2021, address="无锡市梁溪区")
default_storage.save("evidence/2026/06/会议纪要.pdf", ContentFile(b"%PDF-1.4 minutes"))
"""
EVIDENCE = "evidence/2026/06/会议纪要.pdf"


def manage(*args, database_url, media_root, path=None):
    """Run `manage.py` as an operator would, under the local settings."""
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=database_url,
        DJANGO_MEDIA_ROOT=str(media_root),
    )
    if path is not None:
        env["PATH"] = path
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        stdin=subprocess.DEVNULL,
    )


def refused(result, message):
    assert result.returncode == 1, result.stdout + result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def postgres_url(name):
    database = connection.settings_dict
    return f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{name}"


def postgres(name="postgres"):
    database = connection.settings_dict
    return psycopg.connect(
        host=database["HOST"],
        port=database["PORT"],
        user=database["USER"],
        dbname=name,
        autocommit=True,
    )


def postgres_counts(name):
    with postgres(name) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return {
            table: conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            for table in tables
        }


def sqlite_counts(path):
    with sqlite3.connect(path) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            table: conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            for table in tables
        }


@pytest.fixture
def scratch_database():
    """An empty PostgreSQL database of this test's own, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with postgres() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield name
    with postgres() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def file_media(settings, tmp_path):
    """Media on disk, where the backup reads it (the suite otherwise keeps files in memory)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return settings.MEDIA_ROOT


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), (220, 20, 20)).save(out, "JPEG")
    return out.getvalue()


def download_photo(client, activity, photo):
    response = client.get(f"/api/v1/activities/{activity.pk}/photos/{photo.pk}/")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


# --- PostgreSQL -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_postgresql_backup_restores_every_row_and_photo_into_another_database(
    file_media, tmp_path, settings, scratch_database, grid_zone, liaison, office_user, api_as
):
    ParkFactory(name="无锡盛阳食品城")
    GrievanceFactory(park=grid_zone.park)
    activity, _ = services.activity_create(
        activity=Activity(
            grid_zone=grid_zone,
            kind=ActivityKind.VISIT,
            occurred_at=datetime(2026, 6, 3, 2, 0, tzinfo=UTC),
            title="走访经营户",
        ),
        actor=liaison,
        photos=[SimpleUploadedFile("现场.jpg", jpeg(), content_type="image/jpeg")],
    )
    photo = activity.photos.get()
    client = api_as(office_user)
    served_before = download_photo(client, activity, photo)
    test_database = connection.settings_dict["NAME"]

    backup = manage(
        "backup",
        "--output",
        str(tmp_path / "portal.tar.gz"),
        database_url=postgres_url(test_database),
        media_root=file_media,
    )

    assert backup.returncode == 0, backup.stderr
    archive = Path(backup.stdout.strip())
    assert archive == tmp_path / "portal.tar.gz"
    assert archive.stat().st_mode & 0o777 == 0o600
    assert not [path for path in tmp_path.iterdir() if path.name.startswith(".portal")]

    restored_media = tmp_path / "restored-media"
    restore = manage(
        "restore",
        str(archive),
        "--yes",
        database_url=postgres_url(scratch_database),
        media_root=restored_media,
    )

    assert restore.returncode == 0, restore.stderr
    counts = postgres_counts(test_database)
    assert counts["parks_park"] == 2 and counts["grievances_grievance"] == 1
    assert postgres_counts(scratch_database) == counts
    assert "parks_activityphoto: 1" in restore.stdout
    settings.MEDIA_ROOT = restored_media
    assert download_photo(client, activity, photo) == served_before


@pytest.mark.django_db
def test_a_backup_of_an_unreachable_database_says_so(tmp_path):
    result = manage(
        "backup",
        "--output",
        str(tmp_path / "portal.tar.gz"),
        database_url="postgres://postgres@127.0.0.1:1/portal",
        media_root=tmp_path / "media",
    )

    refused(result, "Cannot connect to the PostgreSQL database 'portal' on 127.0.0.1:1")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db
def test_a_backup_without_pg_dump_names_the_package_to_install(tmp_path):
    result = manage(
        "backup",
        database_url=postgres_url(connection.settings_dict["NAME"]),
        media_root=tmp_path / "media",
        path=str(tmp_path),  # no PostgreSQL client tools here
    )

    refused(result, "pg_dump was not found on the PATH")
    assert "apt-get install postgresql-client" in result.stderr


@pytest.mark.django_db
def test_a_pg_dump_older_than_the_server_is_refused(tmp_path):
    fake = tmp_path / "bin" / "pg_dump"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")
    fake.chmod(0o755)

    result = manage(
        "backup",
        "--output",
        str(tmp_path / "portal.tar.gz"),
        database_url=postgres_url(connection.settings_dict["NAME"]),
        media_root=tmp_path / "media",
        path=f"{fake.parent}:{os.environ['PATH']}",
    )

    refused(result, "is version 9 but the server runs PostgreSQL")
    assert not (tmp_path / "portal.tar.gz").exists()


@pytest.mark.django_db
def test_the_password_reaches_pg_dump_in_its_environment_never_on_its_command_line(tmp_path):
    """`ps` shows every user a process's arguments; the environment stays private."""
    fake = tmp_path / "bin" / "pg_dump"
    fake.parent.mkdir()
    fake.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = --version ]; then echo "pg_dump (PostgreSQL) 99.0"; exit 0; fi\n'
        f'echo "$*" > {tmp_path}/args\n'
        f'echo "$PGPASSWORD $PGDATABASE" > {tmp_path}/env\n'
        'echo "pg_dump: error: disk full" >&2; exit 1\n'
    )
    fake.chmod(0o755)
    database = connection.settings_dict

    result = manage(
        "backup",
        "--output",
        str(tmp_path / "portal.tar.gz"),
        database_url=(
            f"postgres://{database['USER']}:s3cret-pw@{database['HOST']}:{database['PORT']}/"
            f"{database['NAME']}"
        ),
        media_root=tmp_path / "media",
        path=f"{fake.parent}:{os.environ['PATH']}",
    )

    refused(result, "pg_dump failed on the PostgreSQL database")
    assert "pg_dump: error: disk full" in result.stderr
    assert "s3cret" not in (tmp_path / "args").read_text()
    assert (tmp_path / "env").read_text().split() == ["s3cret-pw", database["NAME"]]
    assert not (tmp_path / "portal.tar.gz").exists()
    assert not [path for path in tmp_path.iterdir() if path.name.startswith(".portal")]


# --- SQLite, the demo's database --------------------------------------------------------------


@pytest.fixture(scope="module")
def sqlite_backup(tmp_path_factory):
    """A migrated SQLite portal with a few rows and an evidence file, and its backup."""
    folder = tmp_path_factory.mktemp("sqlite-portal")
    site = {"database_url": f"sqlite:///{folder / 'portal.sqlite3'}", "media_root": folder / "m"}
    for command in (["migrate", "--noinput"], ["shell", "-c", SEED]):
        done = manage(*command, **site)
        assert done.returncode == 0, done.stderr
    backup = manage("backup", "--output", str(folder / "backup.tar.gz"), **site)
    assert backup.returncode == 0, backup.stderr
    return folder, Path(backup.stdout.strip())


def test_a_sqlite_backup_restores_the_database_file_and_the_media(sqlite_backup, tmp_path):
    source, archive = sqlite_backup
    target = tmp_path / "restored.sqlite3"
    media = tmp_path / "media"
    (media / "activity-photos").mkdir(parents=True)
    (media / "activity-photos" / "newer.jpg").write_bytes(b"not in the backup")

    result = manage(
        "restore", str(archive), "--yes", database_url=f"sqlite:///{target}", media_root=media
    )

    assert result.returncode == 0, result.stderr
    assert "parks_park: 1" in result.stdout
    assert sqlite_counts(target) == sqlite_counts(source / "portal.sqlite3")
    assert (media / EVIDENCE).read_bytes() == b"%PDF-1.4 minutes"
    # The media folder is now the archive's: a file from after the backup is gone.
    assert sorted(p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file()) == [
        EVIDENCE
    ]


def test_check_verifies_an_archive_without_touching_anything(sqlite_backup, tmp_path):
    _, archive = sqlite_backup

    result = manage(
        "restore",
        str(archive),
        "--check",
        database_url=f"sqlite:///{tmp_path / 'never.sqlite3'}",
        media_root=tmp_path / "media",
    )

    assert result.returncode == 0, result.stderr
    assert "Every checksum matches" in result.stdout
    assert list(tmp_path.iterdir()) == []


def tampered(archive: Path, out: Path) -> Path:
    """The same archive with one byte of its media file changed: what a bad disk does."""
    with tarfile.open(archive) as source, tarfile.open(out, "w:gz") as copy:
        for member in source:
            data = source.extractfile(member).read()
            if member.name.startswith("media/"):
                data = bytes([data[0] ^ 0xFF]) + data[1:]
            copy.addfile(member, io.BytesIO(data))
    return out


def existing_site(tmp_path):
    """A SQLite database and a media folder that a refused restore must leave alone."""
    target = tmp_path / "live.sqlite3"
    target.write_bytes(b"the live database")
    media = tmp_path / "media"
    media.mkdir()
    (media / "kept.jpg").write_bytes(b"kept")
    return {"database_url": f"sqlite:///{target}", "media_root": media}, target


def assert_untouched(target, media):
    assert target.read_bytes() == b"the live database"
    assert [path.name for path in media.iterdir()] == ["kept.jpg"]


def test_an_archive_whose_checksum_fails_is_refused_before_anything_changes(
    sqlite_backup, tmp_path
):
    _, archive = sqlite_backup
    bad = tampered(archive, tmp_path / "bad.tar.gz")
    site, target = existing_site(tmp_path)

    result = manage("restore", str(bad), "--yes", **site)

    refused(result, f"media/{EVIDENCE} does not match its checksum")
    assert "nothing was restored" in result.stderr
    assert_untouched(target, site["media_root"])
    refused(manage("restore", str(bad), "--check", **site), "does not match its checksum")


def test_a_cut_short_archive_is_refused(sqlite_backup, tmp_path):
    _, archive = sqlite_backup
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    site, target = existing_site(tmp_path)

    result = manage("restore", str(cut), "--yes", **site)

    refused(result, "is not a readable portal backup")
    assert_untouched(target, site["media_root"])


def test_a_missing_archive_is_named(tmp_path):
    site, _ = existing_site(tmp_path)

    result = manage("restore", str(tmp_path / "nowhere.tar.gz"), "--yes", **site)

    refused(result, f"No such archive: {tmp_path / 'nowhere.tar.gz'}")


def test_restore_asks_before_replacing_and_refuses_without_an_answer(sqlite_backup, tmp_path):
    _, archive = sqlite_backup
    site, target = existing_site(tmp_path)

    result = manage("restore", str(archive), **site)

    refused(result, "Nothing was restored. Add --yes")
    assert_untouched(target, site["media_root"])


@pytest.mark.django_db
def test_an_archive_of_another_database_engine_is_refused(sqlite_backup, tmp_path):
    _, archive = sqlite_backup

    result = manage(
        "restore",
        str(archive),
        "--yes",
        database_url=postgres_url(connection.settings_dict["NAME"]),
        media_root=tmp_path / "media",
    )

    refused(
        result, "The archive holds a SQLite database but the portal is configured for PostgreSQL"
    )
    assert not (tmp_path / "media").exists()
