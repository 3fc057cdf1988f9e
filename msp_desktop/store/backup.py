"""Verified backups (S12) and the record of them kept beside the workspace.

A backup is an encrypted copy of the database (same raw key) written next to its
destination, reopened with the key and checked (both integrity checks, equal row
counts in every table, equal ``user_version``) and only then renamed into place. A
copy of the key file goes beside it as ``<backup>.keys.json`` so the backup opens
with the passphrase of the day it was made even if the laptop's workspace is lost.
``backups.json`` in the workspace lists verified backups (paths and times, no
personal data), so a damaged workspace can point the worker at the newest one.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from msp_desktop import fault_points
from msp_desktop.atomic import fsync_directory, write_atomic
from msp_desktop.errors import InvalidInput, StorageFull, WorkspaceDamaged
from msp_desktop.owner_only import create_private_file
from msp_desktop.store.clock import utc_now
from msp_desktop.store.connection import (
    DatabaseErrors,
    OperationalErrors,
    cipher_integrity_problems,
    integrity_problems,
    open_encrypted,
)
from msp_desktop.store.database import Database
from msp_desktop.store.key_memory import key_connection
from msp_desktop.temp_files import remove_stale, temporary_name

BACKUPS_LIST = "backups.json"
KEYS_SUFFIX = ".keys.json"


@dataclass(frozen=True)
class BackupInfo:
    """A verified backup: where it is, when it was made, what it holds."""

    path: str
    created_at: str
    user_version: int
    row_counts: dict[str, int]
    # True once the workspace's passphrase was changed or its key replaced (msp passwd,
    # msp rekey) after this backup was made: its key file beside it still opens with
    # the passphrase (and, after a re-key, the database key) of the day it was made.
    opens_with_old_passphrase: bool = False


def row_counts(db: Database) -> dict[str, int]:
    """Rows in every ordinary table (FTS shadow tables included), by table name."""
    names = [
        str(r[0])
        for r in db.all(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY name"
        )
    ]
    # Names come from sqlite_master itself, quoted, never from outside input.
    return {name: int(db.scalar(f'SELECT count(*) FROM "{name}"')) for name in names}  # noqa: S608


def verify_copy(
    path: Path,
    raw_key: bytes | bytearray,
    counts: dict[str, int] | None,
    user_version: int | None,
    *,
    shown: str | None = None,
) -> tuple[dict[str, int], int]:
    """Open a copy with the key and prove it is whole; raise ``WorkspaceDamaged`` if not.

    With ``counts`` and ``user_version`` given, the copy must also match them (a new
    backup against its source). Returns the copy's row counts and schema version.
    ``shown`` is the name the sentences use (the backup's, not its temporary file's).
    """
    name = shown or path.name
    try:
        copy = Database(open_encrypted(path, raw_key))
    except WorkspaceDamaged as exc:
        raise WorkspaceDamaged(f"The backup {name} did not verify: {exc.message}") from exc
    try:
        if cipher_integrity_problems(copy.connection) or integrity_problems(copy.connection):
            raise WorkspaceDamaged(
                f"The backup {name} did not verify: its pages failed the checks."
            )
        found_counts = row_counts(copy)
        found_version = int(copy.scalar("PRAGMA user_version"))
    except DatabaseErrors:
        raise WorkspaceDamaged(f"The backup {name} did not verify: it cannot be read.") from None
    finally:
        copy.close()
    if user_version is not None and found_version != user_version:
        raise WorkspaceDamaged(f"The backup {name} did not verify: its schema differs.")
    if counts is not None and found_counts != counts:
        raise WorkspaceDamaged(f"The backup {name} did not verify: its record counts differ.")
    return found_counts, found_version


def _remove_quietly(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        # OSError: on a read-only disk nothing was made; the first error is the one to say.
        with contextlib.suppress(OSError):
            Path(f"{path}{suffix}").unlink()


def make_backup(
    db: Database, raw_key: bytes | bytearray, key_file_bytes: bytes, dest: Path
) -> BackupInfo:
    """Write a verified backup of ``db`` to ``dest``; nothing is kept unless it verifies."""
    dest = Path(dest).absolute()
    try:
        there, folder_there = dest.exists(), dest.parent.is_dir()
    except OSError as exc:  # a name too long for the file system, say
        raise InvalidInput(
            f"Cannot make a backup at {dest}: {(exc.strerror or 'refused').lower()}. "
            "No backup was made."
        ) from None
    if there:
        raise InvalidInput(f"{dest} already exists; choose a new name for the backup.")
    if not folder_there:
        raise InvalidInput(
            f"The folder {dest.parent} does not exist (is the USB stick plugged in?). "
            "No backup was made."
        )
    remove_stale(dest.parent)  # what a killed backup left here
    tmp = temporary_name(dest)
    try:
        # Create the file owner-only first: SQLite would otherwise use the umask.
        create_private_file(tmp)
        counts, user_version = copy_snapshot(db, tmp)
        fault_points.reached("backup:copied")
        verify_copy(tmp, raw_key, counts, user_version, shown=dest.name)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        write_atomic(Path(f"{dest}{KEYS_SUFFIX}"), key_file_bytes)
        os.replace(tmp, dest)
        fsync_directory(dest.parent)
    except BaseException as exc:
        _remove_quietly(tmp)
        if isinstance(exc, (OSError, *DatabaseErrors)) and _looks_full(exc):
            raise StorageFull(
                f"Could not write the backup to {dest.parent}: the disk is full or failing. "
                "No backup was kept; the workspace is unchanged."
            ) from exc
        if isinstance(exc, OSError) and exc.errno == errno.EROFS:
            raise StorageFull(
                f"Could not write the backup to {dest.parent}: the disk is read-only "
                "(a locked USB stick?). No backup was kept; the workspace is unchanged."
            ) from exc
        if isinstance(exc, OSError):  # no permission, and the like
            raise InvalidInput(
                f"Could not write the backup to {dest.parent} "
                f"({(exc.strerror or 'refused').lower()}). "
                "No backup was kept; the workspace is unchanged."
            ) from exc
        raise
    return BackupInfo(str(dest), utc_now(), user_version, counts)


# Another process (the app) may commit between two reads; a snapshot cannot start while
# SQLite is busy recovering or checkpointing, so a few tries a moment apart.
SNAPSHOT_TRIES = 5


def copy_snapshot(
    db: Database, tmp: Path, new_key: bytes | bytearray | None = None
) -> tuple[dict[str, int], int]:
    """Copy ``db`` into ``tmp`` as of one moment, under ``db``'s own key or ``new_key``:
    the counts and schema version the copy must match are read in the same read
    transaction as the copy itself, so writes by the app meanwhile are neither half in
    it nor mistaken for damage."""
    # Without KEY, SQLCipher gives the copy the main database's key itself, and a new
    # key goes in from a wiped buffer: no key text is made here (``key_memory``).
    db.execute("ATTACH DATABASE ? AS backup", (str(tmp),))
    try:
        if new_key is not None and not key_connection(db.connection, tmp, new_key, "backup"):
            # Windows: no sqlite3_key_v2 to call, so the key goes in as ATTACH's KEY text.
            db.execute("DETACH DATABASE backup")
            db.execute("ATTACH DATABASE ? AS backup KEY ?", (str(tmp), f"x'{new_key.hex()}'"))
        for attempt in range(SNAPSHOT_TRIES):
            try:
                with db.snapshot():
                    counts = row_counts(db)
                    user_version = int(db.scalar("PRAGMA main.user_version"))
                    db.scalar("SELECT sqlcipher_export('backup')")
                    db.execute(f"PRAGMA backup.user_version = {user_version}")
                return counts, user_version
            except OperationalErrors as exc:
                # The rollback also emptied the copy: the next try starts afresh.
                busy = "locked" in str(exc) or "busy" in str(exc)
                if not busy or attempt == SNAPSHOT_TRIES - 1:
                    raise
                time.sleep(0.2 * (attempt + 1))
        raise AssertionError("unreachable")  # the last try returned or raised
    finally:
        db.execute("DETACH DATABASE backup")


def _looks_full(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "full" in text or "i/o" in text or "no space" in text


def record_backup(workspace: Path, info: BackupInfo) -> None:
    """Add a verified backup to the workspace's ``backups.json`` (atomically)."""
    listed = list_backups(workspace)
    listed.append(info)
    doc = {"backups": [asdict(b) for b in listed[-50:]]}
    write_atomic(workspace / BACKUPS_LIST, (json.dumps(doc, indent=2) + "\n").encode())


def mark_old_passphrase(workspace: Path) -> int:
    """Mark every listed backup as opening with the old passphrase (atomically, and
    repeatable); returns how many are listed."""
    listed = list_backups(workspace)
    if listed and not all(b.opens_with_old_passphrase for b in listed):
        marked = [asdict(b) | {"opens_with_old_passphrase": True} for b in listed]
        write_atomic(
            workspace / BACKUPS_LIST,
            (json.dumps({"backups": marked}, indent=2) + "\n").encode(),
        )
    return len(listed)


def list_backups(workspace: Path) -> list[BackupInfo]:
    """The verified backups recorded for a workspace, oldest first; [] if none."""
    try:
        doc = json.loads((workspace / BACKUPS_LIST).read_text("utf-8"))
        return [BackupInfo(**entry) for entry in doc["backups"]]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def latest_backup(workspace: Path) -> BackupInfo | None:
    """The newest recorded backup that still exists on disk."""
    for info in reversed(list_backups(workspace)):
        if Path(info.path).exists():
            return info
    return None
