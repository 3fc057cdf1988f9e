"""Choosing the conversation guide for a new visit, when more than one is shipped.

One radio button per guide, its title and the sentence that says what it is for. The
guide offered first is the one the concern's last conversation used (else the MSP
visit guide), so a worker who always holds the same kind of conversation presses
Enter and carries on.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from msp_desktop.guide import Guide
from ui.dialog_parts import heading, paragraph
from ui.i18n import tr
from ui.screen_fit import keep_on_screen


class GuideChoiceDialog(QDialog):
    """Emits ``chosen(guide)`` on "Start the visit"; opened with ``open()``."""

    chosen = Signal(object)

    def __init__(
        self, guides: Sequence[Guide], default: Guide, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        keep_on_screen(self)  # within the screen at any text size
        self.guides = list(guides)
        self.setWindowTitle(tr("Start a visit"))
        self.setObjectName("dialog.guide_choice")
        layout = QVBoxLayout(self)
        layout.addWidget(heading(tr("Which conversation is this?"), self))
        layout.addWidget(
            paragraph(
                tr("Every guide keeps the same record; they differ in what you talk about."),
                self,
            )
        )
        self.group = QButtonGroup(self)
        self.buttons: list[QRadioButton] = []
        for index, guide in enumerate(self.guides):
            button = QRadioButton(str(guide.title), self)
            button.setObjectName(f"guide.{guide.id}")
            summary = str(guide.summary) if guide.summary is not None else ""
            button.setAccessibleName(str(guide.title))
            button.setAccessibleDescription(summary)
            self.group.addButton(button, index)
            self.buttons.append(button)
            layout.addWidget(button)
            if summary:
                words = QLabel(summary, self)
                words.setWordWrap(True)
                words.setIndent(24)  # under its button's text, not under the circle
                words.setTextFormat(Qt.TextFormat.PlainText)
                layout.addWidget(words)
        choice = self.buttons[self.guides.index(default)] if default in self.guides else None
        (choice or self.buttons[0]).setChecked(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(tr("&Start the visit"))
        self.ok_button.setAccessibleName(tr("Start the visit"))
        self.ok_button.setDefault(True)  # Enter starts with the guide chosen
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName(tr("Cancel"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 32)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        checked = self.group.checkedButton()
        if checked is not None:
            checked.setFocus(Qt.FocusReason.OtherFocusReason)

    def choice(self) -> Guide:
        """The guide whose button is checked."""
        return self.guides[max(self.group.checkedId(), 0)]

    def _accept(self) -> None:
        self.chosen.emit(self.choice())
        self.accept()
