"""Contacts between visits: calls, letters, emails and meetings, for the chronology."""

from __future__ import annotations

from msp_desktop.errors import InvalidInput, RecordNotFound
from msp_desktop.model.contacts import ContactNote
from msp_desktop.store import audit
from msp_desktop.store.changes import Changes
from msp_desktop.store.clock import utc_now
from msp_desktop.store.database import Database

__all__ = ["ContactsRepository"]


class ContactsRepository:
    """Adds and reads contact notes; every write is one transaction with its audit entry."""

    def __init__(self, db: Database, actor: str) -> None:
        self._db = db
        self._actor = actor

    def add(self, contact: ContactNote) -> Changes:
        """Record a contact with or about a person on the caseload."""
        now = utc_now()
        with self._db.transaction():
            if not self._db.scalar("SELECT 1 FROM people WHERE id = ?", (contact.person_id,)):
                raise RecordNotFound(f"No person with id {contact.person_id} is on this caseload.")
            if contact.concern_id is not None:
                owner = self._db.scalar(
                    "SELECT person_id FROM concerns WHERE id = ?", (contact.concern_id,)
                )
                if owner != contact.person_id:
                    raise InvalidInput("That concern is not one of this person's.")
            if self._db.scalar("SELECT 1 FROM contacts WHERE id = ?", (contact.id,)):
                raise InvalidInput(f"A contact with id {contact.id} already exists.")
            self._db.execute(
                "INSERT INTO contacts (id, person_id, concern_id, on_date, kind, data,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    contact.id,
                    contact.person_id,
                    contact.concern_id,
                    contact.on.isoformat(),
                    str(contact.kind),
                    contact.model_dump_json(),
                    now,
                    now,
                ),
            )
            audit.append(
                self._db,
                actor=self._actor,
                action="create",
                entity="contact",
                entity_id=contact.id,
                detail={"kind": str(contact.kind)},
            )
        return Changes(
            people=frozenset({contact.person_id}), contacts=frozenset({contact.id}), saved_at=now
        )

    def for_person(self, person_id: str) -> list[ContactNote]:
        """A person's contacts, newest first."""
        rows = self._db.all(
            "SELECT data FROM contacts WHERE person_id = ? ORDER BY on_date DESC, created_at DESC",
            (person_id,),
        )
        return [ContactNote.model_validate_json(row[0]) for row in rows]

    def count(self) -> int:
        """How many contacts the workspace holds."""
        return int(self._db.scalar("SELECT count(*) FROM contacts"))
