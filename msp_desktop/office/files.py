"""Files in the office folder: atomic owner-only writes (shared with the device, in
``msp_desktop.atomic``), private folders, and the append-only alerts log."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from msp_desktop.atomic import OWNER_ONLY, fsync_directory, write_atomic
from msp_desktop.errors import StorageFull
from msp_desktop.owner_only import BINARY, make_private_folder, open_new

__all__ = ["OWNER_ONLY", "append_line", "fsync_directory", "make_private_folder", "write_atomic"]


def append_line(path: Path, line: str) -> None:
    """Append one line to an owner-only log file and flush it to disk.

    ``O_APPEND`` writes of one short line land whole, so two processes appending at
    once interleave lines, never bytes within a line. The line ends in ``\n`` on
    every platform (binary mode).
    """
    if "\n" in line:
        raise ValueError("one line at a time")
    try:
        try:
            fd = open_new(path, os.O_WRONLY | os.O_APPEND)
            created = True
        except FileExistsError:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | BINARY)
            created = False
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
