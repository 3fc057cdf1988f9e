"""One owner of a workspace at a time: advisory locks on two small files in its folder.

```
<folder>/workspace.app.lock      held (shared) while the desktop app has the workspace open
<folder>/workspace.command.lock  held (shared) while an ``msp`` command has it open
```

Ordinary users (the app, every command that opens the workspace) take a *shared* lock
on their own file, so the app and a command can still work side by side (SQLite keeps
their writes apart). Whatever replaces files under the others (``restore``,
``recover``, ``passwd``) takes an *exclusive* lock on both files and refuses when
either is held; which one failed names the holder, so the refusal can say "the
desktop app" or "an msp command" without trusting a note that may be stale.

The locks are the operating system's: ``flock`` on POSIX (per open file, so two opens
in one process also exclude each other) and ``LockFileEx`` on Windows (per handle).
The OS drops them when the process ends, however it ends, so a kill -9 never leaves a
workspace locked. The files hold no data; they are never deleted (deleting a lock
file while another process waits on it would let two owners in).
"""

from __future__ import annotations

import contextlib
import enum
import errno
import os
import sys
from pathlib import Path

from msp_desktop.errors import WorkspaceBusy
from msp_desktop.owner_only import OWNER_ONLY

__all__ = ["Holder", "OwnerLock", "lock_path"]


class Holder(enum.Enum):
    """Who has a workspace open: the words name it in a refusal."""

    APP = "the desktop app"
    COMMAND = "an msp command"


_FILE_NAMES = {Holder.APP: "workspace.app.lock", Holder.COMMAND: "workspace.command.lock"}
_ADVICE = {
    Holder.APP: "close MSP Desktop (or lock it) and try again",
    Holder.COMMAND: "wait for that command to finish and try again",
}


def lock_path(folder: Path, holder: Holder) -> Path:
    """The lock file a holder of this kind takes in ``folder``."""
    return Path(folder) / _FILE_NAMES[holder]


if sys.platform == "win32":
    import ctypes
    import msvcrt
    from ctypes import wintypes

    _LOCKFILE_FAIL_IMMEDIATELY = 0x1
    _LOCKFILE_EXCLUSIVE_LOCK = 0x2

    class _Overlapped(ctypes.Structure):
        _fields_ = [
            ("Internal", ctypes.c_void_p),
            ("InternalHigh", ctypes.c_void_p),
            ("Offset", wintypes.DWORD),
            ("OffsetHigh", wintypes.DWORD),
            ("hEvent", wintypes.HANDLE),
        ]

    def _try_lock(fd: int, exclusive: bool) -> bool:
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        handle = wintypes.HANDLE(msvcrt.get_osfhandle(fd))
        flags = _LOCKFILE_FAIL_IMMEDIATELY | (_LOCKFILE_EXCLUSIVE_LOCK if exclusive else 0)
        overlapped = _Overlapped()
        ok = kernel32.LockFileEx(handle, flags, 0, 1, 0, ctypes.byref(overlapped))
        return bool(ok)

else:
    import fcntl

    def _try_lock(fd: int, exclusive: bool) -> bool:
        try:
            fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


def _open_lock_file(path: Path) -> int | None:
    """A descriptor on the lock file (created owner-only), or None on read-only media."""
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), OWNER_ONLY)
    except PermissionError:
        pass
    except OSError as exc:
        if exc.errno != errno.EROFS:  # a read-only filesystem
            raise
    try:  # read-only media: an existing lock file still locks when opened to read
        return os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    except OSError:
        return None


class OwnerLock:
    """Locks held on a workspace folder until ``release`` (or the process ends)."""

    def __init__(self, descriptors: list[int]) -> None:
        self._descriptors = descriptors

    @classmethod
    def shared(cls, folder: Path, holder: Holder) -> OwnerLock:
        """Take the shared lock of ``holder``; ``WorkspaceBusy`` while a restore, recovery
        or passphrase change holds the workspace. A folder on read-only media, where
        no lock file can be made, gets no lock: nothing there can change anyway."""
        for other in Holder:  # both files made at once, so later opens add no file
            if other is not holder and (fd := _open_lock_file(lock_path(folder, other))):
                os.close(fd)
        fd = _open_lock_file(lock_path(folder, holder))
        if fd is None:
            return cls([])
        if not _try_lock(fd, exclusive=False):
            os.close(fd)
            raise WorkspaceBusy(
                f"The workspace in {folder} is being restored or rekeyed by another "
                "msp command; wait for it to finish and try again."
            )
        return cls([fd])

    @classmethod
    def exclusive(cls, folder: Path, action: str) -> OwnerLock:
        """Take both locks for ``action`` (e.g. "restore a backup"); ``WorkspaceBusy``
        naming the holder while the app or a command has the workspace open."""
        taken: list[int] = []
        try:
            for holder in (Holder.APP, Holder.COMMAND):
                fd = _open_lock_file(lock_path(folder, holder))
                if fd is None:
                    continue
                if not _try_lock(fd, exclusive=True):
                    # Not even a shared lock to be had: another restore (or passphrase
                    # change) holds it alone, not an ordinary holder of this kind.
                    another_restore = not _try_lock(fd, exclusive=False)
                    os.close(fd)
                    if another_restore:
                        raise WorkspaceBusy(
                            f"Cannot {action}: another msp command is restoring or rekeying "
                            f"the workspace in {folder}; wait for it to finish and try again. "
                            "Nothing was changed."
                        )
                    raise WorkspaceBusy(
                        f"Cannot {action}: {holder.value} has the workspace in {folder} open; "
                        f"{_ADVICE[holder]}. Nothing was changed."
                    )
                taken.append(fd)
        except BaseException:
            cls(taken).release()
            raise
        return cls(taken)

    def release(self) -> None:
        """Let go of every lock held (closing the file drops its lock)."""
        while self._descriptors:
            with contextlib.suppress(OSError):
                os.close(self._descriptors.pop())

    def __enter__(self) -> OwnerLock:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()
