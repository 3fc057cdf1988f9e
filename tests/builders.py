"""Builders of fictional records for tests: obviously made-up people and visits."""

from __future__ import annotations

from datetime import date

from msp_desktop.model import (
    Action,
    Concern,
    DesiredOutcome,
    Note,
    OutcomeStatus,
    Person,
    RiskType,
    SG4aAsked,
    Stage,
    UndueInfluence,
    Visit,
)


def person(name: str = "Ada Example", **fields: object) -> Person:
    """A fictional person."""
    return Person.model_validate({"name": name, **fields})


def concern(of: Person, stage: Stage = Stage.BEGINNING, **fields: object) -> Concern:
    """An open concern for ``of``."""
    return Concern.model_validate(
        {
            "person_id": of.id,
            "raised_on": date(2026, 10, 1),
            "risk_types": [RiskType.FINANCIAL_OR_MATERIAL],
            "stage": stage,
            **fields,
        }
    )


def draft_visit(of: Concern, **fields: object) -> Visit:
    """A visit with nothing recorded yet: cannot be finalised."""
    return Visit.model_validate({"concern_id": of.id, "person_id": of.person_id, **fields})


def complete_visit(of: Concern, words: str = "I want to feel safe at home.") -> Visit:
    """A beginning-stage visit complete enough to finalise."""
    outcome = DesiredOutcome(words=Note(text=words), status=OutcomeStatus.STILL_WANTED)
    return draft_visit(
        of,
        visit_date=date(2026, 11, 2),
        consent_to_record=True,
        consent_to_share=True,
        could_speak_privately=True,
        sg4a_asked=SG4aAsked.EXPRESSED,
        desired_outcomes=[outcome],
        undue_influence=UndueInfluence(person_declined_help=False),
        actions=[
            Action(
                what=Note(text="Ask the bank about a second signatory."),
                who="Test Worker",
                outcome_ids=[outcome.id],
            )
        ],
    )
