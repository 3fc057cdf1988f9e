"""The whole app flow: unlock, the caseload, search as you type, lock, quit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QStyle, QToolBar, QToolButton
from pytestqt.qtbot import QtBot

from msp_desktop.settings import Settings
from tests.ui import helpers
from tests.ui.helpers import PASSPHRASE, WORKER_NAME
from ui.caseload.column_fit import two_line_width
from ui.create_workspace_dialog import CreateWorkspaceDialog
from ui.main_window import MainWindow
from ui.session import Session
from ui.theme import apply_theme, base_point_size, reset_theme
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
    assert window.caseload.search_edit.placeholderText() == "Search by name or local ID"


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


def test_columns_and_rows_grow_with_the_text(qtbot: QtBot, session: Session) -> None:
    window = unlock(qtbot, session)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    caseload = window.caseload
    table, model = caseload.table, caseload.model
    header = table.horizontalHeader()
    padding = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin) * 2
    base = base_point_size(app)
    first_row = table.rowHeight(0)

    def headers_fit() -> bool:
        # Never cut: each heading whole on one line, or on two when the table is
        # narrow, with the heading row tall enough for both; a hidden column only
        # when its words (the preferred name) are in the Name column instead.
        metrics = header.fontMetrics()
        if caseload.headings_wrapped and header.height() < metrics.lineSpacing() * 2:
            return False
        if table.isColumnHidden(1) != model.folded:
            return False
        for column in range(model.columnCount()):
            if table.isColumnHidden(column):
                continue
            title = model.headerData(column, Qt.Orientation.Horizontal)
            one_line = metrics.horizontalAdvance(title) + padding <= header.sectionSize(column)
            two_lines = two_line_width(title, metrics) + padding <= header.sectionSize(column)
            if not (one_line or (caseload.headings_wrapped and two_lines)):
                return False
        return True

    try:
        for percent, high_contrast in ((100, False), (150, True), (200, False), (200, True)):
            apply_theme(app, Settings(text_scale_percent=percent, high_contrast=high_contrast))
            points = base * percent / 100
            qtbot.waitUntil(lambda p=points: header.font().pointSizeF() == pytest.approx(p))
            qtbot.waitUntil(headers_fit, timeout=2_000)
            assert table.font().pointSizeF() == pytest.approx(points)
            row = table.rowHeight(0)
            assert row >= table.fontMetrics().height() * 1.5
        assert table.rowHeight(0) >= first_row * 1.7
    finally:
        reset_theme(app)
    qtbot.waitUntil(lambda: table.rowHeight(0) == first_row, timeout=2_000)


def test_down_after_clearing_the_search_selects_the_first_row(
    qtbot: QtBot, session: Session
) -> None:
    window = unlock(qtbot, session)
    caseload = window.caseload
    search, table = caseload.search_edit, caseload.table
    search.setFocus()
    qtbot.keyClicks(search, "bry")
    qtbot.waitUntil(lambda: names(window) == ["Bryn Sample"], timeout=5_000)
    qtbot.keyClick(search, Qt.Key.Key_Down)
    assert table.selectionModel().isRowSelected(0)
    search.setFocus()
    search.clear()  # and Down at once, before the new list has come
    qtbot.keyClick(search, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: len(names(window)) == 3, timeout=5_000)
    qtbot.waitUntil(lambda: table.selectionModel().isRowSelected(0), timeout=2_000)
    assert table.currentIndex().row() == 0
    assert [i.row() for i in table.selectionModel().selectedRows()] == [0]
    # And once the list has settled, Down from the search box selects too.
    search.setFocus()
    table.clearSelection()
    qtbot.keyClick(search, Qt.Key.Key_Down)
    assert table.hasFocus()
    assert table.selectionModel().isRowSelected(0)


def test_people_count_only_on_the_caseload(qtbot: QtBot, session: Session) -> None:
    window = unlock(qtbot, session)
    label = window.people_label
    assert label.isVisibleTo(window)
    person_id = window.caseload.shown_people()[0].id
    window.open_person(person_id)
    assert not label.isVisibleTo(window)
    window.show_caseload()
    assert label.isVisibleTo(window)
    assert label.text() == "3 people"


def test_toolbar_buttons_look_like_buttons(qtbot: QtBot, session: Session) -> None:
    window = unlock(qtbot, session)
    toolbar = window.findChild(QToolBar, "toolbar.workspace")
    assert toolbar is not None
    buttons = [
        button
        for button in toolbar.findChildren(QToolButton)
        if button.accessibleName() in ("Privacy screen", "Lock")
    ]
    assert len(buttons) == 2
    assert not any(button.autoRaise() for button in buttons)
    first, second = sorted(buttons, key=lambda button: button.x())
    assert second.x() - (first.x() + first.width()) >= 8  # a clear gap between them
