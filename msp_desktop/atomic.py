"""Atomic, owner-only file writes (S11).

Files outside SQLite (keyslots, backups list, bundles, receipts, office keys and PDFs) are
written to a temporary file in the same folder, made owner-only before any byte is
written (``msp_desktop.owner_only``: mode bits, or a DACL on Windows), written in binary
mode, flushed to disk, then renamed over the target. A crash or a full disk leaves
either the old file or the new one, never a mixture and never a partial file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

from msp_desktop import fault_points
from msp_desktop.errors import InvalidInput, StorageFull
from msp_desktop.owner_only import OWNER_ONLY, open_new
from msp_desktop.temp_files import remove_stale, temporary_name

__all__ = ["OWNER_ONLY", "fsync_directory", "write_atomic"]


def fsync_directory(folder: Path) -> None:
    """Make a rename inside ``folder`` durable (a no-op where the OS cannot).

    Windows cannot open a folder with ``os.open`` (and NTFS journals the rename
    itself), so there this deliberately does nothing.
    """
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _refuse_special(path: Path) -> None:
    """Refuse to rename over anything but an ordinary file: ``--out /dev/null`` run as
    root would otherwise replace the device itself with a file."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return  # not there (or not reachable): the write itself says what is wrong
    if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
        kind = "a folder" if stat.S_ISDIR(mode) else "a device or a pipe"
        raise InvalidInput(f"{path} is {kind}, not a file that can be written; choose a file name.")


def write_atomic(path: Path, data: bytes, *, mode: int = OWNER_ONLY) -> None:
    """Replace ``path`` with ``data`` atomically; the file is created owner-only
    (unless ``mode`` says otherwise) and written byte for byte, in binary mode.

    Raises ``StorageFull`` when the disk is full or failing; the old file, if any,
    is then untouched and no temporary file is left behind.
    """
    path = Path(path)
    _refuse_special(path)
    remove_stale(path.parent)  # what a run killed before its rename left here
    tmp = temporary_name(path)
    try:
        fd = open_new(tmp, mode=mode)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        fault_points.reached("write:before-rename")
        os.replace(tmp, path)
        fsync_directory(path.parent)
    except OSError as exc:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        if exc.errno == errno.EFBIG:  # e.g. a FAT32 USB stick's 4 GiB file limit
            raise StorageFull(
                f"Could not save {path.name}: it is too large for that disk. "
                "Nothing was changed; choose another disk."
            ) from exc
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EIO):
            raise StorageFull(
                f"Could not save {path.name}: the disk is full or failing. "
                "Nothing was changed; free some space and try again."
            ) from exc
        raise
