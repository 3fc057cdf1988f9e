"""Telling a full (or failing) disk from a damaged workspace, with the space it needs.

SQLite reports a disk that refuses a write as "database or disk is full" or, when the
write fails some other way (a file-size limit, the ``-shm`` file that cannot grow), as
"disk I/O error" -- even on a plain read, because opening a WAL database writes its
``-shm`` index. Neither says anything about the records, so neither may be called
damage, and the advice is to free space, never to restore (a restore needs room too).
"""

from __future__ import annotations

import contextlib
import errno
import shutil
from pathlib import Path

from msp_desktop.errors import StorageFull
from msp_desktop.store.layout import DB_COMPANIONS, DB_NAME

__all__ = ["disk_full_error", "is_disk_error", "is_os_disk_error", "space_needed"]

# Headroom on top of the files themselves: the -shm index (32 KiB per 4,000 pages),
# the key file's temporary copy and SQLite's own page of slack.
HEADROOM = 1024 * 1024
_DISK_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})


def is_disk_error(exc: BaseException) -> bool:
    """True for SQLite's words for a disk that would not read or write."""
    text = str(exc).lower()
    return "disk is full" in text or "disk i/o error" in text


def is_os_disk_error(exc: BaseException) -> bool:
    """True for an ``OSError`` that means no space (or no more file size) on the disk."""
    return isinstance(exc, OSError) and exc.errno in _DISK_ERRNOS


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def space_needed(folder: Path, extra: int = 0) -> int:
    """Bytes to free before the workspace in ``folder`` can be worked on: its database
    and WAL (a checkpoint or a copy may need as much again), ``extra`` (e.g. a backup
    being restored) and some headroom."""
    folder = Path(folder)
    files = (DB_NAME, *DB_COMPANIONS)
    return sum(_size(folder / name) for name in files) + extra + HEADROOM


def _mb(n: int) -> str:
    return f"{max(n, 0) / 1_000_000:.1f} MB"


def disk_full_error(folder: Path, what: str, extra: int = 0) -> StorageFull:
    """The one sentence for a disk that refused: how much is free, how much is needed."""
    folder = Path(folder)
    needed = space_needed(folder, extra)
    free: int | None = None
    with contextlib.suppress(OSError):
        free = shutil.disk_usage(folder if folder.exists() else folder.parent).free
    if free is not None and free >= needed:
        # Room enough, yet the disk refused: a failing disk or a size limit, not damage.
        return StorageFull(
            f"Could not {what}: the disk holding {folder} refused to read or write "
            f"({_mb(free)} free); it may be failing or limited. Nothing has been changed "
            "or deleted; try again, or move the workspace to another disk."
        )
    shown = f"{_mb(free)} free; " if free is not None else ""
    return StorageFull(
        f"Could not {what}: the disk holding {folder} is full ({shown}about {_mb(needed)} "
        "is needed). Nothing has been changed or deleted; free some space and try again."
    )
