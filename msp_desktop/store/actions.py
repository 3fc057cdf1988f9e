"""Agreed actions, kept from the visit that agreed them until they are done."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from msp_desktop.errors import RecordNotFound
from msp_desktop.model import Visit
from msp_desktop.model.actions import ActionChange, AgreedAction
from msp_desktop.store import audit
from msp_desktop.store.clock import utc_now
from msp_desktop.store.database import Database

__all__ = ["ActionsRepository"]

_ORDER = " ORDER BY by_when IS NULL, by_when, created_at, id"


class ActionsRepository:
    """Reads agreed actions, and keeps those of a visit when it is finalised."""

    def __init__(self, db: Database, actor: str) -> None:
        self._db = db
        self._actor = actor

    def keep_from_visit(self, visit: Visit) -> frozenset[str]:
        """Keep every action of the finalised ``visit`` as a record (inside the caller's
        transaction): new ones are created, reviewed ones take their new status, with
        the change in their history. Actions with no words at all are not agreements."""
        now = utc_now()
        kept: set[str] = set()
        for action in visit.actions:
            old = self._find(action.id)
            if action.what is None and old is None:
                continue
            status = action.status or (old.status if old else None)
            history = list(old.history) if old else []
            if action.status is not None and (old is None or old.status != action.status):
                history.append(
                    ActionChange(
                        on=visit.visit_date or date.today(),
                        status=action.status,
                        note=action.status_note,
                        visit_id=visit.id,
                    )
                )
            record = AgreedAction(
                id=action.id,
                person_id=visit.person_id,
                concern_id=visit.concern_id,
                what=action.what if action.what is not None else old.what if old else None,
                owner=action.owner,
                who=action.who,
                by_when=action.by_when,
                outcome_ids=list(action.outcome_ids),
                status=status or "open",
                status_note=action.status_note
                if action.status is not None
                else (old.status_note if old else None),
                agreed_on=old.agreed_on if old else visit.visit_date,
                agreed_in_visit=old.agreed_in_visit if old else visit.id,
                history=history,
            )
            if old == record:
                continue
            self._write(record, now, new=old is None)
            audit.append(
                self._db,
                actor=self._actor,
                action="create" if old is None else "update",
                entity="action",
                entity_id=record.id,
                detail={"status": str(record.status), "visit_id": visit.id},
            )
            kept.add(record.id)
        return frozenset(kept)

    def _write(self, record: AgreedAction, now: str, *, new: bool) -> None:
        values = (
            str(record.status),
            record.by_when.isoformat() if record.by_when else None,
            record.model_dump_json(),
        )
        if new:
            self._db.execute(
                "INSERT INTO actions (id, person_id, concern_id, status, by_when, data,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (record.id, record.person_id, record.concern_id, *values, now, now),
            )
        else:
            self._db.execute(
                "UPDATE actions SET status = ?, by_when = ?, data = ?, updated_at = ? WHERE id = ?",
                (*values, now, record.id),
            )

    def _find(self, action_id: str) -> AgreedAction | None:
        data = self._db.scalar("SELECT data FROM actions WHERE id = ?", (action_id,))
        return None if data is None else AgreedAction.model_validate_json(data)

    def get(self, action_id: str) -> AgreedAction:
        """One action by id."""
        found = self._find(action_id)
        if found is None:
            raise RecordNotFound(f"No agreed action with id {action_id} exists.")
        return found

    def _select(self, where: str, params: Sequence[object]) -> list[AgreedAction]:
        rows = self._db.all(f"SELECT data FROM actions WHERE {where}{_ORDER}", params)  # noqa: S608
        return [AgreedAction.model_validate_json(row[0]) for row in rows]

    def for_person(self, person_id: str) -> list[AgreedAction]:
        """Every action agreed with a person, soonest target first."""
        return self._select("person_id = ?", (person_id,))

    def for_concern(self, concern_id: str) -> list[AgreedAction]:
        """Every action of one concern, soonest target first."""
        return self._select("concern_id = ?", (concern_id,))

    def open_for_concern(self, concern_id: str) -> list[AgreedAction]:
        """The actions of a concern still to be done (reviewed at its next visit)."""
        return self._select("concern_id = ? AND status = 'open'", (concern_id,))

    def listed(
        self, person_id: str | None = None, *, overdue_on: date | None = None
    ) -> list[AgreedAction]:
        """Actions for ``msp actions list``: everyone's or one person's; with
        ``overdue_on``, only open actions whose target date is before that day."""
        where, params = ["1 = 1"], []
        if person_id is not None:
            where.append("person_id = ?")
            params.append(person_id)
        if overdue_on is not None:
            where.append("status = 'open' AND by_when IS NOT NULL AND by_when < ?")
            params.append(overdue_on.isoformat())
        return self._select(" AND ".join(where), params)

    def count(self) -> int:
        """How many actions the workspace holds."""
        return int(self._db.scalar("SELECT count(*) FROM actions"))
