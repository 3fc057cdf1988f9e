"""Dialogs that show personal data follow the privacy screen and the lock key.

The privacy screen (F12) hides the main window's parts, but a dialog is a window of its
own: one that shows a person's name or words hides itself while the screen is on and
shows again as it was when it goes off. While such a dialog has the keyboard, the main
window's shortcuts do not reach it, so the lock and privacy actions are added to it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QWidget

from ui import actions
from ui.screen_fit import keep_on_screen
from ui.security.privacy_screen import PrivacyScreen

SHARED_ACTIONS = (actions.LOCK.id, actions.PRIVACY.id)


class PrivateDialog(QDialog):
    """A dialog that hides under the privacy screen of the window it was opened from."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        keep_on_screen(self)  # within the screen at any text size
        self._private = False
        self._shown_before = False
        window = parent.window() if parent is not None else None
        if window is None:
            return
        for action in window.actions():
            if action.objectName() in SHARED_ACTIONS:
                self.addAction(action)
        for child in window.children():
            if isinstance(child, PrivacyScreen):
                child.changed.connect(self.set_private)
                if child.on:
                    self._private = True

    def open(self) -> None:
        """Open without blocking, or wait hidden while the privacy screen is on."""
        if self._private:
            self._shown_before = True
            return
        super().open()

    def set_private(self, on: bool) -> None:
        """Hide (True) while the privacy screen is on; show again as it was (False)."""
        if on == self._private:
            return
        self._private = on
        if on:
            self._shown_before = self.isVisible()
            self.hide()
        elif self._shown_before:
            super().open()

    @property
    def private(self) -> bool:
        """True while hidden by the privacy screen."""
        return self._private
