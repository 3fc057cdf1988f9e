"""Helpers for the S15-S17 tests."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.ui.helpers import PASSPHRASE
from ui.main_window import MainWindow
from ui.session import Session
from ui.unlock_dialog import UnlockDialog

# Timers in these tests: one "minute" of idle time and one "second" of clipboard time.
TEST_MINUTE_MS = 400
TEST_SECOND_MS = 20


def unlock(qtbot: QtBot, session: Session) -> MainWindow:
    """Type the passphrase into the unlock dialog; wait for the caseload."""
    dialog = session.dialog
    assert isinstance(dialog, UnlockDialog)
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        qtbot.keyClicks(dialog.passphrase_edit, PASSPHRASE)
        qtbot.keyClick(dialog.passphrase_edit, Qt.Key.Key_Return)
    window = session.window
    assert window is not None
    qtbot.waitUntil(lambda: window.caseload.model.rowCount() == 3, timeout=5_000)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    return window
