"""The first-run dialog, against a real workspace on tmp_path."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from msp_desktop.store import Workspace
from tests.ui.helpers import PASSPHRASE, WORKER_NAME, wait_idle
from ui.create_workspace_dialog import CreateWorkspaceDialog
from ui.db_worker import DbWorker
from ui.security.passphrase_edit import PassphraseEdit


def make_dialog(qtbot: QtBot, worker: DbWorker, folder: Path) -> CreateWorkspaceDialog:
    dialog = CreateWorkspaceDialog(worker, folder)
    qtbot.addWidget(dialog)
    dialog.open()
    return dialog


def fill(
    qtbot: QtBot, dialog: CreateWorkspaceDialog, name: str, passphrase: str, again: str
) -> None:
    qtbot.keyClicks(dialog.name_edit, name)
    qtbot.keyClicks(dialog.passphrase_edit, passphrase)
    qtbot.keyClicks(dialog.again_edit, again)


def test_passphrase_fields_are_masked(qtbot: QtBot, worker: DbWorker, folder: Path) -> None:
    dialog = make_dialog(qtbot, worker, folder)
    for field in (dialog.passphrase_edit, dialog.again_edit):
        assert isinstance(field, PassphraseEdit)
        assert field.echoMode() == PassphraseEdit.EchoMode.Password
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert any("Nobody can open them without this passphrase" in text for text in texts)
    # Every field's label moves focus to it (Alt+letter) and names it.
    buddies = {label.buddy() for label in dialog.findChildren(QLabel) if label.buddy()}
    assert buddies == {dialog.name_edit, dialog.passphrase_edit, dialog.again_edit}


def test_mismatch_is_explained_and_nothing_is_created(
    qtbot: QtBot, worker: DbWorker, folder: Path
) -> None:
    dialog = make_dialog(qtbot, worker, folder)
    fill(qtbot, dialog, WORKER_NAME, PASSPHRASE, PASSPHRASE + "x")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.error.isVisible()
    assert dialog.error.text() == (
        "The two passphrases are different. Type the same passphrase in both boxes."
    )
    assert dialog.again_edit.text() == ""
    assert not folder.exists()
    assert dialog.result() == 0


def test_missing_name_is_explained(qtbot: QtBot, worker: DbWorker, folder: Path) -> None:
    dialog = make_dialog(qtbot, worker, folder)
    fill(qtbot, dialog, "   ", PASSPHRASE, PASSPHRASE)
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert "Type your name" in dialog.error.text()
    assert not folder.exists()


def test_too_short_shows_the_core_sentence(qtbot: QtBot, worker: DbWorker, folder: Path) -> None:
    dialog = make_dialog(qtbot, worker, folder)
    fill(qtbot, dialog, WORKER_NAME, "short", "short")
    qtbot.keyClick(dialog.again_edit, Qt.Key.Key_Return)
    wait_idle(qtbot, worker)
    assert dialog.error.isVisible()
    assert dialog.error.text().startswith("Choose a passphrase of at least 8 characters")
    assert dialog.passphrase_edit.isEnabled()
    assert not Workspace.exists(folder)
    assert worker.workspace is None


def test_success_creates_the_workspace_and_keeps_it_open(
    qtbot: QtBot, worker: DbWorker, folder: Path
) -> None:
    dialog = make_dialog(qtbot, worker, folder)
    fill(qtbot, dialog, WORKER_NAME, PASSPHRASE, PASSPHRASE)
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert (folder / "workspace.db").is_file()
    assert (folder / "workspace.keys.json").is_file()
    assert worker.workspace is not None
    assert worker.workspace.is_open
    assert dialog.passphrase_edit.text() == ""
    results: list[tuple[str, int]] = []
    worker.submit(lambda ws: (ws.worker, ws.people.count()), results.append)
    wait_idle(qtbot, worker)
    assert results == [(WORKER_NAME, 0)]


def test_an_existing_workspace_is_never_replaced(
    qtbot: QtBot, worker: DbWorker, existing: Path
) -> None:
    dialog = make_dialog(qtbot, worker, existing)
    fill(qtbot, dialog, WORKER_NAME, PASSPHRASE, PASSPHRASE)
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, worker)
    assert "already exists" in dialog.error.text()
    assert worker.workspace is None


def test_escape_keeps_what_was_typed(qtbot: QtBot, worker: DbWorker, folder: Path) -> None:
    dialog = make_dialog(qtbot, worker, folder)
    qtbot.keyClicks(dialog.name_edit, WORKER_NAME)
    rejected: list[bool] = []
    dialog.rejected.connect(lambda: rejected.append(True))
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Escape)
    assert rejected == []
    assert dialog.isVisible()
    assert dialog.name_edit.text() == WORKER_NAME
    assert dialog.create_button.icon().isNull()
    assert dialog.cancel_button.icon().isNull()
