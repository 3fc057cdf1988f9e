"""Temporary files beside their target, and the clean-up of those a killed run left.

Every file is first written as a hidden temporary beside its target and renamed over it
(``msp_desktop.atomic``). A run killed before the rename leaves the temporary behind: on
a USB stick, in the workspace, in an office folder. The next run that writes there
removes such leftovers, and only those that are certainly abandoned:

- the name is ours: ``.<target>.<pid>-<12 hex>.tmp`` (or the older ``.<target>.<12
  hex>.tmp``), so nothing a person saved is ever touched;
- and either the process that wrote it is gone (the name carries its process id; POSIX
  asks with ``kill(pid, 0)``, Windows with ``OpenProcess``) or it has not changed for
  ``STALE_AFTER_SECONDS``, far longer than any write takes, since a file being written
  changes all the time.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import sys
import time
from pathlib import Path

__all__ = ["STALE_AFTER_SECONDS", "remove_stale", "temporary_name"]

STALE_AFTER_SECONDS = 3600
_OURS = re.compile(r"^\..+\.(?:(\d+)-)?[0-9a-f]{12}\.tmp$")


def temporary_name(target: Path) -> Path:
    """A fresh hidden temporary name beside ``target``, carrying this process's id."""
    return target.with_name(f".{target.name}.{os.getpid()}-{secrets.token_hex(6)}.tmp")


def _windows_process_gone(pid: int) -> bool:
    """Whether no process ``pid`` is running (Windows: OpenProcess, then its exit code)."""
    if sys.platform != "win32":  # spelt out so that mypy checks the rest for Windows only
        return False
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.OpenProcess.restype = wintypes.HANDLE
    handle = kernel32.OpenProcess(_QUERY_LIMITED_INFORMATION, False, pid)
    if not handle:
        return ctypes.get_last_error() == _ERROR_INVALID_PARAMETER  # no such process
    try:
        code = wintypes.DWORD()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return False
        return code.value != _STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


_QUERY_LIMITED_INFORMATION = 0x1000
_ERROR_INVALID_PARAMETER = 87
_STILL_ACTIVE = 259


def _writer_gone(pid: int) -> bool:
    if pid == os.getpid():
        return False
    if sys.platform == "win32":
        return _windows_process_gone(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # another user's live process
        return False
    return False


def remove_stale(folder: Path) -> list[Path]:
    """Remove abandoned temporaries of ours from ``folder``; returns those removed.

    Never raises: a folder that cannot be listed or a file that cannot be removed is
    left as it is (the write that follows says what is wrong, if anything).
    """
    removed: list[Path] = []
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        found = _OURS.match(entry.name)
        if found is None:
            continue
        with contextlib.suppress(OSError):
            if not entry.is_file(follow_symlinks=False):
                continue
            pid = found.group(1)
            old = now - entry.stat(follow_symlinks=False).st_mtime > STALE_AFTER_SECONDS
            if old or (pid is not None and _writer_gone(int(pid))):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed
