"""A whole visit with the keyboard alone: unlock, find the person, walk the steps, finalise.

Every key goes to whichever widget has the keyboard focus, exactly as it would for a
worker who cannot use a mouse; the test moves only with Tab, arrows, Space, Enter,
Alt+letter and the app's shortcuts. Reaching a control by Tab proves the tab order
gets there; the accessible names it looks for are what a screen reader announces.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QGroupBox, QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from msp_desktop.model import Concern, Person, Stage
from msp_desktop.store import Workspace
from tests import builders
from tests.ui.helpers import PASSPHRASE, WORKER_NAME, on_worker, type_text
from ui import messages
from ui.main_window import MainWindow
from ui.session import Session

Key = Qt.Key


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def press(
    qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    qtbot.keyClick(focused(), key, modifier)


def tab_to(qtbot: QtBot, wanted: Callable[[QWidget], bool], limit: int = 150) -> QWidget:
    """Press Tab until the focused widget is the one wanted (as a keyboard user would)."""
    for _ in range(limit):
        if wanted(focused()):
            return focused()
        press(qtbot, Key.Key_Tab)
    raise AssertionError(f"Tab never reached the control; stuck at {focused().accessibleName()!r}")


def named(prefix: str) -> Callable[[QWidget], bool]:
    return lambda w: w.accessibleName().startswith(prefix)


def choose(qtbot: QtBot, combo: QWidget, text: str) -> None:
    """Pick an entry of a focused drop-down with the arrow keys."""
    assert isinstance(combo, QComboBox)
    for _ in range(combo.count()):
        if combo.currentText() == text:
            return
        press(qtbot, Key.Key_Down)
    assert combo.currentText() == text


def answer_yes(qtbot: QtBot, prompt: str) -> None:
    tab_to(qtbot, named(f"{prompt}: Yes"))
    press(qtbot, Key.Key_Space)


def answer_no(qtbot: QtBot, prompt: str) -> None:
    # Tab enters a group of radio buttons once; the arrow keys move within it.
    tab_to(qtbot, named(f"{prompt}: Yes"))
    press(qtbot, Key.Key_Right)
    assert focused().accessibleName() == f"{prompt}: No"
    press(qtbot, Key.Key_Space)


def next_step(qtbot: QtBot, window: MainWindow, step_id: str) -> None:
    page = window.visit_page
    for _ in range(len(page.pages)):
        current = page.current_step()
        if current is not None and current.step.id == step_id:
            break
        press(qtbot, Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    current = page.current_step()
    assert current is not None
    assert current.step.id == step_id
    qtbot.waitUntil(lambda: page.isAncestorOf(focused()), timeout=2000)


def stored_status(window: MainWindow, qtbot: QtBot, visit_id: str) -> str:
    worker = window.worker
    assert worker is not None
    return on_worker(qtbot, worker, lambda ws: ws.visits.get(visit_id).info.status)


def open_session(qtbot: QtBot, folder: Path, person: Person, concern: Concern) -> Iterator[Session]:
    running = Session(folder)
    running.start()
    yield running
    running.end()


def unlock_and_find(qtbot: QtBot, session: Session, search: str) -> MainWindow:
    dialog = session.dialog
    assert dialog is not None
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    type_text(qtbot, focused(), PASSPHRASE)
    press(qtbot, Key.Key_Return)
    qtbot.waitUntil(
        lambda: session.window is not None and session.window.isVisible(), timeout=10_000
    )
    window = session.window
    assert window is not None
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.waitUntil(lambda: window.caseload.model.rowCount() > 0, timeout=5000)
    qtbot.waitUntil(lambda: focused() is window.caseload.search_edit, timeout=2000)
    type_text(qtbot, focused(), search)
    qtbot.waitUntil(lambda: window.caseload.model.rowCount() == 1, timeout=5000)
    press(qtbot, Key.Key_Down)
    press(qtbot, Key.Key_Return)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.person, timeout=5000)
    return window


def start_visit(qtbot: QtBot, window: MainWindow, button_prefix: str) -> str:
    qtbot.waitUntil(
        lambda: window.person.isAncestorOf(focused()) or focused() is window.person, timeout=5000
    )
    qtbot.waitUntil(
        lambda: any(named(button_prefix)(w) for w in window.person.findChildren(QWidget)),
        timeout=5000,
    )
    tab_to(qtbot, named(button_prefix))
    press(qtbot, Key.Key_Space)
    if button_prefix.startswith("Start"):
        take_the_offered_guide(qtbot, window)
    page = window.visit_page
    qtbot.waitUntil(lambda: window.pages.currentWidget() is page and bool(page.pages), timeout=5000)
    qtbot.waitUntil(lambda: page.isAncestorOf(focused()), timeout=2000)
    assert page.visit is not None
    return page.visit.id


def take_the_offered_guide(qtbot: QtBot, window: MainWindow) -> None:
    """Enter on "Which conversation is this?": the guide offered first (its button has
    the focus) starts the visit."""
    qtbot.waitUntil(lambda: window.guide_dialog is not None, timeout=5000)
    dialog = window.guide_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.waitUntil(lambda: dialog.isAncestorOf(focused()), timeout=2000)
    press(qtbot, Key.Key_Return)
    qtbot.waitUntil(lambda: window.guide_dialog is None, timeout=2000)
    # Offscreen no window manager gives the main window back its focus, as a desktop does.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def finalise(qtbot: QtBot, window: MainWindow, visit_id: str) -> None:
    messages.answer_next(messages.Button.Ok)
    tab_to(qtbot, named("Finalise the visit"))
    press(qtbot, Key.Key_Space)
    qtbot.waitUntil(lambda: bool(messages.shown), timeout=10_000)
    assert stored_status(window, qtbot, visit_id) == "finalised", messages.shown[-1].text
    assert messages.shown[-1].text.startswith("The visit is finalised")


@pytest.fixture
def beginning_session(qtbot: QtBot, folder: Path) -> Iterator[Session]:
    person = builders.person()
    concern = builders.concern(person, stage=Stage.BEGINNING)
    with Workspace.create(folder, PASSPHRASE, WORKER_NAME) as ws:
        ws.people.add(person)
        ws.concerns.add(concern)
    yield from open_session(qtbot, folder, person, concern)


@pytest.fixture
def ending_session(qtbot: QtBot, folder: Path) -> Iterator[Session]:
    person = builders.person()
    concern = builders.concern(person, stage=Stage.BEGINNING)
    earlier = builders.complete_visit(concern, words="I want to keep my own money.")
    with Workspace.create(folder, PASSPHRASE, WORKER_NAME) as ws:
        ws.people.add(person)
        ws.concerns.add(concern)
        ws.visits.start(earlier)
        ws.visits.finalise(earlier.id)
        concern = concern.revised(stage=Stage.END)  # the concern has come to its end
        ws.concerns.update(concern)
    yield from open_session(qtbot, folder, person, concern)


def test_a_beginning_visit_by_keyboard_alone(qtbot: QtBot, beginning_session: Session) -> None:
    window = unlock_and_find(qtbot, beginning_session, "ada")
    visit_id = start_visit(qtbot, window, "Start a visit")

    # Check in: the date is today already; who else is here, with their role; notes.
    tab_to(qtbot, named("Add a person"))
    press(qtbot, Key.Key_Space)
    assert focused().accessibleName() == "Name"
    type_text(qtbot, focused(), "Mary Example")
    choose(qtbot, tab_to(qtbot, named("Why they are here")), "Family")
    answer_yes(qtbot, "Is it all right if I write some notes while we talk?")

    # What matters: one outcome in the person's own words, and SG4a.
    next_step(qtbot, window, "what-matters")
    tab_to(qtbot, named("Add an outcome"))
    press(qtbot, Key.Key_Space)
    type_text(qtbot, focused(), "I want to stay in my own home.")
    combo = tab_to(qtbot, named("Was the person (or someone for them) asked"))
    choose(qtbot, combo, "Yes they were asked and outcomes were expressed")

    # Nothing is answered for the worker: whether the person declined help is asked.
    next_step(qtbot, window, "undue-influence")
    answer_no(qtbot, "Has the person said they do not want help?")

    # An action: its words and who does it; no status is asked of a new action.
    next_step(qtbot, window, "actions")
    tab_to(qtbot, named("Add an action"))
    press(qtbot, Key.Key_Space)
    assert focused().accessibleName() == "What will be done"
    type_text(qtbot, focused(), "Ring the bank about a second signatory.")
    choose(qtbot, tab_to(qtbot, named("Who will do it")), "Me (the worker)")
    # The next visit: the practice rule's date, only because the worker asks for it.
    suggested = date.today() + timedelta(days=28)
    qtbot.waitUntil(  # offered once the practice rule has been asked, as a person sees it
        lambda: any(
            named("Use the suggested date")(w) and w.isVisible()
            for w in window.visit_page.findChildren(QPushButton)
        ),
        timeout=5000,
    )
    suggest = tab_to(qtbot, named("Use the suggested date"))
    press(qtbot, Key.Key_Space)
    # Filled in at once, beside the button that was pressed.
    date_line = suggest.parentWidget().findChild(QLineEdit)
    assert date_line is not None
    assert date_line.text() == suggested.strftime("%d/%m/%Y")

    finalise(qtbot, window, visit_id)
    page = window.visit_page
    assert page.final
    assert page.visit is not None
    assert [o.words.text for o in page.visit.desired_outcomes] == ["I want to stay in my own home."]
    assert page.visit.visit_date == date.today()
    assert [(p.name, p.role) for p in page.visit.present] == [("Mary Example", "family")]
    assert page.visit.next_visit_on == suggested
    worker = window.worker
    assert worker is not None
    (action,) = on_worker(qtbot, worker, lambda ws: ws.actions.for_person(page.visit.person_id))
    assert action.what is not None
    assert action.what.text == "Ring the bank about a second signatory."
    assert (action.owner, action.status) == ("worker", "open")


def test_a_closing_visit_by_keyboard_alone(qtbot: QtBot, ending_session: Session) -> None:
    window = unlock_and_find(qtbot, ending_session, "ada")
    visit_id = start_visit(qtbot, window, "Start a visit")

    # Checking in comes first, then the plan from last time: the decision about sharing
    # came forward, and it is the only part of the plan that did, so it is the only one
    # asked about.
    next_step(qtbot, window, "check-in")
    answer_yes(qtbot, "Is it all right if I write some notes while we talk?")
    next_step(qtbot, window, "review")
    review = window.visit_page.current_step()
    assert review is not None
    asked = [b.question.id for b in review.blocks if b.isVisibleTo(review)]
    assert asked == ["plan_review_consent"]
    choose(
        qtbot,
        tab_to(qtbot, named("The decision about sharing information")),
        "Still the same",
    )
    next_step(qtbot, window, "undue-influence")
    answer_no(qtbot, "Has the person said they do not want help?")
    # The action agreed at the first visit is listed for review, its status unanswered.
    next_step(qtbot, window, "actions")
    status = tab_to(qtbot, named("Where it is up to"))
    assert isinstance(status, QComboBox)
    assert status.currentText() == "Not answered yet"
    form = status.parent().parent()
    assert isinstance(form, QGroupBox)
    assert form.title() == "Action 1: agreed last time"
    choose(qtbot, status, "Done")
    next_step(qtbot, window, "closing")

    choose(qtbot, tab_to(qtbot, named("How far it was achieved")), "Partially Achieved")
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
        press(qtbot, Key.Key_Right)  # from "Not at all" to "A little"
        press(qtbot, Key.Key_Space)
    tab_to(qtbot, named("How do you feel about us closing this now?"))
    type_text(qtbot, focused(), "Glad it is sorted.")

    # SG4a for this visit: the outcomes were carried forward from the first visit.
    page = window.visit_page
    assert page.visit is not None
    assert [o.words.text for o in page.visit.desired_outcomes] == ["I want to keep my own money."]

    finalise(qtbot, window, visit_id)
    assert page.visit is not None
    assert page.visit.desired_outcomes[0].achieved == "Partially Achieved"
    assert page.visit.experience is not None
    assert len(page.visit.experience.answers) == 4
    assert page.visit.actions[0].status == "done"
    worker = window.worker
    assert worker is not None
    (kept,) = on_worker(qtbot, worker, lambda ws: ws.actions.for_person(page.visit.person_id))
    assert kept.status == "done"
    assert [change.status for change in kept.history] == ["open", "done"]
    assert page.concern is not None
    assert page.concern.closing_view is not None
    assert page.concern.closing_view.text == "Glad it is sorted."
