"""A concern held with the self-neglect guide, from the first visit to the end, in a real
encrypted workspace: every answer is given through the guide's own questions, and each
visit keeps the guide's id and version and can be finalised.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest

from msp_desktop.guide import Guide, Question, load_guide, with_answer, with_concern_answer
from msp_desktop.guide.conditions import evaluate
from msp_desktop.model import (
    Action,
    ActionOwner,
    ActionStatus,
    AskedBy,
    CapacityStatus,
    ConsentToShare,
    DesiredOutcome,
    ExperienceAnswer,
    Note,
    OutcomeAchieved,
    OutcomeStatus,
    PlanReview,
    Risk,
    RiskLocation,
    RiskSeriousness,
    RiskType,
    SG4aAsked,
    Stage,
    Visit,
)
from msp_desktop.model.choices import ConsentDecision
from msp_desktop.practice import finalise_blockers
from msp_desktop.services.visits import last_guide_id, start_visit
from msp_desktop.store import CannotFinalise, Workspace
from tests import builders

TODAY = date.today()


@pytest.fixture(scope="module")
def guide() -> Guide:
    return load_guide("self-neglect")


def asked_paths(guide: Guide, stage: Stage) -> set[str]:
    """The record paths the guide asks about at ``stage`` (item paths without indexes)."""
    found: set[str] = set()

    def walk(base: str, items: tuple[Question, ...]) -> None:
        for question in items:
            path = f"{base}.{question.field}" if base else question.field
            found.add(path)
            walk(path, question.item_fields)

    for step in guide.steps_for(stage):
        walk("", step.questions)
    return found


def without_indexes(path: str) -> str:
    return re.sub(r"\.\d+", "", path)


def answer(guide: Guide, visit: Visit, question_id: str, value: Any) -> Visit:
    return with_answer(visit, guide.question(question_id), value)


def held(ws: Workspace, guide: Guide, visit: Visit) -> None:
    """Save ``visit``, check the guide asks nothing more, and finalise it."""
    concern = ws.concerns.get(visit.concern_id)
    stage = visit.stage or concern.stage
    state = evaluate(guide, stage, visit, concern)
    assert [f.message for f in state.findings if f.severity.value == "required"] == []
    assert state.hidden_answers == []  # nothing typed is left out by a condition
    assert finalise_blockers(visit, stage, concern=concern) == []
    ws.visits.save_draft(visit)
    ws.visits.finalise(visit.id)
    assert ws.visits.get(visit.id).is_final


def test_a_concern_held_with_the_self_neglect_guide_is_finalised_at_every_stage(
    workspace: Workspace, guide: Guide
) -> None:
    ws = workspace
    person = builders.person("Iris Example")
    concern = builders.concern(
        person, risk_types=[RiskType.SELF_NEGLECT], raised_on=TODAY - timedelta(days=60)
    )
    ws.people.add(person)
    ws.concerns.add(concern)

    # Beginning: a new visit remembers which guide and which version it was held with.
    first = start_visit(ws, concern.id, guide.ref, TODAY - timedelta(days=50))
    stored = ws.visits.get(first.id).visit
    assert (stored.guide_id, stored.guide_version) == ("self-neglect", "1.0.0")
    assert last_guide_id(ws, concern.id) == "self-neglect"

    # Nothing is answered yet: everything finalising asks for is a question of this guide.
    with pytest.raises(CannotFinalise) as refused:
        ws.visits.finalise(first.id)
    asked = asked_paths(guide, Stage.BEGINNING)
    missing = {without_indexes(f.where) for f in refused.value.findings}
    assert missing
    assert missing - asked == set()

    outcome = DesiredOutcome(words=Note(text="I want to keep my things, but be safe."))
    visit = answer(guide, stored, "consent_to_record", True)
    visit = answer(guide, visit, "consent_to_share", ConsentToShare(decision=ConsentDecision.YES))
    visit = answer(guide, visit, "working_well", [Note(text="I like my garden.")])
    visit = answer(
        guide,
        visit,
        "risks",
        [
            Risk(
                risk_type=RiskType.SELF_NEGLECT,
                description=Note(text="Papers piled by the cooker."),
                seriousness=RiskSeriousness.HIGH,
                location=RiskLocation.OWN_HOME,
                persons_view=Note(text="They are my papers, I know where everything is."),
            )
        ],
    )
    visit = answer(guide, visit, "safety_plan", Note(text="Out by the back door; ring 999."))
    visit = answer(guide, visit, "desired_outcomes", [outcome])
    visit = answer(guide, visit, "sg4a_asked", SG4aAsked.EXPRESSED)
    visit = answer(guide, visit, "person_declined_help", False)
    visit = answer(guide, visit, "decision", Note(text="Letting the fire service visit."))
    visit = answer(guide, visit, "capacity", CapacityStatus.HAS_CAPACITY)
    visit = answer(guide, visit, "capacity_assessed_by", "Test Worker")
    visit = answer(guide, visit, "capacity_assessed_on", TODAY - timedelta(days=50))
    visit = answer(
        guide,
        visit,
        "actions",
        [
            Action(
                what=Note(text="Ask the fire service for a home fire safety visit."),
                owner=ActionOwner.WORKER,
                by_when=TODAY - timedelta(days=40),
                outcome_ids=[outcome.id],
            )
        ],
    )
    visit = answer(guide, visit, "next_visit_on", TODAY - timedelta(days=30))
    held(ws, guide, visit)
    assert ws.concerns.get(concern.id).stage is Stage.MIDDLE

    # Middle: the plan comes forward and is reviewed with this guide's questions.
    second = start_visit(ws, concern.id, guide.ref, TODAY - timedelta(days=30))
    assert second.guide_id == "self-neglect"
    assert set(second.plan_carried) == {"risks", "safety_plan", "capacity", "consent"}
    visit = answer(guide, second, "consent_to_record", True)
    visit = answer(
        guide,
        visit,
        "outcomes_reviewed",
        [o.revised(status=OutcomeStatus.STILL_WANTED) for o in second.desired_outcomes],
    )
    for part in second.plan_carried:
        visit = answer(guide, visit, f"plan_review_{part}", PlanReview.SAME)
    visit = answer(guide, visit, "person_declined_help", False)
    visit = answer(
        guide,
        visit,
        "actions",
        [
            action.model_copy(
                update={"status": ActionStatus.DONE, "status_note": Note(text="Visited.")}
            )
            for action in second.actions
        ],
    )
    held(ws, guide, visit)

    # End: outcomes rated and the person's experience, then the concern may close.
    ws.concerns.set_stage(concern.id, Stage.END)
    third = start_visit(ws, concern.id, guide.ref, TODAY)
    visit = answer(guide, third, "consent_to_record", True)
    for part in third.plan_carried:
        visit = answer(guide, visit, f"plan_review_{part}", PlanReview.SAME)
    visit = answer(guide, visit, "person_declined_help", False)
    visit = answer(
        guide,
        visit,
        "outcomes_rated",
        [o.revised(achieved=OutcomeAchieved.PARTIALLY_ACHIEVED) for o in third.desired_outcomes],
    )
    visit = answer(guide, visit, "experience_asked_by", AskedBy.INDEPENDENT)
    for question in ("understood_why", "listened_to", "happy_with_result", "feel_safer"):
        visit = answer(guide, visit, question, ExperienceAnswer.QUITE_A_BIT)
    closing = with_concern_answer(
        ws.concerns.get(concern.id), guide.question("closing_view"), Note(text="Happy to stop.")
    )
    ws.visits.save_draft(visit, closing)
    held(ws, guide, visit)
    kept = [ws.visits.get(v.id).visit for v in ws.visits.list(concern_id=concern.id)]
    assert {(v.guide_id, v.guide_version) for v in kept} == {("self-neglect", "1.0.0")}
