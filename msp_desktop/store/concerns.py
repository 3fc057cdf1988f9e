"""Concerns: one safeguarding episode for one person, raised, worked through and closed.

A closed concern is read-only: nothing changes it, and no visit is started or saved
for it, until it is reopened with a reason. Closing and reopening are their own
operations (``close``, ``reopen``), each audited.
"""

from __future__ import annotations

from datetime import date

from msp_desktop.errors import InvalidInput, RecordNotFound, RecordReadOnly
from msp_desktop.model import Concern, ConcernStatus, Note, Stage
from msp_desktop.model.concern import Reopening
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
                " closed_on, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    *self._columns(concern),
                    concern.closed_on.isoformat() if concern.closed_on else None,
                    now,
                    now,
                ),
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
        """Replace an open concern's details; a closed one is refused (reopen it first),
        and closing goes through ``close``."""
        old = self.get(concern.id)
        if old.is_closed:
            raise closed_concern(old)
        if concern.is_closed:
            raise InvalidInput("Close a concern with its result (close), not by editing it.")
        return self._write(concern, "update")

    def replace(self, concern: Concern, *, because: str) -> Changes:
        """Write a concern as it stands, open or closed, for a reason outside the
        worker's editing (``because``: "office pack", the office's revision of it)."""
        return self._write(concern, "update", {"from": because})

    def _write(
        self, concern: Concern, action: str, detail: dict[str, object] | None = None
    ) -> Changes:
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
                " closed_on = ?, updated_at = ? WHERE id = ?",
                (
                    *self._columns(concern)[2:],
                    concern.closed_on.isoformat() if concern.closed_on else None,
                    now,
                    concern.id,
                ),
            )
            audit.append(
                self._db,
                actor=self._actor,
                action=action,
                entity="concern",
                entity_id=concern.id,
                detail={
                    "stage": str(concern.stage),
                    "status": str(concern.status),
                    **(detail or {}),
                },
            )
        return Changes(
            people=frozenset({concern.person_id}), concerns=frozenset({concern.id}), saved_at=now
        )

    def set_stage(self, concern_id: str, stage: Stage, *, because: str = "chosen") -> Changes:
        """Move an open concern to ``stage``; ``because`` says why in the audit entry
        ("chosen" by the worker, or "visit_finalised" when a visit moved it on)."""
        concern = self.get(concern_id)
        if concern.is_closed:
            raise closed_concern(concern)
        if concern.stage is stage:
            return Changes()
        return self._write(
            concern.revised(stage=stage),
            "stage",
            {"from_stage": str(concern.stage), "because": because},
        )

    def close(self, closed: Concern) -> Changes:
        """Keep ``closed`` (the concern with its status closed, closing date and result,
        as ``msp_desktop.services.concerns.close_concern`` checked it)."""
        old = self.get(closed.id)
        if old.is_closed:
            raise closed_concern(old)
        if not closed.is_closed or closed.closed_on is None or closed.action_result is None:
            raise InvalidInput("A closed concern needs its closing date and its result.")
        return self._write(closed, "close", {"result": str(closed.action_result)})

    def reopen(self, concern_id: str, reason: str, on: date) -> Changes:
        """Open a closed concern again, keeping what its closure said in ``reopenings``."""
        concern = self.get(concern_id)
        if not concern.is_closed:
            raise InvalidInput("This concern is open: there is nothing to reopen.")
        reason = reason.strip()
        if not reason:
            raise InvalidInput("Say why the concern is being reopened.")
        reopening = Reopening(
            on=on,
            reason=Note.internal(reason),
            was_closed_on=concern.closed_on or on,
            was_result=concern.action_result,
            was_risk_outcome=concern.risk_outcome,
        )
        reopened = concern.revised(
            status=ConcernStatus.OPEN,
            closed_on=None,
            close_reason=None,
            action_result=None,
            risk_outcome=None,
            reopenings=[*concern.reopenings, reopening],
        )
        return self._write(reopened, "reopen")

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

    def listed(self, person_id: str | None = None) -> list[Concern]:
        """Every concern (or one person's), newest first: for ``msp concerns list``."""
        if person_id is not None:
            return self.for_person(person_id)
        rows = self._db.all("SELECT data FROM concerns ORDER BY raised_on DESC, created_at DESC")
        return [Concern.model_validate_json(r[0]) for r in rows]

    def count(self) -> int:
        """How many concerns the workspace holds."""
        return int(self._db.scalar("SELECT count(*) FROM concerns"))


def closed_concern(concern: Concern) -> RecordReadOnly:
    """The refusal for any change to a closed concern (or its visits)."""
    closed_on = concern.closed_on.isoformat() if concern.closed_on else "earlier"
    return RecordReadOnly(
        f"This concern was closed on {closed_on} and cannot be changed. Reopen it, "
        "with a reason, to carry on."
    )
