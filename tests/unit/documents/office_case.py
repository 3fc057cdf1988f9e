"""A whole concern for the office record: three visits (one did not happen), closed.

Built on Ada Example (``records.make_case``): every section of the record has something
in it, so a test can check each heading, table and sentence, and a person can look at
the pages a manager would read.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from msp_desktop.documents import VisitRevision
from msp_desktop.model import (
    Action,
    ActionOwner,
    ActionStatus,
    Advocate,
    AdvocateStatus,
    AdvocateType,
    AskedBy,
    CapacityStatus,
    ConcernStatus,
    ConsentDecision,
    ConsentToShare,
    ContactKind,
    ContactNote,
    DesiredOutcome,
    ExperienceAnswer,
    ExperienceFeedback,
    ExperienceQuestion,
    Note,
    NotHeldReason,
    OutcomeAchieved,
    OutcomeStatus,
    PlanReview,
    PlanReviews,
    PositiveRiskDecision,
    PresentPerson,
    PresentRole,
    Principle,
    PrinciplesReflection,
    RiskLocation,
    RiskOutcome,
    RiskSeriousness,
    RiskSource,
    SG2cActionResult,
    ShareBasis,
    Stage,
    SubstantialDifficultyArea,
    Visit,
    VisitNotHeld,
)
from tests.unit.documents.records import OUTCOME_WORDS, WORKER, Case, make_case

SAFETY_PLAN = "Keep the bank card in the safe and ring Sam if anyone asks for money"
ADVOCATE_REASON = "Wants help to speak at the meeting with the bank"
PROGRESS_WORDS = "The bank stopped the second card and I feel better"
CLOSING_WORDS = "I am happy for it to close now"
POSITIVE_CHOICE = "I will keep going to the café on my own"
CONTACT_TEXT = "Rang the bank's vulnerable customers team (fictional)"
GUIDE = ("msp-visit", "1.0.0")


@dataclass(frozen=True)
class WholeCase:
    """The concern, its visits' revisions (oldest first) and the contacts between them."""

    case: Case
    revisions: list[VisitRevision]
    contacts: list[ContactNote]
    visits: list[Visit]


def _finalised(visit: Visit, on: str) -> VisitRevision:
    return VisitRevision(
        visit,
        1,
        "finalised",
        WORKER,
        f"{on}T10:00:00Z",
        saved_at=f"{on}T11:00:00Z",
        finalised_at=f"{on}T11:05:00Z",
        finalised_by=WORKER,
    )


def make_whole_case() -> WholeCase:
    """Ada Example's concern from the first visit to the close, every section filled in."""
    base = make_case()
    concern = base.concern
    first = base.visit.revised(
        guide_id=GUIDE[0],
        guide_version=GUIDE[1],
        stage=Stage.BEGINNING,
        present=[PresentPerson(name="Pat Advocate-present", role=PresentRole.ADVOCATE)],
        spoken_to_alone=True,
        safety_plan=Note(text=SAFETY_PLAN),
        risks=[
            base.visit.risks[0].revised(
                description="Money goes missing after visits",
                seriousness=RiskSeriousness.HIGH,
                location=RiskLocation.OWN_HOME,
                positive_risk=PositiveRiskDecision(
                    choice=POSITIVE_CHOICE, understood=True, harm_reduction="Takes her phone"
                ),
            )
        ],
        support_to_decide=base.visit.support_to_decide.revised(
            decision="Whether to tell the bank about the grandson",
            capacity=CapacityStatus.HAS_CAPACITY,
            capacity_assessed_by=WORKER,
            capacity_assessed_on=date(2025, 3, 3),
            substantial_difficulty=[SubstantialDifficultyArea.USING_OR_WEIGHING],
            imca_criteria_apply=False,
            advocates=[
                Advocate(
                    type=AdvocateType.CARE_ACT_ADVOCATE,
                    status=AdvocateStatus.REFERRED,
                    on=date(2025, 3, 3),
                    reason=ADVOCATE_REASON,
                    name="Advocacy Hub",
                ),
                *base.visit.support_to_decide.advocates,
            ],
        ),
        consent_to_share=ConsentToShare(
            decision=ConsentDecision.PARTLY,
            with_whom="The bank and the GP",
            shared_without_consent=True,
            basis=[ShareBasis.RISK_TO_PERSON, ShareBasis.CRIME],
            basis_detail="Shared with the police about the card",
            person_told=True,
        ),
        next_visit_on=date(2025, 3, 20),
    )
    not_held = Visit(
        concern_id=concern.id,
        person_id=base.person.id,
        visit_date=date(2025, 3, 13),
        stage=Stage.MIDDLE,
        guide_id=GUIDE[0],
        guide_version=GUIDE[1],
        not_held=VisitNotHeld(
            reason=NotHeldReason.NO_ACCESS, rearranged_for=date(2025, 3, 20), note="Left a card"
        ),
    )
    outcome = DesiredOutcome(
        id=first.desired_outcomes[0].id,
        words=Note(text=OUTCOME_WORDS),
        progress=PROGRESS_WORDS,
        status=OutcomeStatus.ACHIEVED,
        achieved=OutcomeAchieved.PARTIALLY_ACHIEVED,
        carried=True,
    )
    last = Visit(
        concern_id=concern.id,
        person_id=base.person.id,
        visit_date=date(2025, 3, 20),
        stage=Stage.END,
        guide_id=GUIDE[0],
        guide_version=GUIDE[1],
        place="At home",
        consent_to_record=True,
        desired_outcomes=[outcome],
        actions=[
            Action(
                what="Ask the bank to put a stop on the second card",
                who=WORKER,
                owner=ActionOwner.WORKER,
                status=ActionStatus.DONE,
                outcome_ids=[outcome.id],
                carried=True,
            ),
            Action(
                what="Go to the café with a friend",
                owner=ActionOwner.PERSON,
                status=ActionStatus.NOT_DONE,
                status_note="Friend was ill",
            ),
        ],
        plan_carried=["risks", "safety_plan"],
        plan_review=PlanReviews(risks=PlanReview.CHANGED, safety_plan=PlanReview.SAME),
        principles=PrinciplesReflection(
            reflecting=True, reflections={Principle.EMPOWERMENT: "Ada led every decision"}
        ),
        experience=ExperienceFeedback(
            answers={
                ExperienceQuestion.LISTENED_TO: ExperienceAnswer.A_LOT,
                ExperienceQuestion.FEEL_SAFER: ExperienceAnswer.QUITE_A_BIT,
            },
            asked_by=AskedBy.INDEPENDENT,
            answered_by_representative=False,
            comment="Sam was kind",
        ),
    )
    closed = concern.revised(
        status=ConcernStatus.CLOSED,
        stage=Stage.END,
        risk_location=RiskLocation.OWN_HOME,
        risk_source=RiskSource.KNOWN_TO_INDIVIDUAL,
        summary="Money going missing after a relative's visits",
        action_result=SG2cActionResult.RISK_IDENTIFIED_ACTION_TAKEN,
        risk_outcome=RiskOutcome.REDUCED,
        closing_view=CLOSING_WORDS,
        closed_on=date(2025, 3, 21),
        close_reason="Outcomes met as far as Ada wants",
    )
    # As in records.make_case: revision 1 lacked the risk, revision 2 added it.
    revisions = [
        replace(base.revisions[0], visit=first.revised(risks=[])),
        replace(base.revisions[1], visit=first),
        _finalised(not_held, "2025-03-13"),
        _finalised(last, "2025-03-20"),
    ]
    contacts = [
        ContactNote(
            person_id=base.person.id,
            concern_id=concern.id,
            on=date(2025, 3, 10),
            kind=ContactKind.PHONE,
            text=CONTACT_TEXT,
        )
    ]
    whole = Case(base.person, closed, revisions[1].visit, revisions)
    return WholeCase(whole, revisions, contacts, [revisions[1].visit, not_held, last])
