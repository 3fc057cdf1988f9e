"""Removing records from the device once the office holds them (S25).

Only a **closed** concern is purged, and only when the office has acknowledged, more
than the grace period ago, the concern as it is now and every revision of every one of
its visits (none may be a draft). The person goes too when no concern of theirs is
left and the office has acknowledged them as they are now. The audit log keeps one
entry per concern purged (ids and counts only) and is never purged: it is the
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

__all__ = ["PurgeResult", "purge_acknowledged"]

_PLACE_KEY = "resume_place"  # workspace.PLACE_KEY (workspace imports this module)


@dataclass(frozen=True)
class PurgeResult:
    """What a purge removed."""

    concerns: int
    visits: int
    people: int


def _acknowledged_before(
    db: Database, kind: str, record_id: str, revision: int | None, sha: str | None, cutoff: str
) -> bool:
    """True when that record (a visit revision, or a person's or concern's current
    content by hash) was acknowledged before ``cutoff``.

    For current content it must be the *latest* snapshot sent: content changed back to
    an older acknowledged snapshot, after a newer one was sent, is not yet at the office.
    """
    sql = (
        "SELECT b.acknowledged_at, s.record_sha256 FROM records_sent s JOIN bundles_sent b"
        " ON b.sequence = s.bundle_sequence WHERE s.kind = ? AND s.record_id = ?"
    )
    params: tuple[object, ...] = (kind, record_id)
    if revision is not None:
        sql += " AND s.revision = ?"
        params += (revision,)
    sql += " ORDER BY s.revision DESC LIMIT 1"
    row = db.one(sql, params)
    if row is None or row[0] is None or str(row[0]) >= cutoff:
        return False
    return sha is None or row[1] == sha


def _current_sha(db: Database, table: str, record_id: str) -> str:
    data = db.scalar(f"SELECT data FROM {table} WHERE id = ?", (record_id,))  # noqa: S608
    return record_sha256(json.loads(data))


def _concern_can_go(db: Database, concern_id: str, cutoff: str) -> list[str] | None:
    """The concern's visit ids if everything about it is acknowledged in time, else None."""
    if not _acknowledged_before(
        db, "concern", concern_id, None, _current_sha(db, "concerns", concern_id), cutoff
    ):
        return None
    if db.scalar("SELECT 1 FROM contacts WHERE concern_id = ?", (concern_id,)):
        return None  # contact notes travel in no bundle yet: nothing proves the office has them
    visit_ids: list[str] = []
    for visit_id, revision, status in db.all(
        "SELECT r.visit_id, r.revision, r.status FROM visit_revisions r"
        " JOIN visits v ON v.id = r.visit_id WHERE v.concern_id = ?",
        (concern_id,),
    ):
        if status != "finalised" or not _acknowledged_before(
            db, "visit", visit_id, int(revision), None, cutoff
        ):
            return None
        if visit_id not in visit_ids:
            visit_ids.append(visit_id)
    return visit_ids


def purge_acknowledged(db: Database, actor: str, older_than_days: int) -> PurgeResult:
    """Remove closed concerns (and their visits, and people left with none) whose every
    record the office acknowledged more than ``older_than_days`` days ago."""
    if older_than_days < 0:
        raise InvalidInput("The grace period must be zero days or more.")
    cutoff = (datetime.now(UTC) - timedelta(days=older_than_days)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    concerns = visits = people = 0
    with db.transaction():
        for concern_id, person_id in db.all(
            "SELECT id, person_id FROM concerns WHERE status = 'closed' ORDER BY id"
        ):
            visit_ids = _concern_can_go(db, concern_id, cutoff)
            if visit_ids is None:
                continue
            for visit_id in visit_ids:
                db.execute("INSERT INTO purge_permits (visit_id) VALUES (?)", (visit_id,))
                db.execute("DELETE FROM copies_given WHERE visit_id = ?", (visit_id,))
                db.execute("DELETE FROM visit_revisions WHERE visit_id = ?", (visit_id,))
                db.execute("DELETE FROM visits WHERE id = ?", (visit_id,))
            # The actions were kept from the concern's finalised visits, which the office
            # acknowledged: they go with the concern.
            db.execute("DELETE FROM actions WHERE concern_id = ?", (concern_id,))
            db.execute("DELETE FROM concerns WHERE id = ?", (concern_id,))
            person_gone = _purge_person_if_done(db, person_id, cutoff)
            audit.append(
                db,
                actor=actor,
                action="purge",
                entity="concern",
                entity_id=concern_id,
                detail={"visits": len(visit_ids), "person_removed": person_gone},
            )
            concerns += 1
            visits += len(visit_ids)
            people += int(person_gone)
        db.execute("DELETE FROM purge_permits")
        if concerns:
            # The remembered place may point at a purged visit; start from the caseload.
            db.execute("DELETE FROM meta WHERE key = ?", (_PLACE_KEY,))
    return PurgeResult(concerns, visits, people)


def _purge_person_if_done(db: Database, person_id: str, cutoff: str) -> bool:
    if db.scalar("SELECT 1 FROM concerns WHERE person_id = ?", (person_id,)):
        return False
    if db.scalar("SELECT 1 FROM visits WHERE person_id = ?", (person_id,)):
        return False
    if db.scalar("SELECT 1 FROM contacts WHERE person_id = ?", (person_id,)):
        return False
    if not _acknowledged_before(
        db, "person", person_id, None, _current_sha(db, "people", person_id), cutoff
    ):
        return False
    db.execute("DELETE FROM people WHERE id = ?", (person_id,))
    return True
