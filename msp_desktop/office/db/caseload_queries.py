"""The office database's SQL for the caseload, office revisions, the pack queue and packs.

Part of ``SqlOfficeQueries`` (one copy of the SQL for SQLite and PostgreSQL), kept in
its own module for size: what ``msp-office caseload import``, ``allocate`` and
``records transfer`` write and read beyond what bundles bring.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any

from msp_desktop.office.db.store import (
    CaseloadWrite,
    ConflictDecision,
    IssuedPack,
    OfficeRevision,
    QueuedChange,
    RecordTransfer,
)

__all__ = ["CaseloadQueries", "SqlBase"]


class SqlBase:
    """What a backend provides to the shared SQL: ``_rows``, ``_run`` and ``_run_many``
    on its connection and ``_write`` (one write transaction)."""

    def _rows(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def _run(self, sql: str, *params: object) -> None:
        raise NotImplementedError

    def _run_many(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        raise NotImplementedError

    def _write(self) -> AbstractContextManager[object]:
        raise NotImplementedError

    def _one(self, sql: str, *params: object) -> tuple[Any, ...] | None:
        rows = self._rows(sql, *params)
        return rows[0] if rows else None


_QUEUE_INSERT = (
    "INSERT INTO pack_queue (device_id, change, kind, record_id, reason, queued_at) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)
_TRANSFER_INSERT = (
    "INSERT INTO record_transfers (person_id, from_device_id, to_device_id, record_count, "
    "reason, transferred_at) VALUES (?, ?, ?, ?, ?, ?)"
)
# A record the office made and never gave to a device has no owner row yet: one is
# made; an owned record changes hands.
_OWNER_UPSERT = (
    "INSERT INTO record_owners (kind, record_id, device_id, since) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (kind, record_id) DO UPDATE SET device_id = excluded.device_id, "
    "since = excluded.since"
)


def _queue_row(q: QueuedChange) -> tuple[object, ...]:
    return (q.device_id, q.change, q.kind, q.record_id, q.reason, q.queued_at)


def _transfer_row(t: RecordTransfer) -> tuple[object, ...]:
    return (t.person_id, t.from_device_id, t.to_device_id, t.records, t.reason, t.transferred_at)


class CaseloadQueries(SqlBase):
    """The caseload's, office revisions' and pack queue's queries and writes."""

    def transfer(
        self,
        records: Sequence[tuple[str, str]],
        transfer: RecordTransfer,
        queue: Sequence[QueuedChange] = (),
    ) -> None:
        """Give ``records`` to ``transfer.to_device_id``, keep the audit row and queue
        ``queue``, in one transaction."""
        t = transfer
        with self._write():
            self._run_many(
                _OWNER_UPSERT,
                [(kind, rid, t.to_device_id, t.transferred_at) for kind, rid in records],
            )
            self._run(_TRANSFER_INSERT, *_transfer_row(t))
            self._run_many(_QUEUE_INSERT, [_queue_row(q) for q in queue])

    def caseload_people(self) -> dict[str, str]:
        """``local id -> person id`` of everyone a caseload import brought."""
        return {
            str(a): str(b) for a, b in self._rows("SELECT local_id, person_id FROM caseload_people")
        }

    def caseload_concerns(self) -> dict[str, tuple[str, str]]:
        """``reference -> (concern id, person id)`` of every imported concern."""
        rows = self._rows("SELECT reference, concern_id, person_id FROM caseload_concerns")
        return {str(ref): (str(cid), str(pid)) for ref, cid, pid in rows}

    def add_caseload(self, write: CaseloadWrite) -> None:
        """Write one caseload import, in one transaction."""
        w = write
        at = w.revisions[0].made_at if w.revisions else ""
        with self._write():
            self._run_many(
                "INSERT INTO office_revisions (kind, record_id, revision, record_sha256, envelope, "
                "reason, made_by, made_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (r.kind, r.record_id, r.revision, r.record_sha256, r.envelope, r.reason,
                     r.made_by, r.made_at)
                    for r in w.revisions
                ],
            )  # fmt: skip
            self._run_many(
                "INSERT INTO caseload_people (local_id, person_id, imported_at) VALUES (?, ?, ?)",
                [(local_id, person_id, at) for local_id, person_id in w.people],
            )
            self._run_many(
                "INSERT INTO caseload_concerns (reference, concern_id, person_id, imported_at) "
                "VALUES (?, ?, ?, ?)",
                [(ref, cid, pid, at) for ref, cid, pid in w.concerns],
            )
            self._run_many(_OWNER_UPSERT, [(kind, rid, dev, at) for kind, rid, dev in w.owners])
            self._run_many(_TRANSFER_INSERT, [_transfer_row(t) for t in w.allocations])
            self._run_many(_QUEUE_INSERT, [_queue_row(q) for q in w.queue])

    def office_revision(self, kind: str, record_id: str) -> OfficeRevision | None:
        """The highest revision of a record made at the office."""
        row = self._one(
            "SELECT kind, record_id, revision, record_sha256, envelope, reason, made_by, made_at "
            "FROM office_revisions WHERE kind = ? AND record_id = ? ORDER BY revision DESC LIMIT 1",
            kind,
            record_id,
        )
        return OfficeRevision(*row) if row else None

    def queued(self, device_id: str | None = None) -> list[QueuedChange]:
        """The changes waiting for a pack, oldest first."""
        select = (
            "SELECT device_id, change, kind, record_id, reason, queued_at, id, pack_sequence "
            "FROM pack_queue WHERE pack_sequence IS NULL "
        )
        if device_id is None:
            rows = self._rows(select + "ORDER BY id")
        else:
            rows = self._rows(select + "AND device_id = ? ORDER BY id", device_id)
        return [QueuedChange(*row) for row in rows]

    def revision_envelope(self, kind: str, record_id: str, revision: int) -> str | None:
        """The envelope of a revision the office holds, sent by a device or made here."""
        for table in ("record_revisions", "office_revisions"):
            row = self._one(
                f"SELECT envelope FROM {table} WHERE kind = ? AND record_id = ? AND revision = ?",  # noqa: S608 - one of two names
                kind,
                record_id,
                revision,
            )
            if row is not None:
                return str(row[0])
        return None

    def latest_revision(self, kind: str, record_id: str) -> int | None:
        """The higher of the current revision devices sent and the office's highest."""
        row = self._one(
            "SELECT max(revision) FROM (SELECT revision FROM current_records "
            "WHERE kind = ? AND record_id = ? UNION ALL SELECT revision FROM office_revisions "
            "WHERE kind = ? AND record_id = ?) AS held",
            kind, record_id, kind, record_id,
        )  # fmt: skip
        return int(row[0]) if row and row[0] is not None else None

    _PACKS = (
        "SELECT sha256, pack_id, device_id, sequence, previous_sha256, key_id, "
        "recipient_key_id, changes, issued_at, acknowledged_at FROM packs "
    )

    def packs(self, device_id: str | None = None) -> list[IssuedPack]:
        """Every pack issued, by device and sequence."""
        if device_id is None:
            rows = self._rows(self._PACKS + "ORDER BY device_id, sequence")
        else:
            rows = self._rows(self._PACKS + "WHERE device_id = ? ORDER BY sequence", device_id)
        return [IssuedPack(*row) for row in rows]

    def pack_data(self, sha256: str) -> bytes | None:
        """The sealed bytes of an issued pack."""
        row = self._one("SELECT data FROM packs WHERE sha256 = ?", sha256)
        return base64.b64decode(str(row[0])) if row else None

    def conflict_envelope(self, conflict_id: int) -> str | None:
        """The revision a conflict kept aside, as it travelled."""
        row = self._one("SELECT envelope FROM conflicts WHERE id = ?", conflict_id)
        return str(row[0]) if row else None

    def held_revisions(self, kind: str, record_id: str) -> list[int]:
        """Every revision of the record the office holds, ascending."""
        rows = self._rows(
            "SELECT revision FROM record_revisions WHERE kind = ? AND record_id = ? UNION "
            "SELECT revision FROM office_revisions WHERE kind = ? AND record_id = ?",
            kind, record_id, kind, record_id,
        )  # fmt: skip
        return sorted(int(r[0]) for r in rows)

    def decisions(self) -> dict[int, ConflictDecision]:
        """Every conflict decision, by conflict id."""
        rows = self._rows(
            "SELECT conflict_id, keep, reason, office_revision, decided_by, decided_at "
            "FROM conflict_decisions"
        )
        return {int(row[0]): ConflictDecision(*row) for row in rows}

    def resolve_conflict(
        self,
        decision: ConflictDecision,
        revision: OfficeRevision | None,
        queue: Sequence[QueuedChange],
    ) -> bool:
        """Keep a decision, its office revision and its queue in one transaction; False,
        with nothing written, when the conflict was decided meanwhile."""
        d = decision
        try:
            with self._write():
                if self._one(
                    "SELECT 1 FROM conflict_decisions WHERE conflict_id = ?", d.conflict_id
                ):
                    raise _Taken
                self._run(
                    "INSERT INTO conflict_decisions (conflict_id, keep, reason, office_revision, "
                    "decided_by, decided_at) VALUES (?, ?, ?, ?, ?, ?)",
                    d.conflict_id, d.keep, d.reason, d.office_revision, d.decided_by,
                    d.decided_at,
                )  # fmt: skip
                if revision is not None:
                    self._insert_office_revision(revision)
                self._run_many(_QUEUE_INSERT, [_queue_row(q) for q in queue])
        except _Taken:
            return False
        return True

    def _insert_office_revision(self, r: OfficeRevision) -> None:
        self._run(
            "INSERT INTO office_revisions (kind, record_id, revision, record_sha256, "
            "envelope, reason, made_by, made_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            r.kind, r.record_id, r.revision, r.record_sha256, r.envelope, r.reason,
            r.made_by, r.made_at,
        )  # fmt: skip

    def add_office_revision(
        self, revision: OfficeRevision, queue: Sequence[QueuedChange], *, after: int
    ) -> bool:
        """Keep a revision made at the office and what it queues, in one transaction;
        False, with nothing written, when the record's latest revision is no longer
        ``after`` (another msp-office changed it meanwhile)."""
        try:
            with self._write():
                if self.latest_revision(revision.kind, revision.record_id) != after:
                    raise _Taken
                self._insert_office_revision(revision)
                self._run_many(_QUEUE_INSERT, [_queue_row(q) for q in queue])
        except _Taken:
            return False
        return True

    def acknowledge_pack(self, sha256: str, at: str) -> None:
        """Mark an issued pack acknowledged by its device (once)."""
        with self._write():
            self._run(
                "UPDATE packs SET acknowledged_at = ? WHERE sha256 = ? AND acknowledged_at IS NULL",
                at,
                sha256,
            )

    def add_pack(self, pack: IssuedPack, data: bytes, queue_ids: Sequence[int]) -> bool:
        """Keep ``pack`` and mark ``queue_ids`` as carried by it, in one transaction;
        False, with nothing written, if another writer got there first."""
        p = pack
        try:
            with self._write():
                # Writers take turns (``_write``): what is read here is the latest.
                last = self._one("SELECT max(sequence) FROM packs WHERE device_id = ?", p.device_id)
                if (int(last[0]) if last and last[0] is not None else 0) != p.sequence - 1:
                    raise _Taken
                # Every change still waiting, or another writer took one: counted in
                # batches (a caseload's pack carries thousands), not one query each.
                wanted = sorted(set(queue_ids))
                free = 0
                for start in range(0, len(wanted), _BATCH):
                    batch = wanted[start : start + _BATCH]
                    marks = ", ".join("?" * len(batch))
                    row = self._one(
                        "SELECT count(*) FROM pack_queue WHERE pack_sequence IS NULL"  # noqa: S608 - placeholders only
                        f" AND id IN ({marks})",
                        *batch,
                    )
                    free += int(row[0]) if row else 0
                if free != len(wanted):
                    raise _Taken
                self._run(
                    "INSERT INTO packs (sha256, pack_id, device_id, sequence, previous_sha256, "
                    "key_id, recipient_key_id, changes, data, issued_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    p.sha256, p.pack_id, p.device_id, p.sequence, p.previous_sha256, p.key_id,
                    p.recipient_key_id, p.changes, base64.b64encode(data).decode("ascii"),
                    p.issued_at,
                )  # fmt: skip
                self._run_many(
                    "UPDATE pack_queue SET pack_sequence = ? WHERE id = ?",
                    [(p.sequence, queue_id) for queue_id in queue_ids],
                )
        except _Taken:
            return False
        return True


_BATCH = 500
"""Queue ids checked in one query (well under SQLite's and PostgreSQL's limits)."""


class _Taken(Exception):
    """Another writer issued a pack to the device, or took a queued change, first."""
