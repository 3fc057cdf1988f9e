"""Free text and who may read it.

Every free-text field of every record is a ``Note``, so a document for the person can
leave out text about other people and the worker's own analysis. Each field has a
*default* visibility chosen for safety (text about family defaults to third party);
the worker can mark any note otherwise.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from msp_desktop.model.base import RecordModel
from msp_desktop.model.choices import Visibility

__all__ = ["InternalNote", "Note", "PersonNote", "ThirdPartyNote", "visible_to_person"]

# Generous but bounded: a runaway paste should fail loudly, not fill the workspace.
NOTE_MAX_CHARS = 20_000


class Note(RecordModel):
    """A piece of free text with its visibility.

    The text is kept as written: only outer whitespace is trimmed, and nothing is
    normalised, re-cased or corrected, because a desired outcome must stay in the
    person's own words. An empty note is not a note: leave the field ``None``.
    """

    text: str = Field(min_length=1, max_length=NOTE_MAX_CHARS)
    visibility: Visibility = Visibility.PERSON

    @classmethod
    def third_party(cls, text: str) -> Note:
        """A note about other people, left out of the person's copy by default."""
        return cls(text=text, visibility=Visibility.THIRD_PARTY)

    @classmethod
    def internal(cls, text: str) -> Note:
        """The worker's own note, never shown in the person's copy."""
        return cls(text=text, visibility=Visibility.INTERNAL)

    @property
    def visible_to_person(self) -> bool:
        """Whether this text may appear in the person's own copy."""
        return self.visibility is Visibility.PERSON


def visible_to_person(note: Note) -> bool:
    """Whether ``note`` may appear in the person's own copy."""
    return note.visible_to_person


def _default_visibility(visibility: Visibility) -> BeforeValidator:
    """Give a note the field's default visibility unless one was chosen explicitly.

    Accepts plain text too (``Risk(source_detail="her son")``). A ``Note`` built
    without naming its visibility carries the class default (person); for a field
    about other people that would expose third-party text, so the field's own default
    is applied instead. A visibility named explicitly is always kept.
    """

    def apply(value: Any) -> Any:
        if isinstance(value, str):
            return {"text": value, "visibility": visibility}
        if isinstance(value, Note) and "visibility" not in value.model_fields_set:
            return value.model_copy(update={"visibility": visibility})
        if isinstance(value, dict) and "visibility" not in value:
            return {**value, "visibility": visibility}
        return value

    return BeforeValidator(apply)


PersonNote = Annotated[Note, _default_visibility(Visibility.PERSON)]
"""A note that may go in the person's copy unless the worker marks it otherwise."""

ThirdPartyNote = Annotated[Note, _default_visibility(Visibility.THIRD_PARTY)]
"""A note about other people: left out of the person's copy unless marked otherwise."""

InternalNote = Annotated[Note, _default_visibility(Visibility.INTERNAL)]
"""The worker's analysis: never in the person's copy unless marked otherwise."""
