"""Putting a verified backup in place: staged, then swapped so no crash loses a workspace.

```
<folder>/.restoring/workspace.db          the backup, copied here and verified here
<folder>/.restoring/workspace.keys.json   its key file
<folder>/.restoring/plan.json             written last: "swap now, old files go to ..."
<folder>/replaced-<time>/                 the files it replaced, all in this one folder
```

The backup itself is only ever read, byte by byte: SQLite opens the private copy
beside the workspace, never the backup, so a backup on a read-only USB stick verifies
and nothing is written next to it. The copy is verified where it will be used, so what
goes into place is exactly what was checked.

Crash safety: until ``plan.json`` is durable, the workspace is untouched (a crash
leaves a ``.restoring`` folder that the next restore clears). From then on the swap
only moves files by renames, each of which is atomic, and every step can be repeated;
``finish_interrupted_restore`` (run before any open) repeats the remaining steps, so a
crash at any point leaves the old workspace (before the plan) or the new one (after),
never a mixture, and the replaced files always end in the one folder the plan names.
The old database leaves with its ``-wal`` first: a WAL left beside the new database
would be replayed into it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from pathlib import Path

from msp_desktop import fault_points
from msp_desktop.atomic import fsync_directory, write_atomic
from msp_desktop.errors import RecordNotFound, StorageFull, WorkspaceDamaged
from msp_desktop.owner_only import make_private_folder, open_new
from msp_desktop.store import backup as backups
from msp_desktop.store.clock import utc_now
from msp_desktop.store.connection import DatabaseErrors, open_encrypted
from msp_desktop.store.database import Database
from msp_desktop.store.key_memory import wipe
from msp_desktop.store.keyslots import load_key_file
from msp_desktop.store.layout import DB_COMPANIONS, DB_NAME, KEYS_NAME
from msp_desktop.store.space import disk_full_error, is_os_disk_error

__all__ = ["PLAN", "STAGING", "finish_interrupted_restore", "restore_backup", "swap_in"]

STAGING = ".restoring"
PLAN = "plan.json"
CHUNK = 1024 * 1024


def _copy_private(source: Path, dest: Path, step: str) -> None:
    """Copy ``source`` to a new owner-only ``dest`` and fsync it (read-only on the source)."""
    fd = open_new(dest)
    try:
        with source.open("rb") as reading:
            first = True
            while chunk := reading.read(CHUNK):
                view = memoryview(chunk)
                while view:
                    view = view[os.write(fd, view) :]
                if first:
                    fault_points.reached(f"{step}-part")  # a copy cut off half-way
                    first = False
        fault_points.reached(f"fsync-{step}")
        os.fsync(fd)
    finally:
        os.close(fd)


def _check_staged(
    staged_db: Path, raw_key: bytes | bytearray, workspace_id: str, source: Path
) -> None:
    """Both integrity checks on the staged copy, and that its key file belongs to it."""
    try:
        backups.verify_copy(staged_db, raw_key, None, None)
    except WorkspaceDamaged as exc:
        raise WorkspaceDamaged(
            exc.message.replace(staged_db.name, source.name, 1)
            + " Nothing was changed; the workspace is as it was."
        ) from None
    try:
        copy = Database(open_encrypted(staged_db, raw_key))
    except WorkspaceDamaged:
        raise WorkspaceDamaged(f"The backup {source.name} did not verify.") from None
    try:
        stored_id = copy.scalar("SELECT value FROM meta WHERE key = 'workspace_id'")
    except DatabaseErrors:
        stored_id = None
    finally:
        copy.close()
    if stored_id != workspace_id:
        raise WorkspaceDamaged(
            f"The backup {source.name} and its key file belong to different workspaces. "
            "Nothing was changed; the workspace is as it was."
        )


def _replaced_name(folder: Path) -> str:
    stamp = utc_now()[:19].replace(":", "")
    name, n = f"replaced-{stamp}", 1
    while (folder / name).exists():
        n += 1
        name = f"replaced-{stamp}-{n}"
    return name


def _move(source: Path, dest: Path, step: str) -> None:
    fault_points.reached(step)
    os.replace(source, dest)


def swap_in(folder: Path, staging: Path, aside: Path) -> None:
    """Move the staged database and key file into ``folder``, the old ones into ``aside``.

    Only renames, each safe to repeat after a crash at any point among them; the
    staging folder (and its plan) goes last. Used by restore and by re-key.
    """
    fault_points.reached("mkdir-replaced")
    make_private_folder(aside)
    if (staging / KEYS_NAME).exists():  # else the new key file is already in place
        if (folder / KEYS_NAME).exists():
            _move(folder / KEYS_NAME, aside / KEYS_NAME, "move-old-keys")
        _move(staging / KEYS_NAME, folder / KEYS_NAME, "place-new-keys")
        fault_points.reached("fsync-keys")
        fsync_directory(folder)
    if (staging / DB_NAME).exists():  # else the new database is already in place
        for name in (*DB_COMPANIONS, DB_NAME):  # the WAL before its database
            if (folder / name).exists():
                _move(folder / name, aside / name, f"move-old-{name}")
        fault_points.reached("fsync-moved")
        fsync_directory(folder)
        _move(staging / DB_NAME, folder / DB_NAME, "place-new-db")
        fault_points.reached("fsync-placed")
        fsync_directory(folder)
        fsync_directory(aside)
    fault_points.reached("remove-plan")
    (staging / PLAN).unlink(missing_ok=True)
    shutil.rmtree(staging, ignore_errors=True)
    fsync_directory(folder)
    with contextlib.suppress(OSError):  # nothing was there to replace
        aside.rmdir()


def finish_interrupted_restore(folder: Path) -> Path | None:
    """Complete a restore that was stopped after its point of no return, or clear
    what one stopped before it left (a copy of the backup, still encrypted).

    Returns the folder holding the files it replaced, or None when no restore was
    waiting. The caller holds the workspace alone (the exclusive owner lock).
    """
    plan_path = Path(folder) / STAGING / PLAN
    try:
        plan = json.loads(plan_path.read_bytes())
        aside = Path(folder) / str(plan["replaced"])
    except FileNotFoundError:
        shutil.rmtree(plan_path.parent, ignore_errors=True)
        return None
    except (OSError, ValueError, KeyError, TypeError):
        # The plan is written atomically, so this is not a crash: leave it for a person.
        raise WorkspaceDamaged(
            f"An interrupted restore in {folder} left a plan that cannot be read "
            f"({plan_path}). Nothing has been changed; contact support."
        ) from None
    try:
        swap_in(Path(folder), plan_path.parent, aside)
    except OSError as exc:
        if is_os_disk_error(exc):  # e.g. no room for the replaced-... folder itself
            raise disk_full_error(Path(folder), "finish restoring the backup") from exc
        raise
    return aside if aside.exists() else None


def restore_backup(folder: Path, backup_file: Path, passphrase: str) -> Path | None:
    """Stage, verify and swap in ``backup_file``; returns where the old files went
    (None when the folder had no workspace). The caller holds the exclusive lock."""
    folder, backup_file = Path(folder).absolute(), Path(backup_file).absolute()
    backup_keys = Path(f"{backup_file}{backups.KEYS_SUFFIX}")
    if not backup_file.is_file() or not backup_keys.is_file():
        raise RecordNotFound(
            f"The backup {backup_file} or its key file {backup_keys.name} is missing."
        )
    key_file = load_key_file(backup_keys)
    raw_key = key_file.unwrap(passphrase)  # a wrong passphrase stops here, unchanged
    finish_interrupted_restore(folder)
    staging = folder / STAGING
    shutil.rmtree(staging, ignore_errors=True)  # a restore stopped before its plan
    size = backup_file.stat().st_size
    try:
        make_private_folder(staging)
        _copy_private(backup_file, staging / DB_NAME, "copy-db")
        fault_points.reached("copy-keys")
        write_atomic(staging / KEYS_NAME, backup_keys.read_bytes())
        try:
            _check_staged(staging / DB_NAME, raw_key, key_file.workspace_id, backup_file)
        finally:
            wipe(raw_key)  # the check was its only use
        for leftover in DB_COMPANIONS:  # the check's own, already checkpointed
            (staging / leftover).unlink(missing_ok=True)
        with open(staging / DB_NAME, "rb+") as handle:  # the check set WAL mode in it
            os.fsync(handle.fileno())
        fault_points.reached("fsync-staging")
        fsync_directory(staging)
        plan = {"replaced": _replaced_name(folder), "backup": str(backup_file)}
        fault_points.reached("write-plan")
        write_atomic(staging / PLAN, json.dumps(plan).encode())
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if is_os_disk_error(exc) or isinstance(exc, StorageFull):
            raise disk_full_error(folder, "restore the backup", extra=size) from exc
        raise
    # The point of no return: from here a crash is finished by the next open.
    return finish_interrupted_restore(folder)
