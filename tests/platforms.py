"""Which platform the suite runs on, and the markers that skip what it cannot give.

The suite runs on Linux and on Windows (in CI, Windows Python under Wine). Three markers,
registered in pyproject.toml and described in the README (Development), say why a test does not
run everywhere; each needs its reason, and every skip shows it (``-ra``):

- ``posix_only(reason)``: the test relies on POSIX behaviour Windows does not have (mode
  bits, signals, ``/proc``, ``pwd``, ``resource``, Unix sockets). Skipped on Windows.
- ``interactive_desktop(reason)``: the test needs a real interactive desktop (focus,
  window exposure, native dialogs) that Wine without a display cannot give. Skipped
  under Wine only; a real Windows machine runs it.
- ``windows_bug(reason)``: a known product bug on Windows, being fixed. On Windows the
  test is a strict xfail (so the fix turns it into a failure that says "remove me");
  with ``hangs=True`` it is skipped there instead, as it would never end. Linux runs it
  as usual.
"""

from __future__ import annotations

import functools
import stat
import sys
from pathlib import Path
from typing import Any

import pytest

ON_WINDOWS = sys.platform == "win32"

MARKERS = ("posix_only", "interactive_desktop", "windows_bug")


@functools.cache
def under_wine() -> bool:
    """Whether this is Windows Python under Wine (the app's own probe, ``windows_acl``).

    A real Windows machine answers False.
    """
    if sys.platform != "win32":  # spelt out so that mypy checks the rest for Windows only
        return False
    from msp_desktop.windows_acl import running_under_wine

    return running_under_wine()


# Wine's CreateProcess now and then fails with ERROR_INTERNAL_ERROR (1359): once in a CI
# run of the whole suite, for a start that succeeds every other time. It is Wine's fault,
# not the test's or the app's, and the process was never made, so nothing runs twice.
WINE_SPAWN_FAILURE = 1359
WINE_SPAWN_TRIES = 3


def retry_wine_spawn_failures() -> None:
    """Under Wine only, start a child process again when Wine failed to make it (1359).

    Any other error, and every error on Linux or a real Windows, is raised as before.
    """
    if not under_wine():
        return
    import subprocess
    import time

    # The whole of Popen's set-up is tried again, not only CreateProcess: a failed start
    # has already closed the pipes it made for the child, and the next try makes new ones.
    start = subprocess.Popen.__init__

    @functools.wraps(start)
    def start_again_on_wine_failure(self: subprocess.Popen[Any], *args: Any, **kwargs: Any) -> None:
        for tries_left in range(WINE_SPAWN_TRIES - 1, -1, -1):
            try:
                start(self, *args, **kwargs)
                return
            except OSError as failed:
                if getattr(failed, "winerror", None) != WINE_SPAWN_FAILURE or not tries_left:
                    raise
                time.sleep(0.5)

    subprocess.Popen.__init__ = start_again_on_wine_failure  # type: ignore[method-assign]


def marker_reason(mark: pytest.Mark, where: str) -> str:
    """The reason a platform marker gives; a marker without one is a usage error."""
    reason = mark.kwargs.get("reason", mark.args[0] if mark.args else "")
    if not isinstance(reason, str) or not reason.strip():
        raise pytest.UsageError(f"{where}: @pytest.mark.{mark.name} needs a reason")
    return reason.strip()


def apply_platform_markers(item: pytest.Item) -> None:
    """Turn ``item``'s platform markers into the skip or xfail this platform needs."""
    for mark in item.iter_markers():
        if mark.name not in MARKERS:
            continue
        reason = marker_reason(mark, item.nodeid)
        if mark.name == "posix_only" and ON_WINDOWS:
            item.add_marker(pytest.mark.skip(reason=f"POSIX only: {reason}"))
        elif mark.name == "interactive_desktop" and under_wine():
            item.add_marker(
                pytest.mark.skip(reason=f"needs an interactive desktop Wine cannot give: {reason}")
            )
        elif mark.name == "windows_bug" and ON_WINDOWS:
            if mark.kwargs.get("hangs", False):
                item.add_marker(pytest.mark.skip(reason=f"Windows bug (hangs): {reason}"))
            else:
                item.add_marker(pytest.mark.xfail(strict=True, reason=f"Windows bug: {reason}"))


def assert_mode(path: Path, expected: int) -> None:
    """``path``'s permission bits are ``expected`` (e.g. 0o600, owner only), on POSIX.

    Windows has no mode bits: ``st_mode`` reads 0o666 (0o444 when read-only) whatever
    the file's access control list allows. There an owner-only ``expected`` is checked
    on the ACL instead (``msp_desktop.owner_only.readable_by_others``), which a Wine that
    keeps no ACLs cannot refuse (tests/unit/test_owner_only.py says so by skipping).
    """
    if ON_WINDOWS:
        from msp_desktop.owner_only import readable_by_others

        if not expected & 0o077:
            assert not readable_by_others(path), f"{path} is readable by others"
        return
    mode = stat.S_IMODE(path.stat().st_mode)
    assert mode == expected, f"{path}: mode {oct(mode)}, expected {oct(expected)}"
