"""Every control a person can reach has a name a screen reader can speak."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QMenuBar,
    QPlainTextEdit,
    QScrollBar,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.ui.helpers import PASSPHRASE
from ui.create_workspace_dialog import CreateWorkspaceDialog
from ui.db_worker import DbWorker
from ui.main_window import MainWindow
from ui.unlock_dialog import UnlockDialog

INTERACTIVE = (
    QAbstractButton,
    QLineEdit,
    QAbstractItemView,
    QComboBox,
    QAbstractSpinBox,
    QAbstractSlider,
    QTextEdit,
    QPlainTextEdit,
    QMenuBar,
)


def unnamed(root: QWidget) -> list[str]:
    """Interactive widgets under ``root`` without an accessible name (scroll bars excepted:
    Qt names them itself, and they belong to the view that owns them)."""
    missing = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, INTERACTIVE):
            continue
        parent = widget.parentWidget()
        container = parent.objectName() if parent is not None else ""
        if isinstance(widget, QScrollBar) and container.startswith("qt_scrollarea_"):
            continue
        if not widget.accessibleName().strip():
            missing.append(f"{type(widget).__name__} {widget.objectName()!r}")
    return missing


def test_unlock_dialog(qtbot: QtBot, worker: DbWorker, folder: Path) -> None:
    dialog = UnlockDialog(worker, folder)
    qtbot.addWidget(dialog)
    assert unnamed(dialog) == []


def test_create_dialog(qtbot: QtBot, worker: DbWorker, folder: Path) -> None:
    dialog = CreateWorkspaceDialog(worker, folder)
    qtbot.addWidget(dialog)
    assert unnamed(dialog) == []


def test_main_window(qtbot: QtBot, worker: DbWorker, existing: Path) -> None:
    with qtbot.waitSignal(worker.opened, timeout=10_000):
        worker.open_workspace(existing, PASSPHRASE, lambda _r: None, lambda _e: None)
    window = MainWindow()
    qtbot.addWidget(window)
    window.attach(worker)
    window.show()
    qtbot.waitUntil(lambda: window.caseload.model.rowCount() == 3, timeout=5_000)
    assert unnamed(window) == []
    window.detach()


def test_labels_have_buddies(qtbot: QtBot, worker: DbWorker, folder: Path) -> None:
    for dialog in (UnlockDialog(worker, folder), CreateWorkspaceDialog(worker, folder)):
        qtbot.addWidget(dialog)
        mnemonic_labels = [label for label in dialog.findChildren(QLabel) if "&" in label.text()]
        assert mnemonic_labels
        assert all(label.buddy() is not None for label in mnemonic_labels)


def test_tab_order_follows_reading_order(qtbot: QtBot, worker: DbWorker, folder: Path) -> None:
    dialog = CreateWorkspaceDialog(worker, folder)
    qtbot.addWidget(dialog)
    order = [dialog.name_edit]
    while len(order) < 5:
        order.append(order[-1].nextInFocusChain())
        while order[-1].focusPolicy() == order[-1].focusPolicy().NoFocus:
            order[-1] = order[-1].nextInFocusChain()
    assert order == [
        dialog.name_edit,
        dialog.passphrase_edit,
        dialog.again_edit,
        dialog.create_button,
        dialog.cancel_button,
    ]
