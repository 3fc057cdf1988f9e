"""S16: F12 hides every name in the window, for eyes and for screen readers alike."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QAccessibleInterface
from PySide6.QtWidgets import QAbstractItemView, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.helpers import PEOPLE
from tests.ui.security.helpers import unlock
from ui.main_window import MainWindow
from ui.session import Session

NAMES = [person.name for person in PEOPLE] + ["Bryn", "LC-1001"]
CALM = "Privacy screen — press F12 to show the records again"


def visible_texts(window: MainWindow) -> list[str]:
    """Every text a sighted person could read in the window now."""
    texts = [window.windowTitle()]
    for widget in [window, *window.findChildren(QWidget)]:
        if not widget.isVisible():
            continue
        texts += [widget.accessibleName(), widget.accessibleDescription(), widget.toolTip()]
        text = getattr(widget, "text", None)
        if callable(text):
            texts.append(str(text()))
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            for row in range(model.rowCount()):
                for column in range(model.columnCount()):
                    texts.append(str(model.index(row, column).data() or ""))
    return texts


def accessible_texts(window: MainWindow) -> list[str]:
    """Every name and value a screen reader can reach in the window now."""
    texts: list[str] = []

    def walk(node: QAccessibleInterface | None) -> None:
        if node is None or not node.isValid() or node.state().invisible:
            return
        for kind in (QAccessible.Text.Name, QAccessible.Text.Value, QAccessible.Text.Description):
            texts.append(node.text(kind))
        for index in range(node.childCount()):
            walk(node.child(index))

    walk(QAccessible.queryAccessibleInterface(window))
    return texts


def shows_a_name(texts: list[str]) -> bool:
    return any(name in text for text in texts for name in NAMES)


def press_f12(qtbot: QtBot, window: MainWindow) -> None:
    target = window.focusWidget() or window
    qtbot.keyClick(target, Qt.Key.Key_F12)


def test_f12_hides_every_name_and_brings_them_back(qtbot: QtBot, session: Session) -> None:
    window = unlock(qtbot, session)
    assert shows_a_name(visible_texts(window))  # the walkers do see names
    assert shows_a_name(accessible_texts(window))
    action = window.action("action.privacy")
    assert action.isCheckable()
    assert action.shortcut().toString() == "F12"

    press_f12(qtbot, window)
    assert action.isChecked()
    assert not shows_a_name(visible_texts(window))
    assert not shows_a_name(accessible_texts(window))
    assert window.windowTitle() == "MSP Desktop"
    assert not window.caseload.isVisible()
    assert not window.statusBar().isVisible()
    cover = session.privacy.cover if session.privacy else None
    assert cover is not None
    assert cover.isVisible()
    assert CALM in visible_texts(window)
    assert cover.hasFocus()
    assert window.menuBar().isVisible()  # Lock stays reachable
    assert session.worker is not None  # hiding is not locking
    assert session.worker.workspace is not None

    press_f12(qtbot, window)
    assert not action.isChecked()
    assert not cover.isVisible()
    assert window.caseload.isVisible()
    assert window.statusBar().isVisible()
    assert [p.name for p in window.caseload.shown_people()] == [p.name for p in PEOPLE]
    assert shows_a_name(visible_texts(window))


def test_a_title_set_while_hidden_stays_hidden(qtbot: QtBot, session: Session) -> None:
    window = unlock(qtbot, session)
    assert session.privacy is not None
    session.privacy.set_on(True)
    window.setWindowTitle("Ada Example — MSP Desktop")  # a person page opening
    assert window.windowTitle() == "MSP Desktop"
    session.privacy.set_on(False)
    assert window.windowTitle() == "Ada Example — MSP Desktop"


@pytest.mark.interactive_desktop(
    "resizes a shown window, which needs a window manager that Wine without a display lacks"
)
def test_the_cover_follows_the_window_size(qtbot: QtBot, session: Session) -> None:
    window = unlock(qtbot, session)
    assert session.privacy is not None
    session.privacy.set_on(True)
    # Within the test screen (800 × 800): the window is kept on the screen (ui/screen_fit.py).
    window.resize(760, 560)
    qtbot.waitUntil(lambda: session.privacy is not None and session.privacy.cover.width() == 760)
    assert session.privacy.cover.geometry().bottom() == window.rect().bottom()


def test_locking_switches_it_off_and_unlocking_shows_the_records(
    qtbot: QtBot, session: Session
) -> None:
    window = unlock(qtbot, session)
    action = window.action("action.privacy")
    action.trigger()
    assert action.isChecked()
    window.action("action.lock").trigger()
    assert not action.isChecked()
    assert not action.isEnabled()  # nothing to hide while locked
    assert not shows_a_name(visible_texts(window))
    window = unlock(qtbot, session)
    assert action.isEnabled()
    assert window.caseload.isVisible()
