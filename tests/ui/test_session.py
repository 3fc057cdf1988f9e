"""The whole app flow: unlock, the caseload, search as you type, lock, quit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.ui import helpers
from tests.ui.helpers import PASSPHRASE, WORKER_NAME
from ui.create_workspace_dialog import CreateWorkspaceDialog
from ui.main_window import MainWindow
from ui.session import Session
from ui.unlock_dialog import UnlockDialog


@pytest.fixture
def session(qtbot: QtBot, existing: Path) -> Iterator[Session]:
    running = Session(existing)
    running.start()
    yield running
    running.end()
    assert running.worker is None or running.worker.worker_thread.isFinished()


def unlock(qtbot: QtBot, session: Session) -> MainWindow:
    return helpers.unlock(qtbot, session, expect_people=3)


def names(window: MainWindow) -> list[str]:
    return [person.name for person in window.caseload.shown_people()]


def test_unlock_shows_the_caseload(qtbot: QtBot, session: Session) -> None:
    window = unlock(qtbot, session)
    assert window.windowTitle() == "MSP Desktop"
    assert names(window) == ["Ada Example", "Bryn Sample", "Siân Prawf"]
    assert window.people_label.text() == "3 people"
    assert window.caseload.search_edit.placeholderText() == "Search by name or local id"


def test_search_as_you_type(qtbot: QtBot, session: Session) -> None:
    window = unlock(qtbot, session)
    search = window.caseload.search_edit
    qtbot.keyClicks(search, "bry")
    qtbot.waitUntil(lambda: names(window) == ["Bryn Sample"], timeout=5_000)
    assert window.people_label.text() == "1 of 3 people"

    search.clear()
    qtbot.keyClicks(search, "sian")  # the search index folds "â" to "a"
    qtbot.waitUntil(lambda: names(window) == ["Siân Prawf"], timeout=5_000)

    search.clear()
    qtbot.keyClicks(search, "LC-1001")
    qtbot.waitUntil(lambda: names(window) == ["Ada Example"], timeout=5_000)

    search.clear()
    qtbot.keyClicks(search, "nobody")
    qtbot.waitUntil(lambda: names(window) == [], timeout=5_000)
    assert window.caseload.empty_note.text() == "No one on your caseload matches “nobody”."
    assert window.people_label.text() == "0 of 3 people"

    search.clear()
    qtbot.waitUntil(lambda: len(names(window)) == 3, timeout=5_000)


def test_typing_is_debounced(qtbot: QtBot, session: Session) -> None:
    window = unlock(qtbot, session)
    sent: list[object] = []
    worker = session.worker
    assert worker is not None
    original = worker.submit
    worker.submit = lambda *args, **kwargs: sent.append(args) or original(*args, **kwargs)  # type: ignore[method-assign]
    qtbot.keyClicks(window.caseload.search_edit, "ada ex")
    qtbot.waitUntil(lambda: names(window) == ["Ada Example"], timeout=5_000)
    assert len(sent) == 1  # six keystrokes, one search


def test_ctrl_l_locks(qtbot: QtBot, session: Session) -> None:
    window = unlock(qtbot, session)
    worker = session.worker
    assert worker is not None
    workspace = worker.workspace
    assert workspace is not None
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.caseload.table, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)

    assert not workspace.is_open
    assert worker.worker_thread.isFinished()
    assert window.caseload.model.rowCount() == 0
    assert window.caseload.search_edit.text() == ""
    assert not window.caseload.isEnabled()
    assert isinstance(session.dialog, UnlockDialog)
    assert session.dialog.isVisible()

    window = unlock(qtbot, session)  # and it opens again
    assert window.caseload.isEnabled()


def test_lock_action_is_declared_once_with_its_id(qtbot: QtBot, session: Session) -> None:
    window = unlock(qtbot, session)
    action = window.action("action.lock")
    assert window.findChildren(type(action), "action.lock") == [action]
    assert action.shortcut().toString() == "Ctrl+L"
    action.trigger()
    assert window.caseload.model.rowCount() == 0


def test_closing_the_window_stops_the_worker(qtbot: QtBot, session: Session) -> None:
    window = unlock(qtbot, session)
    worker = session.worker
    assert worker is not None
    workspace = worker.workspace
    assert workspace is not None
    finished: list[bool] = []
    session.finished.connect(lambda: finished.append(True))
    window.close()
    assert finished == [True]
    assert worker.worker_thread.isFinished()
    assert not workspace.is_open


def test_quitting_the_unlock_dialog_ends_the_session(qtbot: QtBot, session: Session) -> None:
    dialog = session.dialog
    assert isinstance(dialog, UnlockDialog)
    with qtbot.waitSignal(session.finished):
        qtbot.mouseClick(dialog.quit_button, Qt.MouseButton.LeftButton)
    assert session.worker is not None
    assert session.worker.worker_thread.isFinished()


def test_first_run_asks_to_create(qtbot: QtBot, folder: Path) -> None:
    session = Session(folder)
    session.start()
    try:
        dialog = session.dialog
        assert isinstance(dialog, CreateWorkspaceDialog)
        qtbot.keyClicks(dialog.name_edit, WORKER_NAME)
        qtbot.keyClicks(dialog.passphrase_edit, PASSPHRASE)
        qtbot.keyClicks(dialog.again_edit, PASSPHRASE)
        with qtbot.waitSignal(dialog.accepted, timeout=10_000):
            qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
        window = session.window
        assert window is not None
        qtbot.waitUntil(lambda: window.people_label.text() == "0 people", timeout=5_000)
        assert window.caseload.empty_note.text() == "No one is on your caseload yet."
    finally:
        session.end()
    assert session.worker is not None
    assert session.worker.worker_thread.isFinished()
