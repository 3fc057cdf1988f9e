"""Answers that cannot be changed, shown at full contrast (a finalised visit).

Qt has no read-only state for radio buttons, tick boxes or drop-downs, and a disabled
control is drawn in pale grey (1.8:1 in the normal theme) and skipped by Tab, so a
low-vision worker could not read their own record and a keyboard user could not reach
it. ``lock`` leaves the control enabled, drawn and reachable as usual, and stops what
would change it: mouse presses, the wheel, its Alt+letter, and the keys that choose
(Space, the arrows, typing into a drop-down). Tab, Escape and Enter, and keys with Ctrl
or Alt (the page's shortcuts), still pass, so moving about and leaving work as before.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QComboBox, QWidget

Key = Qt.Key
Kind = QEvent.Type

_STOPPED = frozenset(
    {
        Kind.MouseButtonPress,
        Kind.MouseButtonRelease,
        Kind.MouseButtonDblClick,
        Kind.Wheel,
        Kind.Shortcut,
    }
)
# What a focused button does with these keys would change it.
_BUTTON_KEYS = frozenset(
    {Key.Key_Space, Key.Key_Select, Key.Key_Up, Key.Key_Down, Key.Key_Left, Key.Key_Right}
)
# Keys that only move about or leave, for every locked control.
_PASSING = frozenset({Key.Key_Tab, Key.Key_Backtab, Key.Key_Escape, Key.Key_Return, Key.Key_Enter})
_COMMAND = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
_LOCK = "msp_read_only_lock"


class _Lock(QObject):
    """The event filter that keeps a control as it is."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _STOPPED:
            return True
        if isinstance(event, QKeyEvent) and event.type() in (Kind.KeyPress, Kind.KeyRelease):
            key = Key(event.key())
            if key in _PASSING or event.modifiers() & _COMMAND:
                return False
            if isinstance(watched, QComboBox):
                return True  # every other key picks an entry
            return key in _BUTTON_KEYS
        return False


def lock(widget: QWidget, locked: bool) -> None:
    """Make ``widget`` (a radio button, tick box, tool button or drop-down) impossible
    to change while ``locked``, without greying it; ``locked=False`` undoes it."""
    if not isinstance(widget, QAbstractButton | QComboBox):
        raise TypeError(f"cannot lock a {type(widget).__name__}")
    current = widget.findChild(_Lock, _LOCK)
    if locked and current is None:
        guard = _Lock(widget)
        guard.setObjectName(_LOCK)
        widget.installEventFilter(guard)
        widget.setEnabled(True)
    elif not locked and current is not None:
        widget.removeEventFilter(current)
        current.deleteLater()
        current.setObjectName("")


def is_locked(widget: QWidget) -> bool:
    """Whether ``lock`` holds ``widget``."""
    return widget.findChild(_Lock, _LOCK) is not None
