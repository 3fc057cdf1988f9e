"""A fictional person and a full visit for the document tests and the samples.

Every piece of text the person must never see carries a distinctive canary, so a
test can prove that none of it reaches the person's copy and all of it reaches the
office record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from msp_desktop.documents import ServiceDetails, VisitRevision
from msp_desktop.model import (
    Action,
    Advocate,
    AdvocateStatus,
    AdvocateType,
    AskedBy,
    Concern,
    DesiredOutcome,
    ExperienceAnswer,
    ExperienceFeedback,
    ExperienceQuestion,
    HouseholdMember,
    Note,
    Person,
    Risk,
    RiskSource,
    RiskType,
    SG4aAsked,
    Stage,
    SupportToDecide,
    UndueInfluence,
    UndueInfluenceIndicator,
    Visit,
)

THIRD_PARTY_CANARY = "Zebedee-third-party-canary"
INTERNAL_CANARY = "Quillon-internal-canary"
PRESENT_CANARY = "Perpetua Present-canary"
HOUSEHOLD_CANARY = "Horatio Household-canary"
PLACE_CANARY = "Placeholder-place-canary"
OUTCOME_WORDS = "I want to feel safe in my own home and keep going to the café"
WELSH_WORDS = "Dw i eisiau aros yn Nhŷ Gŵyn gyda'r cŵn"
ACTION_WHAT = "Ask the bank to put a stop on the second card"
ACTION_WHO = "Sam Worker (Adult Social Care)"
WORKER = "Sam Worker"
SERVICE = ServiceDetails("Adult Social Care", "01234 567 890", "asc@example.org")
RETURN_ADDRESS = "Freepost RTXX-ABCD, Adult Social Care, Town Hall, Exampleton EX1 2AB"
"""Where the feedback form is posted (the team's return address)."""
GUIDE_ID, GUIDE_VERSION = "msp-conversation", "1.2"
AMEND_REASON = "Added the risk the person described on the phone"


@dataclass(frozen=True)
class Case:
    """One fictional concern with one visit in two revisions."""

    person: Person
    concern: Concern
    visit: Visit
    revisions: list[VisitRevision]


def make_case(stage: Stage = Stage.BEGINNING) -> Case:
    """Ada Example, an open concern and a visit full of canaries."""
    person = Person(
        name="Ada Example",
        date_of_birth=date(1941, 5, 2),
        address=Note(text="1 Example Street, Exampletown"),
        household=[
            HouseholdMember(
                name=HOUSEHOLD_CANARY,
                relationship="grandson",
                note=f"{THIRD_PARTY_CANARY} household note",
            )
        ],
    )
    concern = Concern(
        person_id=person.id,
        raised_on=date(2025, 3, 1),
        raised_by=f"{THIRD_PARTY_CANARY} raised by neighbour",
        risk_types=[RiskType.FINANCIAL_OR_MATERIAL],
        stage=stage,
        lead_worker=WORKER,
    )
    home = DesiredOutcome(words=Note(text=OUTCOME_WORDS))
    welsh = DesiredOutcome(words=Note(text=WELSH_WORDS))
    hidden = DesiredOutcome(words=Note.internal(f"{INTERNAL_CANARY} outcome marked internal"))
    visit = Visit(
        concern_id=concern.id,
        person_id=person.id,
        visit_date=date(2025, 3, 3),
        place=PLACE_CANARY,
        present=[PRESENT_CANARY],
        could_speak_privately=True,
        consent_to_record=True,
        consent_to_share=True,
        guide_id=GUIDE_ID,
        guide_version=GUIDE_VERSION,
        check_in_notes=f"{INTERNAL_CANARY} check-in",
        desired_outcomes=[home, welsh, hidden],
        sg4a_asked=SG4aAsked.EXPRESSED,
        working_well=[
            Note(text="My neighbour helps me with the shopping"),
            Note.third_party(f"{THIRD_PARTY_CANARY} working well about the grandson"),
        ],
        not_working=[Note(text="I do not know where my pension goes")],
        risks=[
            Risk(
                risk_type=RiskType.FINANCIAL_OR_MATERIAL,
                source=RiskSource.KNOWN_TO_INDIVIDUAL,
                source_detail=f"{THIRD_PARTY_CANARY} source detail",
                persons_view="I worry about money",
                workers_view=f"{INTERNAL_CANARY} analysis",
            )
        ],
        support_to_decide=SupportToDecide(
            appropriate_person=f"{THIRD_PARTY_CANARY} appropriate person",
            advocates=[Advocate(type=AdvocateType.FRIEND, status=AdvocateStatus.OFFERED)],
        ),
        undue_influence=UndueInfluence(
            indicators=[UndueInfluenceIndicator.SEEMS_FEARFUL],
            planned_support=f"{INTERNAL_CANARY} speak alone next time",
            notes=f"{THIRD_PARTY_CANARY} influence notes",
        ),
        actions=[
            Action(
                what=ACTION_WHAT, who=ACTION_WHO, by_when=date(2025, 4, 1), outcome_ids=[home.id]
            ),
            Action(what=Note.internal(f"{INTERNAL_CANARY} action"), who="Hidden Who-canary"),
        ],
        experience=ExperienceFeedback(
            answers={ExperienceQuestion.LISTENED_TO: ExperienceAnswer.A_LOT},
            asked_by=AskedBy.INDEPENDENT,
        ),
    )
    first = visit.revised(risks=[])
    revisions = [
        VisitRevision(
            first,
            1,
            "finalised",
            WORKER,
            "2025-03-03T10:00:00Z",
            saved_at="2025-03-03T11:00:00Z",
            finalised_at="2025-03-03T11:05:00Z",
            finalised_by=WORKER,
        ),
        VisitRevision(visit, 2, "draft", WORKER, "2025-03-05T09:00:00Z", reason=AMEND_REASON),
    ]
    return Case(person, concern, visit, revisions)
