"""One run of the app: create or unlock the workspace, show it, lock it, quit.

Each unlock gets a fresh database worker; locking closes the workspace on its thread
and stops that thread, so nothing of the unlocked workspace outlives the lock.

While the workspace is open the session also runs the S15-S17 guards (``ui.security``):
the idle lock and the OS screen-lock watch lock it the same way Ctrl+L does, F12 drives
the privacy screen, and the clipboard guard clears copies on a timer and on every lock.
A ``RestorePoint`` remembers where the person was, so unlocking returns them there.

A guide file that cannot be used ends the run: the workspace is closed (or never
opened) and a window says which guide, which line and what is wrong (``ui.guide_problem``);
``exit_code`` is then the guide's code. ``stop`` ends the run on SIGTERM or Ctrl+C from
any state, waiting only briefly for an operation the database thread is running.
"""

from __future__ import annotations

import logging
import signal
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from msp_desktop.exit_codes import ExitCode
from msp_desktop.guide import GuideError, available_guides
from msp_desktop.settings import Settings, load_settings
from msp_desktop.store import Workspace
from ui import actions
from ui.create_workspace_dialog import CreateWorkspaceDialog
from ui.db_worker import DbWorker
from ui.guide_problem import guide_problem_box
from ui.main_window import MainWindow
from ui.security.clipboard_guard import MS_PER_SECOND, ClipboardGuard
from ui.security.idle_lock import MS_PER_MINUTE, IdleLock
from ui.security.privacy_screen import PrivacyScreen
from ui.security.rekey_dialog import RekeyDialog
from ui.security.restore_point import RestorePoint
from ui.settings_dialog import SettingsDialog
from ui.theme import apply_theme
from ui.unlock_dialog import UnlockDialog

# The actions that only make sense while the workspace is open.
_OPEN_ONLY = (actions.PRIVACY.id, actions.SETTINGS.id)

# On a stop signal the operation the database thread is running gets this long to end:
# a logout waits a few seconds before killing, and an unfinished change is rolled back
# by SQLite on the next open either way (the kill -9 tests prove that).
STOP_WAIT_MS = 1_500

log = logging.getLogger("msp.ui")


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
        self.rekey_dialog: RekeyDialog | None = None
        self.problem_box: QMessageBox | None = None
        self.exit_code: int = ExitCode.OK
        self.worker_left_running = False
        self._ended = False

    def start(self) -> None:
        """Show the create dialog on first use, the unlock dialog otherwise.

        Every guide is read first: a broken one is reported before a passphrase is asked.
        """
        self._apply_theme()
        try:
            available_guides()
        except GuideError as exc:
            self._guide_broken(exc)
            return
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
        window.action(actions.REKEY.id).triggered.connect(self.open_rekey)
        self.privacy = PrivacyScreen(window, window.action(actions.PRIVACY.id))
        # The caseload's search is not kept across a lock: what was typed is often a
        # person's name, and nothing personal stays in memory while locked.
        window.show()
        return window

    def _unlocked(self) -> None:
        self.dialog = None
        assert self.worker is not None
        if self.window is None:
            try:
                self.window = self._new_window()
            except GuideError as exc:  # a guide file added or changed since the start
                self.worker.stop()  # the workspace is closed before anything is shown
                self.worker = None
                self._guide_broken(exc)
                return
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
        if self.rekey_dialog is not None:
            self.rekey_dialog.reject()

    # -- "my passphrase may be known" --------------------------------------------------

    def open_rekey(self) -> None:
        """Show the re-key dialog (without blocking) while the workspace is open."""
        if self.rekey_dialog is not None:
            self.rekey_dialog.raise_()
            self.rekey_dialog.activateWindow()
            return
        if self.worker is None or self.window is None or self.dialog is not None:
            return
        dialog = RekeyDialog(self.worker, self.folder, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished_rekey.connect(self._rekey_came_back)
        dialog.finished.connect(self._rekey_closed)
        self.rekey_dialog = dialog
        dialog.open()

    def _rekey_came_back(self, closed: bool) -> None:
        if closed:  # neither passphrase opened it again: ask for it, as after a lock
            self.lock()

    def _rekey_closed(self) -> None:
        self.rekey_dialog = None

    def apply_settings(self, settings: Settings) -> None:
        """Use ``settings`` from now on: timers, text size and colours."""
        self.settings = settings
        self.idle_lock.set_minutes(settings.idle_lock_minutes)
        self.clipboard.set_seconds(settings.clipboard_clear_seconds)
        self._apply_theme()

    def _guide_broken(self, error: GuideError) -> None:
        """Say what is wrong with the guide; closing the window ends the run."""
        self.exit_code = ExitCode.GUIDE_INVALID
        log.log(logging.WARNING, "A guide file cannot be used: %s", error.message)
        box = guide_problem_box(error)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(self.end)
        self.problem_box = box
        box.open()

    def stop(self, signum: int) -> None:
        """End the run because of a stop signal (SIGTERM, Ctrl+C) in whatever state.

        The outcome already decided (a guide problem) keeps its exit code; Ctrl+C on an
        otherwise good run exits 130, SIGTERM 0 (an ordinary end, as a logout asks).
        """
        log.info("Stopping on signal %s", signum)
        if signum == signal.SIGINT and self.exit_code == ExitCode.OK:
            self.exit_code = ExitCode.INTERRUPTED
        self.end(wait_ms=STOP_WAIT_MS)

    def _apply_theme(self) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, self.settings)

    def end(self, wait_ms: int | None = None) -> None:
        """Close the workspace, stop the worker and close every window.

        ``wait_ms`` bounds the wait for an operation still running on the database
        thread; ``worker_left_running`` then says it did not end in time.
        """
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
            stopped = self.worker.stop() if wait_ms is None else self.worker.stop(wait_ms)
            self.worker_left_running = not stopped
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.close()
        self.dialog = None
        if self.problem_box is not None:
            box, self.problem_box = self.problem_box, None
            box.close()
        if self.window is not None:
            window, self.window = self.window, None
            window.close()
        self.finished.emit()
