"""Backup and restore: the database and the media files in one archive that proves its contents.

An archive is a tar file (gzip-compressed unless its name ends in `.tar`) holding
`manifest.json`, the database (`database.dump`, pg_dump's custom format, or `database.sqlite3`,
a copy made with SQLite's online backup API) and every media file under `media/`. The manifest
names each file with its size and SHA-256, and records the engine, the applied migrations and the
row count of every table, so that a restore checks the whole archive before it changes anything
and checks the restored database against the counts afterwards.

The archive format itself (manifest, checksums, safe unpacking, verification) lives in
parks.core.backup_archive; this module holds the database engines and the backup and restore
procedures, and re-exports the names the backup and restore commands import.

PostgreSQL is reached through pg_dump and pg_restore; the connection goes to them in PG*
environment variables, never on their command line, where `ps` would show the password.
"""

import copy
import io
import json
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from importlib import metadata
from pathlib import Path

import django
from django.db import DatabaseError
from django.db.migrations.loader import MigrationLoader
from django.db.utils import ConnectionHandler
from django.utils import timezone

from parks.core.backup_archive import (
    DATABASE_FILES,
    ENGINE_NAMES,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    MEDIA_PREFIX,
    STAGING_PREFIXES,
    BackupError,
    add_file,
    check_files,
    engine_of,
    media_files,
    scan,
    verify_archive,
)

__all__ = [
    "ENGINE_NAMES",
    "MEDIA_PREFIX",
    "BackupError",
    "describe",
    "migration_check",
    "preflight",
    "restore_archive",
    "verify_archive",
    "write_backup",
]

# Connection settings that could send pg_dump or pg_restore to another server than the one
# configured; dropped from the inherited environment before ours are set.
PG_REDIRECTING_VARIABLES = ("PGHOST", "PGHOSTADDR", "PGPORT", "PGUSER", "PGPASSWORD")
PG_REDIRECTING_VARIABLES += ("PGDATABASE", "PGSERVICE", "PGSERVICEFILE")
PG_SSL_OPTIONS = ("sslmode", "sslrootcert", "sslcert", "sslkey", "sslpassword")


# --- Databases ------------------------------------------------------------------------------


def describe(database: dict) -> str:
    """Where a database lives, for messages and the confirmation prompt (never the password)."""
    if engine_of(database) == "sqlite3":
        return f"SQLite database {database['NAME']}"
    host = database.get("HOST") or "the local socket"
    port = f":{database['PORT']}" if database.get("PORT") else ""
    return f"PostgreSQL database {database['NAME']!r} on {host}{port}"


@contextmanager
def connected(database: dict) -> Iterator:
    """A Django connection of its own to `database`, closed afterwards.

    Its own, so that a backup's snapshot transaction never mixes with the caller's connection,
    and so that restore can reach a database other than the one Django already has open.
    """
    handler = ConnectionHandler({"default": copy.deepcopy(database)})
    connection = handler["default"]
    try:
        connection.ensure_connection()
    except DatabaseError as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise BackupError(f"Cannot connect to the {describe(database)}: {reason}") from error
    try:
        yield connection
    finally:
        connection.close()


def database_facts(connection) -> dict:
    """Row count of every table and the migrations applied, app by app."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for table in tables:
            # Names come from the database's own catalogue and are quoted.
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
        migrations: dict[str, list[str]] = {}
        if "django_migrations" in counts:
            cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
            for app, name in cursor.fetchall():
                migrations.setdefault(app, []).append(name)
    return {"row_counts": counts, "migrations": migrations}


def pg_environment(database: dict) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in PG_REDIRECTING_VARIABLES}
    for setting in ("HOST", "PORT", "USER", "PASSWORD"):
        if database.get(setting):
            env[f"PG{setting}"] = str(database[setting])
    env["PGDATABASE"] = str(database["NAME"])
    options = database.get("OPTIONS") or {}
    for option in PG_SSL_OPTIONS:
        if options.get(option):
            env[f"PG{option.upper()}"] = str(options[option])
    return env


def pg_tool(name: str) -> tuple[str, int, str]:
    """The path, major version and version line of pg_dump or pg_restore on the PATH."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} was not found on the PATH. Install the PostgreSQL client tools "
            "(Debian: apt-get install postgresql-client) in the server's major version or newer."
        )
    try:
        found = subprocess.run(  # noqa: S603  (a fixed tool with a fixed argument)
            [path, "--version"], capture_output=True, text=True, timeout=30, check=True
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise BackupError(f"Cannot run {path} --version: {error}") from error
    version = found.stdout.strip()
    match = re.search(r"\)\s+(\d+)", version)
    if match is None:
        raise BackupError(f"Cannot tell the version of {path} from {version!r}.")
    return path, int(match.group(1)), version


def run_pg_tool(args: list[str], database: dict) -> None:
    try:
        done = subprocess.run(  # noqa: S603  (our own arguments; no shell)
            args, env=pg_environment(database), capture_output=True, text=True
        )
    except OSError as error:
        raise BackupError(f"Cannot run {args[0]}: {error}") from error
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-10:]) or f"exit code {done.returncode}"
        raise BackupError(f"{Path(args[0]).name} failed on the {describe(database)}:\n{tail}")


def dump_postgresql(database: dict, out: Path) -> dict:
    """pg_dump into `out`, with the row counts taken in the very snapshot pg_dump reads."""
    with connected(database) as connection:
        server = connection.pg_version // 10000  # 150020 → 15
        tool, tool_major, tool_version = pg_tool("pg_dump")
        if tool_major < server:
            raise BackupError(
                f"{tool} is version {tool_major} but the server runs PostgreSQL {server}; "
                f"pg_dump must be as new as the server: install postgresql-client-{server}."
            )
        with connection.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
                facts = database_facts(connection)
                run_pg_tool(
                    [tool, "--format=custom", "--no-password", f"--snapshot={snapshot}"]
                    + [f"--file={out}"],
                    database,
                )
            finally:
                cursor.execute("ROLLBACK")
    facts["server"] = {"server_major": server, "tool_major": tool_major, "tool": tool_version}
    return facts


def sqlite_path(database: dict) -> Path:
    name = str(database.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        raise BackupError(f"The SQLite database {name!r} is not a file that can be backed up.")
    return Path(name)


def copy_sqlite(database: dict, out: Path) -> dict:
    """A consistent copy made while the portal keeps running: SQLite's online backup API."""
    source = sqlite_path(database)
    if not source.is_file():
        raise BackupError(f"The SQLite database {source} does not exist.")
    try:
        # Read-only, so that a wrong path never leaves an empty database behind.
        reader = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, timeout=20)
        with closing(reader), closing(sqlite3.connect(out)) as writer:
            reader.backup(writer)
    except sqlite3.Error as error:
        raise BackupError(f"Cannot read the SQLite database {source}: {error}") from error
    with connected({**database, "NAME": str(out)}) as connection:
        facts = database_facts(connection)
    facts["server"] = {"sqlite_version": sqlite3.sqlite_version}
    return facts


# --- Writing an archive -----------------------------------------------------------------------


def portal_version() -> str:
    try:
        return metadata.version("park-reform-portal")
    except metadata.PackageNotFoundError:
        return "unknown"


def write_backup(
    *, output: Path, database: dict, media_root: Path | None
) -> tuple[dict, list[str]]:
    """Write the archive to a temporary name beside `output`, read it back, then rename it.

    The database is copied first and the media files after it, so every file a row names is
    there (a photo uploaded meanwhile is merely extra). Returns the manifest and the media files
    that vanished while they were being archived.
    """
    engine = engine_of(database)
    output.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    mode = "w" if output.name.endswith(".tar") else "w:gz"
    with tempfile.TemporaryDirectory(prefix="portal-backup-") as work:
        dump = Path(work) / DATABASE_FILES[engine]
        if engine == "postgresql":
            facts = dump_postgresql(database, dump)
        else:
            facts = copy_sqlite(database, dump)
        skipped: list[str] = []
        # mkstemp makes the file 0600: the archive holds every password hash and personal datum.
        handle, partial = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.")
        try:
            with os.fdopen(handle, "wb") as raw:
                with tarfile.open(fileobj=raw, mode=mode, format=tarfile.PAX_FORMAT) as tar:
                    files = [add_file(tar, DATABASE_FILES[engine], dump)]
                    if media_root is not None and media_root.is_dir():
                        for name, path in media_files(media_root):
                            try:
                                files.append(add_file(tar, MEDIA_PREFIX + name, path))
                            except FileNotFoundError:
                                skipped.append(name)  # deleted by the portal while we ran
                    manifest = {
                        "format": FORMAT,
                        "format_version": FORMAT_VERSION,
                        "created_at": timezone.now().isoformat(),
                        "portal_version": portal_version(),
                        "django_version": django.get_version(),
                        "database": {
                            "engine": engine,
                            "file": DATABASE_FILES[engine],
                            **facts["server"],
                        },
                        "migrations": facts["migrations"],
                        "row_counts": facts["row_counts"],
                        "media": media_root is not None,
                        "files": files,
                    }
                    data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                    info = tarfile.TarInfo(MANIFEST)
                    info.size, info.mtime, info.mode = len(data), int(time.time()), 0o600
                    tar.addfile(info, io.BytesIO(data))
                raw.flush()
                os.fsync(raw.fileno())
            # An archive that cannot be read back is worse than none: check it before it counts.
            verify_archive(Path(partial))
            os.replace(partial, output)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
    fsync_folder(output.parent)
    return manifest, skipped


def fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


# --- Restoring --------------------------------------------------------------------------------


def migration_check(manifest: dict) -> list[str]:
    """Refuse an archive from a newer portal; name the migrations an older archive lacks."""
    archived = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = sorted(archived - known)
    if unknown:
        shown = ", ".join(f"{app}.{name}" for app, name in unknown[:5])
        raise BackupError(
            f"The archive's database has migrations this portal does not know ({shown}): it was "
            f"made by portal {manifest.get('portal_version', 'unknown')}. Restore it with that "
            "version of the portal."
        )
    archived_apps = {app for app, _ in archived}
    return sorted(f"{app}.{name}" for app, name in known - archived if app in archived_apps)


def preflight(manifest: dict, database: dict) -> None:
    """What can be checked before anything changes: the engine, the server, the tools."""
    engine = engine_of(database)
    archived = manifest["database"]["engine"]
    if engine != archived:
        raise BackupError(
            f"The archive holds a {ENGINE_NAMES[archived]} database but the portal is configured "
            f"for {ENGINE_NAMES[engine]}; nothing was restored. Set DATABASE_URL to a "
            f"{ENGINE_NAMES[archived]} database to restore it."
        )
    if engine == "sqlite3":
        sqlite_path(database)
        return
    with connected(database) as connection:
        server = connection.pg_version // 10000  # 150020 → 15
    _, tool_major, _ = pg_tool("pg_restore")
    if tool_major < manifest["database"]["tool_major"]:
        raise BackupError(
            f"pg_restore is version {tool_major} but the archive was written by pg_dump "
            f"{manifest['database']['tool_major']}; install postgresql-client-"
            f"{manifest['database']['tool_major']} or newer."
        )
    if server < manifest["database"]["server_major"]:
        raise BackupError(
            f"The archive comes from PostgreSQL {manifest['database']['server_major']} and the "
            f"target runs PostgreSQL {server}: restore it into PostgreSQL "
            f"{manifest['database']['server_major']} or newer."
        )


def restore_archive(path: Path, *, manifest: dict, database: dict, media_root: Path | None) -> dict:
    """Restore a verified archive: the database first, then (if asked) the media files.

    Files are written under temporary names and hashed again as they are written; the database
    and the media change only once every file has arrived intact. Returns the restored row counts.
    """
    engine = engine_of(database)
    database_file = manifest["database"]["file"]
    token = secrets.token_hex(4)
    with tempfile.TemporaryDirectory(prefix="portal-restore-") as work:
        if engine == "sqlite3":
            target = sqlite_path(database).resolve()
            target.parent.mkdir(parents=True, exist_ok=True)
            staged_database = target.parent / f".{target.name}.restore-{token}"
        else:
            staged_database = Path(work) / database_file
        stage = None
        if media_root is not None:
            media_root.mkdir(parents=True, exist_ok=True)
            # Inside MEDIA_ROOT, so the final moves are renames on one file system even when
            # MEDIA_ROOT is itself a mount point.
            stage = Path(tempfile.mkdtemp(dir=media_root, prefix=STAGING_PREFIXES[0]))

        def destination(name: str) -> Path | None:
            if name == database_file:
                return staged_database
            if stage is not None and name.startswith(MEDIA_PREFIX):
                return stage / name.removeprefix(MEDIA_PREFIX)
            return None

        try:
            _, found = scan(path, destination)
            check_files(manifest, found)
            if engine == "sqlite3":
                replace_sqlite(staged_database, target, database)
            else:
                try:
                    run_pg_tool(
                        [pg_tool("pg_restore")[0], "--clean", "--if-exists", "--no-owner"]
                        + ["--single-transaction", "--exit-on-error", "--no-password"]
                        # An empty --dbname makes pg_restore connect (rather than print SQL)
                        # to the database libpq takes from PGDATABASE.
                        + ["--dbname=", str(staged_database)],
                        database,
                    )
                except BackupError as error:
                    raise BackupError(
                        f"{error}\nIt ran in one transaction: the database and the media files "
                        "are as they were."
                    ) from error
            if stage is not None:
                swap_media(stage, media_root, token)
        finally:
            staged_database.unlink(missing_ok=True)
            if stage is not None and stage.exists():
                shutil.rmtree(stage, ignore_errors=True)
    with connected(database) as connection:
        return database_facts(connection)["row_counts"]


def replace_sqlite(staged: Path, target: Path, database: dict) -> None:
    # Through Django's backend: the portal's CHECK constraints call the REGEXP it registers.
    with connected({**database, "NAME": str(staged)}) as connection:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA quick_check")
            result = cursor.fetchone()[0]
    if result != "ok":
        raise BackupError(f"The archived SQLite database fails its integrity check: {result}")
    # A journal left beside the old file would be replayed into the new one and corrupt it.
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(staged, target)
    fsync_folder(target.parent)


def swap_media(stage: Path, media_root: Path, token: str) -> None:
    """Replace MEDIA_ROOT's contents by the staged files: renames only, then drop the old ones."""
    old = media_root / f"{STAGING_PREFIXES[1]}{token}"
    try:
        old.mkdir()
        for entry in media_root.iterdir():
            if entry not in (stage, old):
                entry.rename(old / entry.name)
        for entry in stage.iterdir():
            entry.rename(media_root / entry.name)
    except OSError as error:
        raise BackupError(
            f"The database was restored but the media files could not be put in place "
            f"({error}); the files that were there are in {old}."
        ) from error
    stage.rmdir()
    shutil.rmtree(old)
