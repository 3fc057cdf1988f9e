"""Fictional records for the export tests, imported into a real office by a real bundle.

One person with a closed concern: a visit not held, a beginning visit and a closing
visit whose three desired outcomes are rated Fully, Partially and Not Achieved; two
agreed actions; consent to share decided twice; the four experience answers. Every
piece of text that must never leave the office contains ``SECRET``; the person's own
words are in ``WORDS``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from msp_desktop.bundles.records import RecordEnvelope
from msp_desktop.demo import nhs_number
from msp_desktop.model import (
    Action,
    ActionOwner,
    ActionStatus,
    AgreedAction,
    Concern,
    ConcernStatus,
    ConsentDecision,
    ConsentToShare,
    ContactKind,
    ContactNote,
    DesiredOutcome,
    ExperienceAnswer,
    ExperienceFeedback,
    ExperienceQuestion,
    HouseholdMember,
    Note,
    NotHeldReason,
    OutcomeAchieved,
    OutcomeStatus,
    Person,
    SG2cActionResult,
    SG4aAsked,
    Stage,
    Visit,
    VisitNotHeld,
)
from msp_desktop.office.importer import Importer
from tests.office_helpers import FakeDevice, envelope
from tests.unit.office.conftest import Office

WORDS = ("I want to feel safe at home.", "=SUM(1,2) keep my own money", "See my grandson.")
"""The three desired outcomes, in the person's words (the second starts like a formula)."""
ARRIVED = datetime(2026, 11, 21, tzinfo=UTC)
"""When ``send`` imports, unless told otherwise."""
RATINGS = (
    OutcomeAchieved.FULLY_ACHIEVED,
    OutcomeAchieved.PARTIALLY_ACHIEVED,
    OutcomeAchieved.NOT_ACHIEVED,
)


@dataclass(frozen=True)
class Rated:
    """The records, as the device sent them."""

    person: Person
    concern: Concern
    not_held: Visit
    beginning: Visit
    closing: Visit
    actions: tuple[AgreedAction, AgreedAction]
    contact: ContactNote

    @property
    def visits(self) -> tuple[Visit, Visit, Visit]:
        """By date."""
        return (self.not_held, self.beginning, self.closing)


def rated(name: str = "Ada Example", i: int = 1) -> Rated:
    """A fresh set of the records above for one fictional person."""
    person = Person(
        name=name,
        preferred_name="Ada",
        date_of_birth=date(1941, 3, 2),
        nhs_number=nhs_number(i),
        local_id=f"+LOCAL-{i}",
        household=[HouseholdMember(name="Hidden SECRET Relative", relationship="son")],
    )
    concern = Concern(
        person_id=person.id,
        raised_on=date(2026, 10, 1),
        raised_by=Note.third_party("Raised by a SECRET neighbour"),
        status=ConcernStatus.CLOSED,
        stage=Stage.END,
        sg4a_asked=SG4aAsked.EXPRESSED,
        action_result=SG2cActionResult.RISK_IDENTIFIED_ACTION_TAKEN,
        summary=Note.internal("SECRET summary naming others"),
        closed_on=date(2026, 11, 12),
        close_reason=Note.internal("SECRET closing reason"),
        closing_view=Note.internal("SECRET closing view kept internal"),
    )
    base = {"concern_id": concern.id, "person_id": person.id}
    not_held = Visit(
        **base,
        visit_date=date(2026, 10, 3),
        not_held=VisitNotHeld(reason=NotHeldReason.NO_ACCESS, note=Note.internal("SECRET")),
    )
    outcomes = [
        DesiredOutcome(words=Note(text=WORDS[0]), status=OutcomeStatus.STILL_WANTED),
        DesiredOutcome(words=Note(text=WORDS[1]), progress=Note(text="Bank rang back.")),
        DesiredOutcome(words=Note(text=WORDS[2])),
        # Marked for the office only by the worker: it must not leave in words.
        DesiredOutcome(words=Note.internal("SECRET words the worker kept internal")),
    ]
    first_action = Action(
        what=Note(text="Ask the bank about a second signatory."),
        owner=ActionOwner.WORKER,
        who="Dr SECRET Name",
        outcome_ids=[outcomes[1].id],
    )
    beginning = Visit(
        **base,
        visit_date=date(2026, 10, 5),
        stage=Stage.BEGINNING,
        place="SECRET place",
        check_in_notes=Note.internal("SECRET check-in"),
        consent_to_share=ConsentToShare(
            decision=ConsentDecision.PARTLY,
            with_whom="SECRET daughter only",
            basis_detail=Note.internal("SECRET basis"),
        ),
        desired_outcomes=outcomes,
        sg4a_asked=SG4aAsked.EXPRESSED,
        actions=[first_action],
    )
    rated_outcomes = [
        o.model_copy(update={"achieved": rating, "carried": True})
        for o, rating in zip(outcomes, (*RATINGS, None), strict=True)
    ]
    closing = Visit(
        **base,
        visit_date=date(2026, 11, 10),
        stage=Stage.END,
        consent_to_share=ConsentToShare(decision=ConsentDecision.YES),
        desired_outcomes=rated_outcomes,
        experience=ExperienceFeedback(
            answers={
                ExperienceQuestion.UNDERSTOOD_WHY: ExperienceAnswer.A_LOT,
                ExperienceQuestion.LISTENED_TO: ExperienceAnswer.QUITE_A_BIT,
                ExperienceQuestion.FEEL_SAFER: ExperienceAnswer.A_LITTLE,
            },
            comment=Note.third_party("SECRET comment about her son"),
            asked_on=date(2026, 11, 10),
        ),
    )
    actions = (
        AgreedAction(
            **base, id=first_action.id, what=first_action.what, owner=ActionOwner.WORKER,
            who="Dr SECRET Name", outcome_ids=[outcomes[1].id], status=ActionStatus.DONE,
            agreed_on=beginning.visit_date, agreed_in_visit=beginning.id,
        ),
        AgreedAction(
            **base, id=f"act-{i}", what=Note.internal("SECRET action"), owner=ActionOwner.PERSON,
            by_when=date(2027, 1, 31), outcome_ids=[outcomes[0].id, outcomes[2].id],
        ),
    )  # fmt: skip
    contact = ContactNote(
        person_id=person.id,
        concern_id=concern.id,
        on=date(2026, 10, 4),
        kind=ContactKind.PHONE,
        text=Note(text="SECRET call with the GP", visibility="person"),
    )
    return Rated(person, concern, not_held, beginning, closing, actions, contact)


def send(office: Office, device: FakeDevice, records: Rated, at: datetime = ARRIVED) -> None:
    """Import the records in one bundle from ``device``, arriving ``at`` (UTC)."""
    send_envelopes(office, device, [
        envelope("person", records.person),
        envelope("concern", records.concern),
        *(envelope("visit", v) for v in records.visits),
        *(envelope("action", a) for a in records.actions),
        envelope("contact", records.contact),
    ], at)  # fmt: skip


def send_envelopes(
    office: Office, device: FakeDevice, envelopes: list[RecordEnvelope], at: datetime = ARRIVED
) -> None:
    """Import ``envelopes`` in one bundle from ``device``, arriving ``at`` (UTC)."""
    importer = Importer(office.store, office.keys, office.layout, clock=lambda: at)
    importer.import_bundle(
        device.bundle(office.inbox, envelopes).data,
        source="bundle.mspbundle",
        receipts=office.layout.receipts,
    )
