"""Shared values and helpers for the desktop app tests."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from msp_desktop.model import Person
from msp_desktop.store import Workspace
from ui.db_worker import DbWorker
from ui.main_window import MainWindow
from ui.session import Session
from ui.unlock_dialog import UnlockDialog

T = TypeVar("T")

PASSPHRASE = "lantern otter copper"
WORKER_NAME = "Jo Worker"
PEOPLE = (
    Person(name="Ada Example", date_of_birth=date(1941, 2, 3), local_id="LC-1001"),
    Person(name="Bryn Sample", preferred_name="Bryn", local_id="LC-1002"),
    Person(name="Siân Prawf", date_of_birth=date(1950, 11, 30), local_id="LC-1003"),
)


def wait_idle(qtbot: QtBot, worker: DbWorker) -> None:
    """Wait until every operation sent to ``worker`` has come back."""
    qtbot.waitUntil(lambda: not worker.busy, timeout=10_000)


def on_worker(qtbot: QtBot, worker: DbWorker, operation: Callable[[Workspace], T]) -> T:
    """Run ``operation(workspace)`` on the database thread, wait, and return its result."""
    results: list[T] = []
    worker.submit(operation, results.append)
    wait_idle(qtbot, worker)
    assert results, "the operation failed on the database thread"
    return results[0]


def file_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file in ``folder``, to prove nothing was written."""
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.iterdir())
        if path.is_file()
    }


def type_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Type ``text`` as key presses, Welsh letters and dashes included.

    QTest only maps ASCII to keys (it aborts on others), so other characters are
    sent as the key events a keyboard layout or input method produces: text with an
    unknown key code.
    """
    for char in text:
        if char.isascii():
            qtbot.keyClicks(widget, char)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char)
            QApplication.sendEvent(widget, event)


def unlock(qtbot: QtBot, session: Session, expect_people: int | None = None) -> MainWindow:
    """Type the passphrase into the session's unlock dialog and wait for the window.

    With ``expect_people``, also wait until the caseload shows that many people.
    """
    dialog = session.dialog
    assert isinstance(dialog, UnlockDialog)
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        qtbot.keyClicks(dialog.passphrase_edit, PASSPHRASE)
        qtbot.keyClick(dialog.passphrase_edit, Qt.Key.Key_Return)
    window = session.window
    assert window is not None
    if expect_people is not None:
        qtbot.waitUntil(lambda: window.caseload.model.rowCount() == expect_people, timeout=5_000)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    return window
