"""Files in the office folder: atomic owner-only writes (shared with the device, in
``msp_desktop.atomic``), private folders, and the append-only alerts log, each handed to
the office folder's owner when a command runs as root (``admin``)."""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

from msp_desktop import atomic, owner_only
from msp_desktop.atomic import OWNER_ONLY, fsync_directory
from msp_desktop.errors import StorageFull
from msp_desktop.owner_only import BINARY, open_new

__all__ = [
    "OWNER_ONLY",
    "append_line",
    "fsync_directory",
    "give_files_to",
    "hand_over",
    "make_private_folder",
    "write_atomic",
]

_owner: tuple[int, int] | None = None
"""Who gets what the office makes (uid, gid), when root runs a command; else None."""


def give_files_to(uid: int, gid: int) -> None:
    """From now on, hand every file and folder the office makes to ``uid``:``gid``
    (``admin.refuse_root`` calls this when root is allowed to run a command)."""
    global _owner  # one setting for the whole command
    _owner = (uid, gid)


def hand_over(path: Path) -> None:
    """Give ``path`` to the office folder's owner, if a command runs as root."""
    if _owner is not None and sys.platform != "win32":
        os.chown(path, *_owner, follow_symlinks=False)


def write_atomic(path: Path, data: bytes, *, mode: int = OWNER_ONLY) -> None:
    """``msp_desktop.atomic.write_atomic``, then ``hand_over``."""
    atomic.write_atomic(path, data, mode=mode)
    hand_over(Path(path))


def make_private_folder(folder: Path) -> None:
    """``msp_desktop.owner_only.make_private_folder``, handing over what it made."""
    folder = Path(folder)
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    owner_only.make_private_folder(folder)
    for made in missing:
        hand_over(made)


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
            hand_over(path)
            fsync_directory(path.parent)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EIO):
            raise StorageFull(
                f"Could not add to {path.name}: the disk is full or failing. "
                "Free some space and try again."
            ) from exc
        raise
