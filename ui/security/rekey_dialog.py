""" "My passphrase may be known…": a new database key and passphrase (``msp rekey``).

The dialog says in plain words what the action does and what it does not, asks the
current passphrase and a new one (twice), runs the re-key on the database thread
(``DbWorker.rekey_workspace``) and then says what happened, in the same dialog.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLayout,
    QVBoxLayout,
    QWidget,
)

from msp_desktop.errors import InvalidInput, KnownError, WrongPassphrase
from msp_desktop.services.rekey import RekeyResult
from ui.a11y import StatusLabel, buddy, name_buttons
from ui.db_worker import DbWorker
from ui.dialog_parts import InlineError, heading, paragraph, plain_buttons
from ui.i18n import tr, tr_n
from ui.messages import error_sentence
from ui.screen_fit import keep_on_screen
from ui.security.passphrase_edit import PassphraseEdit


def report(result: RekeyResult) -> str:
    """What a finished re-key means for the worker, in plain words."""
    lines = [
        tr(
            "Done. Your workspace has a new key and your new passphrase. The old passphrase "
            "and older key files no longer open it, and every record was kept."
        )
    ]
    if result.backups_marked:
        lines.append(
            tr_n(
                "The backup made before still opens only with the old passphrase. Make a "
                "new backup now, and destroy the old one when it is safe to.",
                "The {count} backups made before still open only with the old passphrase. "
                "Make a new backup now, and destroy the old ones when it is safe to.",
                result.backups_marked,
            )
        )
    if result.recovery_renewed:
        lines.append(tr("The office can still recover the workspace if you forget it."))
    elif result.recovery_dropped:
        lines.append(
            tr(
                "The office can no longer recover the workspace: import the office keys "
                "again on the sync page."
            )
        )
    return "\n\n".join(lines)


class RekeyDialog(QDialog):
    """Asks the current and the new passphrase, re-keys, and reports in place.

    ``finished_rekey(closed)`` is emitted once the re-key has come back; ``closed`` is
    True when the workspace could not be opened again (the window must then lock).
    """

    finished_rekey = Signal(bool)

    def __init__(self, worker: DbWorker, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        keep_on_screen(self)  # within the screen at any text size
        self._worker = worker
        self._folder = folder
        self.setWindowTitle(tr("My passphrase may be known"))
        self.setObjectName("dialog.rekey")

        self.current_edit = PassphraseEdit(tr("Current passphrase"), self)
        self.current_edit.setMinimumWidth(320)
        self.current_edit.setObjectName("rekey.current")
        self.new_edit = PassphraseEdit(tr("New passphrase"), self)
        self.new_edit.setObjectName("rekey.new")
        self.again_edit = PassphraseEdit(tr("New passphrase again"), self)
        self.again_edit.setObjectName("rekey.again")
        self.error = InlineError(self)
        self.status = StatusLabel(tr("What happened"), self)
        self.status.setObjectName("rekey.status")
        self.status.setWordWrap(True)
        self.status.hide()

        # The fields sit in one widget, hidden whole once the re-key is done.
        self.fields = QWidget(self)
        form = QFormLayout(self.fields)
        form.setContentsMargins(0, 0, 0, 0)
        form.setVerticalSpacing(10)
        form.addRow(buddy(tr("&Current passphrase"), self.current_edit, self), self.current_edit)
        form.addRow(buddy(tr("&New passphrase"), self.new_edit, self), self.new_edit)
        form.addRow(buddy(tr("New passphrase &again"), self.again_edit, self), self.again_edit)

        self.buttons = QDialogButtonBox(self)
        self.rekey_button = self.buttons.addButton(
            tr("Change the &key"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.rekey_button.setObjectName("rekey.rekey")
        self.rekey_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setText(tr("Cancel"))
        self.cancel_button.setObjectName("rekey.cancel")
        name_buttons(self.buttons)
        plain_buttons(self.buttons)
        self.buttons.accepted.connect(self._rekey)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(14)
        layout.addWidget(heading(tr("My passphrase may be known"), self))
        self.explanation = paragraph(
            tr(
                "If someone else may know your passphrase, changing it is not enough: your "
                "old key files and backups still open with it. This gives your workspace a "
                "new key, so the old passphrase and older key files no longer open it. "
                "Backups made before keep the old passphrase: make a new backup afterwards. "
                "The workspace closes for a moment while this runs."
            ),
            self,
        )
        layout.addWidget(self.explanation)
        layout.addWidget(self.fields)
        layout.addWidget(self.error)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        QWidget.setTabOrder(self.current_edit, self.new_edit)
        QWidget.setTabOrder(self.new_edit, self.again_edit)
        QWidget.setTabOrder(self.again_edit, self.rekey_button)
        QWidget.setTabOrder(self.rekey_button, self.cancel_button)
        self.current_edit.setFocus()

    def _fields(self) -> tuple[PassphraseEdit, ...]:
        return (self.current_edit, self.new_edit, self.again_edit)

    def _set_working(self, working: bool) -> None:
        for widget in (*self._fields(), self.rekey_button, self.cancel_button):
            widget.setEnabled(not working)
        if working:
            self.status.show()
            self.status.set_status(tr("Changing the key of your workspace…"))
            self.adjustSize()

    def _rekey(self) -> None:
        self.error.clear_error(*self._fields())
        new = self.new_edit.text()
        if new != self.again_edit.text():
            self.again_edit.wipe()
            self.error.say(
                tr("The two new passphrases are different. Type the same one in both boxes."),
                self.new_edit,
            )
            return
        self._set_working(True)
        self._worker.rekey_workspace(
            self._folder, self.current_edit.text(), new, self._done, self._failed
        )

    def _done(self, result: object) -> None:
        self._set_working(False)
        for field in self._fields():
            field.wipe()
        self.fields.hide()
        self.rekey_button.hide()
        self.cancel_button.setText(tr("Close"))
        self.cancel_button.setFocus()
        assert isinstance(result, RekeyResult)
        self.status.set_status(report(result))
        self.adjustSize()
        self.finished_rekey.emit(self._worker.workspace is None)

    def _failed(self, exc: BaseException) -> None:
        self._set_working(False)
        self.status.hide()
        self.status.clear()
        self.again_edit.wipe()
        field: QWidget = self.rekey_button
        if isinstance(exc, WrongPassphrase):
            self.current_edit.wipe()
            field = self.current_edit
        elif isinstance(exc, InvalidInput):
            self.new_edit.wipe()
            field = self.new_edit
        sentence = exc.message if isinstance(exc, KnownError) else error_sentence(exc)
        self.error.say(sentence, field)
        self.finished_rekey.emit(self._worker.workspace is None)
