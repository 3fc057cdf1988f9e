"""The one kind of field a passphrase is ever typed into."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QWidget


class PassphraseEdit(QLineEdit):
    """A masked line edit that offers no copy, drag or input-method history."""

    def __init__(self, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEchoMode(QLineEdit.EchoMode.Password)
        self.setAccessibleName(accessible_name)
        self.setDragEnabled(False)
        # Copy and cut are already off in password mode; the menu has nothing else a
        # passphrase field needs, and pasting still works from the keyboard.
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.setInputMethodHints(
            Qt.InputMethodHint.ImhHiddenText
            | Qt.InputMethodHint.ImhSensitiveData
            | Qt.InputMethodHint.ImhNoPredictiveText
        )

    def wipe(self) -> None:
        """Empty the field and its undo history."""
        self.clear()
        self.setModified(False)
