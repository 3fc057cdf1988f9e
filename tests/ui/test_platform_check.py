"""The one-line explanations given before Qt starts (tests/ui mirrors ui/)."""

from __future__ import annotations

import sys

import pytest

from ui.platform_check import NO_DISPLAY, XCB_LIBRARIES, library_loads, platform_problem, uses_xcb

ALL_PRESENT = frozenset(library for library, _package in XCB_LIBRARIES)
NO_ICCCM_KEYSYMS = ALL_PRESENT - {"libxcb-icccm.so.4", "libxcb-keysyms.so.1"}
MISSING_LINE = (
    "msp-desktop: Qt needs system libraries that are missing; install them with: "
    "sudo apt-get install libxcb-icccm4 libxcb-keysyms1"
)


@pytest.mark.parametrize(
    ("env", "system", "present", "expected"),
    [
        # Not Linux: nothing to check.
        ({}, "win32", frozenset(), None),
        ({}, "darwin", frozenset(), None),
        # Offscreen and other explicit non-X platforms need no display or xcb libraries.
        ({"QT_QPA_PLATFORM": "offscreen"}, "linux", frozenset(), None),
        ({"QT_QPA_PLATFORM": "wayland"}, "linux", frozenset(), None),
        ({"QT_QPA_PLATFORM": "vnc:size=800x600"}, "linux", frozenset(), None),
        # No display at all.
        ({}, "linux", ALL_PRESENT, NO_DISPLAY),
        ({"QT_QPA_PLATFORM": ""}, "linux", ALL_PRESENT, NO_DISPLAY),
        ({"QT_QPA_PLATFORM": "xcb"}, "linux", ALL_PRESENT, NO_DISPLAY),
        (
            {"QT_QPA_PLATFORM": "xcb", "WAYLAND_DISPLAY": "wayland-0"},
            "linux",
            ALL_PRESENT,
            NO_DISPLAY,
        ),
        # X display with everything installed.
        ({"DISPLAY": ":0"}, "linux", ALL_PRESENT, None),
        ({"DISPLAY": ":99", "QT_QPA_PLATFORM": "xcb"}, "linux", ALL_PRESENT, None),
        # X display, the two libraries Debian's minimal installs lack.
        ({"DISPLAY": ":99"}, "linux", NO_ICCCM_KEYSYMS, MISSING_LINE),
        (
            {"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb;wayland"},
            "linux",
            NO_ICCCM_KEYSYMS,
            MISSING_LINE,
        ),
        # Wayland is used, so missing xcb libraries do not matter.
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", frozenset(), None),
        (
            {"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0", "XDG_SESSION_TYPE": "wayland"},
            "linux",
            frozenset(),
            None,
        ),
        ({"QT_QPA_PLATFORM": "wayland;xcb", "DISPLAY": ":0"}, "linux", frozenset(), None),
    ],
)
def test_platform_problem(
    env: dict[str, str], system: str, present: frozenset[str], expected: str | None
) -> None:
    assert platform_problem(env, system, lambda name: name in present) == expected


def test_problems_are_one_line() -> None:
    line = platform_problem({"DISPLAY": ":0"}, "linux", lambda _name: False)
    assert line is not None
    assert "\n" not in line
    assert line.startswith("msp-desktop: ")
    assert "libxcb-cursor0" in line
    assert "\n" not in NO_DISPLAY
    assert "xvfb-run -a msp-desktop" in NO_DISPLAY


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, True),
        ({"DISPLAY": ":0"}, True),
        ({"WAYLAND_DISPLAY": "wayland-0"}, False),
        ({"QT_QPA_PLATFORM": "xcb:nograb"}, True),
        ({"QT_QPA_PLATFORM": "offscreen"}, False),
    ],
)
def test_uses_xcb(env: dict[str, str], expected: bool) -> None:
    assert uses_xcb(env) is expected


def test_library_probe_is_real() -> None:
    # A library every machine of this platform has: the probe asks the real loader.
    assert library_loads("kernel32" if sys.platform == "win32" else "libc.so.6")
    assert not library_loads("libdoes-not-exist-msp.so.0")
