"""Removing records from the device once the office holds them (S25).

Only a **closed** concern is purged, and only when the office has acknowledged, more
than the grace period ago, the concern as it is now, every revision of every one of
its visits (none may be a draft), and every agreed action and contact note of the
concern as it is now (they travel in bundles as snapshots, like the concern). The
person goes too when no concern of theirs is left and the office has acknowledged
them, and each of their remaining contact notes, as they are now. The audit log keeps
one entry per concern purged (ids and counts only) and is never purged: it is the
device's record of what it did.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from msp_desktop.bundles.records import record_sha256
from msp_desktop.errors import InvalidInput
from msp_desktop.store import audit
from msp_desktop.store.database import Database

__all__ = ["PurgeResult", "acknowledged_before", "purge_acknowledged"]

_PLACE_KEY = "resume_place"  # workspace.PLACE_KEY (workspace imports this module)


@dataclass(frozen=True)
class PurgeResult:
    """What a purge removed."""

    concerns: int
    visits: int
    people: int
    actions: int = 0
    contacts: int = 0


@dataclass(frozen=True)
class _Purgeable:
    """Everything of one closed concern that may go, by id."""

    visits: list[str]
    actions: list[str]
    contacts: list[str]


def acknowledged_before(
    db: Database, kind: str, record_id: str, revision: int | None, sha: str | None, cutoff: str
) -> bool:
    """True when that record (a visit revision, or a record's current content by hash)
    was at the office before ``cutoff``: acknowledged by its receipt, or brought by an
    office pack (what the office sent, it holds).

    For current content it must be the *latest* revision the office knows: content
    changed back to an older one, after a newer one was sent, is not yet at the office.
    At one revision number what the office sent comes first (``office_versions``).
    """
    one = " AND s.revision = ?" if revision is not None else ""
    other = " AND r.revision = ?" if revision is not None else ""
    params: tuple[object, ...] = (kind, record_id)
    if revision is not None:
        params += (revision,)
    row = db.one(
        "SELECT record_sha256, at FROM (SELECT s.revision, s.record_sha256,"  # noqa: S608 - fixed conditions
        " b.acknowledged_at AS at, 1 AS later FROM records_sent s JOIN bundles_sent b"
        " ON b.sequence = s.bundle_sequence WHERE s.kind = ? AND s.record_id = ?"
        + one
        + " UNION ALL SELECT r.revision, r.record_sha256, p.received_at, 0"
        " FROM records_received r JOIN packs_received p ON p.sequence = r.pack_sequence"
        " WHERE r.kind = ? AND r.record_id = ?" + other + ") ORDER BY revision DESC, later LIMIT 1",
        params + params,
    )
    if row is None or row[1] is None or str(row[1]) >= cutoff:
        return False
    return sha is None or row[0] == sha


def _current_sha(db: Database, table: str, record_id: str) -> str:
    data = db.scalar(f"SELECT data FROM {table} WHERE id = ?", (record_id,))  # noqa: S608
    return record_sha256(json.loads(data))


def _snapshots_acknowledged(
    db: Database, kind: str, table: str, where: str, owner_id: str, cutoff: str
) -> list[str] | None:
    """The ids of the ``table`` rows matching ``where`` if the office acknowledged each
    as it is now before ``cutoff``; None if any is not at the office yet."""
    ids: list[str] = []
    for record_id, data in db.all(
        f"SELECT id, data FROM {table} WHERE {where} ORDER BY id",  # noqa: S608
        (owner_id,),
    ):
        sha = record_sha256(json.loads(data))
        if not acknowledged_before(db, kind, record_id, None, sha, cutoff):
            return None
        ids.append(record_id)
    return ids


def _concern_can_go(db: Database, concern_id: str, cutoff: str) -> _Purgeable | None:
    """What of the concern may go if everything about it is acknowledged in time, else None."""
    if not acknowledged_before(
        db, "concern", concern_id, None, _current_sha(db, "concerns", concern_id), cutoff
    ):
        return None
    visit_ids: list[str] = []
    for visit_id, revision, status in db.all(
        "SELECT r.visit_id, r.revision, r.status FROM visit_revisions r"
        " JOIN visits v ON v.id = r.visit_id WHERE v.concern_id = ?",
        (concern_id,),
    ):
        if status != "finalised" or not acknowledged_before(
            db, "visit", visit_id, int(revision), None, cutoff
        ):
            return None
        if visit_id not in visit_ids:
            visit_ids.append(visit_id)
    actions = _snapshots_acknowledged(db, "action", "actions", "concern_id = ?", concern_id, cutoff)
    contacts = _snapshots_acknowledged(
        db, "contact", "contacts", "concern_id = ?", concern_id, cutoff
    )
    if actions is None or contacts is None:
        return None
    return _Purgeable(visit_ids, actions, contacts)


def purge_acknowledged(db: Database, actor: str, older_than_days: int) -> PurgeResult:
    """Remove closed concerns (with their visits, actions and contact notes, and people
    left with none) whose every record the office acknowledged more than
    ``older_than_days`` days ago."""
    if older_than_days < 0:
        raise InvalidInput("The grace period must be zero days or more.")
    cutoff = (datetime.now(UTC) - timedelta(days=older_than_days)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    concerns = visits = people = actions = contacts = 0
    with db.transaction():
        for concern_id, person_id in db.all(
            "SELECT id, person_id FROM concerns WHERE status = 'closed' ORDER BY id"
        ):
            found = _concern_can_go(db, concern_id, cutoff)
            if found is None:
                continue
            for visit_id in found.visits:
                db.execute("INSERT INTO purge_permits (visit_id) VALUES (?)", (visit_id,))
                db.execute("DELETE FROM copies_given WHERE visit_id = ?", (visit_id,))
                db.execute("DELETE FROM visit_revisions WHERE visit_id = ?", (visit_id,))
                db.execute("DELETE FROM visits WHERE id = ?", (visit_id,))
            db.execute("DELETE FROM actions WHERE concern_id = ?", (concern_id,))
            db.execute("DELETE FROM contacts WHERE concern_id = ?", (concern_id,))
            db.execute("DELETE FROM concerns WHERE id = ?", (concern_id,))
            person_contacts = _purge_person_if_done(db, person_id, cutoff)
            person_gone = person_contacts is not None
            audit.append(
                db,
                actor=actor,
                action="purge",
                entity="concern",
                entity_id=concern_id,
                detail={
                    "visits": len(found.visits),
                    "actions": len(found.actions),
                    "contacts": len(found.contacts) + (person_contacts or 0),
                    "person_removed": person_gone,
                },
            )
            concerns += 1
            visits += len(found.visits)
            actions += len(found.actions)
            contacts += len(found.contacts) + (person_contacts or 0)
            people += int(person_gone)
        db.execute("DELETE FROM purge_permits")
        if concerns:
            # The remembered place may point at a purged visit; start from the caseload.
            db.execute("DELETE FROM meta WHERE key = ?", (_PLACE_KEY,))
    return PurgeResult(concerns, visits, people, actions, contacts)


def _purge_person_if_done(db: Database, person_id: str, cutoff: str) -> int | None:
    """Remove the person, with their contact notes about no concern, once nothing else of
    theirs is left and the office holds them as they are; how many contact notes went
    with them, or None if the person stays."""
    if db.scalar("SELECT 1 FROM concerns WHERE person_id = ?", (person_id,)):
        return None
    if db.scalar("SELECT 1 FROM visits WHERE person_id = ?", (person_id,)):
        return None
    if not acknowledged_before(
        db, "person", person_id, None, _current_sha(db, "people", person_id), cutoff
    ):
        return None
    # Contacts of a concern went with it: what is left is about no concern.
    contacts = _snapshots_acknowledged(
        db, "contact", "contacts", "person_id = ?", person_id, cutoff
    )
    if contacts is None:
        return None
    db.execute("DELETE FROM contacts WHERE person_id = ?", (person_id,))
    db.execute("DELETE FROM people WHERE id = ?", (person_id,))
    return len(contacts)
