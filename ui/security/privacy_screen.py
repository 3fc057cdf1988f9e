"""S16: one key (F12) hides every piece of personal data in the main window at once.

Covering the records is not enough: a screen reader, a screenshot tool or a resize could
still reach widgets that are merely underneath something. So the privacy screen *hides*
every part of the window except the menu bar (which holds no records and keeps Lock and
the privacy key itself reachable), shows one calm page in their place, and makes the
window title neutral. Hidden widgets are invisible to the accessibility tree too.
Pressing the key again shows exactly the widgets that were showing before.

Dialogs opened from the window are separate windows and are not covered; a dialog that
shows personal data must hide itself when ``changed(True)`` is emitted.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMainWindow, QVBoxLayout, QWidget

from ui.a11y import named
from ui.i18n import tr


def neutral_title() -> str:
    """The window title while the privacy screen is on."""
    return tr("MSP Desktop")


class PrivacyCover(QWidget):
    """The calm page shown instead of the records."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("privacy.cover")
        self.setAutoFillBackground(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.note = QLabel(tr("Privacy screen — press F12 to show the records again"), self)
        self.note.setObjectName("privacy.note")
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setWordWrap(True)
        font = self.note.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.note.setFont(font)
        named(self, tr("Privacy screen"), self.note.text())
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.note)
        layout.addStretch(1)
        self.hide()


class PrivacyScreen(QObject):
    """Drives the checkable privacy ``action`` of ``window``.

    ``changed(on)`` tells anything else showing personal data to hide or show itself.
    """

    changed = Signal(bool)

    def __init__(self, window: QMainWindow, action: QAction) -> None:
        super().__init__(window)
        self._window = window
        self.action = action
        self.cover = PrivacyCover(window)
        self._hidden: list[QWidget] = []
        self._title = ""
        self._focus: QWidget | None = None
        self._neutralising = False
        self._active = False
        action.setCheckable(True)
        action.toggled.connect(self._set_on)
        window.installEventFilter(self)

    @property
    def on(self) -> bool:
        """True while the records are hidden."""
        return self.action.isChecked()

    def set_on(self, on: bool) -> None:
        """Hide (True) or show again (False) the records; the action follows."""
        self.action.setChecked(on)

    def _parts(self) -> list[QWidget]:
        """The window's own visible parts that may show records (not its dialogs)."""
        skip = {self._window.menuBar(), self.cover}
        children = self._window.findChildren(
            QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly
        )
        return [
            child
            for child in children
            if child not in skip and not child.isWindow() and not child.isHidden()
        ]

    def _set_on(self, on: bool) -> None:
        if on == self._active:
            return
        self._active = on
        window = self._window
        if on:
            self._focus = window.focusWidget()
            self._hidden = self._parts()
            self._title = window.windowTitle()
            self._place_cover()
            self.cover.show()
            self.cover.raise_()
            self.cover.setFocus(Qt.FocusReason.OtherFocusReason)
            for part in self._hidden:
                part.hide()
            self._neutralise_title()
        else:
            hidden, self._hidden = self._hidden, []
            for part in hidden:
                part.show()
            self.cover.hide()
            window.setWindowTitle(self._title)
            if self._focus is not None and self._focus.isVisible():
                self._focus.setFocus(Qt.FocusReason.OtherFocusReason)
            self._focus = None
        self.changed.emit(on)

    def _place_cover(self) -> None:
        top = self._window.menuBar().geometry().bottom() + 1 if self._window.menuBar() else 0
        rect = self._window.rect().adjusted(0, top, 0, 0)
        self.cover.setGeometry(rect)

    def _neutralise_title(self) -> None:
        self._neutralising = True
        try:
            self._window.setWindowTitle(neutral_title())
        finally:
            self._neutralising = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Keep the cover sized to the window and the title neutral while it is on."""
        if watched is self._window and self._active:
            if event.type() == QEvent.Type.Resize:
                self._place_cover()
            elif event.type() == QEvent.Type.WindowTitleChange and not self._neutralising:
                # A page renamed the window (say, to a person's name) while hidden.
                self._title = self._window.windowTitle()
                self._neutralise_title()
        return False
