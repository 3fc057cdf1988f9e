"""Who may read a piece of free text: a small button beside the words, not a drop-down.

The button shows the current choice in a few words ("Who may read: Person's copy") and
opens a menu of the three choices in full. It replaces a full-width drop-down under
every text box: that made each step a stack of boxes, and on Linux Qt does not pass a
drop-down's accessible name to screen readers, so most of them were spoken unlabelled.
A tool button's name is spoken, and it says the current value.

``THIRD_PARTY_KEYS`` (Ctrl+Shift+T) marks text as about someone else while typing. It
only ever makes text more private: text for workers only stays for workers only, and
nothing but a deliberate choice in the menu puts text back into the person's copy.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import (
    QAccessible,
    QAccessibleAnnouncementEvent,
    QAction,
    QActionGroup,
    QKeyEvent,
)
from PySide6.QtWidgets import QMainWindow, QMenu, QToolButton, QWidget

from msp_desktop.model import Visibility
from ui.i18n import N_, tr, tr_marked

THIRD_PARTY_KEYS = "Ctrl+Shift+T"
"""Marks the text being typed as about someone else (not clashing with ui.actions)."""

# The choice in a few words, for the button; the menu gives the full sentence
# (ui.visit.editors.VISIBILITY_WORDS, which other pages show as well).
SHORT_WORDS = {
    Visibility.PERSON: N_("Person's copy"),
    Visibility.THIRD_PARTY: N_("About others: workers only"),
    Visibility.INTERNAL: N_("Workers only"),
}
FULL_WORDS = {
    Visibility.PERSON: N_("The person can read this"),
    Visibility.THIRD_PARTY: N_("About someone else: left out of the person's copy"),
    Visibility.INTERNAL: N_("For workers only: never in the person's copy"),
}
STATUS_SHOWN_MS = 6000
_PRIVACY = (Visibility.PERSON, Visibility.THIRD_PARTY, Visibility.INTERNAL)


def stricter(one: Visibility, other: Visibility) -> Visibility:
    """The more private of two choices (workers only, then about others, then person)."""
    return max(one, other, key=_PRIVACY.index)


class VisibilityButton(QToolButton):
    """Who may read one answer: shows the choice, a menu changes it.

    ``chosen`` is emitted only when the worker changes the choice (menu or shortcut),
    never by ``set_value``.
    """

    chosen = Signal()

    def __init__(self, default: Visibility, subject: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("visibility")
        self._subject = subject
        self._value = default
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        menu = QMenu(self)
        menu.setAccessibleName(tr("Who may read this"))
        group = QActionGroup(self)
        group.setExclusive(True)
        self._actions: dict[Visibility, QAction] = {}
        for option, words in FULL_WORDS.items():
            action = QAction(tr_marked(words), menu)
            action.setCheckable(True)
            action.triggered.connect(lambda _on=False, chosen=option: self._choose(chosen))
            group.addAction(action)
            menu.addAction(action)
            self._actions[option] = action
        # Arrow keys in the menu start from the current choice, as in a drop-down.
        menu.aboutToShow.connect(lambda: menu.setActiveAction(self._actions[self._value]))
        self.setMenu(menu)
        self._show()

    def value(self) -> Visibility:
        """Who may read the answer now."""
        return self._value

    def set_value(self, value: Visibility) -> None:
        """Show ``value`` without reporting a choice."""
        self._value = value
        self._show()

    def mark_third_party(self) -> str:
        """Make the text about someone else (if that is more private than now), emit
        ``chosen`` if it changed, and return the sentence that says what happened."""
        if self._value is Visibility.INTERNAL:
            said = tr("Already for workers only: this never goes in the person's copy.")
        elif self._value is Visibility.THIRD_PARTY:
            said = tr("Already marked as about someone else.")
        else:
            self._choose(Visibility.THIRD_PARTY)
            said = tr("Marked as about someone else: left out of the person's copy.")
        self.say(said)
        return said

    def say(self, sentence: str) -> None:
        """Tell the worker ``sentence``: on the status bar and to a screen reader."""
        self.setToolTip(sentence)  # until the next choice puts the full words back
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(sentence, STATUS_SHOWN_MS)
        QAccessible.updateAccessibility(QAccessibleAnnouncementEvent(self, sentence))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Up and Down open the choices, as they would on a drop-down.
        if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.isEnabled():
            self.showMenu()
            return
        super().keyPressEvent(event)

    def _choose(self, option: Visibility) -> None:
        changed = option is not self._value
        self._value = option
        self._show()
        if changed:
            self.chosen.emit()

    def _tip(self) -> str:
        return tr(
            "{full}. Choose who may read this answer; {keys} while typing marks it "
            "as about someone else.",
            full=tr_marked(FULL_WORDS[self._value]),
            keys=THIRD_PARTY_KEYS,
        )

    def _show(self) -> None:
        short = tr_marked(SHORT_WORDS[self._value])
        # The ▾ is text, not Qt's menu arrow: it grows with the text size setting.
        self.setText(tr("Who may read: {choice}", choice=short) + " ▾")
        # Named by what it shows first (speech users say what they see), then by the
        # answer it belongs to: with a dozen of these on a step, the choice alone
        # does not say which answer it is about.
        self.setAccessibleName(
            tr(
                "Who may read: {choice}, for the answer to “{subject}”",
                choice=short,
                subject=self._subject,
            )
        )
        self.setAccessibleDescription(self._tip())
        self.setToolTip(self._tip())
        for option, action in self._actions.items():
            action.setChecked(option is self._value)
