"""S17: copies leave the real clipboard after a short time and on lock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from tests.ui.security.helpers import unlock
from ui.security.clipboard_guard import HISTORY_HINT, ClipboardGuard
from ui.session import Session

SECOND_MS = 20  # so the minimum of 5 "seconds" is 100 ms


@pytest.fixture
def guard() -> Iterator[ClipboardGuard]:
    QGuiApplication.clipboard().clear()
    clipboard_guard = ClipboardGuard(5, ms_per_second=SECOND_MS)
    yield clipboard_guard
    clipboard_guard.close()


def clipboard_text() -> str:
    return QGuiApplication.clipboard().text()


def test_copy_is_cleared_after_the_interval(qtbot: QtBot, guard: ClipboardGuard) -> None:
    guard.copy("Ada Example")
    assert clipboard_text() == "Ada Example"
    assert guard.guarding
    mime = QGuiApplication.clipboard().mimeData()
    assert mime is not None
    assert mime.hasFormat(HISTORY_HINT)  # clipboard history tools leave it out
    qtbot.waitUntil(lambda: clipboard_text() == "", timeout=2_000)
    assert not guard.guarding


def test_ctrl_c_in_a_field_is_guarded(qtbot: QtBot, guard: ClipboardGuard) -> None:
    field = QLineEdit("Bryn Sample")
    field.setAccessibleName("Name")
    qtbot.addWidget(field)
    with qtbot.waitActive(field):
        field.show()
        field.activateWindow()
    field.selectAll()
    qtbot.keySequence(field, QKeySequence.StandardKey.Copy)
    assert clipboard_text() == "Bryn Sample"
    assert guard.guarding
    qtbot.waitUntil(lambda: clipboard_text() == "", timeout=2_000)


def test_a_copy_is_marked_to_stay_out_of_every_clipboard_history(guard: ClipboardGuard) -> None:
    guard.copy("Ada Example")
    mime = QGuiApplication.clipboard().mimeData()
    assert mime is not None
    # KDE's hint, and the formats Windows documents (Win+V history, cloud clipboard),
    # each read back off the clipboard with the value Windows expects.
    windows = 'application/x-qt-windows-mime;value="{}"'
    assert bytes(mime.data(HISTORY_HINT).data()) == b"secret"
    for name in (
        "ExcludeClipboardContentFromMonitorProcessing",
        "CanIncludeInClipboardHistory",
        "CanUploadToCloudClipboard",
    ):
        assert bytes(mime.data(windows.format(name)).data()) == b"\x00\x00\x00\x00", name
    assert mime.text() == "Ada Example"


def test_clear_now(guard: ClipboardGuard) -> None:
    guard.copy("LC-1003")
    guard.clear()
    assert clipboard_text() == ""
    assert not guard.guarding


def test_text_that_was_never_ours_is_left_alone(qtbot: QtBot) -> None:
    QGuiApplication.clipboard().setText("a shopping list")  # there before the app copied
    guard = ClipboardGuard(5, ms_per_second=SECOND_MS)
    try:
        guard.clear()
        qtbot.wait(150)
        assert clipboard_text() == "a shopping list"
    finally:
        guard.close()
    assert clipboard_text() == "a shopping list"
    QGuiApplication.clipboard().clear()


def test_a_newer_copy_gets_the_full_time(qtbot: QtBot, guard: ClipboardGuard) -> None:
    guard.copy("first")
    qtbot.wait(60)
    guard.copy("second")
    qtbot.wait(60)  # 120 ms after the first copy, 60 ms after the second
    assert clipboard_text() == "second"
    qtbot.waitUntil(lambda: clipboard_text() == "", timeout=2_000)


def test_set_seconds(guard: ClipboardGuard) -> None:
    guard.set_seconds(30)
    guard.copy("x")
    assert guard.guarding
    with pytest.raises(ValueError, match="at least a second"):
        guard.set_seconds(0)


def test_lock_clears_a_name_copied_from_the_caseload(qtbot: QtBot, session: Session) -> None:
    window = unlock(qtbot, session)
    session.clipboard.set_seconds(300)  # only the lock can clear it in this test
    table = window.caseload.table
    table.setFocus()
    table.selectRow(0)
    table.setCurrentIndex(window.caseload.model.index(0, 0))
    qtbot.keySequence(table, QKeySequence.StandardKey.Copy)
    assert clipboard_text() == "Ada Example"
    qtbot.keyClick(table, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert session.worker is not None  # the unlock dialog's new worker
    assert clipboard_text() == ""


def test_quitting_clears_it_too(qtbot: QtBot, session: Session) -> None:
    unlock(qtbot, session)
    session.clipboard.set_seconds(300)
    session.clipboard.copy("Siân Prawf")
    session.end()
    assert clipboard_text() == ""
