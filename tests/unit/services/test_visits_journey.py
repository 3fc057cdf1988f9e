"""Visits across the journey: a visit that did not happen, the next date, and what the
next visit brings forward (real SQLCipher)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from msp_desktop.errors import InvalidInput
from msp_desktop.model import ContactKind, Note, NotHeldReason, PlanReview, Visibility
from msp_desktop.services.contacts import add_contact, chronology
from msp_desktop.services.visits import record_not_held, start_visit, suggested_next_date
from msp_desktop.store import Workspace
from tests import builders

GUIDE = ("msp-visit", "2.0.0")
TODAY = date.today()


@pytest.fixture
def concern_id(workspace: Workspace) -> str:
    person = builders.person("Eira Example")
    workspace.people.add(person)
    concern = builders.concern(person, raised_on=TODAY - timedelta(days=40))
    workspace.concerns.add(concern)
    return concern.id


def test_a_visit_that_did_not_happen_counts_and_sets_the_next_due_date(
    workspace: Workspace, concern_id: str
) -> None:
    rearranged = TODAY + timedelta(days=3)
    visit = record_not_held(
        workspace,
        concern_id,
        GUIDE,
        on=TODAY - timedelta(days=1),
        reason=NotHeldReason.NO_ACCESS,
        rearranged_for=rearranged,
        note="No answer at the door; a neighbour said she was at her daughter's.",
    )
    record = workspace.visits.get(visit.id)
    assert record.is_final
    assert record.visit.desired_outcomes == []
    concern = workspace.concerns.get(concern_id)
    assert concern.stage == "beginning"  # a visit that did not happen moves nothing on
    summary = workspace.people.summary(concern.person_id)
    assert summary.visit_due == rearranged
    (entry,) = chronology(workspace, concern.person_id)
    assert (entry.kind, entry.on) == ("not_held", TODAY - timedelta(days=1))


def test_a_rearranged_date_before_the_visit_is_refused(
    workspace: Workspace, concern_id: str
) -> None:
    with pytest.raises(InvalidInput, match="rearranged date comes after"):
        record_not_held(
            workspace,
            concern_id,
            GUIDE,
            on=TODAY,
            reason=NotHeldReason.DECLINED,
            rearranged_for=TODAY - timedelta(days=1),
        )
    assert workspace.visits.count() == 0


def test_the_next_visit_agreed_is_the_due_date(workspace: Workspace, concern_id: str) -> None:
    concern = workspace.concerns.get(concern_id)
    visit = builders.complete_visit(concern).revised(
        visit_date=TODAY - timedelta(days=2), next_visit_on=TODAY + timedelta(days=10)
    )
    workspace.visits.start(visit)
    # The practice rule's suggestion is offered, never filled in for the worker.
    assert suggested_next_date(workspace, visit) == TODAY - timedelta(days=2) + timedelta(days=28)
    assert workspace.visits.get(visit.id).visit.next_visit_on == TODAY + timedelta(days=10)
    workspace.visits.finalise(visit.id)
    assert workspace.people.summary(concern.person_id).visit_due == TODAY + timedelta(days=10)


def test_the_plan_comes_forward_with_every_review_unanswered(
    workspace: Workspace, concern_id: str
) -> None:
    concern = workspace.concerns.get(concern_id)
    first = builders.complete_visit(concern).revised(
        visit_date=TODAY - timedelta(days=5),
        safety_plan=Note(text="Bank card in the safe; ring Sam if he comes round."),
        consent_to_share={"decision": "partly", "with_whom": "the bank and the GP"},
        undue_influence={
            "person_declined_help": False,
            "planned_support": Note.internal("Visit when the grandson is at work."),
        },
    )
    workspace.visits.start(first)
    workspace.visits.finalise(first.id)

    later = start_visit(workspace, concern_id, GUIDE, TODAY)

    assert later.safety_plan == first.safety_plan
    assert later.consent_to_share == first.consent_to_share
    assert later.undue_influence.planned_support == first.undue_influence.planned_support
    # This visit's own observations and answers start empty.
    assert later.undue_influence.person_declined_help is None
    assert later.undue_influence.indicators == []
    assert later.plan_carried == ["safety_plan", "undue_influence", "consent"]
    assert later.plan_review.safety_plan is None
    done = later.revised(plan_review=later.plan_review.revised(safety_plan=PlanReview.SAME))
    assert done.plan_review.safety_plan is PlanReview.SAME


def test_the_chronology_is_newest_first_and_searchable(
    workspace: Workspace, concern_id: str
) -> None:
    person_id = workspace.concerns.get(concern_id).person_id
    add_contact(
        workspace, person_id, ContactKind.PHONE, "Rang the bank with Eira.", on=TODAY - timedelta(3)
    )
    add_contact(
        workspace,
        person_id,
        ContactKind.LETTER,
        "Wrote to confirm the next visit.",
        on=TODAY - timedelta(days=1),
        visibility=Visibility.PERSON,
    )
    assert [e.kind for e in chronology(workspace, person_id)] == ["letter", "phone"]
    (found,) = chronology(workspace, person_id, "BANK")
    assert found.text == "Rang the bank with Eira."
    assert found.visibility is Visibility.INTERNAL
    with pytest.raises(InvalidInput, match="Write what the contact was about"):
        add_contact(workspace, person_id, ContactKind.EMAIL, "   ")
    assert workspace.contacts.count() == 2
