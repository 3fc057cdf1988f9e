"""Contacts between visits (a call, a letter, an email, a meeting): the chronology."""

from __future__ import annotations

from pydantic import Field

from msp_desktop.model.base import NotFutureDate, RecordId, RecordModel, new_id
from msp_desktop.model.choices import ContactKind
from msp_desktop.model.text import InternalNote

__all__ = ["ContactNote"]


class ContactNote(RecordModel):
    """One contact with or about the person, dated, with what was said.

    The text is internal unless the worker marks it otherwise: a call with a relative
    or a GP is rarely the person's own words.
    """

    id: RecordId = Field(default_factory=new_id)
    person_id: RecordId
    concern_id: RecordId | None = None
    on: NotFutureDate
    kind: ContactKind
    text: InternalNote
