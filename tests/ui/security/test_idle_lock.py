"""S15: the idle lock, the OS screen-lock edge, and both locking a real session."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtDBus import QDBusConnection, QDBusMessage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from tests.tools import require_tools
from tests.ui.security.helpers import TEST_MINUTE_MS, unlock
from ui.security.idle_lock import IdleLock
from ui.security.screen_lock import LOGIN1_SERVICE, ScreenLockWatch, login1_session_path
from ui.session import Session
from ui.unlock_dialog import UnlockDialog


@pytest.fixture
def idle_lock() -> Iterator[IdleLock]:
    """One "minute" is 100 ms here; the OS watch is tested on its own below."""
    lock = IdleLock(1, ms_per_minute=100, watch_os=False)
    yield lock
    lock.stop()


@pytest.fixture
def field(qtbot: QtBot) -> QLineEdit:
    edit = QLineEdit()
    edit.setAccessibleName("Somewhere to type")
    qtbot.addWidget(edit)
    with qtbot.waitExposed(edit):
        edit.show()
    return edit


def test_idle_after_the_interval(qtbot: QtBot, idle_lock: IdleLock) -> None:
    assert idle_lock.interval_ms == 100
    idle_lock.start()
    assert idle_lock.running
    with qtbot.waitSignal(idle_lock.idle, timeout=2_000):
        pass
    assert not idle_lock.running  # it fires once, then waits for the next unlock


@pytest.mark.parametrize("kind", ["typing", "mouse"])
def test_typing_or_the_mouse_keeps_it_open(
    qtbot: QtBot, idle_lock: IdleLock, field: QLineEdit, kind: str
) -> None:
    fired: list[bool] = []
    idle_lock.idle.connect(lambda: fired.append(True))
    idle_lock.start()
    field.setFocus()
    end = time.monotonic() + 0.5  # five idle intervals
    position = 0
    while time.monotonic() < end:
        # Through the window, as the platform delivers real input.
        if kind == "typing":
            QTest.keyClick(field.windowHandle(), Qt.Key.Key_A)
        else:
            position = (position + 7) % 40
            QTest.mouseMove(field.windowHandle(), QPoint(10 + position, 10))
        qtbot.wait(30)
    assert fired == []
    with qtbot.waitSignal(idle_lock.idle, timeout=2_000):
        pass  # and once the input stops, it locks


def test_stopped_means_no_idle_and_no_filter(
    qtbot: QtBot, idle_lock: IdleLock, field: QLineEdit
) -> None:
    fired: list[bool] = []
    idle_lock.idle.connect(lambda: fired.append(True))
    idle_lock.start()
    idle_lock.stop()
    QTest.keyClick(field.windowHandle(), Qt.Key.Key_A)  # input while stopped: nothing
    qtbot.wait(250)
    assert fired == []
    assert not idle_lock.running


def test_set_minutes(idle_lock: IdleLock) -> None:
    idle_lock.set_minutes(7)
    assert idle_lock.interval_ms == 700
    with pytest.raises(ValueError, match="at least one minute"):
        idle_lock.set_minutes(0)


def test_screen_locked_only_while_running(qtbot: QtBot, idle_lock: IdleLock) -> None:
    fired: list[bool] = []
    idle_lock.os_locked.connect(lambda: fired.append(True))
    idle_lock.screen_locked()  # already locked: nothing to do
    assert fired == []
    idle_lock.start()
    idle_lock.screen_locked()
    assert fired == [True]
    assert not idle_lock.running


def test_login1_session_paths() -> None:
    assert login1_session_path("2") == "/org/freedesktop/login1/session/_32"
    assert login1_session_path("c1") == "/org/freedesktop/login1/session/c1"
    assert login1_session_path("") == "/org/freedesktop/login1/session/_"


# -- the real D-Bus edge, on a private bus of this test --------------------------------


@pytest.fixture
def bus_address() -> Iterator[str]:
    require_tools("dbus-daemon", package="dbus-daemon")
    daemon = shutil.which("dbus-daemon")
    assert daemon is not None
    process = subprocess.Popen(
        [daemon, "--session", "--nofork", "--print-address=1", "--address=unix:tmpdir=/tmp"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    address = process.stdout.readline().strip()
    yield address
    process.terminate()
    process.wait(10)
    process.stdout.close()


def test_dbus_screen_lock_signals(
    qtbot: QtBot, bus_address: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_SESSION_ID", "7")
    listener = QDBusConnection.connectToBus(bus_address, "msp-test-listener")
    desktop = QDBusConnection.connectToBus(bus_address, "msp-test-desktop")
    try:
        watch = ScreenLockWatch(session_bus=listener, system_bus=listener)
        assert watch.available

        def send(path: str, interface: str, name: str, *arguments: object) -> None:
            message = QDBusMessage.createSignal(path, interface, name)
            message.setArguments(list(arguments))
            assert desktop.send(message)

        locks: list[bool] = []
        watch.locked.connect(lambda: locks.append(True))
        send("/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver", "ActiveChanged", False)
        qtbot.wait(200)
        assert locks == []  # the screen saver *ending* locks nothing
        with qtbot.waitSignal(watch.locked, timeout=5_000):
            send("/org/gnome/ScreenSaver", "org.gnome.ScreenSaver", "ActiveChanged", True)

        # loginctl lock-session: only login1 may send it, for our session.
        assert desktop.registerService(LOGIN1_SERVICE)
        locks.clear()
        send(login1_session_path("8"), "org.freedesktop.login1.Session", "Lock")
        qtbot.wait(200)
        assert locks == []  # someone else's session
        with qtbot.waitSignal(watch.locked, timeout=5_000):
            send(login1_session_path("7"), "org.freedesktop.login1.Session", "Lock")
    finally:
        QDBusConnection.disconnectFromBus("msp-test-listener")
        QDBusConnection.disconnectFromBus("msp-test-desktop")


# -- in a running session: both lock exactly like Ctrl+L ------------------------------


def assert_locked(session: Session) -> None:
    window = session.window
    assert window is not None
    assert window.caseload.model.rowCount() == 0
    assert not window.caseload.isEnabled()
    assert isinstance(session.dialog, UnlockDialog)
    assert session.dialog.isVisible()
    assert not session.idle_lock.running


def test_idle_locks_the_session(qtbot: QtBot, session: Session) -> None:
    assert session.idle_lock.interval_ms == 5 * TEST_MINUTE_MS  # the default 5 minutes
    unlock(qtbot, session)
    worker = session.worker
    assert worker is not None
    workspace = worker.workspace
    assert workspace is not None
    assert session.idle_lock.running
    with qtbot.waitSignal(session.idle_lock.idle, timeout=5_000):
        session.idle_lock.set_minutes(1)
    assert not workspace.is_open  # the database is closed, the key dropped
    assert worker.worker_thread.isFinished()
    assert_locked(session)
    session.idle_lock.set_minutes(5)
    unlock(qtbot, session)
    assert session.idle_lock.running  # and it watches again after unlocking


def test_screen_lock_locks_the_session(qtbot: QtBot, session: Session) -> None:
    unlock(qtbot, session)
    worker = session.worker
    assert worker is not None
    session.idle_lock.screen_locked()  # what the D-Bus watch calls
    assert worker.worker_thread.isFinished()
    assert_locked(session)
    session.idle_lock.screen_locked()  # again, while locked: still one unlock dialog
    assert_locked(session)


def test_the_search_typed_is_not_kept_across_a_lock(qtbot: QtBot, session: Session) -> None:
    # What was typed is often a person's name: nothing personal stays while locked.
    window = unlock(qtbot, session)
    qtbot.keyClicks(window.caseload.search_edit, "bry")
    qtbot.waitUntil(lambda: window.caseload.model.rowCount() == 1, timeout=5_000)
    window.action("action.lock").trigger()
    assert window.caseload.search_edit.text() == ""  # the view is empty while locked
    assert session.restore_point.saved == {}  # and nothing remembers it

    dialog = session.dialog
    assert isinstance(dialog, UnlockDialog)
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        qtbot.keyClicks(dialog.passphrase_edit, "lantern otter copper")
        qtbot.keyClick(dialog.passphrase_edit, Qt.Key.Key_Return)
    assert window.caseload.search_edit.text() == ""
    qtbot.waitUntil(lambda: window.caseload.model.rowCount() > 1, timeout=5_000)
