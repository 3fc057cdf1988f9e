"""One MSP conversation with the person, as it walks through the guide."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Annotated

from pydantic import BeforeValidator, Field, field_validator, model_validator

from msp_desktop.model.attendance import PresentPerson, VisitNotHeld
from msp_desktop.model.base import (
    OptionalShortText,
    RecordId,
    RecordModel,
    UniqueList,
    new_id,
)
from msp_desktop.model.choices import CommunicationNeed, Stage
from msp_desktop.model.consent import ConsentToShare, read_consent
from msp_desktop.model.deciding import SupportToDecide
from msp_desktop.model.influence import UndueInfluence
from msp_desktop.model.labels import SG4aAsked
from msp_desktop.model.outcomes import Action, DesiredOutcome
from msp_desktop.model.plan import PLAN_PARTS, PlanReviews
from msp_desktop.model.reflection import ExperienceFeedback, PrinciplesReflection
from msp_desktop.model.risks import Risk
from msp_desktop.model.text import InternalNote, PersonNote

__all__ = ["Visit"]


class Visit(RecordModel):
    """One conversation, usually at home and often offline, saved as a draft as it goes.

    Fields follow the steps of the guided conversation. ``visit_date`` may be empty in
    a draft (and may be a planned date); finalising requires a date not in the future.
    At the end stage the outcome ratings live on each ``DesiredOutcome.achieved`` and
    the risk outcome and the person's closing view on the ``Concern``.

    ``present`` holds the people in the room besides the worker, with their role; like
    household members, they are third parties and stay out of the person's copy.
    ``not_held`` records a visit that did not happen (it needs only its date and
    reason). ``plan_carried`` names the parts of the plan brought forward from the last
    finalised visit, each reviewed in ``plan_review``.
    """

    id: RecordId = Field(default_factory=new_id)
    concern_id: RecordId
    person_id: RecordId
    visit_date: date | None = None
    # The concern's stage the visit was held at (None on visits from before it was kept).
    stage: Stage | None = None
    # 1. Check in
    place: OptionalShortText = None
    not_held: VisitNotHeld | None = None
    present: list[PresentPerson] = Field(default_factory=list)
    spoken_to_alone: bool | None = None
    could_speak_privately: bool | None = None
    communication_support: UniqueList[CommunicationNeed] = Field(default_factory=list)
    consent_to_record: bool | None = None
    consent_to_share: Annotated[ConsentToShare | None, BeforeValidator(read_consent)] = None
    guide_id: OptionalShortText = None
    guide_version: OptionalShortText = None
    # Often about who was around and whether it was safe to talk: internal by default.
    check_in_notes: InternalNote | None = None
    # 2. What matters to you
    desired_outcomes: list[DesiredOutcome] = Field(default_factory=list)
    sg4a_asked: SG4aAsked | None = None
    # 3. What is working, what is not
    working_well: list[PersonNote] = Field(default_factory=list)
    not_working: list[PersonNote] = Field(default_factory=list)
    # 4. Risks, and the safety plan agreed with the person
    risks: list[Risk] = Field(default_factory=list)
    safety_plan: PersonNote | None = None
    # 5. Support to decide; 6. Undue influence
    support_to_decide: SupportToDecide = Field(default_factory=SupportToDecide)
    undue_influence: UndueInfluence = Field(default_factory=UndueInfluence)
    # 7. Agreed actions; 8. The six principles; 9. Closing (end stage)
    actions: list[Action] = Field(default_factory=list)
    principles: PrinciplesReflection = Field(default_factory=PrinciplesReflection)
    experience: ExperienceFeedback | None = None
    # The plan brought forward, and the next visit agreed with the person.
    plan_carried: UniqueList[str] = Field(default_factory=list)
    plan_review: PlanReviews = Field(default_factory=PlanReviews)
    next_visit_on: date | None = None

    @field_validator("plan_carried")
    @classmethod
    def _known_plan_parts(cls, parts: list[str]) -> list[str]:
        unknown = [part for part in parts if part not in PLAN_PARTS]
        if unknown:
            raise ValueError(f"unknown part(s) of the plan: {', '.join(unknown)}")
        return parts

    @model_validator(mode="after")
    def _ids_are_unique_and_linked(self) -> Visit:
        for name, ids in (
            ("desired outcome", [outcome.id for outcome in self.desired_outcomes]),
            ("risk", [risk.id for risk in self.risks]),
            ("action", [action.id for action in self.actions]),
        ):
            repeated = sorted(key for key, count in Counter(ids).items() if count > 1)
            if repeated:
                raise ValueError(f"{name} id used more than once: {', '.join(repeated)}")
        # An action linked to an outcome that is not in this visit would be an action
        # serving nothing the person said; catch it where it is made.
        outcome_ids = {outcome.id for outcome in self.desired_outcomes}
        for action in self.actions:
            unknown = [oid for oid in action.outcome_ids if oid not in outcome_ids]
            if unknown:
                raise ValueError(
                    f"action {action.id} refers to unknown desired outcome(s): "
                    + ", ".join(unknown)
                )
        return self

    def outcome(self, outcome_id: str) -> DesiredOutcome:
        """The desired outcome with ``outcome_id``; ``KeyError`` when there is none."""
        for outcome in self.desired_outcomes:
            if outcome.id == outcome_id:
                return outcome
        raise KeyError(outcome_id)
