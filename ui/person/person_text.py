"""The person page's words: details, stages and outcome steps as plain sentences.

No widgets here, so every wording can be tested on its own; every string goes
through ``tr``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from msp_desktop.model import (
    CommunicationNeed,
    Concern,
    ConcernStatus,
    CopyFormat,
    HouseholdMember,
    Language,
    OutcomeStatus,
    Person,
    Stage,
)
from msp_desktop.model.safe_text import normalise_nhs_number
from ui.date_text import date_text, visit_due_text
from ui.i18n import N_, Message, tr, tr_marked
from ui.person.person_file import OutcomeStep

NONE_RECORDED = N_("None recorded")

# Plain words for the support a person needs, as a worker would say them aloud.
NEED_WORDS: dict[CommunicationNeed, Message] = {
    CommunicationNeed.INTERPRETER: N_("Needs an interpreter"),
    CommunicationNeed.BSL: N_("Uses British Sign Language (BSL)"),
    CommunicationNeed.EASY_READ: N_("Easy read documents"),
    CommunicationNeed.LARGE_PRINT: N_("Large print"),
    CommunicationNeed.HEARING: N_("Support with hearing"),
    CommunicationNeed.SIGHT: N_("Support with sight"),
}

# The format of the person's copies, as the copy dialog names them.
FORMAT_WORDS: dict[CopyFormat, Message] = {
    CopyFormat.PLAIN: N_("Plain English"),
    CopyFormat.LARGE_PRINT: N_("Large print"),
    CopyFormat.EASY_READ: N_("Easy read"),
}

STAGE_WORDS: dict[Stage, Message] = {
    Stage.BEGINNING: N_("Beginning"),
    Stage.MIDDLE: N_("Middle"),
    Stage.END: N_("End"),
}

# What each stage means in MSP, shown under its name on the timeline.
STAGE_MEANING: dict[Stage, Message] = {
    Stage.BEGINNING: N_("Ask what the person wants"),
    Stage.MIDDLE: N_("Review each outcome"),
    Stage.END: N_("Rate outcomes and close"),
}

STATUS_WORDS: dict[OutcomeStatus, Message] = {
    OutcomeStatus.STILL_WANTED: N_("Still wanted"),
    OutcomeStatus.CHANGED: N_("Changed"),
    OutcomeStatus.NO_LONGER_WANTED: N_("No longer wanted"),
    OutcomeStatus.ACHIEVED: N_("Achieved"),
}

# Where each stage stands, in words: the marker beside it is only a second cue.
DONE, NOW, TO_COME = N_("done"), N_("now"), N_("to come")
# A concern may close before its end (the person asked for the enquiry to stop).
NOT_REACHED = N_("not reached")
MARKERS = {DONE: "✓", NOW: "●", TO_COME: "○", NOT_REACHED: "–"}


def age_on(born: date, today: date) -> int:
    """Age in whole years on ``today``."""
    before_birthday = (today.month, today.day) < (born.month, born.day)
    return today.year - born.year - before_birthday


def birth_text(born: date | None, today: date) -> str:
    """Date of birth with the age: 3 Feb 1941 (age 85)."""
    if born is None:
        return tr("Not recorded")
    return tr("{date} (age {age})", date=date_text(born), age=age_on(born, today))


def language_text(person: Person) -> str:
    """The preferred language in words."""
    if person.preferred_language is Language.CY:
        return tr("Welsh (Cymraeg)")
    if person.preferred_language is Language.OTHER:
        return person.other_language or tr("Another language (not named)")
    return tr("English")


def needs_text(needs: Sequence[CommunicationNeed], notes: str | None = None) -> str:
    """Communication needs as plain words, one after another, then any in the worker's
    or the person's own words (``notes``, kept as written)."""
    parts = [tr_marked(NEED_WORDS[need]) for need in needs]
    if notes:
        parts.append(notes)
    if not parts:
        return tr_marked(NONE_RECORDED)
    return tr("; ").join(parts)


def nhs_text(number: str | None) -> str:
    """An NHS number as it is written on letters, in groups of 3, 3 and 4: 943 476 5919."""
    if not number:
        return tr("Not recorded")
    digits = normalise_nhs_number(number)
    if len(digits) != 10:
        return number  # an old record kept as typed: shown, never reshaped
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def format_text(person: Person) -> str:
    """The format the person wants their copies in, or that nobody has asked yet."""
    if person.preferred_format is None:
        return tr("Not asked yet")
    return tr_marked(FORMAT_WORDS[person.preferred_format])


def member_text(member: HouseholdMember) -> str:
    """One other person with what the worker must know on a visit:
    "Relative Specimen (son): lives with the person; may be a source of risk"."""
    lives = tr("lives with the person") if member.lives_with_person else tr("lives elsewhere")
    who = tr("{name} ({relationship})", name=member.name, relationship=member.relationship)
    if member.may_be_source_of_risk:
        return tr("{who}: {lives}; may be a source of risk", who=who, lives=lives)
    return tr("{who}: {lives}", who=who, lives=lives)


def stage_states(concern: Concern) -> list[tuple[Stage, Message]]:
    """Each stage with where it stands: done, now or to come. Once closed, the stages
    up to the one it closed at are done, and any after it were not reached."""
    stages = list(Stage)
    current = stages.index(concern.stage)
    closed = concern.status is ConcernStatus.CLOSED
    states = []
    for position, stage in enumerate(stages):
        if closed:
            states.append((stage, DONE if position <= current else NOT_REACHED))
        elif position < current:
            states.append((stage, DONE))
        elif position == current:
            states.append((stage, NOW))
        else:
            states.append((stage, TO_COME))
    return states


def stage_state_text(stage: Stage, state: Message) -> str:
    """One point of the timeline: "Middle: now"."""
    return tr("{stage}: {state}", stage=tr_marked(STAGE_WORDS[stage]), state=tr_marked(state))


def timeline_sentence(concern: Concern) -> str:
    """The whole timeline as one sentence for a screen reader."""
    if concern.status is ConcernStatus.CLOSED:
        if concern.stage is Stage.END:
            return tr("This concern is closed; every stage is done.")
        return tr(
            "This concern closed at the {stage} stage; the stages after it were not reached.",
            stage=tr_marked(STAGE_WORDS[concern.stage]).lower(),
        )
    points = ", ".join(stage_state_text(s, state) for s, state in stage_states(concern))
    return tr(
        "This concern is at the {stage} stage. {points}.",
        stage=tr_marked(STAGE_WORDS[concern.stage]).lower(),
        points=points,
    )


def concern_title(concern: Concern) -> str:
    """The heading of a concern: when it was raised and whether it is open."""
    if concern.status is ConcernStatus.CLOSED:
        return tr("Concern raised {date} (closed)", date=date_text(concern.raised_on))
    return tr("Concern raised {date} (open)", date=date_text(concern.raised_on))


def risks_text(concern: Concern) -> str:
    """The types of risk, in the national wording."""
    if not concern.risk_types:
        return tr_marked(NONE_RECORDED)
    return ", ".join(risk.value for risk in concern.risk_types)


def due_text(due: date | None, today: date) -> str:
    """When the next conversation for one concern is due, or why none is."""
    if due is None:
        return tr("None: the concern is closed")
    return visit_due_text(due, today)


def visit_text(visit_date: date | None, draft: bool, held: bool = True) -> str:
    """One visit in the list: its date, and whether it is final or did not happen."""
    when = date_text(visit_date) if visit_date else tr("Date not set")
    if not held:
        return tr("{when} (did not happen)", when=when)
    return tr("{when} (draft)", when=when) if draft else tr("{when} (final)", when=when)


def step_text(step: OutcomeStep) -> str:
    """One outcome at one visit: "6 Oct 2026: Still wanted, rated Partially Achieved"."""
    when = date_text(step.visit_date) if step.visit_date else tr("Date not set")
    if step.status is None:
        text = tr("{when}: said", when=when)
    else:
        text = tr("{when}: {status}", when=when, status=tr_marked(STATUS_WORDS[step.status]))
    if step.achieved is not None:
        text = tr("{text}, rated {achieved}", text=text, achieved=step.achieved.value)
    if step.draft:
        text = tr("{text} (draft)", text=text)
    return text
