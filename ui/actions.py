"""Every action of the app, declared once with a stable id.

The id is the ``QAction.objectName()``; menus, toolbars and tests find actions by it,
so renaming a menu entry never breaks a shortcut or a test.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from ui.a11y import plain
from ui.i18n import N_, Message, tr_marked


@dataclass(frozen=True)
class ActionSpec:
    """What an action is called, its shortcut and what it does, in words."""

    id: str
    text: Message
    shortcut: str | QKeySequence.StandardKey | None
    tip: Message


LOCK = ActionSpec(
    "action.lock", N_("&Lock"), "Ctrl+L", N_("Close the workspace; your passphrase opens it again.")
)
FIND = ActionSpec(
    "action.find", N_("&Find a person"), QKeySequence.StandardKey.Find, N_("Search the caseload.")
)
QUIT = ActionSpec(
    "action.quit",
    N_("&Quit"),
    QKeySequence.StandardKey.Quit,
    N_("Lock the workspace and close the app."),
)

PRIVACY = ActionSpec(
    "action.privacy",
    N_("&Privacy screen"),
    "F12",
    N_("Hide every record at once; press F12 again to show them."),
)
SETTINGS = ActionSpec(
    "action.settings",
    N_("&Settings…"),
    "Ctrl+,",
    N_("Idle lock, clipboard clearing, text size and high contrast."),
)

BACK = ActionSpec(
    "action.back",
    N_("&Back to caseload"),
    "Alt+Left",
    N_("Return to the caseload, with your search kept (Escape does this too)."),
)

# O for office; Ctrl+Shift+O is no standard key on any platform Qt knows.
SYNC = ActionSpec(
    "action.sync",
    N_("Send to the &office…"),
    "Ctrl+Shift+O",
    N_(
        "Export finalised records to a USB stick or folder for the office, and import its receipts."
    ),
)

# N for new; Ctrl+N is left free for "new" in a page of its own.
ADD_PERSON = ActionSpec(
    "action.add_person",
    N_("&Add a person…"),
    "Ctrl+Shift+N",
    N_("Add someone to your caseload: their details, language, needs and household."),
)

# No shortcut: set once for a workspace, and reached from the menu, Settings and the copy.
TEAM_DETAILS = ActionSpec(
    "action.team_details",
    N_("&Team details…"),
    None,
    N_("The team's name and phone number, printed on the person's copies so they can reach you."),
)

# No shortcut: rare, and never to be set off by a slip of the fingers.
REKEY = ActionSpec(
    "action.rekey",
    N_("My passphrase may be &known…"),
    None,
    N_(
        "Give the workspace a new key and passphrase, so the old passphrase and older key "
        "files no longer open it."
    ),
)

ALL = (LOCK, FIND, QUIT, PRIVACY, SETTINGS, BACK, SYNC, ADD_PERSON, TEAM_DETAILS, REKEY)


def make_action(spec: ActionSpec, parent: QWidget) -> QAction:
    """Create the QAction for ``spec`` on ``parent`` (whose window gets the shortcut)."""
    action = QAction(tr_marked(spec.text), parent)
    action.setObjectName(spec.id)
    if spec.shortcut is not None:
        action.setShortcut(QKeySequence(spec.shortcut))
    action.setToolTip(tr_marked(spec.tip))
    action.setStatusTip(tr_marked(spec.tip))
    action.setWhatsThis(tr_marked(spec.tip))
    action.setIconText(plain(tr_marked(spec.text)))
    parent.addAction(action)
    return action
