"""A fictional caseload for training, trials and screenshots.

Every name is obviously made up (surnames such as Example, Sample, Specimen) so a
demo workspace can never be mistaken for real records. The caseload covers what the
app must show: concerns at each stage, risks, advocacy, undue-influence indicators,
finalised and draft visits, third-party and internal notes. It is deterministic:
the same seed gives the same people, with dates relative to today.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from msp_desktop.model import (
    Action,
    ActionOwner,
    Advocate,
    AdvocateStatus,
    AdvocateType,
    AskedBy,
    CapacityStatus,
    CommunicationNeed,
    Concern,
    DesiredOutcome,
    ExperienceAnswer,
    ExperienceFeedback,
    ExperienceQuestion,
    HouseholdMember,
    Language,
    Note,
    OutcomeAchieved,
    OutcomeStatus,
    Person,
    PositiveRiskDecision,
    PresentPerson,
    PresentRole,
    Principle,
    PrinciplesReflection,
    Risk,
    RiskLocation,
    RiskOutcome,
    RiskSource,
    RiskType,
    SG2cActionResult,
    SG4aAsked,
    Stage,
    SubstantialDifficultyArea,
    UndueInfluence,
    UndueInfluenceIndicator,
    Visit,
)
from msp_desktop.store import Workspace

FIRST_NAMES = [
    "Ada",
    "Bryn",
    "Ceri",
    "Dilys",
    "Elfed",
    "Ffion",
    "Gareth",
    "Hywel",
    "Iris",
    "Joan",
    "Kit",
    "Lowri",
    "Morgan",
    "Nia",
    "Owain",
    "Peggy",
    "Rhodri",
    "Siân",
    "Tomos",
    "Una",
    "Vera",
    "Wyn",
    "Yvonne",
    "Zac",
    "Maud",
]
SURNAMES = ["Example", "Sample", "Specimen", "Testcase", "Placeholder", "Madeup", "Pretend"]
OUTCOME_WORDS = [
    "I want my grandson to stop taking my pension.",
    "I'd like to stay in my own home, that's the main thing.",
    "Make the shouting stop. I just want some peace.",
    "I want to see my friends at the chapel again.",
    "I don't want the police involved, I want it sorted quietly.",
    "I want to feel safe when I go to bed.",
    "Help me to manage my money myself.",
    "I want the carers to come on time and be kind to me.",
]


def _risk(rng: random.Random) -> Risk:
    return Risk(
        risk_type=rng.choice(list(RiskType)),
        location=rng.choice([RiskLocation.OWN_HOME, RiskLocation.IN_THE_COMMUNITY]),
        source=RiskSource.KNOWN_TO_INDIVIDUAL,
        source_detail=Note.third_party("A relative who visits most days (fictional)."),
        persons_view=Note(text="It's not that bad, he's family."),
        workers_view=Note.internal("Pattern of withdrawals after each visit; monitor."),
        positive_risk=PositiveRiskDecision(
            choice=Note(text="Wants to keep seeing her grandson at home."),
            understood=True,
            harm_reduction=Note(text="Bank card kept in the safe; neighbour calls in."),
        ),
    )


def _visit(rng: random.Random, concern: Concern, on: date, index: int) -> Visit:
    outcomes = [
        DesiredOutcome(words=Note(text=w), status=OutcomeStatus.STILL_WANTED)
        for w in rng.sample(OUTCOME_WORDS, rng.randint(1, 3))
    ]
    if concern.stage is Stage.END:
        outcomes = [o.revised(achieved=rng.choice(list(OutcomeAchieved))) for o in outcomes]
    struggles = index % 4 == 0
    return Visit(
        concern_id=concern.id,
        person_id=concern.person_id,
        visit_date=on,
        stage=concern.stage,
        place="At home",
        present=[PresentPerson(name="Relative Example", role=PresentRole.FAMILY)]
        if index % 3 == 0
        else [],
        spoken_to_alone=index % 3 != 0,
        could_speak_privately=index % 3 != 0,
        consent_to_record=True,
        consent_to_share=True,
        check_in_notes=Note.internal("Quiet house; the relative had just left."),
        desired_outcomes=outcomes,
        sg4a_asked=SG4aAsked.EXPRESSED,
        working_well=[Note(text="Gets on well with the neighbour next door.")],
        not_working=[Note(text="Worried about money running out before the end of the month.")],
        risks=[_risk(rng)],
        support_to_decide=(
            {
                "decision": Note(text="Whether to change who collects the pension."),
                "capacity": CapacityStatus.HAS_CAPACITY,
                "capacity_assessed_by": "Demo Worker",
                "capacity_assessed_on": on,
                "substantial_difficulty": [SubstantialDifficultyArea.RETAINING],
                "appropriate_person_available": False,
                "advocates": [
                    Advocate(
                        type=AdvocateType.CARE_ACT_ADVOCATE,
                        status=AdvocateStatus.REFERRED,
                        on=on,
                        reason=Note(text="No family member is suitable to support."),
                        name="Advocacy Service (fictional)",
                    )
                ],
            }
            if struggles
            else {}
        ),
        undue_influence=UndueInfluence(
            indicators=(
                [
                    UndueInfluenceIndicator.SOMEONE_ELSE_ANSWERS,
                    UndueInfluenceIndicator.FINANCIAL_DEPENDENCY,
                ]
                if index % 5 == 0
                else []
            ),
            person_declined_help=index % 5 == 0,
            planned_support=Note.internal("Visit again when she is alone; discuss with manager.")
            if index % 5 == 0
            else None,
            notes=Note.third_party("The grandson answered two questions for her.")
            if index % 5 == 0
            else None,
        ),
        actions=[
            Action(
                what=Note(text="Ring the bank together about a safer way to get money."),
                owner=ActionOwner.WORKER,
                who="Demo Worker",
                by_when=on + timedelta(days=14),
                outcome_ids=[outcomes[0].id],
            )
        ],
        principles=PrinciplesReflection(
            reflections={Principle.EMPOWERMENT: Note(text="She chose what happens next.")}
        ),
        experience=ExperienceFeedback(
            answers={q: rng.choice(list(ExperienceAnswer)) for q in ExperienceQuestion},
            comment=Note(text="You listened to me."),
            asked_by=AskedBy.INDEPENDENT,
            asked_on=on,
        )
        if concern.stage is Stage.END
        else None,
    )


def fill_demo_caseload(ws: Workspace, people: int = 25, seed: int = 2014) -> int:
    """Add a fictional caseload to an open workspace; returns how many people."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    today = date.today()
    for i in range(people):
        name = f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {SURNAMES[i % len(SURNAMES)]}"
        person = Person(
            name=name,
            preferred_name=name.split()[0] if i % 4 == 1 else None,
            date_of_birth=date(1930 + rng.randint(0, 60), rng.randint(1, 12), rng.randint(1, 28)),
            local_id=f"DEMO-{1000 + i}",
            address=Note(text=f"{i + 1} Example Street, Sampletown"),
            communication_needs=[CommunicationNeed.LARGE_PRINT] if i % 6 == 0 else [],
            preferred_language=Language.CY if i % 7 == 3 else Language.EN,
            household=[
                HouseholdMember(
                    name=f"Relative {SURNAMES[(i + 1) % len(SURNAMES)]}",
                    relationship="grandson",
                    note=Note.third_party("Stays some nights; handles shopping."),
                )
            ]
            if i % 2 == 0
            else [],
        )
        ws.people.add(person)
        if i % 5 == 4:
            continue  # some people have no concern yet
        stage = [Stage.BEGINNING, Stage.MIDDLE, Stage.END][i % 3]
        raised = today - timedelta(days=20 + 30 * ["beginning", "middle", "end"].index(stage))
        concern = Concern(
            person_id=person.id,
            raised_on=raised,
            raised_by=Note.third_party("A neighbour rang the council (fictional)."),
            risk_types=[RiskType.FINANCIAL_OR_MATERIAL, RiskType.PSYCHOLOGICAL],
            risk_location=RiskLocation.OWN_HOME,
            risk_source=RiskSource.KNOWN_TO_INDIVIDUAL,
            stage=stage,
            lead_worker="Demo Worker",
            sg4a_asked=SG4aAsked.EXPRESSED,
            action_result=SG2cActionResult.RISK_IDENTIFIED_ACTION_TAKEN
            if stage is Stage.END
            else None,
            risk_outcome=RiskOutcome.REDUCED if stage is Stage.END else None,
            closing_view=Note(text="Happy for it to close now.") if stage is Stage.END else None,
        )
        ws.concerns.add(concern)
        visits = 1 + ["beginning", "middle", "end"].index(stage)
        for n in range(visits):
            visit = _visit(rng, concern, raised + timedelta(days=3 + 10 * n), i + n)
            ws.visits.start(visit)
            last = n == visits - 1
            if not last or i % 2 == 0:
                ws.visits.finalise(visit.id)
    return people
