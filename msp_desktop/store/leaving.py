"""Letting a person the office moved to another device leave this one.

An office pack's ``remove`` notes the person in ``people_leaving``; they stay until
**everything of theirs is at the office**: the person and each of their concerns,
agreed actions and contact notes as they are now, and every revision of every visit
(none may be a draft). A record is at the office when the office acknowledged it, as
it is now, with a receipt (``records_sent``), or when it is exactly what an office pack
brought (``records_received``). Then everything of theirs is removed in the same
transaction, and the audit log keeps one entry (ids and counts only).

``release_leaving`` runs inside the transaction of the operation that may have made it
possible: applying an office pack (the office moved someone whose records it already
holds) and taking a receipt (the last of their records acknowledged). A draft visit
keeps the person here: the worker's words are never dropped unsent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from msp_desktop.bundles.records import record_sha256
from msp_desktop.store import audit
from msp_desktop.store.database import Database
from msp_desktop.store.purge import acknowledged_before

__all__ = ["Leaving", "at_office", "leaving_status", "release_leaving"]

_PLACE_KEY = "resume_place"  # workspace.PLACE_KEY (workspace imports this module)
_EVER = "9999-12-31"
"""Acknowledged at any time: the office itself asked for the person to go (no grace)."""
_SNAPSHOTS = (("concern", "concerns"), ("action", "actions"), ("contact", "contacts"))


@dataclass(frozen=True)
class Leaving:
    """A person the office moved to another device, still on this one, and why."""

    person_id: str
    drafts: int
    """Visits still drafts: finalise them so that they can reach the office."""
    not_yet_at_office: int
    """Records (and visit revisions) the office has not acknowledged as they are now."""


def at_office(db: Database, kind: str, record_id: str, data: str) -> bool:
    """The record as it is now is what the office acknowledged, or what it sent."""
    return acknowledged_before(db, kind, record_id, None, record_sha256(json.loads(data)), _EVER)


def _visit_at_office(db: Database, visit_id: str, revision: int) -> bool:
    """The finalised revision was acknowledged, or an office pack brought it."""
    return acknowledged_before(db, "visit", visit_id, revision, None, _EVER)


def _status(db: Database, person_id: str) -> Leaving:
    drafts = missing = 0
    row = db.one("SELECT data FROM people WHERE id = ?", (person_id,))
    if row is not None and not at_office(db, "person", person_id, str(row[0])):
        missing += 1
    for kind, table in _SNAPSHOTS:
        for record_id, data in db.all(
            f"SELECT id, data FROM {table} WHERE person_id = ?",  # noqa: S608 - fixed names
            (person_id,),
        ):
            missing += not at_office(db, kind, str(record_id), str(data))
    for visit_id, revision, status in db.all(
        "SELECT r.visit_id, r.revision, r.status FROM visit_revisions r"
        " JOIN visits v ON v.id = r.visit_id WHERE v.person_id = ?",
        (person_id,),
    ):
        if status != "finalised":
            drafts += 1
        elif not _visit_at_office(db, str(visit_id), int(revision)):
            missing += 1
    return Leaving(person_id, drafts, missing)


def leaving_status(db: Database) -> list[Leaving]:
    """Each person the office moved away who is still here, and what keeps them."""
    return [
        _status(db, str(person_id))
        for (person_id,) in db.all(
            "SELECT l.person_id FROM people_leaving l JOIN people p ON p.id = l.person_id"
            " ORDER BY l.person_id"
        )
    ]


def _remove(db: Database, person_id: str) -> dict[str, int]:
    visits = [str(v) for (v,) in db.all("SELECT id FROM visits WHERE person_id = ?", (person_id,))]
    for visit_id in visits:
        db.execute("INSERT INTO purge_permits (visit_id) VALUES (?)", (visit_id,))
        db.execute("DELETE FROM copies_given WHERE visit_id = ?", (visit_id,))
        db.execute("DELETE FROM visit_revisions WHERE visit_id = ?", (visit_id,))
        db.execute("DELETE FROM visits WHERE id = ?", (visit_id,))
    counts = {"visits": len(visits)}
    for table in ("actions", "contacts", "concerns"):  # what refers to a concern first
        counts[table] = int(
            db.scalar(f"SELECT COUNT(*) FROM {table} WHERE person_id = ?", (person_id,))  # noqa: S608
        )
        db.execute(f"DELETE FROM {table} WHERE person_id = ?", (person_id,))  # noqa: S608
    db.execute("DELETE FROM pack_conflicts WHERE person_id = ?", (person_id,))
    db.execute("DELETE FROM people_leaving WHERE person_id = ?", (person_id,))
    db.execute("DELETE FROM shared_people WHERE person_id = ?", (person_id,))
    db.execute("DELETE FROM people WHERE id = ?", (person_id,))
    db.execute("DELETE FROM purge_permits")
    return counts


def release_leaving(db: Database, actor: str) -> list[str]:
    """Remove each leaving person whose every record is at the office (inside the
    caller's transaction); the ids of those who left."""
    released: list[str] = []
    for leaving in leaving_status(db):
        if leaving.drafts or leaving.not_yet_at_office:
            continue
        counts = _remove(db, leaving.person_id)
        audit.append(
            db,
            actor=actor,
            action="release",
            entity="person",
            entity_id=leaving.person_id,
            detail=counts,
        )
        released.append(leaving.person_id)
    if released:
        # The remembered place may be the person's page; start from the caseload.
        db.execute("DELETE FROM meta WHERE key = ?", (_PLACE_KEY,))
    return released
