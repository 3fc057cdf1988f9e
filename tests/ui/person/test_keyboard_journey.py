"""By keyboard alone: add a person, raise a concern, close it as ceased at the person's
request with a reason, and reopen it.

Every key goes to whichever widget has the focus, as it would for a worker who cannot
use a mouse: the shortcut, Tab, the arrow keys, Space, Enter and Alt+letter. Offscreen
there is no window manager, so when a dialog closes the test makes the main window
active again, as a desktop would.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QRadioButton
from pytestqt.qtbot import QtBot

from msp_desktop.model import ConcernStatus, Language, SG2cActionResult
from tests.ui.helpers import on_worker, type_text
from tests.ui.test_keyboard_visit import focused, named, press, tab_to
from ui.db_worker import DbWorker
from ui.main_window import MainWindow
from ui.person.form_parts import WorkspaceDialog

Key = Qt.Key
CEASED = SG2cActionResult.CEASED_AT_REQUEST.value


def dialog_open(qtbot: QtBot, window: MainWindow) -> WorkspaceDialog:
    qtbot.waitUntil(lambda: isinstance(QApplication.activeWindow(), WorkspaceDialog))
    dialog = QApplication.activeWindow()
    assert isinstance(dialog, WorkspaceDialog)
    return dialog


def test_add_raise_close_and_reopen_by_keyboard(
    qtbot: QtBot, app: MainWindow, worker: DbWorker
) -> None:
    assert app.caseload.search_edit.hasFocus()

    # Add a person: Ctrl+Shift+N, the name, the language, Enter.
    press(qtbot, Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog_open(qtbot, app)
    assert focused().accessibleName() == "Full name"
    type_text(qtbot, focused(), "Eira Keyboard")
    tab_to(qtbot, named("Preferred language: English"))
    press(qtbot, Key.Key_Right)
    assert focused().accessibleName() == "Preferred language: Welsh (Cymraeg)"
    press(qtbot, Key.Key_Space)
    with qtbot.waitSignal(app.person.loaded, timeout=5_000) as loaded:
        press(qtbot, Key.Key_Return)
    person_id = loaded.args[0]
    person = on_worker(qtbot, worker, lambda ws: ws.people.get(person_id))
    assert (person.name, person.preferred_language) == ("Eira Keyboard", Language.CY)
    assert app.person_dialog is None
    app.activateWindow()
    qtbot.waitUntil(app.isActiveWindow)

    # Raise a concern: Alt+R, tick a type of risk, Enter.
    press(qtbot, Key.Key_R, Qt.KeyboardModifier.AltModifier)
    dialog_open(qtbot, app)
    assert focused().accessibleName() == "Raised on"
    tab_to(qtbot, named("Type of risk: Psychological Abuse"))
    press(qtbot, Key.Key_Space)
    with qtbot.waitSignal(app.person.loaded, timeout=5_000):
        press(qtbot, Key.Key_Return)
    (concern,) = on_worker(qtbot, worker, lambda ws: ws.concerns.for_person(person_id))
    app.activateWindow()
    qtbot.waitUntil(lambda: focused().objectName() == "concern.start_visit")

    # Close it: ceased at the person's request, with the reason.
    tab_to(qtbot, named("Close the concern raised"))
    press(qtbot, Key.Key_Space)
    dialog_open(qtbot, app)
    assert focused().accessibleName() == "Result: Risk identified and action taken"
    for _ in range(6):
        press(qtbot, Key.Key_Down)
    assert focused().accessibleName() == f"Result: {CEASED}"
    press(qtbot, Key.Key_Space)
    assert isinstance(focused(), QRadioButton)
    assert focused().isChecked()  # type: ignore[attr-defined]
    tab_to(qtbot, named("Reason"))
    type_text(qtbot, focused(), "Eira asked us to stop; she has capacity.")
    tab_to(qtbot, lambda w: w.accessibleName() == "Close the concern")
    with qtbot.waitSignal(app.person.loaded, timeout=5_000):
        press(qtbot, Key.Key_Space)
    closed = on_worker(qtbot, worker, lambda ws: ws.concerns.get(concern.id))
    assert (closed.status, closed.action_result) == (ConcernStatus.CLOSED, CEASED)
    assert closed.close_reason is not None
    assert closed.close_reason.text == "Eira asked us to stop; she has capacity."

    # Reopen it: the focus is on "Reopen…" already.
    app.activateWindow()
    qtbot.waitUntil(lambda: focused().objectName() == "concern.reopen")
    press(qtbot, Key.Key_Space)
    dialog_open(qtbot, app)
    assert focused().accessibleName() == "Why are you reopening it?"
    type_text(qtbot, focused(), "Her son moved back in.")
    tab_to(qtbot, lambda w: w.accessibleName() == "Reopen")
    with qtbot.waitSignal(app.person.loaded, timeout=5_000):
        press(qtbot, Key.Key_Space)
    reopened = on_worker(qtbot, worker, lambda ws: ws.concerns.get(concern.id))
    assert reopened.status is ConcernStatus.OPEN
    assert [r.reason.text for r in reopened.reopenings] == ["Her son moved back in."]
    audit = on_worker(qtbot, worker, lambda ws: ws.audit_entries(concern.id))
    assert [e.action for e in audit] == ["create", "close", "reopen"]
    assert audit[-1].at.startswith(date.today().isoformat())
