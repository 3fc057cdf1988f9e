"""The office's versions kept beside records the worker had changed, and the worker's
choice between the two.

An office pack never overwrites the worker's words: when the office sends a revision
of a record the worker changed since the office last heard, it is kept in
``pack_conflicts`` (``store.packs``) and the person's page says so. Here the worker
compares the two field by field and settles it:

- **keep mine**: the worker's record stays as it is and goes to the office with the
  next sync, where the office sees both; the office's version is set aside here;
- **use the office's**: the office's revision becomes the record here, as a pack would
  have written it. Only once the worker's own version is at the office (acknowledged
  as it stands), so that choosing never loses a word: before that, the worker is told
  to sync first.

Either way the choice is audited (ids only), and the note leaves the person's page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from msp_desktop.bundles.records import RecordEnvelope, record_sha256
from msp_desktop.errors import InvalidInput, KnownError, RecordNotFound
from msp_desktop.exit_codes import ExitCode
from msp_desktop.store import audit
from msp_desktop.store.clock import utc_now
from msp_desktop.store.database import Database
from msp_desktop.store.leaving import at_office
from msp_desktop.store.pack_records import held, write_office_record

__all__ = [
    "NotYetAtOffice",
    "OfficeChange",
    "OfficeVersion",
    "keep_mine",
    "office_changes",
    "office_versions",
    "use_office_version",
]


class NotYetAtOffice(KnownError):
    """The worker's version has not reached the office: choosing the office's would lose it."""

    exit_code = ExitCode.NOT_IN_THIS_STATE


@dataclass(frozen=True)
class OfficeVersion:
    """An office revision kept beside a record the worker had changed (``pack_conflicts``)."""

    conflict_id: int
    kind: str
    record_id: str
    revision: int
    reason: str | None
    """Why the office changed it, in the office's words (a correction's reason)."""
    found_at: str
    fields: tuple[str, ...]
    """The record's fields where the office's version and the worker's differ."""
    mine: dict[str, Any]
    """The worker's record as it is now."""
    theirs: dict[str, Any]
    """The office's revision."""
    mine_at_office: bool
    """The worker's version, as it is now, has reached the office."""


@dataclass(frozen=True)
class OfficeChange:
    """A revision the office made of one of the person's records, taken here from a pack:
    a correction, or its decision on words it had kept aside."""

    received_at: str
    kind: str
    record_id: str
    change: str
    """``correct`` or ``decision``."""
    reason: str | None


def office_changes(db: Database, person_id: str) -> list[OfficeChange]:
    """The office's corrections and decisions taken into this person's records, newest
    first (reads only)."""
    rows = db.all(
        "SELECT p.received_at, r.kind, r.record_id, r.change, r.reason FROM records_received r"
        " JOIN packs_received p ON p.sequence = r.pack_sequence"
        " WHERE r.change IN ('correct', 'decision') AND ("
        " (r.kind = 'person' AND r.record_id = ?)"
        " OR (r.kind = 'concern' AND r.record_id IN (SELECT id FROM concerns WHERE person_id = ?))"
        " OR (r.kind = 'action' AND r.record_id IN (SELECT id FROM actions WHERE person_id = ?))"
        " OR (r.kind = 'contact' AND r.record_id IN (SELECT id FROM contacts WHERE person_id = ?)))"
        " ORDER BY p.sequence DESC, r.kind, r.record_id",
        (person_id, person_id, person_id, person_id),
    )
    return [
        OfficeChange(str(at), str(kind), str(rid), str(change), None if why is None else str(why))
        for at, kind, rid, change, why in rows
    ]


def _mine(db: Database, kind: str, record_id: str) -> tuple[dict[str, Any], str] | None:
    """The worker's record and its stored text (a visit: its latest revision)."""
    record = held(db, kind, record_id)
    return None if record is None else (record, json.dumps(record))


def office_versions(db: Database, person_id: str) -> list[OfficeVersion]:
    """The office's versions kept beside this person's records, oldest first (reads only)."""
    found: list[OfficeVersion] = []
    for conflict_id, kind, record_id, revision, text, found_at in db.all(
        "SELECT id, kind, record_id, revision, envelope, found_at FROM pack_conflicts"
        " WHERE person_id = ? AND settled_at IS NULL ORDER BY id",
        (person_id,),
    ):
        envelope = RecordEnvelope.model_validate_json(text)
        local = _mine(db, str(kind), str(record_id))
        mine = local[0] if local else {}
        theirs = envelope.record
        fields = tuple(sorted(k for k in set(mine) | set(theirs) if mine.get(k) != theirs.get(k)))
        here = local is not None and at_office(db, str(kind), str(record_id), local[1])
        found.append(
            OfficeVersion(int(conflict_id), str(kind), str(record_id), int(revision),
                          envelope.reason, str(found_at), fields, mine, theirs, here)
        )  # fmt: skip
    return found


def _unsettled(db: Database, conflict_id: int) -> tuple[str, str, int, str, int]:
    row = db.one(
        "SELECT kind, record_id, revision, envelope, pack_sequence FROM pack_conflicts"
        " WHERE id = ? AND settled_at IS NULL",
        (conflict_id,),
    )
    if row is None:
        raise RecordNotFound("That office version has been settled already, or never existed.")
    return str(row[0]), str(row[1]), int(row[2]), str(row[3]), int(row[4])


def _settle(db: Database, actor: str, conflict_id: int, record_id: str, kept: str) -> None:
    db.execute("UPDATE pack_conflicts SET settled_at = ? WHERE id = ?", (utc_now(), conflict_id))
    audit.append(db, actor=actor, action="office_version", entity="record",
                 entity_id=record_id, detail={"kept": kept})  # fmt: skip


def keep_mine(db: Database, actor: str, conflict_id: int) -> None:
    """Keep the worker's record as it is; set the office's version aside."""
    with db.transaction():
        _kind, record_id, _revision, _text, _pack = _unsettled(db, conflict_id)
        _settle(db, actor, conflict_id, record_id, "mine")


def use_office_version(db: Database, actor: str, conflict_id: int) -> None:
    """Make the office's revision the record here; ``NotYetAtOffice`` (nothing changed)
    while the worker's own version has not reached the office."""
    with db.transaction():
        kind, record_id, revision, text, pack = _unsettled(db, conflict_id)
        if kind == "visit":
            raise InvalidInput(
                "A visit keeps every revision as it was finalised: keep yours; the office "
                "holds both. Nothing was changed."
            )
        local = _mine(db, kind, record_id)
        if local is not None and not at_office(db, kind, record_id, local[1]):
            raise NotYetAtOffice(
                "Your version has not reached the office yet. Sync (or export) first, so that "
                "the office holds your words too; then you can use the office's version. "
                "Nothing was changed."
            )
        envelope = RecordEnvelope.model_validate_json(text)
        write_office_record(db, actor, envelope, exists=local is not None)
        stored = _mine(db, kind, record_id)
        assert stored is not None  # just written
        db.execute(
            "INSERT OR REPLACE INTO records_received (kind, record_id, revision, record_sha256,"
            " pack_sequence, change, reason) VALUES (?, ?, ?, ?, ?, 'chosen', ?)",
            (kind, record_id, revision, record_sha256(stored[0]), pack, envelope.reason),
        )
        _settle(db, actor, conflict_id, record_id, "office")
