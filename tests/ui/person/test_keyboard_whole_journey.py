"""The whole journey by keyboard alone: a new person added in the app, a concern raised,
the beginning, middle and end visits held, and the concern closed with its result.

What the issue asks of the journey, walked as a worker who cannot use a mouse would: the
shortcuts, Tab, the arrow keys, Space, Enter. Along the way it checks that an action
agreed at the beginning comes forward to each later visit for review and is kept as a
record of its own, that the concern moves on, and that closing records the national
result with the date. Offscreen there is no window manager, so when a dialog closes
the test makes the main window active again, as a desktop would.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from msp_desktop.model import ConcernStatus, RiskOutcome, SG2cActionResult, Stage
from tests.ui.helpers import on_worker, type_text
from tests.ui.person.test_keyboard_journey import dialog_open
from tests.ui.test_keyboard_visit import (
    answer_no,
    answer_yes,
    choose,
    finalise,
    focused,
    named,
    next_step,
    press,
    tab_to,
    take_the_offered_guide,
)
from ui.db_worker import DbWorker
from ui.main_window import MainWindow

Key = Qt.Key
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
TAKEN = SG2cActionResult.RISK_IDENTIFIED_ACTION_TAKEN.value


def back_to_the_person(qtbot: QtBot, app: MainWindow) -> None:
    """Leave the finalised visit with "Back to the person" (Alt+B)."""
    app.activateWindow()
    qtbot.waitUntil(app.isActiveWindow)
    with qtbot.waitSignal(app.person.loaded, timeout=5_000):
        press(qtbot, Key.Key_B, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: app.pages.currentWidget() is app.person, timeout=5_000)


def start_the_visit(qtbot: QtBot, app: MainWindow) -> str:
    tab_to(qtbot, lambda w: w.objectName() == "concern.start_visit")
    press(qtbot, Key.Key_Space)
    take_the_offered_guide(qtbot, app)
    page = app.visit_page
    qtbot.waitUntil(lambda: app.pages.currentWidget() is page and bool(page.pages), timeout=5000)
    qtbot.waitUntil(lambda: page.isAncestorOf(focused()), timeout=2000)
    assert page.visit is not None
    return page.visit.id


def test_a_new_person_from_raised_to_closed_by_keyboard(
    qtbot: QtBot, app: MainWindow, worker: DbWorker
) -> None:
    # A new person: Ctrl+Shift+N, the name, the language (asked, never assumed), Enter.
    press(qtbot, Key.Key_N, CTRL_SHIFT)
    dialog_open(qtbot, app)
    type_text(qtbot, focused(), "Nesta Journey")
    tab_to(qtbot, named("Preferred language: English"))
    press(qtbot, Key.Key_Space)
    with qtbot.waitSignal(app.person.loaded, timeout=5_000) as loaded:
        press(qtbot, Key.Key_Return)
    person_id = loaded.args[0]
    app.activateWindow()
    qtbot.waitUntil(app.isActiveWindow)

    # Raise a concern: Alt+R, a type of risk, Enter.
    press(qtbot, Key.Key_R, Qt.KeyboardModifier.AltModifier)
    dialog_open(qtbot, app)
    tab_to(qtbot, named("Type of risk: Financial or Material Abuse"))
    press(qtbot, Key.Key_Space)
    with qtbot.waitSignal(app.person.loaded, timeout=5_000):
        press(qtbot, Key.Key_Return)
    (concern,) = on_worker(qtbot, worker, lambda ws: ws.concerns.for_person(person_id))
    app.activateWindow()
    qtbot.waitUntil(app.isActiveWindow)

    # The beginning: what the person wants, in their words, and an action.
    visit_id = start_the_visit(qtbot, app)
    answer_yes(qtbot, "Is it all right if I write some notes while we talk?")
    next_step(qtbot, app, "what-matters")
    tab_to(qtbot, named("Add an outcome"))
    press(qtbot, Key.Key_Space)
    type_text(qtbot, focused(), "I want my pension paid to me, not to him.")
    choose(
        qtbot,
        tab_to(qtbot, named("Was the person (or someone for them) asked")),
        "Yes they were asked and outcomes were expressed",
    )
    next_step(qtbot, app, "undue-influence")
    answer_no(qtbot, "Has the person said they do not want help?")
    next_step(qtbot, app, "actions")
    tab_to(qtbot, named("Add an action"))
    press(qtbot, Key.Key_Space)
    type_text(qtbot, focused(), "Go with Nesta to the bank.")
    choose(qtbot, tab_to(qtbot, named("Who will do it")), "Me (the worker)")
    finalise(qtbot, app, visit_id)
    stage = on_worker(qtbot, worker, lambda ws: ws.concerns.get(concern.id).stage)
    assert stage is Stage.MIDDLE  # the finalised beginning moved the concern on

    # The middle: the outcome reviewed; the action comes forward and stays to do.
    back_to_the_person(qtbot, app)
    visit_id = start_the_visit(qtbot, app)
    next_step(qtbot, app, "check-in")
    answer_yes(qtbot, "Is it all right if I write some notes while we talk?")
    next_step(qtbot, app, "how-is-it-going")
    choose(qtbot, tab_to(qtbot, named("Is this still what you want?")), "Yes, I still want this")
    next_step(qtbot, app, "undue-influence")
    answer_no(qtbot, "Has the person said they do not want help?")
    next_step(qtbot, app, "actions")
    choose(qtbot, tab_to(qtbot, named("Where it is up to")), "Still to do")
    finalise(qtbot, app, visit_id)

    # On to the end, chosen by the worker: the stage dialog offers the next stage.
    back_to_the_person(qtbot, app)
    tab_to(qtbot, named("Move on to the end stage"))
    press(qtbot, Key.Key_Space)
    dialog_open(qtbot, app)
    with qtbot.waitSignal(app.person.loaded, timeout=5_000):
        press(qtbot, Key.Key_Return)
    app.activateWindow()
    qtbot.waitUntil(app.isActiveWindow)

    # The end: the action done, the outcome rated, the four questions asked.
    visit_id = start_the_visit(qtbot, app)
    next_step(qtbot, app, "check-in")
    answer_yes(qtbot, "Is it all right if I write some notes while we talk?")
    next_step(qtbot, app, "undue-influence")
    answer_no(qtbot, "Has the person said they do not want help?")
    next_step(qtbot, app, "actions")
    choose(qtbot, tab_to(qtbot, named("Where it is up to")), "Done")
    next_step(qtbot, app, "closing")
    choose(qtbot, tab_to(qtbot, named("How far it was achieved")), "Fully Achieved")
    choose(
        qtbot,
        tab_to(qtbot, named("Who is asking about the person's experience?")),
        "Someone independent",
    )
    for prompt in (
        "Did you understand why people did what they did",
        "Do you feel listened to",
        "How happy are you with the end result",
        "Do you feel safer now",
    ):
        tab_to(qtbot, named(prompt))
        press(qtbot, Key.Key_Right)
        press(qtbot, Key.Key_Space)
    finalise(qtbot, app, visit_id)

    # Close: "Risk identified and action taken" (the first result) and "Risk reduced".
    back_to_the_person(qtbot, app)
    tab_to(qtbot, named("Close the concern raised"))
    press(qtbot, Key.Key_Space)
    dialog_open(qtbot, app)
    assert focused().accessibleName() == f"Result: {TAKEN}"
    press(qtbot, Key.Key_Space)
    tab_to(qtbot, named(f"Risk outcome: {RiskOutcome.REMAINED.value}"))
    press(qtbot, Key.Key_Right)
    assert focused().accessibleName() == f"Risk outcome: {RiskOutcome.REDUCED.value}"
    press(qtbot, Key.Key_Space)
    tab_to(qtbot, lambda w: w.accessibleName() == "Close the concern")
    with qtbot.waitSignal(app.person.loaded, timeout=5_000):
        press(qtbot, Key.Key_Space)

    closed = on_worker(qtbot, worker, lambda ws: ws.concerns.get(concern.id))
    assert closed.status is ConcernStatus.CLOSED
    assert (closed.closed_on, closed.action_result, closed.risk_outcome) == (
        date.today(),
        SG2cActionResult.RISK_IDENTIFIED_ACTION_TAKEN,
        RiskOutcome.REDUCED,
    )
    (action,) = on_worker(qtbot, worker, lambda ws: ws.actions.for_person(person_id))
    assert action.what is not None
    assert action.what.text == "Go with Nesta to the bank."
    assert [change.status for change in action.history] == ["open", "done"]
    actions = [e.action for e in on_worker(qtbot, worker, lambda ws: ws.audit_entries(concern.id))]
    assert actions[0] == "create"
    assert actions[-1] == "close"
    assert "stage" in actions
    # A closed concern offers no visit: it is read-only until reopened.
    app.activateWindow()
    qtbot.waitUntil(app.isActiveWindow)
    assert not any(
        w.objectName() == "concern.start_visit" and w.isVisible()
        for w in app.person.findChildren(QWidget)
    )
