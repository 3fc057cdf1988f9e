"""Alt+letter mnemonics: every one a window shows, and each pressed with real key events.

Qt turns the '&' in a label with a buddy, a button, a group box title, a tab or a menu
bar title into an Alt+letter shortcut of that window (its shortcut map). Only widgets
that are visible and enabled take part. Two that share a letter make it ambiguous: a
label's letter then goes to each in turn, a button's is never clicked, so a clash means
Alt+letter cannot reach one of them.

Pressing goes through Qt's real path (QTest key events, the shortcut-override event, the
shortcut map) on whatever platform the tests run, offscreen included: the shortcut map
is Qt's own, not the platform's. A button's shortcut event is caught before the button
acts on it, so pressing "Quit" or "Finalise" checks the letter without doing it (Qt's
QAbstractButton turns that event into a click; tests that press a letter through to its
effect show that part).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut, QShortcutEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QGroupBox,
    QLabel,
    QMenuBar,
    QTabBar,
    QWidget,
)
from pytestqt.qtbot import QtBot

ALT = Qt.KeyboardModifier.AltModifier


@dataclass(frozen=True)
class Mnemonic:
    """One Alt+key a window offers, where it is written and what it should reach."""

    keys: str  # "Alt+N", as QKeySequence writes it
    kind: str  # label, button, group, tab, menu or shortcut
    owner: QObject  # the widget (or shortcut) that holds the key
    text: str
    target: QWidget | None = None  # where the focus should land (label, group)
    index: int = -1  # the tab, for a tab bar
    action: QAction | None = field(default=None, compare=False)  # the menu, for a menu bar

    def __str__(self) -> str:
        return f"{self.keys} {self.kind} {self.text!r}"


def mnemonic_keys(text: str) -> str:
    """The Alt+key Qt makes of ``text`` ("" when it has no mnemonic)."""
    return QKeySequence.mnemonic(text).toString()


def focus_end(widget: QWidget) -> QWidget:
    """The widget that gets the focus when ``widget`` is given it (focus proxies followed)."""
    while widget.focusProxy() is not None:
        proxy = widget.focusProxy()
        assert proxy is not None
        widget = proxy
    return widget


def _live(widget: QWidget, window: QWidget) -> bool:
    return widget.window() is window and widget.isVisible() and widget.isEnabled()


def collect(window: QWidget) -> list[Mnemonic]:
    """Every Alt+key mnemonic (and Alt+key shortcut) live in ``window`` now."""
    found: list[Mnemonic] = []
    for widget in [window, *window.findChildren(QWidget)]:
        if not _live(widget, window):
            continue
        if isinstance(widget, QLabel) and widget.buddy() is not None:
            buddy = widget.buddy()
            assert buddy is not None
            keys = mnemonic_keys(widget.text())
            if keys:
                found.append(Mnemonic(keys, "label", widget, widget.text(), focus_end(buddy)))
        elif isinstance(widget, QAbstractButton):
            keys = mnemonic_keys(widget.text())
            if keys:
                found.append(Mnemonic(keys, "button", widget, widget.text()))
        elif isinstance(widget, QGroupBox):
            keys = mnemonic_keys(widget.title())
            if keys:
                found.append(Mnemonic(keys, "group", widget, widget.title(), widget))
        elif isinstance(widget, QTabBar):
            for index in range(widget.count()):
                keys = mnemonic_keys(widget.tabText(index))
                if keys and widget.isTabEnabled(index) and widget.isTabVisible(index):
                    found.append(Mnemonic(keys, "tab", widget, widget.tabText(index), index=index))
        elif isinstance(widget, QMenuBar):
            for action in widget.actions():
                keys = mnemonic_keys(action.text())
                if keys and action.isVisible() and action.isEnabled():
                    found.append(Mnemonic(keys, "menu", widget, action.text(), action=action))
    found.extend(_alt_shortcuts(window))
    return found


def _alt_shortcuts(window: QWidget) -> list[Mnemonic]:
    """Shortcuts written as Alt+one key (not Alt+Left) that compete with the mnemonics."""
    found: list[Mnemonic] = []
    for shortcut in window.findChildren(QShortcut):
        parent = shortcut.parent()
        if isinstance(parent, QWidget) and _live(parent, window) and shortcut.isEnabled():
            found.extend(_alt_keys(shortcut.keys(), shortcut, "QShortcut"))
    for action in window.findChildren(QAction):
        if action.isEnabled() and any(
            isinstance(o, QWidget) and _live(o, window) for o in action.associatedObjects()
        ):
            found.extend(_alt_keys(action.shortcuts(), action, action.text()))
    return found


def _alt_keys(sequences: list[QKeySequence], owner: QObject, text: str) -> list[Mnemonic]:
    found = []
    for sequence in sequences:
        if sequence.count() != 1:
            continue
        combination = sequence[0]
        key = combination.key()
        letter_or_digit = Qt.Key.Key_0 <= key <= Qt.Key.Key_9 or Qt.Key.Key_A <= key <= Qt.Key.Key_Z
        if combination.keyboardModifiers() == ALT and letter_or_digit:
            found.append(Mnemonic(sequence.toString(), "shortcut", owner, text))
    return found


def clashes(mnemonics: list[Mnemonic]) -> list[str]:
    """One line per Alt+key held by more than one control; empty when none clash."""
    by_keys: dict[str, list[Mnemonic]] = defaultdict(list)
    for mnemonic in mnemonics:
        by_keys[mnemonic.keys].append(mnemonic)
    return [
        f"{keys}: " + ", ".join(f"{m.kind} {m.text!r}" for m in held)
        for keys, held in sorted(by_keys.items())
        if len(held) > 1
    ]


def odd_keys(mnemonics: list[Mnemonic]) -> list[str]:
    """Mnemonics on something other than a letter or digit (a stray '&' such as
    "Health & care" makes Alt+Space)."""
    return [str(m) for m in mnemonics if not m.keys.removeprefix("Alt+").isalnum()]


def unwired_labels(window: QWidget) -> list[str]:
    """Visible labels that write a mnemonic but have no buddy: Qt shows the '&' itself
    and Alt+letter does nothing."""
    return [
        label.text()
        for label in window.findChildren(QLabel)
        if _live(label, window)
        and label.buddy() is None
        and label.textFormat() != Qt.TextFormat.RichText
        and mnemonic_keys(label.text()).removeprefix("Alt+").isalpha()
    ]


class ShortcutSpy(QObject):
    """Records every shortcut event that reaches the watched widgets; swallows a
    button's (and a label's whose buddy is a button) so that pressing does not act."""

    def __init__(self, owners: list[QObject]) -> None:
        super().__init__()
        self.owners = owners
        self.seen: list[tuple[QObject, bool]] = []
        for owner in owners:
            owner.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Shortcut:
            assert isinstance(event, QShortcutEvent)
            self.seen.append((watched, event.isAmbiguous()))
            return isinstance(watched, QAbstractButton) or (
                isinstance(watched, QLabel) and isinstance(watched.buddy(), QAbstractButton)
            )
        return False

    def remove(self) -> None:
        for owner in self.owners:
            owner.removeEventFilter(self)


def _key(keys: str) -> Qt.Key:
    return QKeySequence(keys)[0].key()


def press_each(qtbot: QtBot, window: QWidget) -> list[str]:
    """Press every mnemonic of ``window`` with Alt and say, one line each, which did not
    reach its control (empty when all did)."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    # A label whose field is switched off (until another answer asks for it) holds its
    # letter, so it counts for clashes, but pressing it rightly moves nothing.
    mnemonics = [
        m
        for m in collect(window)
        if m.kind != "shortcut" and (m.target is None or m.target.isEnabled())
    ]
    assert mnemonics, f"{window.objectName() or type(window).__name__} shows no mnemonic"
    spy = ShortcutSpy([m.owner for m in mnemonics])
    failures = []
    try:
        for mnemonic in mnemonics:
            spy.seen.clear()
            start = QApplication.focusWidget()
            if start is not None and start is mnemonic.target:
                start.clearFocus()  # else landing there would prove nothing
                start = None
            qtbot.keyClick(start or window, _key(mnemonic.keys), ALT)
            problem = _missed(qtbot, mnemonic, spy.seen)
            if problem:
                failures.append(f"{mnemonic}: {problem}")
    finally:
        spy.remove()
    return failures


def _missed(qtbot: QtBot, mnemonic: Mnemonic, seen: list[tuple[QObject, bool]]) -> str:
    if seen != [(mnemonic.owner, False)]:
        went = [f"{type(o).__name__}{' (ambiguous)' if ambiguous else ''}" for o, ambiguous in seen]
        return f"the key went to {', '.join(went) or 'nothing'}"
    focus = QApplication.focusWidget()
    if mnemonic.kind == "label" and not isinstance(
        getattr(mnemonic.owner, "buddy", lambda: None)(), QAbstractButton
    ):
        target = mnemonic.target
        assert target is not None
        if focus is None or not (focus is target or target.isAncestorOf(focus)):
            return f"the focus is on {type(focus).__name__} {focus and focus.accessibleName()!r}"
    elif mnemonic.kind == "group":
        assert mnemonic.target is not None
        if focus is None or not mnemonic.target.isAncestorOf(focus):
            return "the focus did not move into the group"
    elif mnemonic.kind == "tab":
        assert isinstance(mnemonic.owner, QTabBar)
        if mnemonic.owner.currentIndex() != mnemonic.index:
            return "the tab was not chosen"
    elif mnemonic.kind == "menu":
        assert mnemonic.action is not None
        menu = mnemonic.action.menu()
        try:
            qtbot.waitUntil(lambda: menu is not None and menu.isVisible(), timeout=2000)
        except Exception:  # noqa: BLE001 - said in words below
            return "the menu did not open"
        finally:
            if menu is not None:
                menu.hide()
    return ""


def check_window(qtbot: QtBot, window: QWidget) -> list[Mnemonic]:
    """Assert ``window``'s mnemonics do not clash, are letters, are wired, and that
    each reaches its control when pressed; return them for further checks."""
    mnemonics = collect(window)
    name = window.objectName() or type(window).__name__
    for what, problems in (
        ("letters shared", clashes(mnemonics)),
        ("mnemonics on no letter", odd_keys(mnemonics)),
        ("labels with '&' but no field", unwired_labels(window)),
        ("letters that missed", press_each(qtbot, window)),
    ):
        assert not problems, f"{name}: {what}:\n" + "\n".join(problems)
    return mnemonics
