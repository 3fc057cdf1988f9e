""" "My passphrase may be known…" in the app: real widgets, a real workspace, real SQLCipher."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from msp_desktop.store import Workspace
from msp_desktop.store.connection import open_encrypted
from msp_desktop.store.keyslots import load_key_file
from msp_desktop.store.owner_lock import Holder
from tests.ui import helpers
from tests.ui.helpers import PASSPHRASE, file_hashes, wait_idle
from ui import actions
from ui.main_window import MainWindow
from ui.security.rekey_dialog import RekeyDialog
from ui.session import Session
from ui.unlock_dialog import UnlockDialog

NEW = "a passphrase nobody has seen yet"


@pytest.fixture
def session(qtbot: QtBot, existing: Path) -> Iterator[Session]:
    running = Session(existing)
    running.start()
    yield running
    running.end()


def _open_dialog(qtbot: QtBot, session: Session) -> tuple[MainWindow, RekeyDialog]:
    window = helpers.unlock(qtbot, session, expect_people=3)
    window.action(actions.REKEY.id).trigger()
    dialog = session.rekey_dialog
    assert isinstance(dialog, RekeyDialog)
    qtbot.waitUntil(dialog.isVisible)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5_000)
    return window, dialog


def _fill(qtbot: QtBot, dialog: RekeyDialog, current: str, new: str, again: str) -> None:
    qtbot.keyClicks(dialog.current_edit, current)
    qtbot.keyClick(dialog.current_edit, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.new_edit, new)
    qtbot.keyClick(dialog.new_edit, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.again_edit, again)
    qtbot.keyClick(dialog.again_edit, Qt.Key.Key_Return)


def _opens_current(folder: Path, key_file: Path, passphrase: str) -> bool:
    raw_key = load_key_file(key_file).unwrap(passphrase)
    try:
        open_encrypted(Workspace.db_path(folder), raw_key).close()
    except Exception:  # noqa: BLE001 - any refusal means it does not open
        return False
    return True


def test_the_action_is_in_the_workspace_menu_named_and_only_while_unlocked(
    qtbot: QtBot, session: Session
) -> None:
    window = helpers.unlock(qtbot, session, expect_people=3)
    action = window.action(actions.REKEY.id)
    menu = window.menuBar().actions()[0].menu()
    assert isinstance(menu, QMenu)
    assert action in menu.actions()
    assert action.text() == "My passphrase may be &known…"
    assert action.isEnabled()
    assert "no longer open it" in action.toolTip()
    session.lock()
    assert not action.isEnabled()


def test_rekey_from_the_app_locks_out_the_old_key_file_and_keeps_working(
    qtbot: QtBot, session: Session, existing: Path, tmp_path: Path
) -> None:
    old_keys = tmp_path / "old.keys.json"
    shutil.copyfile(Workspace.keys_path(existing), old_keys)
    window, dialog = _open_dialog(qtbot, session)
    assert dialog.current_edit.hasFocus()
    assert "old key files and backups still open with it" in dialog.explanation.text()

    _fill(qtbot, dialog, PASSPHRASE, NEW, NEW)
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Done."), timeout=20_000)

    assert "older key files no longer open it" in dialog.status.text()
    assert dialog.current_edit.text() == dialog.new_edit.text() == ""
    assert not dialog.fields.isVisible()
    assert not dialog.rekey_button.isVisible()
    assert dialog.cancel_button.text() == "Close"
    assert not _opens_current(existing, old_keys, PASSPHRASE)
    assert _opens_current(existing, Workspace.keys_path(existing), NEW)
    # The window works on: the workspace was opened again, with the new key.
    worker = session.worker
    assert worker is not None
    count = helpers.on_worker(qtbot, worker, lambda ws: len(ws.people.search("")))
    assert count == 3
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: session.rekey_dialog is None)
    # Locking and unlocking takes the new passphrase.
    session.lock()
    unlock = session.dialog
    assert isinstance(unlock, UnlockDialog)
    with qtbot.waitSignal(unlock.accepted, timeout=10_000):
        qtbot.keyClicks(unlock.passphrase_edit, NEW)
        qtbot.keyClick(unlock.passphrase_edit, Qt.Key.Key_Return)
    assert window.isVisible()


@pytest.mark.parametrize(
    ("current", "new", "again", "sentence"),
    [
        ("not the passphrase", NEW, NEW, "Wrong passphrase for the workspace in"),
        (PASSPHRASE, NEW, "something else", "The two new passphrases are different."),
        (PASSPHRASE, PASSPHRASE, PASSPHRASE, "The new passphrase must differ from the current"),
    ],
)
def test_bad_input_is_said_in_the_dialog_and_changes_nothing(
    qtbot: QtBot,
    session: Session,
    existing: Path,
    current: str,
    new: str,
    again: str,
    sentence: str,
) -> None:
    _window, dialog = _open_dialog(qtbot, session)
    worker = session.worker
    assert worker is not None
    before = file_hashes(existing)
    _fill(qtbot, dialog, current, new, again)
    qtbot.waitUntil(dialog.error.isVisible, timeout=10_000)
    wait_idle(qtbot, worker)
    assert dialog.error.text().startswith(sentence)
    assert dialog.rekey_button.isEnabled()
    assert file_hashes(existing) == before
    assert worker.workspace is not None
    assert worker.workspace.is_open


def test_a_command_holding_the_workspace_is_named_and_the_app_keeps_its_workspace(
    qtbot: QtBot, session: Session, existing: Path
) -> None:
    _window, dialog = _open_dialog(qtbot, session)
    worker = session.worker
    assert worker is not None
    with Workspace.open(existing, PASSPHRASE, Holder.COMMAND):
        before = file_hashes(existing)
        _fill(qtbot, dialog, PASSPHRASE, NEW, NEW)
        qtbot.waitUntil(dialog.error.isVisible, timeout=20_000)
        assert dialog.error.text().startswith(
            "Cannot change the database key: an msp command has the workspace in "
        )
        assert file_hashes(existing) == before
    assert worker.workspace is not None  # opened again, with the passphrase it still has
    count = helpers.on_worker(qtbot, worker, lambda ws: len(ws.people.search("")))
    assert count == 3
