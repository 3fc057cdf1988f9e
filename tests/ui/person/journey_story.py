"""A person with agreed actions, a visit that did not happen and contact notes, for
the tests of the person page's actions and chronology (real workspace, records made
the way the app makes them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from pytestqt.qtbot import QtBot

from msp_desktop.model import (
    Action,
    ActionOwner,
    ActionStatus,
    ConcernStatus,
    ContactKind,
    Note,
    NotHeldReason,
    OutcomeStatus,
    PlanReview,
    Stage,
    Visibility,
)
from msp_desktop.services.contacts import add_contact
from msp_desktop.services.visits import record_not_held
from msp_desktop.store import Workspace
from tests import builders
from tests.ui.helpers import PASSPHRASE, PEOPLE, WORKER_NAME
from ui.db_worker import DbWorker
from ui.main_window import MainWindow

GUIDE = ("msp-visit", "2.0.0")
TODAY = date.today()
OUTCOME_WORDS = "I want to feel safe at home."
OVERDUE = "Ask the bank to add a second signatory."
LATER = "Ring the GP about the new tablets."
UNDATED = "Keep the spare key with the neighbour."
FINISHED = "Send the easy read leaflet about scams."
PHONE = "Rang the bank's vulnerable customers team."
LETTER = "Wrote to Ada with the date of the next visit."


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


@dataclass(frozen=True)
class JourneyStory:
    """Where the workspace is and the ids the tests look for."""

    folder: Path
    person_id: str
    concern_id: str
    closed_concern_id: str


def make_journey(folder: Path) -> JourneyStory:
    """Ada: an open concern with two visits held (four actions agreed, one done since),
    a visit that did not happen, a phone call and a letter; and an older closed concern."""
    ws = Workspace.create(folder, PASSPHRASE, WORKER_NAME)
    try:
        for person in PEOPLE[1:]:
            ws.people.add(person)
        ada = PEOPLE[0].revised(preferred_name="Addie")
        ws.people.add(ada)
        closed = builders.concern(
            ada, stage=Stage.END, status=ConcernStatus.CLOSED, raised_on=date(2025, 1, 6)
        )
        ws.concerns.add(closed)
        concern = builders.concern(ada, raised_on=ago(60))
        ws.concerns.add(concern)
        first = builders.complete_visit(concern, OUTCOME_WORDS)
        outcome = first.desired_outcomes[0].id
        first = first.revised(
            visit_date=ago(50),
            stage=Stage.BEGINNING,
            place="At home",
            spoken_to_alone=True,
            actions=[
                Action(
                    what=Note(text=OVERDUE),
                    owner=ActionOwner.WORKER,
                    who="Jo Worker",
                    by_when=ago(3),
                    outcome_ids=[outcome],
                ),
                Action(what=Note(text=LATER), owner=ActionOwner.PERSON, by_when=ago(-10)),
                Action(
                    what=Note(text=UNDATED), owner=ActionOwner.SOMEONE_ELSE, who="Mrs Neighbour"
                ),
                Action(what=Note(text=FINISHED), owner=ActionOwner.WORKER, by_when=ago(40)),
            ],
        )
        ws.visits.start(first)
        ws.visits.finalise(first.id)
        review = ws.visits.begin(concern.id, GUIDE, ago(20))
        review = review.revised(
            consent_to_record=True,
            plan_review=review.plan_review.revised(consent=PlanReview.SAME),
            undue_influence=review.undue_influence.revised(person_declined_help=False),
            desired_outcomes=[
                o.revised(status=OutcomeStatus.STILL_WANTED) for o in review.desired_outcomes
            ],
            actions=[
                a.revised(status=ActionStatus.DONE, status_note=Note(text="Posted it."))
                if a.what and a.what.text == FINISHED
                else a.revised(status=ActionStatus.OPEN)
                for a in review.actions
            ],
        )
        ws.visits.save_draft(review)
        ws.visits.finalise(review.id)
        record_not_held(
            ws,
            concern.id,
            GUIDE,
            on=ago(9),
            reason=NotHeldReason.NO_ACCESS,
            rearranged_for=ago(6),
            note="No answer at the door.",
        )
        add_contact(ws, ada.id, ContactKind.PHONE, PHONE, on=ago(5))
        add_contact(
            ws,
            ada.id,
            ContactKind.LETTER,
            LETTER,
            on=ago(2),
            concern_id=concern.id,
            visibility=Visibility.PERSON,
        )
    finally:
        ws.close()
    return JourneyStory(folder, ada.id, concern.id, closed.id)


def open_window(qtbot: QtBot, worker: DbWorker, story: JourneyStory) -> MainWindow:
    """The main window on the story's workspace, showing Ada's page."""
    with qtbot.waitSignal(worker.opened, timeout=10_000):
        worker.open_workspace(story.folder, PASSPHRASE, lambda _r: None, lambda _e: None)
    main = MainWindow()
    qtbot.addWidget(main)
    main.attach(worker)
    main.resize(1200, 780)
    main.show()
    main.activateWindow()
    qtbot.waitUntil(main.isActiveWindow)
    qtbot.waitUntil(lambda: main.caseload.model.rowCount() == 3, timeout=5_000)
    with qtbot.waitSignal(main.person.loaded, timeout=5_000):
        main.open_person(story.person_id)
    return main
