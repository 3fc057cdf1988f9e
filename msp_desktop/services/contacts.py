"""Calls, letters, emails and meetings between visits: the person's chronology."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from msp_desktop.errors import InvalidInput
from msp_desktop.model import ContactKind, Note, Visibility
from msp_desktop.model.contacts import ContactNote
from msp_desktop.model.safe_text import unsafe_text_fields
from msp_desktop.store.workspace import Workspace

__all__ = ["ChronologyEntry", "add_contact", "chronology"]


def add_contact(
    ws: Workspace,
    person_id: str,
    kind: ContactKind,
    text: str,
    *,
    on: date | None = None,
    concern_id: str | None = None,
    visibility: Visibility = Visibility.INTERNAL,
) -> ContactNote:
    """Record a contact with or about a person (internal unless marked otherwise)."""
    if not text.strip():
        raise InvalidInput("Write what the contact was about.")
    on = on or date.today()
    if on > date.today():
        raise InvalidInput("A contact is recorded once it has happened, not before.")
    contact = ContactNote(
        person_id=person_id,
        concern_id=concern_id,
        on=on,
        kind=kind,
        text=Note(text=text, visibility=visibility),
    )
    if unsafe_text_fields(contact):
        raise InvalidInput(
            "The text holds a control or text-direction character that could hide or "
            "reorder what it says; type it again without it. Nothing was saved."
        )
    ws.contacts.add(contact)
    return contact


@dataclass(frozen=True)
class ChronologyEntry:
    """One line of a person's chronology: a visit, a visit that did not happen, or a
    contact, with the words a manager reads first."""

    on: date | None
    kind: str  # "visit", "not_held", or a contact kind
    record_id: str
    concern_id: str | None
    text: str
    visibility: Visibility | None = None


def chronology(ws: Workspace, person_id: str, search: str = "") -> list[ChronologyEntry]:
    """Every visit, visit that did not happen and contact of a person, newest first;
    ``search`` keeps the entries whose words contain it (case-blind)."""
    entries: list[ChronologyEntry] = []
    for summary in ws.visits.list(person_id=person_id, limit=1_000_000):
        visit = ws.visits.get(summary.id).visit
        if visit.not_held is not None:
            words = visit.not_held.reason.value.replace("_", " ")
            kind = "not_held"
        else:
            words = f"{summary.status}, at {visit.place}" if visit.place else summary.status
            kind = "visit"
        entries.append(ChronologyEntry(visit.visit_date, kind, visit.id, visit.concern_id, words))
    for contact in ws.contacts.for_person(person_id):
        entries.append(
            ChronologyEntry(
                contact.on,
                contact.kind.value,
                contact.id,
                contact.concern_id,
                contact.text.text,
                contact.text.visibility,
            )
        )
    wanted = search.casefold().strip()
    if wanted:
        entries = [e for e in entries if wanted in f"{e.kind} {e.text}".casefold()]
    entries.sort(key=lambda e: (e.on is not None, e.on or date.min), reverse=True)
    return entries
