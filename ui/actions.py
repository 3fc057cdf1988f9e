"""Every action of the app, declared once with a stable id.

The id is the ``QAction.objectName()``; menus, toolbars and tests find actions by it,
so renaming a menu entry never breaks a shortcut or a test.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from ui.a11y import plain
from ui.i18n import tr


@dataclass(frozen=True)
class ActionSpec:
    """What an action is called, its shortcut and what it does, in words."""

    id: str
    text: str
    shortcut: str | QKeySequence.StandardKey | None
    tip: str


LOCK = ActionSpec(
    "action.lock", "&Lock", "Ctrl+L", "Close the workspace; your passphrase opens it again."
)
FIND = ActionSpec(
    "action.find", "&Find a person", QKeySequence.StandardKey.Find, "Search the caseload."
)
QUIT = ActionSpec(
    "action.quit", "&Quit", QKeySequence.StandardKey.Quit, "Lock the workspace and close the app."
)

PRIVACY = ActionSpec(
    "action.privacy",
    "&Privacy screen",
    "F12",
    "Hide every record at once; press F12 again to show them.",
)
SETTINGS = ActionSpec(
    "action.settings",
    "&Settings…",
    "Ctrl+,",
    "Idle lock, clipboard clearing, text size and high contrast.",
)

BACK = ActionSpec(
    "action.back",
    "&Back to caseload",
    "Alt+Left",
    "Return to the caseload, with your search kept (Escape does this too).",
)

# O for office; Ctrl+Shift+O is no standard key on any platform Qt knows.
SYNC = ActionSpec(
    "action.sync",
    "Send to the &office…",
    "Ctrl+Shift+O",
    "Export finalised records to a USB stick or folder for the office, and import its receipts.",
)

ALL = (LOCK, FIND, QUIT, PRIVACY, SETTINGS, BACK, SYNC)


def make_action(spec: ActionSpec, parent: QWidget) -> QAction:
    """Create the QAction for ``spec`` on ``parent`` (whose window gets the shortcut)."""
    action = QAction(tr(spec.text), parent)
    action.setObjectName(spec.id)
    if spec.shortcut is not None:
        action.setShortcut(QKeySequence(spec.shortcut))
    action.setToolTip(tr(spec.tip))
    action.setStatusTip(tr(spec.tip))
    action.setWhatsThis(tr(spec.tip))
    action.setIconText(plain(tr(spec.text)))
    parent.addAction(action)
    return action
