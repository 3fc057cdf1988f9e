"""A fictional caseload for training, trials and screenshots.

Every name is obviously made up (surnames such as Example, Sample, Specimen); phone
numbers are in Ofcom's ranges kept for drama (01632 960xxx, 07700 900xxx) and NHS
numbers in the range kept for tests (999 000 0000 to 999 999 9999), so a demo workspace
can never be mistaken for real records.

The caseload is walked as a worker walks it, through the same services the app and
``msp`` use: people added, concerns raised, each visit begun with what was agreed
brought forward (``ws.visits.begin``), every question answered before it is
finalised, the concern moved on, and closed with its national result. It is
deterministic: the same people, with dates relative to today. Person ``i`` (0 to 24):

- ``i % 5 == 4``: no concern yet; one contact note (a call about them).
- otherwise one concern, raised 20, 50 or 80 days ago for a concern reaching the
  beginning, middle or end stage (``[beginning, middle, end][i % 3]``); its visits
  are 3, 13 and 23 days after it was raised.
- **Beginning** (``i % 3 == 0``): 0, 18 and 6 have a visit that did not happen
  (``NOT_HELD``); 3, 15 and 21 have their first visit in progress (a draft); 12's
  first visit was held, and she asked for the enquiry to stop: closed as "Enquiry
  ceased at individual's request and no action taken", with the reason, two days later.
- **Middle** (``i % 3 == 1``): the first visit held, then a middle visit, finalised for
  10, 16 and 22 and in progress for 1, 7 and 13.
- **End** (``i % 3 == 2``): first and middle visits held, the concern moved to the end
  stage and its closing conversation held; 5's is in progress, 20's is finalised but
  the concern not closed yet (the screenshots close it), and 2, 8, 11, 17 and 23 are
  closed (``CLOSED``) two days after their closing conversation.

Agreed actions: the first visit agrees "ring the bank" (the worker, in 14 days) and,
with two outcomes or more, "ask the chapel friends" (the person, in 7 days); a middle
visit marks the first done, keeps the second open (done, at the end stage) and agrees
"ask the GP" (someone named, in 45 days), which the closing conversation marks done
(no longer needed for 20). So open and overdue actions are on the caseload.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from msp_desktop.guide import load_guide
from msp_desktop.model import (
    Action,
    ActionOwner,
    ActionStatus,
    Advocate,
    AdvocateStatus,
    AdvocateType,
    AskedBy,
    CapacityStatus,
    CommunicationNeed,
    Concern,
    ConsentDecision,
    ConsentToShare,
    ContactKind,
    CopyFormat,
    DesiredOutcome,
    ExperienceAnswer,
    ExperienceFeedback,
    ExperienceQuestion,
    Language,
    Note,
    NotHeldReason,
    OutcomeAchieved,
    OutcomeStatus,
    PlanReview,
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
    ShareBasis,
    Stage,
    SubstantialDifficultyArea,
    SupportToDecide,
    UndueInfluence,
    UndueInfluenceIndicator,
    Visit,
)
from msp_desktop.model.plan import PlanReviews
from msp_desktop.services.concerns import close_concern, move_stage, raise_concern
from msp_desktop.services.contacts import add_contact
from msp_desktop.services.people import add_person
from msp_desktop.services.visits import record_not_held, start_visit, suggested_next_date
from msp_desktop.store import Workspace

FIRST_NAMES = [
    "Ada", "Bryn", "Ceri", "Dilys", "Elfed", "Ffion", "Gareth", "Hywel", "Iris", "Joan",
    "Kit", "Lowri", "Morgan", "Nia", "Owain", "Peggy", "Rhodri", "Siân", "Tomos", "Una",
    "Vera", "Wyn", "Yvonne", "Zac", "Maud",
]  # fmt: skip
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
STAGES = (Stage.BEGINNING, Stage.MIDDLE, Stage.END)
RAISED_DAYS_AGO = {Stage.BEGINNING: 20, Stage.MIDDLE: 50, Stage.END: 80}

NOT_HELD: dict[int, tuple[NotHeldReason, int]] = {
    0: (NotHeldReason.NO_ACCESS, 4),  # rearranged for 4 days from today
    6: (NotHeldReason.NOT_THERE, -10),  # rearranged for 10 days ago: now overdue
    18: (NotHeldReason.DECLINED, 2),
}
CEASED = 12
IN_PROGRESS = frozenset({1, 3, 5, 7, 13, 15, 21})
"""The last visit of these people's concerns is a draft, to resume."""
CLOSED: dict[int, tuple[SG2cActionResult, RiskOutcome | None]] = {
    2: (SG2cActionResult.RISK_IDENTIFIED_ACTION_TAKEN, RiskOutcome.REDUCED),
    8: (SG2cActionResult.RISK_IDENTIFIED_ACTION_TAKEN, RiskOutcome.REMOVED),
    11: (SG2cActionResult.RISK_IDENTIFIED_ACTION_TAKEN, RiskOutcome.REMAINED),
    17: (SG2cActionResult.INCONCLUSIVE_ACTION_TAKEN, None),
    23: (SG2cActionResult.NO_RISK_NO_ACTION, None),
}
_F, _P, _N = (
    OutcomeAchieved.FULLY_ACHIEVED,
    OutcomeAchieved.PARTIALLY_ACHIEVED,
    OutcomeAchieved.NOT_ACHIEVED,
)
RATINGS: dict[int, tuple[OutcomeAchieved, ...]] = {
    2: (_F, _F, _F), 8: (_F, _P, _N), 11: (_N, _N, _N), 17: (_P, _F, _F), 20: (_P, _P, _F),
    23: (_F, _F, _F),
}  # fmt: skip
"""How far each outcome was achieved, rated at the closing conversation."""
_LOT, _QUITE, _LITTLE, _NONE, _UNSAID = (
    ExperienceAnswer.A_LOT,
    ExperienceAnswer.QUITE_A_BIT,
    ExperienceAnswer.A_LITTLE,
    ExperienceAnswer.NOT_AT_ALL,
    ExperienceAnswer.PREFER_NOT_TO_SAY,
)
EXPERIENCE: dict[int, tuple[ExperienceAnswer, ...]] = {
    2: (_LOT, _LOT, _LOT, _LOT), 8: (_LOT, _QUITE, _LITTLE, _QUITE),
    11: (_LITTLE, _LOT, _NONE, _LITTLE), 17: (_LOT, _LOT, _QUITE, _UNSAID),
    20: (_QUITE, _LOT, _LOT, _LOT), 23: (_LOT, _LOT, _QUITE, _LOT),
}  # fmt: skip
"""The four answers (in ``ExperienceQuestion`` order) at each closing conversation."""


def nhs_number(i: int) -> str:
    """A valid NHS number in the range kept for tests, the same for the same ``i``."""
    candidate = 999_000_000 + (7_919 * (i + 1)) % 1_000_000
    while True:
        digits = str(candidate)
        total = sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=True))
        check = (11 - total % 11) % 11
        if check != 10:
            return digits + str(check)
        candidate += 1


def _person(i: int, rng: random.Random) -> dict[str, Any]:
    name = f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {SURNAMES[i % len(SURNAMES)]}"
    formats = {0: CopyFormat.LARGE_PRINT, 3: CopyFormat.EASY_READ, 1: CopyFormat.PLAIN}
    needs = {0: [CommunicationNeed.LARGE_PRINT], 3: [CommunicationNeed.EASY_READ]}
    return {
        "name": name,
        "preferred_name": name.split()[0] if i % 4 == 1 else None,
        "date_of_birth": date(1930 + rng.randint(0, 60), rng.randint(1, 12), rng.randint(1, 28)),
        "local_id": f"DEMO-{1000 + i}",
        "nhs_number": nhs_number(i) if i % 4 != 3 else None,  # not known for everyone
        "address": Note(text=f"{i + 1} Example Street, Sampletown"),
        "phone": f"07700 900{i:03d}" if i % 2 else f"01632 960{i:03d}",
        "communication_needs": needs.get(i % 6, []),
        "communication_notes": Note(text="Likes pictures; reads letters with her niece.")
        if i % 6 == 3
        else None,
        "preferred_language": Language.CY if i % 7 == 3 else Language.EN,
        "preferred_format": formats.get(i % 6, CopyFormat.PLAIN if i % 6 == 4 else None),
        "household": [
            {
                "name": f"Relative {SURNAMES[(i + 1) % len(SURNAMES)]}",
                "relationship": "grandson",
                "note": Note.third_party("Stays some nights; handles the shopping."),
                "lives_with_person": i % 4 == 0,
                "may_be_source_of_risk": True,
            }
        ]
        if i % 2 == 0
        else [],
    }


def _support(i: int, on: date) -> SupportToDecide:
    """The decision at the first visit, and what the person needs to take part in it."""
    assessed = {"capacity_assessed_by": "Demo Worker", "capacity_assessed_on": on}
    pension = Note(text="Whether to change who collects the pension.")
    if i == 8:  # a niece who can support her: no advocate needed
        return SupportToDecide(
            decision=pension, capacity=CapacityStatus.HAS_CAPACITY, **assessed,
            substantial_difficulty=[SubstantialDifficultyArea.UNDERSTANDING],
            appropriate_person_available=True,
            appropriate_person=Note.third_party("Her niece, who visits every week (fictional)."),
        )  # fmt: skip
    if i == 2:  # lacks capacity for this decision: an IMCA is in place
        return SupportToDecide(
            decision=Note(text="Whether to move into extra-care housing."),
            capacity=CapacityStatus.LACKS_CAPACITY, **assessed, imca_criteria_apply=True,
            advocates=[Advocate(type=AdvocateType.IMCA, status=AdvocateStatus.IN_PLACE, on=on,
                                name="Advocacy Service (fictional)")],
        )  # fmt: skip
    if i == 23:  # the question arose, but capacity was not assessed
        return SupportToDecide(decision=pension, capacity=CapacityStatus.NOT_ASSESSED)
    if i % 4 == 0:  # finds it hard to retain information, and nobody suitable can help
        return SupportToDecide(
            decision=pension, capacity=CapacityStatus.HAS_CAPACITY, **assessed,
            substantial_difficulty=[SubstantialDifficultyArea.RETAINING],
            appropriate_person_available=False,
            advocates=[Advocate(type=AdvocateType.CARE_ACT_ADVOCATE,
                                status=AdvocateStatus.REFERRED, on=on,
                                reason=Note(text="No family member is suitable to support."),
                                name="Advocacy Service (fictional)")],
        )  # fmt: skip
    return SupportToDecide(decision=pension, capacity=CapacityStatus.HAS_CAPACITY, **assessed)


def _risk(i: int) -> Risk:
    positive = i % 6 == 5  # she chooses to keep seeing him, knowing the risk
    return Risk(
        risk_type=RiskType.FINANCIAL_OR_MATERIAL,
        location=RiskLocation.OWN_HOME,
        source=RiskSource.KNOWN_TO_INDIVIDUAL,
        source_detail=Note.third_party("A relative who visits most days (fictional)."),
        persons_view=Note(text="It's not that bad, he's family."),
        workers_view=Note.internal("Pattern of withdrawals after each visit; monitor."),
        positive_risk=PositiveRiskDecision(
            choice=Note(text="Wants to keep seeing her grandson at home."),
            understood=True,
            harm_reduction=Note(text="Bank card kept in the safe; neighbour calls in."),
        )
        if positive
        else None,
    )


def _consent(i: int) -> ConsentToShare:
    if i == 11:
        return ConsentToShare(decision=ConsentDecision.PARTLY, with_whom="Only the GP")
    if i == 22:  # she said no; shared with the bank to stop the withdrawals, and told
        return ConsentToShare(
            decision=ConsentDecision.NO, shared_without_consent=True,
            basis=[ShareBasis.RISK_TO_PERSON],
            basis_detail=Note.internal("Withdrawals continuing; the bank can stop them."),
            person_told=True,
        )  # fmt: skip
    return ConsentToShare(decision=ConsentDecision.YES, with_whom="The GP and the bank")


def _check_in(visit: Visit, i: int, next_visit: date | None) -> dict[str, Any]:
    family = i % 3 == 0
    return {
        "place": "At home",
        "present": [PresentPerson(name="Relative Example", role=PresentRole.FAMILY)]
        if family
        else [],
        "spoken_to_alone": not family,
        "could_speak_privately": not family,
        "consent_to_record": True,
        "consent_to_share": visit.consent_to_share or _consent(i),
        "check_in_notes": Note.internal("Quiet house; the relative had just left."),
        "next_visit_on": next_visit,
    }


def _first_visit(visit: Visit, i: int, on: date) -> dict[str, Any]:
    """What matters, risks, support to decide, undue influence and actions, all asked."""
    count = 1 + i % 3
    outcomes = [DesiredOutcome(words=Note(text=OUTCOME_WORDS[(i + k) % 8])) for k in range(count)]
    influenced = i % 5 == 0
    actions = [] if i == CEASED else [
        Action(what=Note(text="Ring the bank together about a safer way to get money."),
               owner=ActionOwner.WORKER, by_when=on + timedelta(days=14),
               outcome_ids=[outcomes[0].id]),
    ]  # fmt: skip
    if count > 1:
        actions.append(
            Action(what=Note(text="Ask the chapel friends to call in on Sundays."),
                   owner=ActionOwner.PERSON, by_when=on + timedelta(days=7),
                   outcome_ids=[outcomes[1].id])
        )  # fmt: skip
    return {
        "desired_outcomes": outcomes,
        "sg4a_asked": SG4aAsked.EXPRESSED,
        "working_well": [Note(text="Gets on well with the neighbour next door.")],
        "not_working": [Note(text="Worried about money running out before the month's end.")],
        "risks": [_risk(i)],
        "safety_plan": Note(text="Keep the bank card in the safe; ring the duty line if scared."),
        "support_to_decide": _support(i, on),
        "undue_influence": UndueInfluence(
            indicators=[
                UndueInfluenceIndicator.SOMEONE_ELSE_ANSWERS,
                UndueInfluenceIndicator.FINANCIAL_DEPENDENCY,
            ]
            if influenced
            else [],
            person_declined_help=influenced,
            planned_support=Note.internal("Visit again when she is alone; discuss with manager.")
            if influenced
            else None,
            notes=Note.third_party("The grandson answered two questions for her.")
            if influenced
            else None,
        ),
        "actions": actions,
        "principles": PrinciplesReflection(
            reflections={Principle.EMPOWERMENT: Note(text="She chose what happens next.")}
        ),
    }


def _review(visit: Visit, i: int, on: date) -> dict[str, Any]:
    """A later visit: each carried outcome, action and part of the plan answered."""
    end = visit.stage is Stage.END
    outcomes = [
        o.revised(achieved=RATINGS[i][k]) if end else o.revised(status=OutcomeStatus.STILL_WANTED)
        for k, o in enumerate(visit.desired_outcomes)
    ]
    actions = []
    for action in visit.actions:
        if action.what is not None and action.what.text.startswith("Ring the bank"):
            actions.append(
                action.revised(
                    status=ActionStatus.DONE, status_note=Note(text="Done together on the phone.")
                )
            )
        elif action.what is not None and action.what.text.startswith("Ask the chapel"):
            actions.append(action.revised(status=ActionStatus.DONE if end else ActionStatus.OPEN))
        else:
            done = ActionStatus.NO_LONGER_NEEDED if i not in CLOSED else ActionStatus.DONE
            actions.append(action.revised(status=done))
    if not end:
        actions.append(
            Action(what=Note(text="Ask the GP about a carers' assessment for her grandson."),
                   owner=ActionOwner.SOMEONE_ELSE, who="GP surgery (fictional)",
                   by_when=on + timedelta(days=45), outcome_ids=[outcomes[0].id])
        )  # fmt: skip
    changes: dict[str, Any] = {
        "desired_outcomes": outcomes,
        "actions": actions,
        "plan_review": PlanReviews(**dict.fromkeys(visit.plan_carried, PlanReview.SAME)),
        "undue_influence": visit.undue_influence.revised(person_declined_help=False),
        "working_well": [Note(text="The bank has put a limit on withdrawals.")],
    }
    if end:
        answers = dict(zip(ExperienceQuestion, EXPERIENCE[i], strict=True))
        changes["experience"] = ExperienceFeedback(
            answers=answers,
            comment=Note(text="You listened to me."),
            asked_by=AskedBy.LEAD_WORKER if i == 11 else AskedBy.INDEPENDENT,
            asked_on=on,
        )
    return changes


def realistic_visit(concern: Concern, on: date, index: int) -> Visit:
    """A first visit of ``concern`` on ``on`` answered as the demo's are (for benchmarks
    and tests that need many complete visits without walking a caseload); ``index``
    varies it as the demo varies its people."""
    visit = Visit(
        concern_id=concern.id, person_id=concern.person_id, visit_date=on, stage=concern.stage
    )
    return visit.revised(**_check_in(visit, index, None), **_first_visit(visit, index, on))


def _hold(ws: Workspace, i: int, concern_id: str, on: date, *, done: bool) -> Visit:
    """Begin the concern's next visit on ``on`` and answer it; finalise it when ``done``
    (otherwise it stays a draft, part answered, as a visit in progress)."""
    visit = start_visit(ws, concern_id, load_guide().ref, on)
    concern = ws.concerns.get(concern_id)
    first = visit.stage is Stage.BEGINNING
    closing = visit.stage is Stage.END
    if not done:
        # Checked in, the person's words there; the rest still to do.
        part: dict[str, Any] = {"place": "At home", "consent_to_record": True}
        if first:
            part["desired_outcomes"] = [DesiredOutcome(words=Note(text=OUTCOME_WORDS[i % 8]))]
            part["sg4a_asked"] = SG4aAsked.EXPRESSED
        ws.visits.save_draft(visit.revised(**part))
        return visit
    upcoming = None if closing else suggested_next_date(ws, visit)
    filled = visit.revised(
        **_check_in(visit, i, upcoming),
        **(_first_visit(visit, i, on) if first else _review(visit, i, on)),
    )
    # The concern keeps the national answers given on the visit (SG4a; the person's
    # view on closing, at the closing conversation).
    concern_now = concern.revised(
        sg4a_asked=filled.sg4a_asked,
        **({"closing_view": Note(text="Happy for it to close now.")} if closing else {}),
    )
    ws.visits.save_draft(filled, concern_now)
    ws.visits.finalise(visit.id)
    return filled


def _journey(ws: Workspace, i: int, person_id: str, today: date) -> None:
    """Raise person ``i``'s concern and walk it as far as the module docstring says."""
    stage = STAGES[i % 3]
    raised = today - timedelta(days=RAISED_DAYS_AGO[stage])
    concern = raise_concern(
        ws, person_id, raised_on=raised,
        types=[RiskType.FINANCIAL_OR_MATERIAL, RiskType.PSYCHOLOGICAL],
        location=RiskLocation.OWN_HOME, source=RiskSource.KNOWN_TO_INDIVIDUAL,
        summary="Money going missing after a relative's visits; raised by a neighbour.",
    )  # fmt: skip
    ws.concerns.update(
        concern.revised(raised_by=Note.third_party("A neighbour rang the council (fictional)."))
    )
    days = [raised + timedelta(days=3 + 10 * n) for n in range(3)]
    if i in NOT_HELD:
        reason, rearranged = NOT_HELD[i]
        record_not_held(
            ws, concern.id, load_guide().ref, on=days[0], reason=reason,
            rearranged_for=today + timedelta(days=rearranged),
            note="Curtains drawn; left a card with our number.",
        )  # fmt: skip
        if i == 6:
            add_contact(
                ws,
                person_id,
                ContactKind.PHONE,
                concern_id=concern.id,
                on=days[0],
                text="Rang her: she was at her daughter's; back home next week.",
            )
        return
    visits = 1 + STAGES.index(stage)
    for n in range(visits):
        if n == 2:
            move_stage(ws, concern.id, Stage.END)  # the worker chooses the closing stage
        _hold(ws, i, concern.id, days[n], done=not (n == visits - 1 and i in IN_PROGRESS))
    if stage is Stage.MIDDLE and i not in IN_PROGRESS:
        add_contact(ws, person_id, ContactKind.PHONE, concern_id=concern.id,
                    on=days[1] + timedelta(days=5),
                    text="The bank rang back: the new limit is in place.")  # fmt: skip
    if i == CEASED:
        add_contact(
            ws,
            person_id,
            ContactKind.LETTER,
            concern_id=concern.id,
            on=days[0],
            text="Wrote to confirm she asked us to stop, and how to reach us again.",
        )
        close_concern(
            ws, concern.id, SG2cActionResult.CEASED_AT_REQUEST, on=days[0] + timedelta(days=2),
            reason="She has capacity to decide and asked for the enquiry to stop; she knows "
            "how to contact us if anything changes.",
        )  # fmt: skip
    elif i in CLOSED:
        result, risk_outcome = CLOSED[i]
        close_concern(ws, concern.id, result, risk_outcome=risk_outcome,
                      on=days[2] + timedelta(days=2))  # fmt: skip


DEMO_TEAM = "Demo Borough Adult Social Care"
DEMO_PHONE = "01632 960 000"
DEMO_EMAIL = "adult.care@example.org"


def fill_demo_caseload(ws: Workspace, people: int = 25, seed: int = 2014) -> int:
    """Add a fictional caseload to an open workspace; returns how many people.

    The team printed on the person's copies is set too (fictional: a number from
    Ofcom's range for drama, an example.org address), so copies can be given at once.
    """
    rng = random.Random(seed)  # noqa: S311 - demo data (dates of birth), not security
    today = date.today()
    ws.set_service(DEMO_TEAM, DEMO_PHONE, DEMO_EMAIL)
    for i in range(people):
        person = add_person(ws, _person(i, rng))
        if i % 5 == 4:
            add_contact(
                ws,
                person.id,
                [ContactKind.PHONE, ContactKind.EMAIL][i % 2],
                on=today - timedelta(days=3 + i),
                text="A neighbour called the duty line, worried; no concern raised yet.",
            )
            continue
        _journey(ws, i, person.id, today)
    return people
