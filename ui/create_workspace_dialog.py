"""The first-run dialog: name the worker and choose the workspace passphrase."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from msp_desktop.errors import KnownError
from ui.a11y import buddy, name_buttons
from ui.db_worker import DbWorker
from ui.dialog_parts import InlineError, heading, is_plain_escape, paragraph, plain_buttons
from ui.i18n import tr
from ui.messages import error_sentence
from ui.screen_fit import keep_on_screen
from ui.security.passphrase_edit import PassphraseEdit


class CreateWorkspaceDialog(QDialog):
    """Creates the encrypted workspace on the worker thread; accepted once it is open."""

    def __init__(self, worker: DbWorker, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        keep_on_screen(self)  # within the screen at any text size
        self._worker = worker
        self._folder = folder
        self.setWindowTitle(tr("Create your workspace"))
        self.setObjectName("dialog.create_workspace")

        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("create.worker_name")
        self.name_edit.setMaxLength(200)
        self.passphrase_edit = PassphraseEdit(tr("Passphrase"), self)
        self.passphrase_edit.setMinimumWidth(320)
        self.passphrase_edit.setObjectName("create.passphrase")
        self.again_edit = PassphraseEdit(tr("Passphrase again"), self)
        self.again_edit.setObjectName("create.passphrase_again")
        self.error = InlineError(self)
        self.busy = paragraph("", self)
        self.busy.hide()

        form = QFormLayout()
        form.setVerticalSpacing(10)
        form.addRow(buddy(tr("Your &name"), self.name_edit, self), self.name_edit)
        form.addRow(buddy(tr("&Passphrase"), self.passphrase_edit, self), self.passphrase_edit)
        form.addRow(buddy(tr("Passphrase &again"), self.again_edit, self), self.again_edit)

        self.buttons = QDialogButtonBox(self)
        self.create_button = self.buttons.addButton(
            tr("&Create workspace"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.create_button.setObjectName("create.create")
        self.create_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setText(tr("&Quit"))
        name_buttons(self.buttons)
        plain_buttons(self.buttons)
        self.buttons.accepted.connect(self._create)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        # Grow with the inline error rather than squeezing it.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(14)
        layout.addWidget(heading(tr("Create your workspace"), self))
        layout.addWidget(
            paragraph(
                tr(
                    "Your records are encrypted on this laptop. Nobody can open them without "
                    "this passphrase. Choose a few unrelated words you will remember."
                ),
                self,
            )
        )
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.busy)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        QWidget.setTabOrder(self.name_edit, self.passphrase_edit)
        QWidget.setTabOrder(self.passphrase_edit, self.again_edit)
        QWidget.setTabOrder(self.again_edit, self.create_button)
        QWidget.setTabOrder(self.create_button, self.cancel_button)
        self.name_edit.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Escape would reject the dialog and end the app, losing what was typed: the
        # Quit button is there for quitting.
        if is_plain_escape(event):
            event.accept()
            return
        super().keyPressEvent(event)

    def _set_working(self, working: bool) -> None:
        for widget in (self.name_edit, self.passphrase_edit, self.again_edit, self.create_button):
            widget.setEnabled(not working)
        self.busy.setText(tr("Creating your workspace…") if working else "")
        self.busy.setVisible(working)

    def _create(self) -> None:
        fields = (self.name_edit, self.passphrase_edit, self.again_edit)
        self.error.clear_error(*fields)
        worker_name = self.name_edit.text().strip()
        passphrase = self.passphrase_edit.text()
        if not worker_name:
            self.error.say(
                tr("Type your name as it should appear on the records you write."),
                self.name_edit,
            )
            return
        if passphrase != self.again_edit.text():
            self.again_edit.wipe()
            self.error.say(
                tr("The two passphrases are different. Type the same passphrase in both boxes."),
                self.passphrase_edit,
            )
            return
        self._set_working(True)
        self._worker.create_workspace(
            self._folder, passphrase, worker_name, self._created, self._failed
        )

    def _created(self, _result: object) -> None:
        self._set_working(False)
        self.passphrase_edit.wipe()
        self.again_edit.wipe()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_working(False)
        if not isinstance(exc, KnownError):
            self.error.say(error_sentence(exc), self.create_button)
            return
        self.again_edit.wipe()
        self.error.say(exc.message, self.passphrase_edit)
        self.passphrase_edit.selectAll()
