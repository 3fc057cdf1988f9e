"""Pieces the workspace dialogs share: a heading, a calm inline error, a busy line."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon, QKeyEvent
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QWidget

from ui.a11y import mark_heading

ERROR_STYLE = "color: #8a1c1c; font-weight: 600;"


def heading(text: str, parent: QWidget | None = None) -> QLabel:
    """A dialog's title line, a little larger than body text."""
    label = QLabel(text, parent)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.35)
    font.setBold(True)
    label.setFont(font)
    label.setAccessibleName(text)
    return mark_heading(label, 1)


def paragraph(text: str, parent: QWidget | None = None) -> QLabel:
    """Body text that wraps."""
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class InlineError(QLabel):
    """A sentence under the fields saying what is wrong, hidden while nothing is."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setStyleSheet(ERROR_STYLE)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setAccessibleName("")
        self.hide()

    def say(self, sentence: str, field: QWidget | None = None) -> None:
        """Show ``sentence``; ``field`` (which gets focus) will also speak it."""
        self.setText(sentence)
        self.setAccessibleName(sentence)
        self.setVisible(bool(sentence))
        if field is not None:
            field.setAccessibleDescription(sentence)
            field.setFocus(Qt.FocusReason.OtherFocusReason)
        window = self.window()
        if sentence and window is not None:
            window.adjustSize()

    def clear_error(self, *fields: QWidget) -> None:
        """Hide the sentence again."""
        self.say("")
        for field in fields:
            field.setAccessibleDescription("")


def plain_buttons(box: QDialogButtonBox) -> QDialogButtonBox:
    """Take the style's icons off the buttons of ``box``: words only, the same everywhere.

    Fusion puts a red cross on Cancel and a floppy disk on Save, but not on buttons
    with our own words, so the icons looked random; the words say it all.
    """
    for button in box.buttons():
        button.setIcon(QIcon())
    return box


def is_plain_escape(event: QKeyEvent) -> bool:
    """Whether ``event`` is Escape with no modifier (keypad aside)."""
    modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    return event.key() == Qt.Key.Key_Escape and modifiers == Qt.KeyboardModifier.NoModifier
