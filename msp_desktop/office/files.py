"""Files in the office folder: atomic owner-only writes (shared with the device, in
``msp_desktop.atomic``), private folders, and the append-only alerts log."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from msp_desktop.atomic import OWNER_ONLY, fsync_directory, write_atomic
from msp_desktop.errors import StorageFull

__all__ = ["OWNER_ONLY", "append_line", "fsync_directory", "make_private_folder", "write_atomic"]

PRIVATE_FOLDER = 0o700


def make_private_folder(folder: Path) -> None:
    """Create ``folder`` (and its parents) owner-only if missing; leave an existing one."""
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)


def append_line(path: Path, line: str) -> None:
    """Append one line to an owner-only log file and flush it to disk.

    ``O_APPEND`` writes of one short line land whole, so two processes appending at
    once interleave lines, never bytes within a line.
    """
    if "\n" in line:
        raise ValueError("one line at a time")
    created = not path.exists()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, OWNER_ONLY)
        try:
            os.write(fd, (line + "\n").encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        if created:
            fsync_directory(path.parent)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EIO):
            raise StorageFull(
                f"Could not add to {path.name}: the disk is full or failing. "
                "Free some space and try again."
            ) from exc
        raise
