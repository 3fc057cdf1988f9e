"""The chronology in a manager's words, and the actions the person's page lists
(real SQLCipher workspace, records made the way the app makes them)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from msp_desktop.documents.dates import NBSP, format_date
from msp_desktop.errors import InvalidInput, RecordNotFound
from msp_desktop.model import (
    Action,
    ActionOwner,
    ActionStatus,
    Concern,
    ContactKind,
    Note,
    NotHeldReason,
    OutcomeStatus,
    Person,
    PlanReview,
    PresentPerson,
    Stage,
    Visibility,
)
from msp_desktop.model.text import NOTE_MAX_CHARS
from msp_desktop.services.actions import list_actions, person_actions
from msp_desktop.services.contacts import add_contact, chronology, matches
from msp_desktop.services.visits import record_not_held
from msp_desktop.store import Workspace
from tests import builders

GUIDE = ("msp-visit", "2.0.0")
TODAY = date.today()


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


@pytest.fixture
def person(workspace: Workspace) -> Person:
    someone = builders.person("Eira Example", preferred_name="Eira")
    workspace.people.add(someone)
    return someone


@pytest.fixture
def concern(workspace: Workspace, person: Person) -> Concern:
    raised = builders.concern(person, raised_on=ago(60))
    workspace.concerns.add(raised)
    return raised


def first_visit(workspace: Workspace, concern: Concern, actions: list[Action]) -> str:
    """A finalised beginning visit 50 days ago that agreed ``actions``."""
    visit = builders.complete_visit(concern).revised(
        visit_date=ago(50),
        stage=Stage.BEGINNING,
        place="At home",
        present=[PresentPerson(name="Sam Example", role="family")],
        spoken_to_alone=True,
        next_visit_on=ago(20),
        actions=actions,
    )
    workspace.visits.start(visit)
    workspace.visits.finalise(visit.id)
    return visit.id


def review(
    workspace: Workspace, concern: Concern, on: date, statuses: dict[str, ActionStatus]
) -> None:
    """A finalised middle visit ``on`` that reviews the carried actions."""
    visit = workspace.visits.begin(concern.id, GUIDE, on)
    reviewed = []
    for action in visit.actions:
        status = statuses.get(action.what.text if action.what else "", ActionStatus.OPEN)
        note = None if status is ActionStatus.OPEN else Note(text="Talked it over.")
        reviewed.append(action.revised(status=status, status_note=note))
    visit = visit.revised(
        consent_to_record=True,
        plan_review=visit.plan_review.revised(consent=PlanReview.SAME),
        undue_influence=visit.undue_influence.revised(person_declined_help=False),
        desired_outcomes=[
            o.revised(status=OutcomeStatus.STILL_WANTED) for o in visit.desired_outcomes
        ],
        actions=reviewed,
    )
    workspace.visits.save_draft(visit)
    workspace.visits.finalise(visit.id)


def test_each_entry_says_what_happened_in_words(
    workspace: Workspace, person: Person, concern: Concern
) -> None:
    first_visit(workspace, concern, [])
    record_not_held(
        workspace,
        concern.id,
        GUIDE,
        on=ago(9),
        reason=NotHeldReason.NO_ACCESS,
        rearranged_for=ago(6),
        note="No answer at the door.",
    )
    record_not_held(workspace, concern.id, GUIDE, on=ago(8), reason=NotHeldReason.DECLINED)
    add_contact(workspace, person.id, ContactKind.PHONE, "Rang the bank.", on=ago(5))
    add_contact(
        workspace,
        person.id,
        ContactKind.MEETING,
        "Strategy meeting.",
        on=ago(1),
        concern_id=concern.id,
        visibility=Visibility.THIRD_PARTY,
    )
    draft = builders.draft_visit(concern)  # not dated yet: the newest, being written
    workspace.visits.start(draft)

    entries = chronology(workspace, person.id)

    assert [(e.kind, e.title) for e in entries] == [
        ("visit", "Visit (draft)"),
        ("meeting", "Meeting"),
        ("phone", "Phone call"),
        ("not_held", "Visit did not happen: the person declined to talk"),
        ("not_held", "Visit did not happen: no access"),
        ("visit", "Visit (finalised)"),
    ]
    draft_entry, meeting, phone, declined, no_access, held = entries
    assert draft_entry.on is None
    assert draft_entry.draft
    assert (meeting.visibility, meeting.concern_id) == (Visibility.THIRD_PARTY, concern.id)
    assert (phone.text, phone.visibility, phone.concern_id) == (
        "Rang the bank.",
        Visibility.INTERNAL,
        None,
    )
    assert declined.text == "No new date arranged."
    rearranged = format_date(ago(6), "en")
    assert no_access.text == f"Rearranged for {rearranged}. No answer at the door."
    assert held.text == (
        "Beginning stage. Place: At home. Also there: Sam Example. Spoken to alone. "
        f"Next visit agreed for {format_date(ago(20), 'en')}."
    )
    assert held.on == ago(50)
    assert not held.draft


def test_the_search_reads_the_words_a_manager_reads(
    workspace: Workspace, person: Person, concern: Concern
) -> None:
    record_not_held(
        workspace,
        concern.id,
        GUIDE,
        on=ago(9),
        reason=NotHeldReason.NO_ACCESS,
        rearranged_for=ago(6),
    )
    add_contact(workspace, person.id, ContactKind.LETTER, "Wrote to EIRA.", on=ago(1))
    assert [e.kind for e in chronology(workspace, person.id, "no  ACCESS")] == ["not_held"]
    # Dates are written with no-break spaces; a search typed with plain ones finds them.
    typed = format_date(ago(6), "en").replace(NBSP, " ")
    assert NBSP not in typed
    assert [e.kind for e in chronology(workspace, person.id, typed)] == ["not_held"]
    assert [e.kind for e in chronology(workspace, person.id, "letter")] == ["letter"]
    assert [e.kind for e in chronology(workspace, person.id, "eira")] == ["letter"]
    assert chronology(workspace, person.id, "nothing like this") == []
    (letter,) = chronology(workspace, person.id, "wrote")
    assert matches(letter, "   ")
    assert not matches(letter, "phone")


def test_an_unknown_person_has_no_chronology(workspace: Workspace) -> None:
    with pytest.raises(RecordNotFound, match="No person with id nobody"):
        chronology(workspace, "nobody")


def test_a_runaway_paste_is_refused_in_a_sentence(workspace: Workspace, person: Person) -> None:
    with pytest.raises(InvalidInput, match="longer than 20,000 characters"):
        add_contact(workspace, person.id, ContactKind.EMAIL, "x" * (NOTE_MAX_CHARS + 1))
    assert workspace.contacts.count() == 0
    add_contact(workspace, person.id, ContactKind.EMAIL, " " + "x" * NOTE_MAX_CHARS + " ")
    assert workspace.contacts.count() == 1


def test_actions_open_soonest_first_and_finished_newest_first(
    workspace: Workspace, person: Person, concern: Concern
) -> None:
    actions = [
        Action(what=Note(text="No date yet."), owner=ActionOwner.PERSON),
        Action(what=Note(text="Later."), owner=ActionOwner.WORKER, by_when=TODAY + timedelta(9)),
        Action(what=Note(text="Overdue."), owner=ActionOwner.WORKER, by_when=ago(3)),
        Action(what=Note(text="Finished."), owner=ActionOwner.WORKER, by_when=ago(30)),
        Action(what=Note(text="Dropped."), who="Sam Example", by_when=ago(40)),
    ]
    first_visit(workspace, concern, actions)
    review(workspace, concern, ago(20), {"Dropped.": ActionStatus.NO_LONGER_NEEDED})
    review(workspace, concern, ago(10), {"Finished.": ActionStatus.DONE})

    found = person_actions(workspace, person.id)

    assert [a.what.text for a in found.open if a.what] == ["Overdue.", "Later.", "No date yet."]
    assert [a.what.text for a in found.overdue(TODAY) if a.what] == ["Overdue."]
    assert [(a.status, a.history[-1].on) for a in found.finished] == [
        (ActionStatus.DONE, ago(10)),
        (ActionStatus.NO_LONGER_NEEDED, ago(20)),
    ]
    assert all(a.status_note == Note(text="Talked it over.") for a in found.finished)
    assert workspace.people.summary(person.id).overdue_actions == 1
    assert [
        a.what.text for a in list_actions(workspace, person.id, overdue_on=TODAY) if a.what
    ] == ["Overdue."]


def test_actions_of_an_unknown_person_are_refused(workspace: Workspace) -> None:
    with pytest.raises(RecordNotFound, match="No person with id nobody"):
        person_actions(workspace, "nobody")
    with pytest.raises(RecordNotFound, match="No person with id nobody"):
        list_actions(workspace, "nobody")
    assert list_actions(workspace) == []
