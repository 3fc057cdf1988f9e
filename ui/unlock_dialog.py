"""The unlock dialog: the passphrase opens the workspace on the worker thread."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLayout,
    QVBoxLayout,
    QWidget,
)

from msp_desktop.errors import KnownError, WorkspaceDamaged, WrongPassphrase
from msp_desktop.store.throttle import unlock_delay
from ui.a11y import StatusLabel, buddy, name_buttons
from ui.db_worker import DbWorker
from ui.dialog_parts import InlineError, heading, is_plain_escape, paragraph, plain_buttons
from ui.i18n import tr, tr_n
from ui.messages import error_sentence
from ui.security.passphrase_edit import PassphraseEdit

MIN_WIDTH = 520


class UnlockDialog(QDialog):
    """Asks for the passphrase; accepted once the worker holds the open workspace."""

    def __init__(self, worker: DbWorker, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._folder = folder
        self.failures = 0
        self._wait_left = 0
        self._damaged = False
        self.setWindowTitle(tr("Unlock your workspace"))
        self.setObjectName("dialog.unlock")

        self.passphrase_edit = PassphraseEdit(tr("Passphrase"), self)
        self.passphrase_edit.setMinimumWidth(320)
        self.passphrase_edit.setObjectName("unlock.passphrase")
        self.error = InlineError(self)
        # "Unlocking…" is announced; the "Wait N seconds" countdown is not (see _show_wait).
        self.status = StatusLabel(tr("Unlock status"), self)
        self.status.setWordWrap(True)
        self.status.hide()
        self._countdown = QTimer(self)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self._tick)

        form = QFormLayout()
        form.addRow(buddy(tr("&Passphrase"), self.passphrase_edit, self), self.passphrase_edit)

        self.buttons = QDialogButtonBox(self)
        self.unlock_button = self.buttons.addButton(
            tr("&Unlock"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.unlock_button.setObjectName("unlock.unlock")
        self.unlock_button.setDefault(True)
        self.quit_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.quit_button.setText(tr("&Quit"))
        self.quit_button.setObjectName("unlock.quit")
        name_buttons(self.buttons)
        plain_buttons(self.buttons)
        self.buttons.accepted.connect(self._unlock)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        # Grow with the inline error rather than squeezing it.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(14)
        layout.addWidget(heading(tr("Unlock your workspace"), self))
        intro = paragraph(tr("Type your passphrase to open the records kept on this laptop."), self)
        layout.addWidget(intro)
        # Wide enough for the sentence on one line at any text size (never a lone word
        # wrapped onto a line of its own), and never narrower than MIN_WIDTH.
        margins = layout.contentsMargins()
        sides = margins.left() + margins.right()
        sentence = intro.fontMetrics().horizontalAdvance(intro.text()) + 4
        intro.setMinimumWidth(max(MIN_WIDTH - sides, sentence))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        self.passphrase_edit.setFocus()

    def focusNextPrevChild(self, next: bool) -> bool:
        # Tab cycles passphrase → Unlock → Quit → passphrase. setTabOrder alone does
        # not hold: the button box re-chains its buttons into a loop of their own when
        # it lays them out, so Tab from Quit went back to Unlock, never the passphrase.
        chain = [
            widget
            for widget in (self.passphrase_edit, self.unlock_button, self.quit_button)
            if widget.isEnabled() and widget.isVisible()
        ]
        current = QApplication.focusWidget()
        if current not in chain:
            return super().focusNextPrevChild(next)
        step = 1 if next else -1
        chain[(chain.index(current) + step) % len(chain)].setFocus(
            Qt.FocusReason.TabFocusReason if next else Qt.FocusReason.BacktabFocusReason
        )
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Escape would reject the dialog, which ends the whole app: a stray key must
        # not do that. The Quit button (Alt+Q) is there for quitting.
        if is_plain_escape(event):
            event.accept()
            return
        super().keyPressEvent(event)

    @property
    def waiting_seconds(self) -> int:
        """Seconds left before another try is allowed (0 when it is allowed now)."""
        return self._wait_left

    def _set_working(self, working: bool) -> None:
        self.passphrase_edit.setEnabled(not working and not self._damaged)
        self.unlock_button.setEnabled(not working and not self._damaged and not self._wait_left)
        # Shown first: a hidden line's words are not announced.
        self.status.setVisible(working)
        self.status.set_status(tr("Unlocking…") if working else "")

    def _unlock(self) -> None:
        if self._damaged or self._wait_left:
            return
        self.error.clear_error(self.passphrase_edit)
        self._set_working(True)
        self._worker.open_workspace(
            self._folder, self.passphrase_edit.text(), self._unlocked, self._failed
        )

    def _unlocked(self, _result: object) -> None:
        self.failures = 0
        self.passphrase_edit.wipe()
        self._set_working(False)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.passphrase_edit.wipe()
        if isinstance(exc, WorkspaceDamaged):
            # Trying again cannot help and must not touch the files: say what to do.
            self._damaged = True
            self._set_working(False)
            self.error.say(exc.message, self.quit_button)
            return
        if isinstance(exc, WrongPassphrase):
            self.failures += 1
            self._wait_left = unlock_delay(self.failures)
        self._set_working(False)
        sentence = exc.message if isinstance(exc, KnownError) else error_sentence(exc)
        self.error.say(sentence, self.passphrase_edit)
        if self._wait_left:
            self._show_wait()
            self._countdown.start()

    def _show_wait(self) -> None:
        # Silent: spoken every second it would talk over the wrong-passphrase sentence
        # and everything after it. The line still reads it, for a reader who asks.
        self.status.setVisible(True)
        self.status.set_status(
            tr_n(
                "Wait {count} second before trying again.",
                "Wait {count} seconds before trying again.",
                self._wait_left,
            ),
            speak=False,
        )

    def _tick(self) -> None:
        self._wait_left = max(0, self._wait_left - 1)
        if self._wait_left:
            self._show_wait()
            return
        self._countdown.stop()
        self._set_working(False)
        self.passphrase_edit.setFocus()
