"""Whether a folder is on a volume mounted read-only (a locked USB stick, a CD).

POSIX asks ``statvfs`` (``ST_RDONLY``). Windows asks the volume itself
(``GetVolumeInformationW``'s ``FILE_READ_ONLY_VOLUME``): there ``os.access`` looks only at
a file's read-only attribute, which a write-protected stick does not set, so without this
a workspace on one would first be found out by a failing write.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["on_read_only_volume"]

_FILE_READ_ONLY_VOLUME = 0x00080000


def _windows_read_only(folder: Path) -> bool:
    if sys.platform != "win32":  # spelt out so that mypy checks the rest for Windows only
        return False
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    root = ctypes.create_unicode_buffer(261)
    if not kernel32.GetVolumePathNameW(str(folder), root, len(root)):
        return False
    flags = wintypes.DWORD()
    found = kernel32.GetVolumeInformationW(root, None, 0, None, None, ctypes.byref(flags), None, 0)
    return bool(found) and bool(flags.value & _FILE_READ_ONLY_VOLUME)


def on_read_only_volume(folder: Path) -> bool:
    """True when ``folder``'s volume is mounted read-only; False when it is not, or when
    the system cannot say (the write itself then says what is wrong)."""
    try:
        if sys.platform == "win32":
            return _windows_read_only(folder)
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        return False
