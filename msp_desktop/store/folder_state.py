"""The state of a workspace folder, apart from its contents: where to point the worker
when it is damaged, whether it is on read-only media, which files are the open ones,
and finishing a restore or re-key that a crash stopped half-way."""

from __future__ import annotations

import os
from pathlib import Path

from msp_desktop.errors import WorkspaceReadOnly
from msp_desktop.store import backup as backups
from msp_desktop.store import rekey
from msp_desktop.store.layout import DB_NAME, KEYS_NAME
from msp_desktop.store.restore import PLAN, STAGING, finish_interrupted_restore
from msp_desktop.volumes import on_read_only_volume

__all__ = [
    "damaged_message",
    "file_identity",
    "finish_interrupted",
    "has_plan",
    "on_read_only_media",
    "refuse_on_read_only_media",
]


def damaged_message(folder: Path, why: str) -> str:
    """The sentence for a damaged workspace: nothing changed, and the newest backup."""
    latest = backups.latest_backup(folder)
    old = (
        "; it opens only with the passphrase of that day, from before the passphrase or "
        "key was last changed"
        if latest and latest.opens_with_old_passphrase
        else ""
    )
    offer = (
        f" Your last verified backup is {latest.path} (made {latest.created_at[:16]} UTC{old});"
        f" to use it run: msp restore --from {latest.path}"
        if latest
        else " No verified backup is recorded for it; contact your office for recovery."
    )
    return (
        f"The workspace in {folder} is damaged ({why}). Nothing has been changed or deleted.{offer}"
    )


def on_read_only_media(folder: Path) -> bool:
    """True when the workspace's folder or database cannot be written (read-only media)."""
    db = folder / DB_NAME
    if on_read_only_volume(folder):  # Windows: os.access does not see a locked stick
        return True
    return not os.access(folder, os.W_OK) or (db.exists() and not os.access(db, os.W_OK))


def refuse_on_read_only_media(folder: Path, action: str) -> None:
    """Refuse ``action`` in one sentence when the folder is on read-only media."""
    if folder.is_dir() and on_read_only_media(folder):
        raise WorkspaceReadOnly(
            f"Cannot {action}: the workspace in {folder} is on read-only media. Nothing was "
            "changed; copy the folder to a writable disk, or make the disk writable."
        )


def finish_interrupted(folder: Path) -> None:
    """Complete (or clear) a restore or a re-key a crash stopped; the caller holds the
    exclusive owner lock."""
    finish_interrupted_restore(folder)
    rekey.finish_interrupted_rekey(folder)


def has_plan(folder: Path) -> bool:
    """True when a restore or re-key passed its point of no return and is unfinished."""
    return (folder / STAGING / PLAN).exists() or (folder / rekey.STAGING / rekey.PLAN).exists()


def file_identity(folder: Path) -> tuple[int, ...] | None:
    """Which files the database and key file are (device and inode), not their contents."""
    try:
        db, keys = os.stat(folder / DB_NAME), os.stat(folder / KEYS_NAME)
    except OSError:
        return None
    return (db.st_dev, db.st_ino, keys.st_dev, keys.st_ino)
