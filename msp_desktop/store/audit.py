"""The hash-chained audit log.

Each entry holds the SHA-256 of the previous entry, and the newest entry's hash is
kept in ``meta`` in the same transaction, so a removed, reordered, edited or
truncated entry is detectable by ``msp check``. Entries are appended only inside the
transaction that makes the change they describe.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from msp_desktop.bundles.records import audit_entry_hash
from msp_desktop.store.clock import utc_now
from msp_desktop.store.database import Database

GENESIS_HASH = "0" * 64
HEAD_KEY = "audit_head"


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log."""

    seq: int
    at: str
    actor: str
    action: str
    entity: str
    entity_id: str
    revision: int | None
    detail: dict[str, Any]
    prev_hash: str
    hash: str


def canonical(value: object) -> str:
    """Deterministic JSON text used for hashing (sorted keys, no spaces)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_text(text: str) -> str:
    """Hex SHA-256 of UTF-8 text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# The rule is published with the bundle format, so the office checks the same chain.
entry_hash = audit_entry_hash


def append(
    db: Database,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    revision: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry; call inside the transaction that makes the change."""
    detail = detail or {}
    last = db.one("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
    seq, prev_hash = (int(last[0]) + 1, str(last[1])) if last else (1, GENESIS_HASH)
    at = utc_now()
    digest = entry_hash(seq, at, actor, action, entity, entity_id, revision, detail, prev_hash)
    db.execute(
        "INSERT INTO audit (seq, at, actor, action, entity, entity_id, revision, detail,"
        " prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (seq, at, actor, action, entity, entity_id, revision, canonical(detail), prev_hash, digest),
    )
    db.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?)"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (HEAD_KEY, f"{seq}:{digest}"),
    )
    return AuditEntry(
        seq, at, actor, action, entity, entity_id, revision, detail, prev_hash, digest
    )


def entries(db: Database, entity_id: str | None = None, *, after_seq: int = 0) -> list[AuditEntry]:
    """Audit entries in order, optionally only those about one record, or after a seq."""
    sql = (
        "SELECT seq, at, actor, action, entity, entity_id, revision, detail, prev_hash, hash"
        " FROM audit WHERE seq > ?"
    )
    params: tuple[Any, ...] = (after_seq,)
    if entity_id is not None:
        sql += " AND entity_id = ?"
        params += (entity_id,)
    rows = db.all(sql + " ORDER BY seq", params)
    return [
        AuditEntry(int(r[0]), r[1], r[2], r[3], r[4], r[5], r[6], json.loads(r[7]), r[8], r[9])
        for r in rows
    ]


def chain_problems(db: Database) -> list[str]:
    """Every break in the chain, as plain sentences; empty when intact."""
    problems: list[str] = []
    expected_prev = GENESIS_HASH
    expected_seq = 1
    last_seq, last_hash = 0, GENESIS_HASH
    for e in entries(db):
        if e.seq != expected_seq:
            problems.append(f"Audit entries {expected_seq} to {e.seq - 1} are missing.")
        if e.prev_hash != expected_prev:
            problems.append(f"Audit entry {e.seq} does not follow on from the entry before it.")
        recomputed = entry_hash(
            e.seq,
            e.at,
            e.actor,
            e.action,
            e.entity,
            e.entity_id,
            e.revision,
            e.detail,
            e.prev_hash,
        )
        if recomputed != e.hash:
            problems.append(f"Audit entry {e.seq} has been altered.")
        expected_prev, expected_seq = e.hash, e.seq + 1
        last_seq, last_hash = e.seq, e.hash
    head = db.scalar("SELECT value FROM meta WHERE key = ?", (HEAD_KEY,))
    if head is None and last_seq:
        problems.append("The audit log's latest-entry marker is missing.")
    elif head is not None and head != f"{last_seq}:{last_hash}":
        problems.append("The most recent audit entries have been removed.")
    return problems
