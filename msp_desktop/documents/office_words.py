"""The office record's words: choices, times and changes said as a manager reads them.

Values are printed with the app's own plain labels, never as stored identifiers:
national lists word for word (their values are the published labels), the app's own
lists with the option labels of the conversation guide the visit was held with, or the
choice's ``label`` property, or failing both the few words kept here. A change between
two revisions is said as "Risk 1, the worker's view", never as a field path, so a
field added to the model later still prints in words ("Some new field").
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from pydantic import BaseModel

from msp_desktop.documents.dates import NBSP, format_date
from msp_desktop.guide.catalogue import guide_named
from msp_desktop.guide.fields import is_national
from msp_desktop.guide.loader import DEFAULT_GUIDE
from msp_desktop.guide.schema import Guide, Question
from msp_desktop.model import (
    ActionOwner,
    ConcernStatus,
    ContactKind,
    CopyFormat,
    ExperienceQuestion,
    Language,
    Note,
    NotHeldReason,
    Stage,
    Visibility,
    Visit,
)

__all__ = ["NOTHING", "Change", "Words", "changes", "day", "when", "words_for"]

NOTHING = "(nothing recorded)"

# Choices no guide question offers (they are set by the app or a dialog), or whose
# guide wording is the worker's own voice ("Me (the worker)") and reads wrongly here.
_OWN: dict[enum.Enum, str] = {
    Stage.BEGINNING: "Beginning",
    Stage.MIDDLE: "Middle",
    Stage.END: "End",
    ConcernStatus.OPEN: "Open",
    ConcernStatus.CLOSED: "Closed",
    NotHeldReason.NO_ACCESS: "No access (nobody answered, or we could not get in)",
    NotHeldReason.DECLINED: "The person declined to talk",
    NotHeldReason.NOT_SAFE: "It was not safe to talk",
    NotHeldReason.NOT_THERE: "The person was not there",
    ContactKind.PHONE: "Phone call",
    ContactKind.LETTER: "Letter",
    ContactKind.EMAIL: "Email",
    ContactKind.MEETING: "Meeting",
    ActionOwner.WORKER: "The worker",
    Language.EN: "English",
    Language.CY: "Welsh",
    Language.OTHER: "Another language",
    CopyFormat.PLAIN: "Plain English",
    CopyFormat.LARGE_PRINT: "Large print",
    CopyFormat.EASY_READ: "Easy read",
    Visibility.PERSON: "The person may read it",
    Visibility.THIRD_PARTY: "Third party",
    Visibility.INTERNAL: "Internal",
}
_OWN_WORDS = {(type(value), value): text for value, text in _OWN.items()}

# What each part of a record is called when a change to it is listed. A name missing
# here is said in words from the name itself.
_FIELD_WORDS = {
    "visit_date": "date of the visit",
    "not_held": "visit did not happen",
    "rearranged_for": "rearranged for",
    "present": "present",
    "spoken_to_alone": "spoken to alone",
    "could_speak_privately": "could speak privately",
    "communication_support": "communication support",
    "consent_to_record": "agreed to notes being made",
    "consent_to_share": "consent to share",
    "with_whom": "with whom",
    "shared_without_consent": "shared without consent",
    "basis": "basis for sharing",
    "basis_detail": "basis in detail",
    "person_told": "person told",
    "guide_id": "conversation guide",
    "guide_version": "guide version",
    "check_in_notes": "check-in notes",
    "desired_outcomes": "outcome",
    "words": "their words",
    "achieved": "national rating",
    "history": "review",
    "on": "date",
    "carried": "brought forward",
    "sg4a_asked": "asked about outcomes (SG4a)",
    "working_well": "what is working",
    "not_working": "what is not working",
    "risks": "risk",
    "risk_type": "type",
    "seriousness": "how serious",
    "source_detail": "source in detail",
    "persons_view": "the person's view",
    "workers_view": "the worker's view",
    "positive_risk": "positive risk decision",
    "choice": "their choice",
    "understood": "understood the risk",
    "harm_reduction": "agreed to make it safer",
    "safety_plan": "safety plan",
    "support_to_decide": "support to decide",
    "capacity_assessed_by": "capacity assessed by",
    "capacity_assessed_on": "capacity assessed on",
    "substantial_difficulty": "substantial difficulty",
    "appropriate_person_available": "appropriate person available",
    "appropriate_person": "appropriate person",
    "advocates": "advocate",
    "imca_criteria_apply": "IMCA criteria apply",
    "undue_influence": "making their own choices",
    "indicators": "signs noticed",
    "person_declined_help": "declined help",
    "planned_support": "planned support",
    "actions": "action",
    "owner": "whose action",
    "by_when": "by when",
    "outcome_ids": "for outcomes",
    "status_note": "what happened",
    "principles": "six principles",
    "reflecting": "reflecting at this visit",
    "reflections": "reflection",
    "asked_by": "asked by",
    "answered_by_representative": "answered by a representative",
    "asked_on": "asked on",
    "plan_carried": "plan brought forward",
    "plan_review": "review of the plan",
    "next_visit_on": "next visit",
}
# Lists of records whose items are counted ("Risk 2") rather than named.
_COUNTED = {"desired_outcomes", "risks", "advocates", "actions", "present", "history"}


def _choices_in(questions: tuple[Question, ...]) -> Iterator[Question]:
    for question in questions:
        if question.choices:
            yield question
        yield from _choices_in(question.item_fields)


@dataclass(frozen=True, slots=True)
class Words:
    """The words for the choices of one conversation guide (see the module docstring)."""

    labels: Mapping[tuple[str, str], str]

    def choice(self, value: enum.Enum) -> str:
        """``value`` in words: national labels verbatim, else the guide's or app's label."""
        if is_national(type(value)):
            return str(value.value)
        # Keyed by the enum too: string choices of two lists compare equal ("open").
        own = _OWN_WORDS.get((type(value), value))
        if own is not None:
            return own
        found = self.labels.get((type(value).__name__, str(value.value)))
        if found is not None:
            return found
        if isinstance(value, ExperienceQuestion):
            return str(value.text)
        label = getattr(value, "label", None)
        if isinstance(label, str):
            return label
        return str(value.value).replace("_", " ").replace("-", " ").capitalize()

    def choices(self, values: list[Any]) -> str:
        """Several choices in words, separated so a national label's comma stays its own."""
        return "; ".join(self.choice(value) for value in values)

    def value(self, value: Any) -> str:
        """Any recorded value in words (a note's text as typed)."""
        if isinstance(value, Note):
            return value.text
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if isinstance(value, enum.Enum):
            return self.choice(value)
        if isinstance(value, date):
            return format_date(value, "en")
        if isinstance(value, list):
            return "; ".join(self.value(item) for item in value)
        return str(value)


@cache
def _words(guide_id: str) -> Words:
    guide: Guide | None = guide_named(guide_id)
    labels: dict[tuple[str, str], str] = {}
    if guide is not None:
        for step in guide.steps:
            for question in _choices_in(step.questions):
                for key, text in (question.option_labels or {}).items():
                    # The first guide wording of a choice wins: the same list is asked
                    # again later ("Still the same"), in the same words.
                    labels.setdefault((question.choices or "", key), text.en)
    return Words(labels)


def words_for(guide_id: str | None) -> Words:
    """The words of the guide ``guide_id`` (the default guide's when it is not shipped)."""
    if guide_id is not None and guide_named(guide_id) is not None:
        return _words(guide_id)
    return _words(DEFAULT_GUIDE)


def day(value: date | None) -> str | None:
    """A date for a table cell: "1 April 2025", free to wrap (``None`` stays ``None``)."""
    if value is None:
        return None
    return format_date(value, "en", weekday=False).replace(NBSP, " ")


def when(stamp: str | None) -> str:
    """A time the store kept (ISO 8601, UTC) in words: "Monday 3 March 2025 at 11:05 UTC"."""
    if not stamp:
        return NOTHING
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp  # never hide what the store holds, even in an unexpected form
    return f"{format_date(moment.date(), 'en')} at {moment:%H:%M} UTC"


@dataclass(frozen=True, slots=True)
class Change:
    """One part of a visit that differs between two revisions, in words."""

    what: str
    before: str | None
    after: str | None
    before_visibility: Visibility = Visibility.PERSON
    after_visibility: Visibility = Visibility.PERSON


@dataclass(frozen=True, slots=True)
class _Fact:
    text: str
    visibility: Visibility


def _field_words(name: str) -> str:
    return _FIELD_WORDS.get(name, name.replace("_", " "))


def _join(labels: list[str]) -> str:
    text = ", ".join(labels)
    return text[:1].upper() + text[1:]


def _facts(visit: Visit, words: Words) -> dict[str, _Fact]:
    """Every recorded value of ``visit`` keyed by its name in words."""
    numbers = {outcome.id: index for index, outcome in enumerate(visit.desired_outcomes, 1)}
    found: dict[str, _Fact] = {}

    def walk(labels: list[str], name: str, value: Any, visibility: Visibility) -> None:
        if name == "id" or value is None or (isinstance(value, list | dict) and not value):
            return
        if name in ("present", "household"):
            visibility = Visibility.THIRD_PARTY
        elif name == "undue_influence":
            visibility = Visibility.INTERNAL
        if isinstance(value, Note):
            found[_join(labels)] = _Fact(value.text, value.visibility)
        elif isinstance(value, BaseModel):
            for field in type(value).model_fields:
                walk([*labels, _field_words(field)], field, getattr(value, field), visibility)
        elif isinstance(value, Mapping):
            for key, item in value.items():
                walk([*labels, words.value(key)], name, item, visibility)
        elif name == "outcome_ids":
            text = ", ".join(f"outcome {numbers.get(oid, '?')}" for oid in value)
            found[_join(labels)] = _Fact(text, visibility)
        elif isinstance(value, list) and any(isinstance(item, BaseModel) for item in value):
            word = _field_words(name)
            for index, item in enumerate(value, 1):
                label = f"{word} {index}" if name in _COUNTED else word
                walk([*labels[:-1], label], "", item, visibility)
        else:
            found[_join(labels)] = _Fact(words.value(value), visibility)

    for field in Visit.model_fields:
        walk([_field_words(field)], field, getattr(visit, field), Visibility.PERSON)
    return found


def changes(before: Visit, after: Visit, words: Words) -> list[Change]:
    """What ``after`` changed from ``before``, each part named in words."""
    old, new = _facts(before, words), _facts(after, words)
    found = []
    for what in [*old, *(key for key in new if key not in old)]:
        was, now = old.get(what), new.get(what)
        if was == now:
            continue
        found.append(
            Change(
                what,
                was.text if was else None,
                now.text if now else None,
                was.visibility if was else Visibility.PERSON,
                now.visibility if now else Visibility.PERSON,
            )
        )
    return found
