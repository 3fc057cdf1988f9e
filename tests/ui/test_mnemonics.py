"""Alt+letter in the windows met before and around the caseload: no two controls of a
window share a letter, and each letter, pressed, reaches its control (tests/ui/mnemonics.py).

The person page and its dialogs, the visit and the sync page have theirs in
tests/ui/person, tests/ui/visit and tests/ui/sync (test_*_mnemonics.py).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from msp_desktop.settings import Settings
from tests.ui.helpers import PASSPHRASE
from tests.ui.mnemonics import ALT, check_window, clashes, collect, press_each
from ui.create_workspace_dialog import CreateWorkspaceDialog
from ui.db_worker import DbWorker
from ui.documents.copy_dialog import CopyDialog
from ui.main_window import MainWindow
from ui.settings_dialog import SettingsDialog
from ui.unlock_dialog import UnlockDialog


def test_unlock_dialog(qtbot: QtBot, worker: DbWorker, existing: Path) -> None:
    dialog = UnlockDialog(worker, existing)
    qtbot.addWidget(dialog)
    dialog.show()
    found = check_window(qtbot, dialog)
    assert {m.keys for m in found} == {"Alt+P", "Alt+U", "Alt+Q"}


def test_create_workspace_dialog(qtbot: QtBot, worker: DbWorker, folder: Path) -> None:
    dialog = CreateWorkspaceDialog(worker, folder)
    qtbot.addWidget(dialog)
    dialog.show()
    found = check_window(qtbot, dialog)
    assert {m.keys for m in found} == {"Alt+N", "Alt+P", "Alt+A", "Alt+C", "Alt+Q"}


def test_settings_dialog(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = SettingsDialog(Settings(), tmp_path / "settings.json")
    qtbot.addWidget(dialog)
    dialog.show()
    found = check_window(qtbot, dialog)
    assert {"Alt+L", "Alt+C", "Alt+T", "Alt+H"} <= {m.keys for m in found}


def test_copy_dialog(qtbot: QtBot) -> None:
    dialog = CopyDialog("en")
    qtbot.addWidget(dialog)
    dialog.show()
    check_window(qtbot, dialog)


def test_main_window_on_the_caseload(qtbot: QtBot, worker: DbWorker, existing: Path) -> None:
    with qtbot.waitSignal(worker.opened, timeout=10_000):
        worker.open_workspace(existing, PASSPHRASE, lambda _r: None, lambda _e: None)
    window = MainWindow()
    qtbot.addWidget(window)
    window.attach(worker)
    window.show()
    qtbot.waitUntil(lambda: window.caseload.model.rowCount() == 3, timeout=5_000)
    found = check_window(qtbot, window)
    assert {"Alt+W", "Alt+S"} <= {m.keys for m in found}
    window.detach()


def test_a_letter_pressed_through_clicks_its_button(qtbot: QtBot, tmp_path: Path) -> None:
    # The checks above stop a button's shortcut before it acts; here it acts.
    dialog = SettingsDialog(Settings(), tmp_path / "settings.json")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert not dialog.contrast_check.isChecked()
    qtbot.keyClick(dialog.idle_spin, Qt.Key.Key_H, ALT)
    qtbot.waitUntil(dialog.contrast_check.isChecked, timeout=2000)
    assert QApplication.focusWidget() is dialog.contrast_check


def test_the_checks_see_a_clash_and_a_letter_that_reaches_the_wrong_control(
    qtbot: QtBot, tmp_path: Path
) -> None:
    # The checks themselves can fail: give "Text size" the letter of "Lock after".
    dialog = SettingsDialog(Settings(), tmp_path / "settings.json")
    qtbot.addWidget(dialog)
    dialog.show()
    label = next(m.owner for m in collect(dialog) if m.keys == "Alt+T")
    label.setText("&Lock size")  # type: ignore[attr-defined]
    assert clashes(collect(dialog)) == ["Alt+L: label '&Lock after', label '&Lock size'"]
    failures = press_each(qtbot, dialog)
    assert failures == [
        "Alt+L label '&Lock after': the key went to QLabel (ambiguous)",
        "Alt+L label '&Lock size': the key went to QLabel (ambiguous)",
    ]
