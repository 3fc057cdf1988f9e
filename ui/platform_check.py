"""Checks made before Qt starts, so a missing display or library gets one plain line.

Without them Qt aborts with "could not load the Qt platform plugin xcb", which tells
a worker (or the office's IT person) nothing about what to install. The functions are
pure: they take the environment and a library probe, so every case is unit-tested.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Mapping

PROGRAM = "msp-desktop"

# The shared libraries Qt's xcb platform plugin loads that are not shipped in the
# PySide6 wheel, with the Debian/Ubuntu package providing each one.
XCB_LIBRARIES: tuple[tuple[str, str], ...] = (
    ("libxcb-icccm.so.4", "libxcb-icccm4"),
    ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
    ("libxcb-cursor.so.0", "libxcb-cursor0"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ("libxkbcommon.so.0", "libxkbcommon0"),
    ("libxcb-image.so.0", "libxcb-image0"),
    ("libxcb-render-util.so.0", "libxcb-render-util0"),
    ("libxcb-randr.so.0", "libxcb-randr0"),
    ("libxcb-shape.so.0", "libxcb-shape0"),
    ("libxcb-xkb.so.1", "libxcb-xkb1"),
    ("libxcb-util.so.1", "libxcb-util1"),
    ("libxcb-shm.so.0", "libxcb-shm0"),
    ("libxcb-sync.so.1", "libxcb-sync1"),
    ("libxcb-xfixes.so.0", "libxcb-xfixes0"),
    ("libxcb-render.so.0", "libxcb-render0"),
    ("libX11-xcb.so.1", "libx11-xcb1"),
    ("libEGL.so.1", "libegl1"),
    ("libGL.so.1", "libgl1"),
    ("libfontconfig.so.1", "libfontconfig1"),
    ("libdbus-1.so.3", "libdbus-1-3"),
)

NO_DISPLAY = (
    f"{PROGRAM}: no display found; run it under a virtual display with: "
    f"xvfb-run -a {PROGRAM} (from a checkout: xvfb-run -a make run)"
)


def library_loads(name: str) -> bool:
    """True when the dynamic loader can load the shared library ``name``."""
    try:
        ctypes.CDLL(name)
    except OSError:
        return False
    return True


def _requested_platforms(env: Mapping[str, str]) -> list[str]:
    """The platform plugins QT_QPA_PLATFORM asks for, in order, without their options."""
    value = env.get("QT_QPA_PLATFORM", "").strip()
    return [part.split(":", 1)[0].strip() for part in value.split(";") if part.strip()]


def uses_xcb(env: Mapping[str, str]) -> bool:
    """Whether Qt on Linux would start with its xcb (X11) platform plugin."""
    requested = _requested_platforms(env)
    if requested:
        return requested[0] == "xcb"
    # Unset: Qt 6 tries Wayland first in a Wayland session, X11 otherwise.
    wayland_session = env.get("XDG_SESSION_TYPE") == "wayland" and bool(env.get("WAYLAND_DISPLAY"))
    if wayland_session:
        return False
    # With only a Wayland socket and no X display, Qt picks Wayland too.
    return bool(env.get("DISPLAY")) or not env.get("WAYLAND_DISPLAY")


def missing_packages(probe: Callable[[str], bool]) -> list[str]:
    """The Debian packages whose libraries ``probe`` could not load, in a stable order."""
    return [package for library, package in XCB_LIBRARIES if not probe(library)]


def platform_problem(
    env: Mapping[str, str], system: str, probe: Callable[[str], bool] = library_loads
) -> str | None:
    """One line saying why Qt cannot start here and what to do, or None when it can.

    ``system`` is ``sys.platform``; only Linux is checked, because Windows and macOS
    builds carry everything Qt needs.
    """
    if not system.startswith("linux"):
        return None
    if not uses_xcb(env):
        return None
    if not env.get("DISPLAY"):
        return NO_DISPLAY
    missing = missing_packages(probe)
    if not missing:
        return None
    return (
        f"{PROGRAM}: Qt needs system libraries that are missing; install them with: "
        f"sudo apt-get install {' '.join(missing)}"
    )
