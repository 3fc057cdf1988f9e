"""One run of the app: create or unlock the workspace, show it, lock it, quit.

Each unlock gets a fresh database worker; locking closes the workspace on its thread
and stops that thread, so nothing of the unlocked workspace outlives the lock.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QDialog

from msp_desktop.store import Workspace
from ui.create_workspace_dialog import CreateWorkspaceDialog
from ui.db_worker import DbWorker
from ui.main_window import MainWindow
from ui.unlock_dialog import UnlockDialog


class Session(QObject):
    """Owns the main window, the current dialog and the database worker."""

    finished = Signal()

    def __init__(self, folder: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.folder = folder
        self.worker: DbWorker | None = None
        self.window: MainWindow | None = None
        self.dialog: QDialog | None = None
        self._ended = False

    def start(self) -> None:
        """Show the create dialog on first use, the unlock dialog otherwise."""
        if Workspace.exists(self.folder):
            self._ask_unlock()
        else:
            self._ask_create()

    def _new_worker(self) -> DbWorker:
        if self.worker is not None:
            self.worker.stop()
        self.worker = DbWorker(self)
        return self.worker

    def _show_dialog(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self._unlocked)
        dialog.rejected.connect(self.end)
        dialog.open()

    def _ask_create(self) -> None:
        self._show_dialog(CreateWorkspaceDialog(self._new_worker(), self.folder, self.window))

    def _ask_unlock(self) -> None:
        self._show_dialog(UnlockDialog(self._new_worker(), self.folder, self.window))

    def _unlocked(self) -> None:
        self.dialog = None
        assert self.worker is not None
        if self.window is None:
            self.window = MainWindow()
            self.window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.window.lock_requested.connect(self.lock)
            self.window.closing.connect(self.end)
            self.window.show()
        self.window.attach(self.worker)
        self.window.activateWindow()

    def lock(self) -> None:
        """Empty the window, close the workspace and ask for the passphrase again."""
        if self.window is not None:
            self.window.detach()
        if self.worker is not None:
            self.worker.stop()
            self.worker = None
        self._ask_unlock()

    def end(self) -> None:
        """Close the workspace, stop the worker and close every window."""
        if self._ended:
            return
        self._ended = True
        if self.window is not None:
            self.window.detach()
        if self.worker is not None:
            self.worker.stop()
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.close()
        self.dialog = None
        if self.window is not None:
            window, self.window = self.window, None
            window.close()
        self.finished.emit()
