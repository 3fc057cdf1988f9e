"""A full disk in one folder, on any platform, for tests of what the app says and keeps;
and, where the machine allows a mount, a real small or read-only tmpfs (``small_tmpfs``).

The app writes its files with ``os.open`` and ``os.write`` (``msp_desktop.atomic``).
``full_disk_under`` remembers the descriptors ``os.open`` gives for paths under a folder
and makes ``os.write`` on them fail with ENOSPC, as a full USB stick would. Every other
file is written as usual. It needs no ``/proc/self/fd`` (Linux only) to tell which file a
descriptor is, so the same test runs on Windows.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
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


@contextlib.contextmanager
def small_tmpfs(mount_point: Path, size: str = "2m") -> Iterator[Path]:
    """A real tmpfs of ``size`` at ``mount_point`` (a real full or read-only disk for the
    real ``msp``); skips the test, saying why, where this machine may not mount one."""
    mount_point.mkdir(parents=True, exist_ok=True)
    if shutil.which("mount") is None or not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root and mount(8); the portable tests still run")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"this machine may not mount a tmpfs ({mounted.stderr.strip()})")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def remount_read_only(mount_point: Path) -> None:
    """Make a tmpfs from ``small_tmpfs`` read-only, as a locked USB stick is (even root
    cannot write to it, unlike a folder without write permission)."""
    subprocess.run(["mount", "-o", "remount,ro", str(mount_point)], check=True)
