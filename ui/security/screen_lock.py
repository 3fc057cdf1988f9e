"""The OS screen-lock edge of S15: hear the computer lock its screen, emit ``locked``.

On Linux, desktops announce a screen lock on D-Bus: ``ActiveChanged(true)`` from
``org.freedesktop.ScreenSaver`` (KDE, Xfce and others) or ``org.gnome.ScreenSaver``
(GNOME) on the session bus, and ``Lock`` from our ``org.freedesktop.login1.Session`` on
the system bus (``loginctl lock-session``). ``PySide6.QtDBus`` ships in
PySide6-Essentials, so the watch is made whenever a bus is reachable.

Windows and macOS send no such signal to a Qt app without native code we do not ship;
there, and on Linux without a bus, ``available`` is False and the idle timer is the only
automatic lock. A spoofed signal can only lock the workspace, never open it.
"""

from __future__ import annotations

import logging
import os
import string
import sys
from typing import cast

from PySide6.QtCore import SLOT, QObject, Signal, Slot

log = logging.getLogger("msp.ui")

try:  # a Linux-only module in practice; absent from some builds
    from PySide6.QtDBus import QDBusConnection
except ImportError:  # pragma: no cover - every supported wheel has it
    QDBusConnection = None  # type: ignore[assignment,misc]

SCREENSAVER_INTERFACES = ("org.freedesktop.ScreenSaver", "org.gnome.ScreenSaver")
LOGIN1_SERVICE = "org.freedesktop.login1"
LOGIN1_SESSION = "org.freedesktop.login1.Session"
_PATH_SAFE = frozenset(string.ascii_letters + string.digits)


def login1_session_path(session_id: str) -> str:
    """The D-Bus object path systemd gives session ``session_id`` (sd_bus_path_encode)."""
    encoded = "".join(
        ch if ch in _PATH_SAFE and not (i == 0 and ch.isdigit()) else f"_{ord(ch):02x}"
        for i, ch in enumerate(session_id)
    )
    return f"/org/freedesktop/login1/session/{encoded or '_'}"


def _slot(signature: str) -> bytes:
    # PySide6 needs SLOT()'s str here (bytes raise at run time); its stubs say bytes.
    return cast(bytes, SLOT(signature))


class ScreenLockWatch(QObject):
    """Emits ``locked`` when the desktop reports that the screen has been locked.

    ``session_bus`` and ``system_bus`` default to the ones of this login (tests pass a
    private bus); a bus that is not connected is skipped quietly.
    """

    locked = Signal()

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        session_bus: QDBusConnection | None = None,
        system_bus: QDBusConnection | None = None,
    ) -> None:
        super().__init__(parent)
        self.available = False
        if QDBusConnection is None or not sys.platform.startswith("linux"):
            return
        session = session_bus if session_bus is not None else QDBusConnection.sessionBus()
        system = system_bus if system_bus is not None else QDBusConnection.systemBus()
        if session.isConnected():
            for interface in SCREENSAVER_INTERFACES:
                # Any sender and any path: KDE uses /ScreenSaver, others their own.
                self.available |= session.connect(
                    "", "", interface, "ActiveChanged", self, _slot("_active_changed(bool)")
                )
        if system.isConnected():
            session_id = os.environ.get("XDG_SESSION_ID", "")
            # Without our session id, any session's Lock locks us: locking is the safe side.
            path = login1_session_path(session_id) if session_id else ""
            self.available |= system.connect(
                LOGIN1_SERVICE, path, LOGIN1_SESSION, "Lock", self, _slot("_session_lock()")
            )
        if not self.available:
            log.info("The desktop does not report screen locks; only the idle lock applies")

    @Slot(bool)
    def _active_changed(self, active: bool) -> None:
        if active:
            self.locked.emit()

    @Slot()
    def _session_lock(self) -> None:
        self.locked.emit()
