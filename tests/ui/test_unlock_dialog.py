"""The unlock dialog, against a real workspace on tmp_path."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton
from pytestqt.qtbot import QtBot

from msp_desktop.settings import Settings
from tests.ui.helpers import PASSPHRASE, file_hashes, wait_idle
from ui.db_worker import DbWorker
from ui.theme import apply_theme, reset_theme
from ui.unlock_dialog import MIN_WIDTH, UnlockDialog


def make_dialog(qtbot: QtBot, worker: DbWorker, folder: Path) -> UnlockDialog:
    dialog = UnlockDialog(worker, folder)
    qtbot.addWidget(dialog)
    dialog.open()
    return dialog


def try_passphrase(qtbot: QtBot, dialog: UnlockDialog, worker: DbWorker, text: str) -> None:
    qtbot.keyClicks(dialog.passphrase_edit, text)
    qtbot.keyClick(dialog.passphrase_edit, Qt.Key.Key_Return)
    wait_idle(qtbot, worker)


def test_wrong_passphrase_is_explained_and_changes_no_byte(
    qtbot: QtBot, worker: DbWorker, existing: Path
) -> None:
    before = file_hashes(existing)
    dialog = make_dialog(qtbot, worker, existing)
    try_passphrase(qtbot, dialog, worker, "not the passphrase")
    assert dialog.error.isVisible()
    assert dialog.error.text().startswith("Wrong passphrase")
    assert "Caps Lock" in dialog.error.text()
    assert dialog.passphrase_edit.text() == ""
    assert dialog.passphrase_edit.hasFocus() or not dialog.isActiveWindow()
    assert dialog.failures == 1
    assert dialog.waiting_seconds == 0
    assert dialog.unlock_button.isEnabled()
    assert worker.workspace is None
    assert dialog.result() == 0
    assert file_hashes(existing) == before


def test_right_passphrase_opens(qtbot: QtBot, worker: DbWorker, existing: Path) -> None:
    dialog = make_dialog(qtbot, worker, existing)
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        qtbot.keyClicks(dialog.passphrase_edit, PASSPHRASE)
        qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    assert worker.workspace is not None
    assert worker.workspace.is_open
    assert dialog.passphrase_edit.text() == ""


def test_repeated_failures_make_the_next_try_wait(
    qtbot: QtBot, worker: DbWorker, existing: Path
) -> None:
    dialog = make_dialog(qtbot, worker, existing)
    for attempt in range(3):
        try_passphrase(qtbot, dialog, worker, f"wrong guess {attempt}")
    assert dialog.failures == 3
    assert dialog.waiting_seconds == 1
    assert not dialog.unlock_button.isEnabled()
    assert dialog.status.text() == "Wait 1 second before trying again."
    # Enter does nothing while waiting: no new attempt is sent.
    try_passphrase(qtbot, dialog, worker, PASSPHRASE)
    assert worker.workspace is None
    qtbot.waitUntil(dialog.unlock_button.isEnabled, timeout=3_000)
    assert dialog.waiting_seconds == 0
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        dialog.passphrase_edit.clear()
        try_passphrase(qtbot, dialog, worker, PASSPHRASE)


def test_unlocking_is_announced_and_the_countdown_is_not(
    qtbot: QtBot, worker: DbWorker, existing: Path, spoken: list[tuple[QObject, str]]
) -> None:
    # WCAG 4.1.3: the worker pressed Enter and the dialog went quiet for the key's
    # stretching; "Unlocking…" says why. "Wait N seconds", said every second, would talk
    # over the wrong-passphrase sentence (spoken through the field), so it stays silent.
    dialog = make_dialog(qtbot, worker, existing)
    for attempt in range(3):
        try_passphrase(qtbot, dialog, worker, f"wrong guess {attempt}")
    assert dialog.status.text() == "Wait 1 second before trying again."
    assert dialog.status.accessibleName() == dialog.status.text()
    assert dialog.status.accessibleDescription() == "Unlock status"
    said = [words for thing, words in spoken if thing is dialog.status]
    assert said == ["Unlocking…"] * 3
    qtbot.waitUntil(dialog.unlock_button.isEnabled, timeout=3_000)
    assert [words for thing, words in spoken if thing is dialog.status] == ["Unlocking…"] * 3


def test_damaged_workspace_names_the_backup_and_stops(
    qtbot: QtBot, worker: DbWorker, existing: Path
) -> None:
    (existing / "workspace.db").unlink()
    before = file_hashes(existing)
    dialog = make_dialog(qtbot, worker, existing)
    try_passphrase(qtbot, dialog, worker, PASSPHRASE)
    assert "damaged" in dialog.error.text()
    assert "backup" in dialog.error.text()
    assert not dialog.passphrase_edit.isEnabled()
    assert not dialog.unlock_button.isEnabled()
    assert dialog.quit_button.isEnabled()
    assert file_hashes(existing) == before
    with qtbot.waitSignal(dialog.rejected):
        qtbot.mouseClick(dialog.quit_button, Qt.MouseButton.LeftButton)


def test_escape_does_not_quit(qtbot: QtBot, worker: DbWorker, existing: Path) -> None:
    dialog = make_dialog(qtbot, worker, existing)
    rejected: list[bool] = []
    dialog.rejected.connect(lambda: rejected.append(True))
    qtbot.keyClick(dialog.passphrase_edit, Qt.Key.Key_Escape)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert rejected == []
    assert dialog.isVisible()
    with qtbot.waitSignal(dialog.rejected):  # the Quit button still quits
        qtbot.mouseClick(dialog.quit_button, Qt.MouseButton.LeftButton)


def test_wide_enough_for_its_sentence(qtbot: QtBot, worker: DbWorker, existing: Path) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    try:
        for percent in (100, 150, 200):
            apply_theme(app, Settings(text_scale_percent=percent, high_contrast=percent > 100))
            dialog = make_dialog(qtbot, worker, existing)
            assert dialog.width() >= dialog.minimumWidth() >= MIN_WIDTH
            intro = next(label for label in dialog.findChildren(QLabel) if "laptop" in label.text())
            qtbot.waitUntil(lambda i=intro: i.width() > 0)
            # The sentence fits on one line: no word wraps onto a line of its own.
            assert intro.fontMetrics().horizontalAdvance(intro.text()) <= intro.width()
            dialog.close()
    finally:
        reset_theme(app)


def test_buttons_have_words_and_no_icons(qtbot: QtBot, worker: DbWorker, existing: Path) -> None:
    dialog = make_dialog(qtbot, worker, existing)
    for button in dialog.buttons.findChildren(QPushButton):
        assert button.icon().isNull(), button.text()
        assert button.accessibleName()


def test_tab_cycles_back_to_the_passphrase(qtbot: QtBot, worker: DbWorker, existing: Path) -> None:
    # WCAG 2.4.3: Tab goes passphrase → Unlock → Quit and then back to the passphrase
    # (it used to go Unlock → Quit → Unlock and never return); Shift+Tab goes back.
    dialog = make_dialog(qtbot, worker, existing)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.passphrase_edit.hasFocus())
    seen = []
    for _ in range(6):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    edit, unlock, quit_ = dialog.passphrase_edit, dialog.unlock_button, dialog.quit_button
    assert seen == [unlock, quit_, edit, unlock, quit_, edit]
    backwards = []
    for _ in range(3):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab)
        backwards.append(QApplication.focusWidget())
    assert backwards == [quit_, unlock, edit]
