"""One run of the app: create or unlock the workspace, show it, lock it, quit.

Each unlock gets a fresh database worker; locking closes the workspace on its thread
and stops that thread, so nothing of the unlocked workspace outlives the lock.

While the workspace is open the session also runs the S15-S17 guards (``ui.security``):
the idle lock and the OS screen-lock watch lock it the same way Ctrl+L does, F12 drives
the privacy screen, and the clipboard guard clears copies on a timer and on every lock.
A ``RestorePoint`` remembers where the person was, so unlocking returns them there.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QDialog

from msp_desktop.settings import Settings, load_settings
from msp_desktop.store import Workspace
from ui import actions
from ui.create_workspace_dialog import CreateWorkspaceDialog
from ui.db_worker import DbWorker
from ui.main_window import MainWindow
from ui.security.clipboard_guard import MS_PER_SECOND, ClipboardGuard
from ui.security.idle_lock import MS_PER_MINUTE, IdleLock
from ui.security.privacy_screen import PrivacyScreen
from ui.security.restore_point import RestorePoint
from ui.settings_dialog import SettingsDialog
from ui.theme import apply_theme
from ui.unlock_dialog import UnlockDialog

# The actions that only make sense while the workspace is open.
_OPEN_ONLY = (actions.PRIVACY.id, actions.SETTINGS.id)


class Session(QObject):
    """Owns the main window, the current dialog, the database worker and the guards.

    ``settings_path`` defaults to the settings file of this login; ``ms_per_minute`` and
    ``ms_per_second`` shorten the idle lock and clipboard timers in tests.
    """

    finished = Signal()

    def __init__(
        self,
        folder: Path,
        parent: QObject | None = None,
        *,
        settings_path: Path | None = None,
        ms_per_minute: int = MS_PER_MINUTE,
        ms_per_second: int = MS_PER_SECOND,
    ) -> None:
        super().__init__(parent)
        self.folder = folder
        self.worker: DbWorker | None = None
        self.window: MainWindow | None = None
        self.dialog: QDialog | None = None
        self.settings_path = settings_path
        self.settings = load_settings(settings_path)
        self.idle_lock = IdleLock(
            self.settings.idle_lock_minutes, self, ms_per_minute=ms_per_minute
        )
        self.idle_lock.idle.connect(self.lock)
        self.idle_lock.os_locked.connect(self.lock)
        self.clipboard = ClipboardGuard(
            self.settings.clipboard_clear_seconds, self, ms_per_second=ms_per_second
        )
        self.privacy: PrivacyScreen | None = None
        self.restore_point = RestorePoint()
        self.settings_dialog: SettingsDialog | None = None
        self._ended = False

    def start(self) -> None:
        """Show the create dialog on first use, the unlock dialog otherwise."""
        self._apply_theme()
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

    def _new_window(self) -> MainWindow:
        window = MainWindow()
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.lock_requested.connect(self.lock)
        window.closing.connect(self.end)
        window.action(actions.SETTINGS.id).triggered.connect(self.open_settings)
        self.privacy = PrivacyScreen(window, window.action(actions.PRIVACY.id))
        # The caseload's search is not kept across a lock: what was typed is often a
        # person's name, and nothing personal stays in memory while locked.
        window.show()
        return window

    def _unlocked(self) -> None:
        self.dialog = None
        assert self.worker is not None
        if self.window is None:
            self.window = self._new_window()
        self.window.attach(self.worker)
        for action_id in _OPEN_ONLY:
            self.window.action(action_id).setEnabled(True)
        self.restore_point.restore()
        self.window.activateWindow()
        self.idle_lock.start()

    def lock(self) -> None:
        """Empty the window, close the workspace and ask for the passphrase again.

        Ctrl+L, the idle lock and the OS screen lock all come here. Nothing happens while
        the workspace is not open (a create or unlock dialog is showing).
        """
        if self._ended or self.dialog is not None:
            return
        self.idle_lock.stop()
        self._close_settings()
        if self.window is not None:
            self.restore_point.save()
            self.window.detach()
            for action_id in _OPEN_ONLY:
                self.window.action(action_id).setEnabled(False)
        if self.privacy is not None:
            self.privacy.set_on(False)  # the views are empty now; the passphrase is next
        self.clipboard.clear()
        if self.worker is not None:
            self.worker.stop()
            self.worker = None
        self._ask_unlock()

    # -- settings ----------------------------------------------------------------------

    def open_settings(self) -> None:
        """Show the settings dialog (without blocking); saving applies them at once."""
        if self.settings_dialog is not None:
            self.settings_dialog.raise_()
            self.settings_dialog.activateWindow()
            return
        window = self.window
        dialog = SettingsDialog(
            self.settings,
            self.settings_path,
            window,
            workspace_open=window is not None and window.worker is not None,
        )
        if window is not None:
            dialog.team_details_requested.connect(
                lambda: window.documents.open_team_details(parent=dialog)
            )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.applied.connect(self.apply_settings)
        dialog.finished.connect(self._settings_closed)
        self.settings_dialog = dialog
        dialog.open()

    def _settings_closed(self) -> None:
        self.settings_dialog = None

    def _close_settings(self) -> None:
        if self.settings_dialog is not None:
            self.settings_dialog.reject()

    def apply_settings(self, settings: Settings) -> None:
        """Use ``settings`` from now on: timers, text size and colours."""
        self.settings = settings
        self.idle_lock.set_minutes(settings.idle_lock_minutes)
        self.clipboard.set_seconds(settings.clipboard_clear_seconds)
        self._apply_theme()

    def _apply_theme(self) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, self.settings)

    def end(self) -> None:
        """Close the workspace, stop the worker and close every window."""
        if self._ended:
            return
        self._ended = True
        self.idle_lock.stop()
        self._close_settings()
        self.clipboard.close()
        self.restore_point.forget()
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
