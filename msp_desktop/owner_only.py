"""Owner-only files and folders, and binary file descriptors, on every platform.

On POSIX a file is private through its mode bits (0o600, a folder 0o700). Windows
ignores mode bits, so there the path gets a protected DACL for the current user
alone (``msp_desktop.windows_acl``). Every file the app makes private, and every check
that a secret file is private (passphrase files, office keys, TLS keys), goes through
here, so the checks run on Windows too.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

OWNER_ONLY = 0o600
PRIVATE_FOLDER = 0o700

# Without O_BINARY, Windows opens a descriptor in text mode and os.write turns every
# "\n" into "\r\n": a bundle, key file or PDF would be corrupted. Zero (and not
# needed) elsewhere.
BINARY = getattr(os, "O_BINARY", 0)

if sys.platform == "win32":
    from msp_desktop import windows_acl


def make_private(path: Path) -> None:
    """Make an existing file or folder readable and writable by its owner only."""
    if sys.platform == "win32":
        windows_acl.protect(path)
    else:
        os.chmod(path, PRIVATE_FOLDER if Path(path).is_dir() else OWNER_ONLY)


def open_new(path: Path, flags: int = os.O_WRONLY, *, mode: int = OWNER_ONLY) -> int:
    """Create ``path`` (``FileExistsError`` if it is there) and open it in binary mode.

    With an owner-only ``mode`` the file is private before a byte is written: through
    the mode on POSIX, through its DACL on Windows (where the mode would be ignored).
    """
    fd = os.open(path, flags | os.O_CREAT | os.O_EXCL | BINARY, mode)
    if sys.platform == "win32" and not mode & 0o077:
        try:
            windows_acl.protect(path)
        except OSError:
            os.close(fd)
            os.unlink(path)
            raise
    return fd


def create_private_file(path: Path) -> None:
    """Create ``path`` empty and owner-only (``FileExistsError`` if it is there).

    For files another writer fills (SQLite, Qt's printer): the file they truncate and
    write keeps the protection it was created with.
    """
    os.close(open_new(path))


def make_private_folder(folder: Path) -> None:
    """Create ``folder`` (and its parents) owner-only if missing; leave an existing one.

    On Windows the new folder's DACL is passed down to what is later made inside it.
    """
    folder = Path(folder)
    if folder.is_dir():
        return
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)
    if sys.platform == "win32":
        windows_acl.protect(folder)


def readable_by_others(path: Path) -> bool:
    """True when someone other than the owner may read or change ``path``.

    On Windows: when its DACL allows anyone but the current user, SYSTEM and the
    Administrators group (see ``msp_desktop.windows_acl``), or it has no DACL at all.
    """
    mode = os.stat(path).st_mode  # FileNotFoundError for a missing file, everywhere
    if sys.platform == "win32":
        return not windows_acl.is_private(path)
    return bool(mode & (stat.S_IRWXG | stat.S_IRWXO))


def how_to_make_private(path: Path) -> str:
    """How a worker or administrator makes ``path`` owner-only, as a phrase."""
    if sys.platform == "win32":
        return (
            f"in the Properties of {path}, Security tab, leave only your own account "
            "(and SYSTEM, Administrators) with access"
        )
    return f"chmod 600 {path}"
