"""Concerns: one safeguarding episode for one person, beginning to end."""

from __future__ import annotations

from msp_desktop.errors import InvalidInput, RecordNotFound
from msp_desktop.model import Concern
from msp_desktop.store import audit
from msp_desktop.store.changes import Changes
from msp_desktop.store.clock import utc_now
from msp_desktop.store.database import Database


class ConcernsRepository:
    """Reads and writes concerns; every write is one transaction with its audit entry."""

    def __init__(self, db: Database, actor: str) -> None:
        self._db = db
        self._actor = actor

    def add(self, concern: Concern) -> Changes:
        """Open a new concern for a person already on the caseload."""
        now = utc_now()
        with self._db.transaction():
            if not self._db.scalar("SELECT 1 FROM people WHERE id = ?", (concern.person_id,)):
                raise RecordNotFound(f"No person with id {concern.person_id} is on this caseload.")
            if self._db.scalar("SELECT 1 FROM concerns WHERE id = ?", (concern.id,)):
                raise InvalidInput(f"A concern with id {concern.id} already exists.")
            self._db.execute(
                "INSERT INTO concerns (id, person_id, stage, status, raised_on, data,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (*self._columns(concern), now, now),
            )
            audit.append(
                self._db,
                actor=self._actor,
                action="create",
                entity="concern",
                entity_id=concern.id,
                detail={"stage": str(concern.stage)},
            )
        return Changes(
            people=frozenset({concern.person_id}), concerns=frozenset({concern.id}), saved_at=now
        )

    def update(self, concern: Concern) -> Changes:
        """Replace a concern's details (for example moving it to the middle stage)."""
        now = utc_now()
        with self._db.transaction():
            old_person = self._db.scalar(
                "SELECT person_id FROM concerns WHERE id = ?", (concern.id,)
            )
            if old_person is None:
                raise RecordNotFound(f"No concern with id {concern.id} exists.")
            if old_person != concern.person_id:
                raise InvalidInput("A concern cannot be moved to another person.")
            self._db.execute(
                "UPDATE concerns SET stage = ?, status = ?, raised_on = ?, data = ?,"
                " updated_at = ? WHERE id = ?",
                (*self._columns(concern)[2:], now, concern.id),
            )
            audit.append(
                self._db,
                actor=self._actor,
                action="update",
                entity="concern",
                entity_id=concern.id,
                detail={"stage": str(concern.stage), "status": str(concern.status)},
            )
        return Changes(
            people=frozenset({concern.person_id}), concerns=frozenset({concern.id}), saved_at=now
        )

    @staticmethod
    def _columns(concern: Concern) -> tuple[object, ...]:
        return (
            concern.id,
            concern.person_id,
            str(concern.stage),
            str(concern.status),
            concern.raised_on.isoformat() if concern.raised_on else None,
            concern.model_dump_json(),
        )

    def get(self, concern_id: str) -> Concern:
        """One concern by id."""
        data = self._db.scalar("SELECT data FROM concerns WHERE id = ?", (concern_id,))
        if data is None:
            raise RecordNotFound(f"No concern with id {concern_id} exists.")
        return Concern.model_validate_json(data)

    def for_person(self, person_id: str) -> list[Concern]:
        """A person's concerns, newest first."""
        rows = self._db.all(
            "SELECT data FROM concerns WHERE person_id = ?"
            " ORDER BY raised_on DESC, created_at DESC",
            (person_id,),
        )
        return [Concern.model_validate_json(r[0]) for r in rows]

    def count(self) -> int:
        """How many concerns the workspace holds."""
        return int(self._db.scalar("SELECT count(*) FROM concerns"))
