"""The person page: opened from the caseload by keyboard, read off the GUI thread."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from msp_desktop.model import (
    CommunicationNeed,
    ConcernStatus,
    HouseholdMember,
    Note,
    OutcomeAchieved,
    OutcomeStatus,
    Stage,
)
from msp_desktop.store import Workspace
from tests import builders
from tests.ui.helpers import PASSPHRASE, PEOPLE, WORKER_NAME, wait_idle
from tests.ui.test_accessibility import unnamed
from ui.db_worker import DbWorker
from ui.main_window import MainWindow
from ui.person.person_file import OutcomeStep
from ui.person.person_text import (
    DONE,
    NOT_REACHED,
    NOW,
    age_on,
    nhs_text,
    stage_states,
    step_text,
    timeline_sentence,
)

TODAY = date.today()
FIRST_WORDS = "I want to feel safe at home."
CHANGED_WORDS = "I want to feel safe at home, and to keep my cat  with me."
NEW_WORDS = "Don't tell my son I rang you!"
HOUSEHOLD_NAME = "Relative Specimen"


@dataclass(frozen=True)
class Story:
    """The ids the tests look for."""

    folder: Path
    person_id: str
    open_concern: str
    draft_visit: str


@pytest.fixture
def story(folder: Path) -> Story:
    """Ada with an open concern (two visits, the newest a draft) and a closed one."""
    ws = Workspace.create(folder, PASSPHRASE, WORKER_NAME)
    try:
        for person in PEOPLE[1:]:
            ws.people.add(person)
        ada = PEOPLE[0].revised(
            preferred_name="Addie",
            address="1 Example Street, Sampletown",
            communication_needs=[CommunicationNeed.LARGE_PRINT, CommunicationNeed.HEARING],
            household=[HouseholdMember(name=HOUSEHOLD_NAME, relationship="son")],
        )
        ws.people.add(ada)
        old = {"stage": Stage.END, "status": ConcernStatus.CLOSED, "raised_on": date(2025, 1, 6)}
        ws.concerns.add(builders.concern(ada, **old))
        concern = builders.concern(ada, stage=Stage.MIDDLE, raised_on=TODAY - timedelta(days=40))
        ws.concerns.add(concern)
        first = builders.complete_visit(concern, FIRST_WORDS).revised(
            visit_date=TODAY - timedelta(days=30)
        )
        ws.visits.start(first)
        ws.visits.finalise(first.id)
        carried = first.desired_outcomes[0].revised(
            status=OutcomeStatus.CHANGED, words=Note(text=CHANGED_WORDS)
        )
        second = builders.draft_visit(
            concern,
            visit_date=TODAY - timedelta(days=2),
            desired_outcomes=[carried, {"words": NEW_WORDS}],
        )
        ws.visits.start(second)
    finally:
        ws.close()
    return Story(folder, ada.id, concern.id, second.id)


@pytest.fixture
def window(qtbot: QtBot, worker: DbWorker, story: Story) -> Iterator[MainWindow]:
    with qtbot.waitSignal(worker.opened, timeout=10_000):
        worker.open_workspace(story.folder, PASSPHRASE, lambda _r: None, lambda _e: None)
    main = MainWindow()
    qtbot.addWidget(main)
    main.attach(worker)
    # A laptop's window, set here: the window's own first size follows the text size
    # and the screen (tests/ui/test_fits_screen.py checks that), not this test's concern.
    main.resize(1280, 720)
    main.show()
    main.activateWindow()
    qtbot.waitUntil(main.isActiveWindow)
    qtbot.waitUntil(lambda: main.caseload.model.rowCount() == 3, timeout=5_000)
    yield main
    main.detach()


def open_ada_by_keyboard(qtbot: QtBot, window: MainWindow) -> None:
    search = window.caseload.search_edit
    search.setFocus()
    qtbot.keyClicks(search, "ada")
    qtbot.waitUntil(lambda: window.caseload.model.rowCount() == 1, timeout=5_000)
    qtbot.keyClick(search, Qt.Key.Key_Down)
    assert window.caseload.table.hasFocus()
    with qtbot.waitSignal(window.person.loaded, timeout=5_000):
        qtbot.keyClick(window.caseload.table, Qt.Key.Key_Return)
    assert window.pages.currentWidget() is window.person


def label_texts(root: QWidget, name: str = "") -> list[str]:
    labels = root.findChildren(QLabel, name) if name else root.findChildren(QLabel)
    return [label.text() for label in labels if label.text()]


def test_open_by_keyboard_shows_the_person(qtbot: QtBot, window: MainWindow) -> None:
    open_ada_by_keyboard(qtbot, window)
    person = window.person
    assert label_texts(person, "person.name") == ["Ada Example"]
    assert label_texts(person, "person.known_as") == ["Known as Addie"]
    details = label_texts(person.record_view)
    assert f"3 Feb 1941 (age {age_on(date(1941, 2, 3), TODAY)})" in details
    assert "Large print; Support with hearing" in details
    # The person's words exactly as recorded, the earlier words kept too.
    words = label_texts(person, "outcome.words")
    assert words == [f"“{CHANGED_WORDS}”", f"“{NEW_WORDS}”"]
    assert f"Earlier words: “{FIRST_WORDS}”" in details
    steps = label_texts(person, "outcome.step")
    assert steps[0].endswith(": Still wanted")
    assert steps[1].endswith(": Changed (draft)")
    # Newest concern first; the stage in words, and the marker beside them.
    titles = label_texts(person, "concern.title")
    assert titles[0].endswith("(open)")
    assert titles[1].endswith("(closed)")
    assert "● Middle: now" in label_texts(person, "stage.middle")[0]
    assert "✓ Beginning: done" in label_texts(person, "stage.beginning")[0]
    timelines = person.findChildren(QWidget, "concern.timeline")
    assert "at the middle stage" in timelines[0].accessibleName()
    assert "closed" in timelines[1].accessibleName()


def test_escape_returns_to_the_caseload_with_the_search_kept(
    qtbot: QtBot, window: MainWindow, story: Story
) -> None:
    open_ada_by_keyboard(qtbot, window)
    qtbot.keyClick(window.person.back_button, Qt.Key.Key_Escape)
    assert window.pages.currentWidget() is window.caseload
    assert window.caseload.search_edit.text() == "ada"
    assert window.caseload.table.hasFocus()
    assert window.caseload.table.currentIndex().row() == 0
    assert window.person.record is None  # nothing of the record is kept behind the list
    assert not window.action("action.back").isEnabled()

    with qtbot.waitSignal(window.person.loaded, timeout=5_000):
        qtbot.keyClick(window.caseload.table, Qt.Key.Key_Enter)
    qtbot.keyClick(window.person.record_view, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.pages.currentWidget() is window.caseload
    assert window.caseload.shown_people()[0].id == story.person_id


def test_double_click_opens_too(qtbot: QtBot, window: MainWindow, story: Story) -> None:
    table = window.caseload.table
    rect = table.visualRect(window.caseload.model.index(0, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(window.person.loaded, timeout=5_000) as loaded:
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert loaded.args == [story.person_id]


def test_start_and_resume_ask_for_a_visit(qtbot: QtBot, window: MainWindow, story: Story) -> None:
    open_ada_by_keyboard(qtbot, window)
    resume = window.person.findChildren(QPushButton, "concern.resume_visit")
    start = window.person.findChildren(QPushButton, "concern.start_visit")
    assert len(resume) == len(start) == 1  # the closed concern offers neither
    with qtbot.waitSignal(window.visit_requested) as asked:
        qtbot.mouseClick(resume[0], Qt.MouseButton.LeftButton)
    assert asked.args == [story.open_concern, story.draft_visit]
    with qtbot.waitSignal(window.person.visit_requested) as asked:
        start[0].setFocus()
        qtbot.keyClick(start[0], Qt.Key.Key_Space)
    assert asked.args == [story.open_concern, None]


def test_every_control_is_named_and_in_reading_order(qtbot: QtBot, window: MainWindow) -> None:
    open_ada_by_keyboard(qtbot, window)
    person = window.person
    assert unnamed(window) == []
    captions = [label for label in person.findChildren(QLabel) if label.buddy() is not None]
    assert {label.text() for label in captions} >= {"Date of birth", "Visit due", "Visits"}
    assert all(label.buddy().accessibleName() for label in captions)  # type: ignore[union-attr]
    resume = person.findChild(QPushButton, "concern.resume_visit")
    start = person.findChild(QPushButton, "concern.start_visit")
    assert resume is not None
    assert start is not None
    assert "raised" in start.accessibleName()
    journey = [
        person.findChild(QPushButton, f"concern.{kind}") for kind in ("not_held", "stage", "close")
    ]
    order = [person.back_button]
    while len(order) < 9:
        nxt = order[-1].nextInFocusChain()
        while not (nxt.focusPolicy() & Qt.FocusPolicy.TabFocus) or not nxt.isVisible():
            nxt = nxt.nextInFocusChain()
        order.append(nxt)
    # The page's own buttons in the top row, then the record: each concern's visit
    # buttons first, then the ones that move it along.
    assert order == [
        person.back_button,
        person.edit_button,
        person.raise_button,
        person.record_view,
        resume,
        start,
        *journey,
    ]


def test_visit_buttons_are_at_the_top_of_the_concern(qtbot: QtBot, window: MainWindow) -> None:
    open_ada_by_keyboard(qtbot, window)
    person = window.person
    start = person.findChild(QPushButton, "concern.start_visit")
    resume = person.findChild(QPushButton, "concern.resume_visit")
    assert start is not None
    assert resume is not None
    card = start.parentWidget()
    assert card is not None
    title = card.findChild(QLabel, "concern.title")
    timeline = card.findChild(QWidget, "concern.timeline")
    words = card.findChildren(QLabel, "outcome.words")
    assert title is not None
    assert timeline is not None
    assert words

    def top(widget: QWidget) -> int:
        return widget.mapTo(card, widget.rect().topLeft()).y()

    # Title, then the buttons (in reading order), then the timeline and the outcomes.
    assert top(title) < top(resume) == top(start) < top(timeline) < top(words[0])
    assert resume.x() < start.x()
    # In sight when the page opens, without scrolling past every outcome.
    viewport = person.record_view.viewport()
    assert start.mapTo(viewport, start.rect().bottomLeft()).y() < viewport.height()
    assert "Local ID" in label_texts(person.record_view)


def test_household_is_small_and_labelled_not_in_the_header(
    qtbot: QtBot, window: MainWindow
) -> None:
    open_ada_by_keyboard(qtbot, window)
    header = window.person.findChild(QWidget, "person.header")
    household = window.person.findChild(QWidget, "person.household")
    assert header is not None
    assert household is not None
    assert not any(HOUSEHOLD_NAME in text for text in label_texts(header))
    texts = label_texts(household)
    assert texts[0] == "Household and other people"
    assert f"{HOUSEHOLD_NAME} (son): lives with the person" in texts
    name = window.person.findChild(QLabel, "person.name")
    member = next(lb for lb in household.findChildren(QLabel) if HOUSEHOLD_NAME in lb.text())
    assert name is not None
    assert member.font().pointSizeF() < name.font().pointSizeF() / 2


def test_a_stale_answer_is_dropped(
    qtbot: QtBot, window: MainWindow, worker: DbWorker, story: Story
) -> None:
    loaded: list[str] = []
    window.person.loaded.connect(loaded.append)
    window.open_person(story.person_id)
    window.show_caseload()  # before the answer comes back
    wait_idle(qtbot, worker)
    assert loaded == []
    assert window.person.record is None
    assert window.person.record_view.widget() is None


def test_an_unknown_person_says_so(qtbot: QtBot, window: MainWindow, worker: DbWorker) -> None:
    window.open_person("nobody")
    wait_idle(qtbot, worker)
    assert window.person.status_note.text() == "No person with id nobody is on this caseload."


def test_words_for_steps_and_stages() -> None:
    rated = OutcomeStep(
        date(2026, 11, 2), OutcomeStatus.ACHIEVED, OutcomeAchieved.FULLY_ACHIEVED, "x", False
    )
    assert step_text(rated) == "2 Nov 2026: Achieved, rated Fully Achieved"
    undated = OutcomeStep(None, OutcomeStatus.NO_LONGER_WANTED, None, "x", True)
    assert step_text(undated) == "Date not set: No longer wanted (draft)"
    concern = builders.concern(PEOPLE[0], stage=Stage.END)
    assert stage_states(concern) == [
        (Stage.BEGINNING, DONE),
        (Stage.MIDDLE, DONE),
        (Stage.END, NOW),
    ]
    # Closed before the end (the person asked for the enquiry to stop): the stages after
    # the one it closed at were not reached, and the timeline says so.
    ceased = builders.concern(
        PEOPLE[0],
        stage=Stage.BEGINNING,
        status=ConcernStatus.CLOSED,
        closed_on=date(2026, 10, 5),
    )
    assert stage_states(ceased) == [
        (Stage.BEGINNING, DONE),
        (Stage.MIDDLE, NOT_REACHED),
        (Stage.END, NOT_REACHED),
    ]
    assert timeline_sentence(ceased) == (
        "This concern closed at the beginning stage; the stages after it were not reached."
    )
    assert nhs_text("9434765919") == "943 476 5919"
    assert nhs_text(None) == "Not recorded"
    assert age_on(date(1941, 2, 3), date(2026, 2, 2)) == 84
    assert age_on(date(1941, 2, 3), date(2026, 2, 3)) == 85
