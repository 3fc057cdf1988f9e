"""Asking why a finalised visit is being amended (the reason goes on the revision)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from ui.dialog_parts import InlineError, heading, paragraph
from ui.i18n import tr
from ui.screen_fit import keep_on_screen


class AmendDialog(QDialog):
    """A reason, required, then ``reason_given``; opened with ``open()``, never blocking."""

    reason_given = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        keep_on_screen(self)  # within the screen at any text size
        self.setWindowTitle(tr("Amend a finalised visit"))
        self.setObjectName("dialog.amend")
        layout = QVBoxLayout(self)
        layout.addWidget(heading(tr("Amend a finalised visit"), self))
        layout.addWidget(
            paragraph(
                tr(
                    "The finalised visit is kept as it is. Your changes go into a new "
                    "revision, with your name, the time and the reason you give here."
                ),
                self,
            )
        )
        label = QLabel(tr("&Why are you amending it?"), self)
        self.reason = QLineEdit(self)
        self.reason.setAccessibleName(tr("Why are you amending it?"))
        label.setBuddy(self.reason)
        layout.addWidget(label)
        layout.addWidget(self.reason)
        self.error = InlineError(self)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(tr("Amend"))
        self.ok_button.setAccessibleName(tr("Amend"))
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName(tr("Cancel"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _accept(self) -> None:
        reason = self.reason.text().strip()
        if not reason:
            self.error.say(tr("Say why the visit is being amended."), self.reason)
            return
        self.reason_given.emit(reason)
        self.accept()
