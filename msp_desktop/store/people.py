"""People: the adults at risk on the worker's caseload, with full-text search."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from msp_desktop.errors import InvalidInput, RecordNotFound
from msp_desktop.model import ConcernStatus, Person
from msp_desktop.practice import next_visit_due
from msp_desktop.store import audit
from msp_desktop.store.changes import Changes
from msp_desktop.store.clock import utc_now
from msp_desktop.store.database import Database

DEFAULT_LIMIT = 200
_TOKEN = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class PersonSummary:
    """One row of the caseload: enough to find and pick a person."""

    id: str
    name: str
    preferred_name: str | None
    local_id: str | None
    date_of_birth: date | None
    open_stage: str | None
    last_visit: date | None
    # The earliest day a conversation is due across the person's open concerns (see
    # ``msp_desktop.practice.next_visit_due``); None when no concern is open.
    visit_due: date | None = None
    # Agreed actions still open whose target date has passed.
    overdue_actions: int = 0
    shared: bool = False
    """The office shares this person's case with this laptop to read only."""


def search_query(text: str) -> str | None:
    """Turn what was typed into an FTS5 prefix query, or None for "everyone".

    Each word becomes a quoted prefix term, so punctuation typed by the worker can
    never be read as FTS5 syntax, and "mar ex" finds "Margaret Example".
    """
    tokens = _TOKEN.findall(text)
    if not tokens:
        return None
    return " ".join(f'"{token}"*' for token in tokens)


# One entry per open concern, "raised_on|last held visit|next visit agreed" (the later
# parts may be empty), so the visit-due rule stays in ``msp_desktop.practice`` and the
# caseload row still comes from a single query. A visit dated after today is a planned
# one, not a conversation held, so it does not count; nor does one that did not happen
# (its rearranged date is the next visit agreed). The date is bound as the first
# parameter.
_SUMMARY_COLUMNS = """
    p.id, p.name, p.preferred_name, p.local_id, p.date_of_birth,
    (SELECT c.stage FROM concerns c WHERE c.person_id = p.id AND c.status = 'open'
       ORDER BY c.raised_on DESC LIMIT 1),
    (SELECT max(v.visit_date) FROM visits v WHERE v.person_id = p.id),
    (SELECT group_concat(c.raised_on || '|' || coalesce(
         (SELECT max(v.visit_date) FROM visits v
           WHERE v.concern_id = c.id AND v.visit_date <= ?1 AND v.held = 1), '')
         || '|' || coalesce(
         (SELECT v.next_visit_on FROM visits v
           WHERE v.concern_id = c.id AND v.visit_date <= ?1 AND EXISTS (
             SELECT 1 FROM visit_revisions r WHERE r.visit_id = v.id
               AND r.status = 'finalised')
           ORDER BY v.visit_date DESC, v.created_at DESC LIMIT 1), ''), ',')
       FROM concerns c
      WHERE c.person_id = p.id AND c.status = 'open' AND c.raised_on IS NOT NULL),
    (SELECT count(*) FROM actions a
      WHERE a.person_id = p.id AND a.status = 'open' AND a.by_when < ?1),
    EXISTS (SELECT 1 FROM shared_people s WHERE s.person_id = p.id)
"""


def _optional_date(value: object) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def _visit_due(open_concerns: object) -> date | None:
    """The earliest next-visit date across a person's open concerns."""
    if not isinstance(open_concerns, str):
        return None
    dues = []
    for entry in open_concerns.split(","):
        raised, last, agreed = [*entry.split("|"), "", ""][:3]
        due = next_visit_due(
            ConcernStatus.OPEN,
            date.fromisoformat(raised),
            _optional_date(last),
            _optional_date(agreed),
        )
        if due is not None:
            dues.append(due)
    return min(dues, default=None)


def _summary(row: tuple[object, ...]) -> PersonSummary:
    # A case the office shares to read is its own worker's to visit and follow up:
    # nothing is due from this worker.
    shared = bool(row[9])
    return PersonSummary(
        id=str(row[0]),
        name=str(row[1]),
        preferred_name=row[2] if isinstance(row[2], str) else None,
        local_id=row[3] if isinstance(row[3], str) else None,
        date_of_birth=_optional_date(row[4]),
        open_stage=row[5] if isinstance(row[5], str) else None,
        last_visit=_optional_date(row[6]),
        visit_due=None if shared else _visit_due(row[7]),
        overdue_actions=0 if shared else int(str(row[8] or 0)),
        shared=shared,
    )


def _today() -> str:
    return date.today().isoformat()


class PeopleRepository:
    """Reads and writes people; every write is one transaction with its audit entry."""

    def __init__(self, db: Database, actor: str) -> None:
        self._db = db
        self._actor = actor

    def add(self, person: Person) -> Changes:
        """Add a new person to the caseload."""
        now = utc_now()
        with self._db.transaction():
            if self._db.scalar("SELECT 1 FROM people WHERE id = ?", (person.id,)):
                raise InvalidInput(f"A person with id {person.id} is already on the caseload.")
            self._db.execute(
                "INSERT INTO people (id, name, preferred_name, local_id, date_of_birth, data,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (*self._columns(person), now, now),
            )
            audit.append(
                self._db, actor=self._actor, action="create", entity="person", entity_id=person.id
            )
        return Changes(people=frozenset({person.id}), saved_at=now)

    def update(self, person: Person) -> Changes:
        """Replace a person's details."""
        now = utc_now()
        with self._db.transaction():
            changed = self._db.execute(
                "UPDATE people SET name = ?, preferred_name = ?, local_id = ?, date_of_birth = ?,"
                " data = ?, updated_at = ? WHERE id = ?",
                (*self._columns(person)[1:], now, person.id),
            )
            if not changed:
                raise RecordNotFound(f"No person with id {person.id} is on this caseload.")
            audit.append(
                self._db, actor=self._actor, action="update", entity="person", entity_id=person.id
            )
        return Changes(people=frozenset({person.id}), saved_at=now)

    @staticmethod
    def _columns(person: Person) -> tuple[object, ...]:
        return (
            person.id,
            person.name,
            person.preferred_name,
            person.local_id,
            person.date_of_birth.isoformat() if person.date_of_birth else None,
            person.model_dump_json(),
        )

    def get(self, person_id: str) -> Person:
        """One person by id."""
        data = self._db.scalar("SELECT data FROM people WHERE id = ?", (person_id,))
        if data is None:
            raise RecordNotFound(f"No person with id {person_id} is on this caseload.")
        return Person.model_validate_json(data)

    def summary(self, person_id: str) -> PersonSummary:
        """The caseload row of one person."""
        row = self._db.one(
            f"SELECT {_SUMMARY_COLUMNS} FROM people p WHERE p.id = ?2", (_today(), person_id)
        )
        if row is None:
            raise RecordNotFound(f"No person with id {person_id} is on this caseload.")
        return _summary(row)

    def search(self, text: str = "", limit: int = DEFAULT_LIMIT) -> list[PersonSummary]:
        """People whose name, preferred name or local id start with the typed words."""
        query = search_query(text)
        if query is None:
            rows = self._db.all(
                f"SELECT {_SUMMARY_COLUMNS} FROM people p ORDER BY p.name COLLATE NOCASE LIMIT ?2",
                (_today(), limit),
            )
        else:
            rows = self._db.all(
                f"SELECT {_SUMMARY_COLUMNS} FROM people_fts f JOIN people p ON p.pk = f.rowid"
                " WHERE people_fts MATCH ?2 ORDER BY p.name COLLATE NOCASE LIMIT ?3",
                (_today(), query, limit),
            )
        return [_summary(r) for r in rows]

    def count(self) -> int:
        """How many people are on the caseload."""
        return int(self._db.scalar("SELECT count(*) FROM people"))
