"""The fictional caseload both stores are loaded with: people, concerns and visits."""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from msp_desktop.model import (
    Action,
    Concern,
    ConcernStatus,
    DesiredOutcome,
    Note,
    Person,
    Risk,
    RiskLocation,
    RiskSource,
    RiskType,
    SG2cActionResult,
    SG4aAsked,
    Stage,
    Visit,
)
from msp_desktop.practice import finalise_blockers
from tests.bench.bench_config import SEED, WORKER

# Obviously made-up people: ordinary first names, surnames nobody has.
FIRST_NAMES = [
    "Ada", "Bryn", "Siân", "Margaret", "Dewi", "Eira", "Gareth", "Harriet", "Idris",
    "Joan", "Kenneth", "Lowri", "Morfydd", "Nerys", "Owain", "Peggy", "Rhiannon",
    "Stanley", "Tegwen", "Vera", "Wilfred", "Yvonne", "Alun", "Beryl", "Cerys",
    "Doris", "Emrys", "Flora", "Glenys", "Hywel", "Iris", "Jack", "Elsie", "Arthur",
]  # fmt: skip
SURNAMES = [
    "Example", "Sample", "Specimen", "Exampleton", "Sampleford", "Placeholder",
    "Testcase", "Fixture", "Prawf", "Dummy", "Mockley", "Instance", "Demo",
    "Fictional", "Madeup", "Notreal", "Samplewood", "Specimens", "Examplar", "Stub",
]  # fmt: skip
PREFERRED = {"Margaret": "Peggy", "Kenneth": "Ken", "Harriet": "Hattie", "Wilfred": "Wilf"}

OUTCOME_WORDS = [
    "I want to feel safe in my own home.",
    "I want my nephew to stop taking money from my purse.",
    "I want to stay living here with my cat.",
    "I'd like someone to help me with the bank so I'm not worried all the time.",
    "I want the carers to come on time and talk to me properly.",
    "I want to see my grandchildren without him being there.",
    "I just want things to go back to how they were.",
    "I want to choose who comes into the house.",
]
RISK_VIEWS = [
    "She says she is not frightened but does not want him to have her card.",
    "He feels the missed calls are not his fault and he manages fine.",
    "She worries about what will happen if she says anything.",
    "He would rather keep things as they are and accept the risk.",
]
WORKER_VIEWS = [
    "Pattern of withdrawals matches the dates the visitor calls. Check with the bank.",
    "Presented well today; home cold; fridge nearly empty. Review food and heating.",
    "Appeared anxious when the door went; declined to discuss further with others present.",
]
ACTIONS = [
    "Ask the bank about a second signatory.",
    "Refer to the advocacy service for an independent advocate.",
    "Speak with the care agency about late and missed calls.",
    "Arrange a carer's assessment for the daughter.",
    "Make a referral to the fire service for a home safety check.",
]
WORKING_WELL = [
    "The neighbour pops in most mornings.",
    "Day centre on Tuesdays is a highlight of the week.",
    "Pharmacy delivers medication without a problem.",
]
NOT_WORKING = [
    "Nobody checks the post, so bills have been missed.",
    "Evening call is often after 9pm.",
    "Phone is often switched off, so family cannot get through.",
]
PLACES = ["Home, front room", "Home, kitchen", "Day centre quiet room", "Library meeting room"]


@dataclass
class Caseload:
    """The records loaded into both stores, and what the workloads pick from."""

    people: list[Person]
    concerns: list[Concern]
    visits: list[Visit]
    finalise: set[str]
    queries: list[str]
    drafts: list[str]
    opened: list[str]


def fake_id(rng: random.Random) -> str:
    # Seeded ids rather than new_id(): repeat runs load byte-identical content.
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _note(rng: random.Random, texts: Sequence[str]) -> Note:
    return Note(text=rng.choice(texts))


def _visit(rng: random.Random, concern: Concern, on: date | None, risk_type: RiskType) -> Visit:
    outcomes = [
        DesiredOutcome(id=fake_id(rng), words=_note(rng, OUTCOME_WORDS))
        for _ in range(rng.randint(1, 3))
    ]
    risk = Risk(
        id=fake_id(rng),
        risk_type=risk_type,
        location=rng.choice(list(RiskLocation)),
        source=rng.choice(list(RiskSource)),
        persons_view=_note(rng, RISK_VIEWS),
        workers_view=Note.internal(rng.choice(WORKER_VIEWS)),
    )
    action = Action(
        id=fake_id(rng),
        what=_note(rng, ACTIONS),
        who="Bench Worker",
        by_when=(on or date.today()) + timedelta(days=rng.randint(7, 28)),
        outcome_ids=[outcomes[0].id],
    )
    return Visit(
        id=fake_id(rng),
        concern_id=concern.id,
        person_id=concern.person_id,
        visit_date=on,
        place=rng.choice(PLACES),
        could_speak_privately=rng.random() < 0.8,
        consent_to_record=True,
        consent_to_share=rng.random() < 0.7,
        desired_outcomes=outcomes,
        sg4a_asked=SG4aAsked.EXPRESSED,
        working_well=[_note(rng, WORKING_WELL)],
        not_working=[_note(rng, NOT_WORKING)],
        risks=[risk],
        actions=[action],
    )


def build_caseload(n_people: int, n_concerns: int, n_visits: int, seed: int = SEED) -> Caseload:
    """Make the fictional people, concerns and visits (the same for both stores)."""
    rng = random.Random(seed)
    today = date.today()
    people: list[Person] = []
    for i in range(n_people):
        first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        people.append(
            Person(
                id=fake_id(rng),
                name=f"{first} {last}",
                preferred_name=PREFERRED.get(first) if rng.random() < 0.5 else None,
                local_id=f"BENCH-{i + 1:05d}",
                date_of_birth=date(1925, 1, 1) + timedelta(days=rng.randint(0, 50 * 365)),
            )
        )

    # Most people with a concern have one; some have an older, closed one too.
    n_concerns = min(n_concerns, n_people * 2)
    with_concern = rng.sample(people, min(n_people, max(1, int(n_concerns * 0.8))))
    owners = [*with_concern, *(rng.choice(with_concern) for _ in range(n_concerns))]
    concerns: list[Concern] = []
    risk_of: dict[str, RiskType] = {}
    for owner in owners[:n_concerns]:
        risk_type = rng.choice(list(RiskType))
        closed = rng.random() < 0.35
        concern = Concern(
            id=fake_id(rng),
            person_id=owner.id,
            raised_on=today - timedelta(days=rng.randint(30, 3 * 365)),
            risk_types=[risk_type],
            status=ConcernStatus.CLOSED if closed else ConcernStatus.OPEN,
            closed_on=today if closed else None,
            action_result=SG2cActionResult.NO_RISK_NO_ACTION if closed else None,
            stage=rng.choice([Stage.BEGINNING, Stage.MIDDLE, Stage.END]),
            lead_worker=WORKER,
        )
        concerns.append(concern)
        risk_of[concern.id] = risk_type

    # Every concern gets a visit; the rest are spread at random, so some concerns
    # (and so some person pages) have many more visits than the average of ten.
    owner_of_visit = [*concerns, *(rng.choice(concerns) for _ in range(n_visits))][:n_visits]
    by_concern: dict[str, list[Concern]] = {}
    for concern in owner_of_visit:
        by_concern.setdefault(concern.id, []).append(concern)
    visits: list[Visit] = []
    finalise: set[str] = set()
    drafts: list[str] = []
    for concern in concerns:
        count = len(by_concern.get(concern.id, []))
        on = concern.raised_on
        for k in range(count):
            on = min(today, on + timedelta(days=rng.randint(3, 21)))
            last = k == count - 1
            # The newest visit of an open concern is still being written up.
            is_draft = last and concern.status is ConcernStatus.OPEN
            # A few drafts have no date yet, as in a visit planned but not started.
            when = None if is_draft and rng.random() < 0.1 else on
            visit = _visit(rng, concern, when, risk_of[concern.id])
            visits.append(visit)
            if is_draft:
                drafts.append(visit.id)
            elif not finalise_blockers(visit, concern.stage, concern=concern):
                finalise.add(visit.id)
    if not drafts:
        raise ValueError("the caseload has no draft visits to save; use more concerns")

    # What a worker types: surnames letter by letter, first name plus surname
    # prefix, a preferred name, and local ids digit by digit.
    queries: list[str] = []
    for person in rng.sample(people, min(6, len(people))):
        first, last = person.name.split(" ", 1)
        queries += [last[:n] for n in range(2, min(len(last), 6) + 1)]
        queries += [f"{first[:3]} {last[:3]}", f"{first} {last[:4]}"]
    queries += ["peggy", "ken", "BENCH-0", "BENCH-004", "BENCH-0042", "00421", "sian pra"]
    opened = [c.person_id for c in concerns]
    return Caseload(people, concerns, visits, finalise, queries, drafts, opened)
