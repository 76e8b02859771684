"""The backup archive's format: what it holds, how it is written and how it is read back safely.

An archive is a tar file (gzip-compressed unless its name ends in `.tar`) holding
`manifest.json`, the database file and every media file under `media/`. This module holds the
format's constants, `BackupError`, adding files to an archive while hashing them, walking
MEDIA_ROOT, and the reading side: safe member names, a single streaming pass that hashes (and
optionally writes) every member, manifest parsing and checking the files against the manifest.
The database engines and the backup and restore procedures live in parks.core.backup.
"""

import hashlib
import json
import os
import re
import tarfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path, PurePosixPath

FORMAT = "park-reform-portal-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DATABASE_FILES = {"postgresql": "database.dump", "sqlite3": "database.sqlite3"}
ENGINE_NAMES = {"postgresql": "PostgreSQL", "sqlite3": "SQLite"}
# A manifest lists files and tables; anything near this size is not one of ours.
MANIFEST_MAX_BYTES = 64 * 1024 * 1024
CHUNK = 1024 * 1024
# Left inside MEDIA_ROOT only while a restore runs; a backup never archives them.
STAGING_PREFIXES = (".restore-", ".pre-restore-")


class BackupError(Exception):
    """A backup or restore cannot go on; the message tells the operator why and what to do."""


def engine_of(database: dict) -> str:
    engine = database.get("ENGINE", "").rsplit(".", 1)[-1]
    if engine not in DATABASE_FILES:
        raise BackupError(
            f"Unsupported database engine {database.get('ENGINE')!r}: "
            "backups cover PostgreSQL and SQLite."
        )
    return engine


# --- Writing an archive -----------------------------------------------------------------------


class HashingReader:
    """Hands a file to tarfile and hashes exactly the bytes it archives."""

    def __init__(self, stream):
        self.stream, self.sha256 = stream, hashlib.sha256()

    def read(self, size=-1):
        data = self.stream.read(size)
        self.sha256.update(data)
        return data


def add_file(tar: tarfile.TarFile, name: str, path: Path) -> dict:
    with open(path, "rb") as stream:
        status = os.fstat(stream.fileno())
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = status.st_size, int(status.st_mtime), 0o600
        reader = HashingReader(stream)
        tar.addfile(info, reader)
    return {"name": name, "size": info.size, "sha256": reader.sha256.hexdigest()}


def media_files(media_root: Path) -> Iterator[tuple[str, Path]]:
    """Regular files under MEDIA_ROOT, by their name relative to it, in a stable order."""
    for folder, subfolders, files in os.walk(media_root):
        here = Path(folder)
        subfolders[:] = sorted(
            name
            for name in subfolders
            if not (here == media_root and name.startswith(STAGING_PREFIXES))
        )
        for name in sorted(files):
            path = here / name
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(media_root).as_posix(), path


# --- Reading an archive -----------------------------------------------------------------------


def safe_member_name(name: str) -> str:
    path = PurePosixPath(name)
    if path.is_absolute() or any(part in ("", ".", "..") for part in name.split("/")):
        raise BackupError(f"The archive holds a file with an unsafe name: {name!r}.")
    if (
        name != MANIFEST
        and name not in DATABASE_FILES.values()
        and not name.startswith(MEDIA_PREFIX)
    ):
        raise BackupError(f"The archive holds a file a portal backup never has: {name!r}.")
    return name


def scan(path: Path, destination: Callable[[str], Path | None] | None = None) -> tuple[dict, dict]:
    """Read every member of the archive once: the manifest, and each file's size and SHA-256.

    `destination(name)` says where to write a file as it is read (None: only hash it).
    """
    if not path.is_file():
        raise BackupError(f"No such archive: {path}")
    manifest = None
    found: dict[str, dict] = {}
    try:
        with open(path, "rb") as raw, tarfile.open(fileobj=raw, mode="r|*") as tar:
            for member in tar:
                name = safe_member_name(member.name)
                if not member.isreg():
                    raise BackupError(f"The archive holds {name!r}, which is not a plain file.")
                if name in found or (name == MANIFEST and manifest is not None):
                    raise BackupError(f"The archive holds {name!r} twice.")
                stream = tar.extractfile(member)
                if name == MANIFEST:
                    if member.size > MANIFEST_MAX_BYTES:
                        raise BackupError("The archive's manifest is implausibly large.")
                    manifest = parse_manifest(stream.read())
                    continue
                target = destination(name) if destination else None
                found[name] = copy_and_hash(stream, target)
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise BackupError(
            f"{path} is not a readable portal backup (corrupt or cut short: {error})."
        ) from error
    if manifest is None:
        raise BackupError(f"{path} is not a portal backup: it has no {MANIFEST}.")
    return manifest, found


def copy_and_hash(stream, target: Path | None) -> dict:
    """Hash a member as it is read, writing it to `target` on the way if one is given."""
    sha256, size = hashlib.sha256(), 0
    with writing(target):
        if target is not None:
            target.parent.mkdir(parents=True, exist_ok=True)
        sink = open(target, "xb") if target is not None else None
    with sink or nullcontext():
        while chunk := stream.read(CHUNK):
            sha256.update(chunk)
            size += len(chunk)
            if sink is not None:
                with writing(target):
                    sink.write(chunk)
        if sink is not None:
            with writing(target):
                sink.flush()
                os.fsync(sink.fileno())
    return {"size": size, "sha256": sha256.hexdigest()}


@contextmanager
def writing(target: Path | None) -> Iterator[None]:
    """A failed write (a full disk) is the operator's to fix, not a sign of a corrupt archive."""
    try:
        yield
    except OSError as error:
        raise BackupError(f"Cannot write {target}: {error}") from error


def parse_manifest(data: bytes) -> dict:
    try:
        manifest = json.loads(data)
        if manifest["format"] != FORMAT:
            raise BackupError("The archive is not a park reform portal backup.")
        if manifest["format_version"] > FORMAT_VERSION:
            raise BackupError(
                f"The archive has backup format {manifest['format_version']}; this portal reads "
                f"format {FORMAT_VERSION} and older. Restore it with a newer portal."
            )
        database = manifest["database"]
        if engine_of({"ENGINE": database["engine"]}) == "postgresql" and not all(
            isinstance(database.get(key), int) for key in ("server_major", "tool_major")
        ):
            raise ValueError("database versions")
        for entry in manifest["files"]:
            if not (isinstance(entry["name"], str) and isinstance(entry["size"], int)):
                raise ValueError("files")
            if not re.fullmatch(r"[0-9a-f]{64}", entry["sha256"]):
                raise ValueError("sha256")
        if not isinstance(manifest["row_counts"], dict) or not isinstance(
            manifest["migrations"], dict
        ):
            raise ValueError("row_counts, migrations")
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise BackupError(f"The archive's manifest is malformed ({error}).") from error
    return manifest


def check_files(manifest: dict, found: dict) -> None:
    listed = {entry["name"]: entry for entry in manifest["files"]}
    problems = [f"{name} is missing" for name in sorted(listed.keys() - found.keys())]
    problems += [f"{name} is not in the manifest" for name in sorted(found.keys() - listed.keys())]
    for name in sorted(listed.keys() & found.keys()):
        entry = listed[name]
        if (entry["size"], entry["sha256"]) != (found[name]["size"], found[name]["sha256"]):
            problems.append(f"{name} does not match its checksum")
    if manifest["database"]["file"] not in found:
        problems.append(f"the database file {manifest['database']['file']} is missing")
    if problems:
        shown = "; ".join(problems[:10]) + ("; …" if len(problems) > 10 else "")
        raise BackupError(f"The archive is damaged, nothing was restored: {shown}.")


def verify_archive(path: Path) -> dict:
    """Every file present, nothing extra, every checksum right. Returns the manifest."""
    manifest, found = scan(path)
    check_files(manifest, found)
    return manifest
