"""Adding a person to the caseload and changing their details, from the app or ``msp``.

Everything the worker types is checked before anything is saved: a name or note
holding a control or direction-override character is refused with a sentence naming
the field (``model.safe_text``), as is an NHS number whose check digit is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from msp_desktop.errors import InvalidInput
from msp_desktop.model import CommunicationNeed, Person
from msp_desktop.model.safe_text import unsafe_text_fields
from msp_desktop.store.changes import Changes
from msp_desktop.store.workspace import Workspace

__all__ = ["FIELD_WORDS", "add_person", "checked_person", "edit_person", "parse_needs"]

FIELD_WORDS: Mapping[str, str] = {
    "name": "name",
    "preferred_name": "preferred name",
    "date_of_birth": "date of birth",
    "address": "address",
    "phone": "phone number",
    "local_id": "local id",
    "nhs_number": "NHS number",
    "communication_needs": "communication needs",
    "communication_notes": "communication needs",
    "preferred_language": "language",
    "other_language": "other language",
    "preferred_format": "format for copies",
    "household": "household",
}

# The words people use for each need (compared case-blind, spaces and dashes alike).
_NEED_WORDS: Mapping[str, CommunicationNeed] = {
    "interpreter": CommunicationNeed.INTERPRETER,
    "bsl": CommunicationNeed.BSL,
    "british sign language": CommunicationNeed.BSL,
    "sign language": CommunicationNeed.BSL,
    "easy read": CommunicationNeed.EASY_READ,
    "large print": CommunicationNeed.LARGE_PRINT,
    "hearing": CommunicationNeed.HEARING,
    "hearing support": CommunicationNeed.HEARING,
    "sight": CommunicationNeed.SIGHT,
    "sight support": CommunicationNeed.SIGHT,
}


def parse_needs(text: str) -> tuple[list[CommunicationNeed], str | None]:
    """Split typed communication needs ("large print; hearing loop in the front room")
    into the needs the records know and the rest, kept word for word as a note."""
    known: list[CommunicationNeed] = []
    rest: list[str] = []
    for part in re.split(r"[;,\n]", text):
        words = part.strip()
        if not words:
            continue
        need = _NEED_WORDS.get(" ".join(words.replace("-", " ").replace("_", " ").lower().split()))
        if need is None:
            rest.append(words)
        elif need not in known:
            known.append(need)
    return known, ("; ".join(rest) or None)


def _field_words(path: str) -> str:
    head = path.split(".")[0]
    return FIELD_WORDS.get(head, head.replace("_", " "))


def checked_person(data: Mapping[str, Any]) -> Person:
    """A ``Person`` from what was typed, or one sentence saying which field is wrong."""
    try:
        person = Person.model_validate(dict(data))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = _field_words(".".join(str(p) for p in first["loc"]))
        why = str(first["msg"]).removeprefix("Value error, ")
        raise InvalidInput(f"The {where} is not right: {why}. Nothing was saved.") from None
    unsafe = unsafe_text_fields(person)
    if unsafe:
        raise InvalidInput(
            f"The {_field_words(unsafe[0])} holds a control or text-direction character "
            "that could hide or reorder what it says; type it again without it. "
            "Nothing was saved."
        )
    return person


def add_person(ws: Workspace, details: Mapping[str, Any]) -> Person:
    """Add a person with ``details`` (the ``Person`` fields) to the caseload, audited."""
    person = checked_person(details)
    ws.people.add(person)
    return person


def edit_person(ws: Workspace, person_id: str, changes: Mapping[str, Any]) -> Changes:
    """Change the details named in ``changes`` (a value of None clears one), audited."""
    current = ws.people.get(person_id)
    person = checked_person({**current.model_dump(), **changes, "id": current.id})
    if person == current:
        return Changes()
    return ws.people.update(person)
