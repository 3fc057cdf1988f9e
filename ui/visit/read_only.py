"""Answers that cannot be changed, shown at full contrast (a finalised visit).

Qt has no read-only state for radio buttons, tick boxes or drop-downs, and a disabled
control is drawn in pale grey (1.8:1 in the normal theme) and skipped by Tab, so a
low-vision worker could not read their own record and a keyboard user could not reach
it. ``lock`` leaves the control enabled, drawn and reachable as usual, and stops what
would change it: mouse presses, the wheel, its Alt+letter, and the keys that choose
(Space, the arrows, typing into a drop-down). Tab, Escape and Enter, and keys with Ctrl
or Alt (the page's shortcuts), still pass, so moving about and leaving work as before.

Assistive technology sees a locked control through ``_LockedInterface`` (an
accessibility factory): its usual role, name and checked state, plus the read-only
state and the description "Read only: cannot be changed." (WCAG 4.1.2), and no press or
toggle action, because Qt's own actions call ``click()`` and ``toggle()`` directly and
no event filter would see them.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAccessible, QAccessibleActionInterface, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAccessibleWidget,
    QApplication,
    QCheckBox,
    QComboBox,
    QRadioButton,
    QWidget,
)

from ui.a11y import plain
from ui.i18n import N_, tr_marked

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
CANNOT_CHANGE = N_("Read only: cannot be changed.")
_factory_installed = False


class _LockedInterface(QAccessibleWidget):
    """A locked control as assistive technology sees it: read-only, no actions."""

    def __init__(self, widget: QAbstractButton | QComboBox) -> None:
        if isinstance(widget, QComboBox):
            role = QAccessible.Role.ComboBox
        elif isinstance(widget, QRadioButton):
            role = QAccessible.Role.RadioButton
        elif isinstance(widget, QCheckBox):
            role = QAccessible.Role.CheckBox
        else:
            role = QAccessible.Role.Button
        super().__init__(widget, role)
        self._widget = widget

    def text(self, kind: QAccessible.Text) -> str:
        widget = self._widget
        if kind == QAccessible.Text.Description:
            own = widget.accessibleDescription()
            return f"{tr_marked(CANNOT_CHANGE)} {own}".strip()
        if isinstance(widget, QComboBox) and kind in (
            QAccessible.Text.Name,
            QAccessible.Text.Value,
        ):
            return widget.currentText()  # as Qt names a drop-down: by its value
        if kind == QAccessible.Text.Name and isinstance(widget, QAbstractButton):
            return widget.accessibleName() or plain(widget.text())
        return str(super().text(kind))

    def state(self) -> QAccessible.State:
        state = super().state()
        state.readOnly = True
        if isinstance(self._widget, QAbstractButton) and self._widget.isCheckable():
            state.checkable = True
            state.checked = self._widget.isChecked()
        return state

    def actionNames(self) -> list[str]:
        # Only moving the focus: press, toggle and show-menu would change the answer.
        focus = QAccessibleActionInterface.setFocusAction()
        return [name for name in super().actionNames() if name == focus]

    def doAction(self, actionName: str) -> None:
        if actionName == QAccessibleActionInterface.setFocusAction():
            super().doAction(actionName)


def _locked_factory(_class_name: str, thing: QObject) -> QAccessibleWidget | None:
    if isinstance(thing, QAbstractButton | QComboBox) and is_locked(thing):
        return _LockedInterface(thing)
    return None


def _ask_again(widget: QWidget) -> None:
    """Forget ``widget``'s accessibility interface, so the next question about it gets
    the locked one (or Qt's own again)."""
    global _factory_installed
    if not _factory_installed and QApplication.instance() is not None:
        QAccessible.installFactory(_locked_factory)
        _factory_installed = True
    interface = QAccessible.queryAccessibleInterface(widget)
    if interface is not None and isinstance(interface, _LockedInterface) != is_locked(widget):
        QAccessible.deleteAccessibleInterface(QAccessible.uniqueId(interface))


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
        _ask_again(widget)
    elif not locked and current is not None:
        widget.removeEventFilter(current)
        current.setObjectName("")  # not found by is_locked from now on
        current.deleteLater()
        _ask_again(widget)


def is_locked(widget: QWidget) -> bool:
    """Whether ``lock`` holds ``widget``."""
    return widget.findChild(_Lock, _LOCK) is not None
