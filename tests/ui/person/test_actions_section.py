"""The agreed actions on the person's page: what is still to do leads, overdue is said
in words and in bold, finished ones wait behind a button (real workspace, qtbot)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from msp_desktop.model import (
    ActionOwner,
    ActionStatus,
    AgreedAction,
    OutcomeStatus,
    Person,
    PlanReview,
)
from msp_desktop.store import Workspace
from tests.ui.helpers import on_worker
from tests.ui.person.journey_story import (
    FINISHED,
    GUIDE,
    LATER,
    OUTCOME_WORDS,
    OVERDUE,
    UNDATED,
    JourneyStory,
    ago,
    make_journey,
    open_window,
)
from tests.ui.test_accessibility import unnamed
from ui.date_text import date_text
from ui.db_worker import DbWorker
from ui.main_window import MainWindow
from ui.person.actions_section import due_words, who_text


@pytest.fixture
def story(folder: Path) -> JourneyStory:
    return make_journey(folder)


@pytest.fixture
def window(qtbot: QtBot, worker: DbWorker, story: JourneyStory) -> Iterator[MainWindow]:
    main = open_window(qtbot, worker, story)
    yield main
    main.detach()


def labels(root: QWidget, name: str) -> list[QLabel]:
    return [label for label in root.findChildren(QLabel, name) if label.text()]


def section(window: MainWindow) -> QWidget:
    found = window.person.findChild(QWidget, "person.actions")
    assert found is not None
    return found


def test_open_actions_soonest_first_with_who_and_why(
    qtbot: QtBot, window: MainWindow, story: JourneyStory
) -> None:
    actions = section(window)
    assert [label.text() for label in labels(actions, "action.what")] == [OVERDUE, LATER, UNDATED]
    assert [label.text() for label in labels(actions, "action.due")] == [
        f"Overdue: it was due by {date_text(ago(3))}",
        f"Due by {date_text(ago(-10))}",
        "No date agreed",
    ]
    concern = f"Concern raised {date_text(ago(60))} (open)"
    assert [label.text() for label in labels(actions, "action.about")] == [
        f"Who: Jo Worker (worker) · {concern} · For “{OUTCOME_WORDS}”",
        f"Who: Addie (the person) · {concern}",
        f"Who: Mrs Neighbour · {concern}",
    ]
    assert labels(actions, "actions.summary")[0].text() == "3 actions to do; 1 overdue."


def test_overdue_is_bold_as_well_as_said(window: MainWindow) -> None:
    due = labels(section(window), "action.due")
    assert [label.font().bold() for label in due] == [True, False, False]
    # Under the person's details, before the concerns: what is still to do, in bold.
    note = window.person.findChild(QLabel, "person.actions_note")
    assert note is not None
    assert note.isVisible()
    assert note.font().bold()
    assert note.text().startswith("3 actions to do; 1 overdue.")
    concerns_title = window.person.findChild(QLabel, "person.concerns_title")
    assert concerns_title is not None
    assert (
        note.mapTo(window.person, note.rect().topLeft()).y()
        < concerns_title.mapTo(window.person, concerns_title.rect().topLeft()).y()
    )


def test_finished_actions_wait_behind_a_button(qtbot: QtBot, window: MainWindow) -> None:
    actions = section(window)
    toggle = actions.findChild(QPushButton, "actions.show_finished")
    shelf = actions.findChild(QWidget, "actions.finished_list")
    assert toggle is not None
    assert shelf is not None
    assert toggle.text() == "Show the finished action"
    assert not shelf.isVisible()
    toggle.setFocus()
    qtbot.keyClick(toggle, Qt.Key.Key_Space)
    assert shelf.isVisible()
    assert toggle.text() == toggle.accessibleName() == "Hide the finished action"
    texts = [label.text() for label in shelf.findChildren(QLabel) if label.text()]
    assert texts[:3] == [f"Done ({date_text(ago(20))})", FINISHED, "Note: Posted it."]
    qtbot.keyClick(toggle, Qt.Key.Key_Space)
    assert not shelf.isVisible()
    assert unnamed(window) == []


def test_the_words_for_who_and_when() -> None:
    person = Person(name="Ada Example")
    action = AgreedAction(id="a", person_id="p", concern_id="c")
    today = date(2026, 12, 5)
    assert who_text(action, person) == "Not recorded"
    assert who_text(action.revised(owner=ActionOwner.WORKER), person) == "The worker"
    assert who_text(action.revised(owner=ActionOwner.PERSON), person) == "Ada Example (the person)"
    assert who_text(action.revised(owner=ActionOwner.SOMEONE_ELSE), person) == (
        "Someone else (not named)"
    )
    assert who_text(action.revised(who="Sam (son)"), person) == "Sam (son)"
    assert due_words(action.revised(by_when=today), today) == "Due today"
    assert due_words(action.revised(by_when=date(2026, 12, 4)), today) == (
        "Overdue: it was due by 4 Dec 2026"
    )
    done = action.revised(by_when=date(2026, 12, 4), status="done")
    assert due_words(done, today) == "Due by 4 Dec 2026"  # finished: not overdue


def test_no_actions_at_all_says_so(qtbot: QtBot, window: MainWindow) -> None:
    people = window.caseload.shown_people()
    bryn = next(person for person in people if person.name == "Bryn Sample")
    with qtbot.waitSignal(window.person.loaded, timeout=5_000):
        window.open_person(bryn.id)
    actions = section(window)
    assert labels(actions, "actions.summary")[0].text() == "No actions agreed yet."
    note = window.person.findChild(QLabel, "person.actions_note")
    assert note is not None
    assert not note.isVisible()
    assert actions.findChild(QPushButton, "actions.show_finished") is None


def test_a_changed_count_is_announced_when_the_record_is_read_again(
    qtbot: QtBot,
    window: MainWindow,
    story: JourneyStory,
    worker: DbWorker,
    spoken: list[tuple[QObject, str]],
) -> None:
    # WCAG 4.1.3: after a change elsewhere (here an action finished in the store), the
    # record is read again and rebuilt; the new count is news, and is announced. The
    # first reading is not: the line is read with the record, under the details.
    summary = labels(section(window), "actions.summary")[0]
    assert summary.accessibleName() == "3 actions to do; 1 overdue."
    assert summary.accessibleDescription() == "Actions to do"
    assert [words for _thing, words in spoken if "action" in words] == []

    def finish_the_overdue_one(ws: Workspace) -> None:
        # As a worker would: a review visit records it done, and is finalised.
        review = ws.visits.begin(story.concern_id, GUIDE, ago(0))
        review = review.revised(
            consent_to_record=True,
            plan_review=review.plan_review.revised(consent=PlanReview.SAME),
            undue_influence=review.undue_influence.revised(person_declined_help=False),
            desired_outcomes=[
                o.revised(status=OutcomeStatus.STILL_WANTED) for o in review.desired_outcomes
            ],
            actions=[
                a.revised(status=ActionStatus.DONE)
                if a.what and a.what.text == OVERDUE
                else a.revised(status=a.status or ActionStatus.OPEN)
                for a in review.actions
            ],
        )
        ws.visits.save_draft(review)
        ws.visits.finalise(review.id)

    on_worker(qtbot, worker, finish_the_overdue_one)
    with qtbot.waitSignal(window.person.loaded, timeout=5_000):
        window.person.show_person(story.person_id)
    summary = labels(section(window), "actions.summary")[0]
    assert summary.text() == "2 actions to do; none overdue."
    assert [(thing, words) for thing, words in spoken if "action" in words] == [
        (summary, "2 actions to do; none overdue.")
    ]
    # The same count read again is not news.
    with qtbot.waitSignal(window.person.loaded, timeout=5_000):
        window.person.show_person(story.person_id)
    assert len([words for _thing, words in spoken if "action" in words]) == 1
