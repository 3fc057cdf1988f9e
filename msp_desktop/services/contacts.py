"""Calls, letters, emails and meetings between visits: the person's chronology."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pydantic import ValidationError

from msp_desktop.calendar_day import council_today
from msp_desktop.documents.dates import format_date
from msp_desktop.errors import InvalidInput
from msp_desktop.i18n import APP_LANGUAGE, N_, Message, tr, tr_marked
from msp_desktop.model import ContactKind, Note, NotHeldReason, Stage, Visibility, Visit
from msp_desktop.model.contacts import ContactNote
from msp_desktop.model.safe_text import unsafe_text_fields
from msp_desktop.model.text import NOTE_MAX_CHARS
from msp_desktop.store.office_versions import OfficeChange
from msp_desktop.store.workspace import Workspace

__all__ = ["ChronologyEntry", "add_contact", "chronology", "contact_kind_text", "matches"]


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
    if len(text.strip()) > NOTE_MAX_CHARS:
        raise InvalidInput(
            f"The text is longer than {NOTE_MAX_CHARS:,} characters; shorten it. Nothing was saved."
        )
    on = on or council_today()
    if on > council_today():
        raise InvalidInput("A contact is recorded once it has happened, not before.")
    try:
        contact = ContactNote(
            person_id=person_id,
            concern_id=concern_id,
            on=on,
            kind=kind,
            text=Note(text=text, visibility=visibility),
        )
    except ValidationError as exc:  # an empty person id, say: one sentence, not a bug
        first = exc.errors()[0]
        where = " ".join(str(p) for p in first["loc"]).replace("_", " ") or "contact"
        why = str(first["msg"]).removeprefix("Value error, ")
        raise InvalidInput(f"The {where} is not right: {why}. Nothing was saved.") from None
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
    contact, in the words a manager reads first.

    ``title`` says what happened ("Visit (finalised)", "Visit did not happen: no
    access", "Phone call"); ``text`` gives the details (for a contact, its words as
    typed); ``visibility`` is a contact's (who may read its words).
    """

    on: date | None
    kind: str  # "visit", "not_held", "office" (a change the office made), or a contact kind
    record_id: str
    concern_id: str | None
    title: str
    text: str
    visibility: Visibility | None = None
    draft: bool = False


_CONTACT_WORDS: dict[ContactKind, Message] = {
    ContactKind.PHONE: N_("Phone call"),
    ContactKind.LETTER: N_("Letter"),
    ContactKind.EMAIL: N_("Email"),
    ContactKind.MEETING: N_("Meeting"),
}
_NOT_HELD_WORDS: dict[NotHeldReason, Message] = {
    NotHeldReason.NO_ACCESS: N_("Visit did not happen: no access"),
    NotHeldReason.DECLINED: N_("Visit did not happen: the person declined to talk"),
    NotHeldReason.NOT_SAFE: N_("Visit did not happen: not safe to talk"),
    NotHeldReason.NOT_THERE: N_("Visit did not happen: the person was not there"),
}
_STAGE_WORDS: dict[Stage, Message] = {
    Stage.BEGINNING: N_("Beginning stage."),
    Stage.MIDDLE: N_("Middle stage."),
    Stage.END: N_("End stage."),
}


def contact_kind_text(kind: ContactKind) -> str:
    """How a contact happened, in words: "Phone call"."""
    return tr_marked(_CONTACT_WORDS[kind])


def _day(value: date) -> str:
    return format_date(value, APP_LANGUAGE)


def _visit_entry(visit: Visit, final: bool) -> ChronologyEntry:
    parts: list[str] = []
    if visit.not_held is not None:
        not_held = visit.not_held
        title = tr_marked(_NOT_HELD_WORDS[not_held.reason])
        if not_held.rearranged_for is not None:
            parts.append(tr("Rearranged for {date}.", date=_day(not_held.rearranged_for)))
        else:
            parts.append(tr("No new date arranged."))
        if not_held.note is not None:
            parts.append(not_held.note.text)
        kind = "not_held"
    else:
        title = tr("Visit (finalised)") if final else tr("Visit (draft)")
        if visit.stage is not None:
            parts.append(tr_marked(_STAGE_WORDS[visit.stage]))
        if visit.place:
            parts.append(tr("Place: {place}.", place=visit.place))
        if visit.present:
            names = ", ".join(person.name for person in visit.present)
            parts.append(tr("Also there: {names}.", names=names))
        if visit.spoken_to_alone is True:
            parts.append(tr("Spoken to alone."))
        elif visit.spoken_to_alone is False:
            parts.append(tr("Not spoken to alone."))
        if visit.next_visit_on is not None:
            parts.append(tr("Next visit agreed for {date}.", date=_day(visit.next_visit_on)))
        kind = "visit"
    return ChronologyEntry(
        on=visit.visit_date,
        kind=kind,
        record_id=visit.id,
        concern_id=visit.concern_id,
        title=title,
        text=" ".join(parts),
        draft=not final,
    )


_OFFICE_WHAT: dict[str, Message] = {
    "person": N_("Their details"),
    "concern": N_("A concern"),
    "action": N_("An agreed action"),
    "contact": N_("A contact note"),
}


def _office_entry(change: OfficeChange) -> ChronologyEntry:
    """A correction the office made, or its decision, as the worker took it from a pack."""
    what = tr_marked(_OFFICE_WHAT[change.kind])
    if change.change == "decision":
        title = tr("The office kept its own version")
    else:
        title = tr("Corrected by the office")
    text = f"{what}: {change.reason}" if change.reason else what
    return ChronologyEntry(
        on=date.fromisoformat(change.received_at[:10]),
        kind="office",
        record_id=change.record_id,
        concern_id=change.record_id if change.kind == "concern" else None,
        title=title,
        text=text,
    )


def matches(entry: ChronologyEntry, search: str) -> bool:
    """Whether ``entry`` holds ``search`` in its words (case-blind; empty matches all)."""
    wanted = " ".join(search.split()).casefold()
    if not wanted:
        return True
    # Dates are written with no-break spaces; what is typed has plain ones.
    words = " ".join(f"{entry.title} {entry.text}".split()).casefold()
    return wanted in words


def chronology(ws: Workspace, person_id: str, search: str = "") -> list[ChronologyEntry]:
    """Every visit, visit that did not happen, contact and office correction (or
    decision, ``office_changes``) of a person, newest first
    (an undated draft is the newest: it is being written); ``search`` keeps the entries
    whose words contain it (case-blind)."""
    ws.people.get(person_id)
    entries: list[ChronologyEntry] = []
    for summary in ws.visits.list(person_id=person_id, limit=1_000_000):
        record = ws.visits.get(summary.id)
        entries.append(_visit_entry(record.visit, record.is_final))
    for contact in ws.contacts.for_person(person_id):  # newest first, as recorded
        entries.append(
            ChronologyEntry(
                on=contact.on,
                kind=contact.kind.value,
                record_id=contact.id,
                concern_id=contact.concern_id,
                title=contact_kind_text(contact.kind),
                text=contact.text.text,
                visibility=contact.text.visibility,
            )
        )
    entries.extend(_office_entry(change) for change in ws.sync.office_changes(person_id))
    entries = [entry for entry in entries if matches(entry, search)]
    # Stable: on one day, visits (listed first) come before that day's contacts.
    entries.sort(key=lambda e: (e.on is None, e.on or date.min), reverse=True)
    return entries
