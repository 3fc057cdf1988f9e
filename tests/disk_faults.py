"""A full disk in one folder, on any platform, for tests of what the app says and keeps.

The app writes its files with ``os.open`` and ``os.write`` (``msp_desktop.atomic``).
``full_disk_under`` remembers the descriptors ``os.open`` gives for paths under a folder
and makes ``os.write`` on them fail with ENOSPC, as a full USB stick would. Every other
file is written as usual. It needs no ``/proc/self/fd`` (Linux only) to tell which file a
descriptor is, so the same test runs on Windows.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import pytest


def _under(path: object, folder: Path) -> bool:
    try:
        return Path(os.fspath(path)).absolute().is_relative_to(folder)  # type: ignore[arg-type]
    except TypeError:
        return False  # a descriptor, not a path


def full_disk_under(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Writes to files opened under ``folder`` fail with ENOSPC until ``monkeypatch`` undoes it."""
    folder = Path(folder).absolute()
    real_open, real_write = os.open, os.write
    full: set[int] = set()

    def opening(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        fd = real_open(path, flags, *args, **kwargs)
        # A number closed and given again to another file must not stay "full".
        if _under(path, folder):
            full.add(fd)
        else:
            full.discard(fd)
        return fd

    def writing(fd: int, data: Any) -> int:
        if fd in full:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "open", opening)
    monkeypatch.setattr(os, "write", writing)
