"""The office database's SQL for shared cases (``share_store``).

Part of ``SqlOfficeQueries`` (one copy of the SQL for SQLite and PostgreSQL), kept in
its own module for size. Each write reads the share's state inside its own write
transaction (writers take turns, ``SqlBase._write``), so what it decides on is the latest.
"""

from __future__ import annotations

from collections.abc import Sequence

from msp_desktop.office.db.caseload_queries import SqlBase
from msp_desktop.office.db.share_store import SharedCase, SharedRecord

__all__ = ["ShareQueries"]

_SHARES = (
    "SELECT person_id, device_id, reason, shared_by, shared_at, stopped_at, stopped_by, "
    "stopped_reason FROM shared_cases "
)
_QUEUE_SHARED = (
    "INSERT INTO pack_queue (device_id, change, kind, record_id, reason, queued_at) "
    "VALUES (?, 'shared', ?, ?, ?, ?)"
)
_NOTE_SENT = (
    "INSERT INTO shared_records (device_id, kind, record_id, person_id, revision) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (device_id, kind, record_id) "
    "DO UPDATE SET person_id = excluded.person_id, revision = excluded.revision"
)


class _NotNow(Exception):
    """The share is not in the state the write needs: the transaction is rolled back."""


class ShareQueries(SqlBase):
    """The shared cases' queries and writes."""

    def shares(self, device_id: str | None = None) -> list[SharedCase]:
        """Every share (with one device, or all), by device and person."""
        if device_id is None:
            rows = self._rows(_SHARES + "ORDER BY device_id, person_id")
        else:
            rows = self._rows(_SHARES + "WHERE device_id = ? ORDER BY person_id", device_id)
        return [SharedCase(*row) for row in rows]

    def _active_reason(self, person_id: str, device_id: str) -> str | None:
        row = self._one(
            "SELECT reason FROM shared_cases WHERE person_id = ? AND device_id = ? "
            "AND stopped_at IS NULL",
            person_id,
            device_id,
        )
        return str(row[0]) if row else None

    def start_share(self, share: SharedCase, records: Sequence[SharedRecord]) -> bool:
        """Keep the share as active and queue its records, in one transaction; False,
        with nothing written, if it is active already."""
        s = share
        try:
            with self._write():
                if self._active_reason(s.person_id, s.device_id) is not None:
                    raise _NotNow
                # One row per person and device: sharing again after a stop makes the
                # row active again, with the new reason, who and when.
                self._run(
                    "INSERT INTO shared_cases (person_id, device_id, reason, shared_by, "
                    "shared_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (person_id, device_id) "
                    "DO UPDATE SET reason = excluded.reason, shared_by = excluded.shared_by, "
                    "shared_at = excluded.shared_at, stopped_at = NULL, stopped_by = NULL, "
                    "stopped_reason = NULL",
                    s.person_id, s.device_id, s.reason, s.shared_by, s.shared_at,
                )  # fmt: skip
                self._queue(s.device_id, records, s.reason, s.shared_at)
        except _NotNow:
            return False
        return True

    def _queue(self, device_id: str, records: Sequence[SharedRecord], reason: str, at: str) -> None:
        self._run_many(
            _QUEUE_SHARED, [(device_id, r.kind, r.record_id, reason, at) for r in records]
        )
        self._run_many(
            _NOTE_SENT,
            [(device_id, r.kind, r.record_id, r.person_id, r.revision) for r in records],
        )

    def stop_share(self, person_id: str, device_id: str, *, by: str, reason: str, at: str) -> bool:
        """Stop the active share and queue the removal, in one transaction; False, with
        nothing written, if no share of theirs is active."""
        try:
            with self._write():
                if self._active_reason(person_id, device_id) is None:
                    raise _NotNow
                self._run(
                    "UPDATE shared_cases SET stopped_at = ?, stopped_by = ?, stopped_reason = ? "
                    "WHERE person_id = ? AND device_id = ?",
                    at, by, reason, person_id, device_id,
                )  # fmt: skip
                # What no pack carries yet need not go at all: were it kept, a pack could
                # carry it after the removal (or fold a later share's into it before).
                self._run(
                    "DELETE FROM pack_queue WHERE device_id = ? AND change = 'shared' "
                    "AND pack_sequence IS NULL AND EXISTS (SELECT 1 FROM shared_records s "
                    "WHERE s.device_id = pack_queue.device_id AND s.kind = pack_queue.kind "
                    "AND s.record_id = pack_queue.record_id AND s.person_id = ?)",
                    device_id,
                    person_id,
                )
                # The device lets the case go: sharing it again sends it whole.
                self._run(
                    "DELETE FROM shared_records WHERE device_id = ? AND person_id = ?",
                    device_id,
                    person_id,
                )
                self._run(
                    "INSERT INTO pack_queue (device_id, change, kind, record_id, reason, "
                    "queued_at) VALUES (?, 'remove', 'person', ?, ?, ?)",
                    device_id, person_id, reason, at,
                )  # fmt: skip
        except _NotNow:
            return False
        return True

    def shared_revisions(self, device_id: str) -> dict[tuple[str, str], int]:
        """``(kind, record id) -> highest revision queued as shared`` for the device."""
        rows = self._rows(
            "SELECT kind, record_id, revision FROM shared_records WHERE device_id = ?", device_id
        )
        return {(str(kind), str(rid)): int(revision) for kind, rid, revision in rows}

    def follow_shares(self, device_id: str, records: Sequence[SharedRecord], *, at: str) -> int:
        """Queue the newer revisions of records of the device's active shares, in one
        transaction; how many were queued."""
        with self._write():
            # Read again inside the transaction: another process may have queued (or
            # stopped) meanwhile.
            sent = self.shared_revisions(device_id)
            reasons: dict[str, str | None] = {}
            newer: list[tuple[SharedRecord, str]] = []
            for r in records:
                if r.person_id not in reasons:
                    reasons[r.person_id] = self._active_reason(r.person_id, device_id)
                reason = reasons[r.person_id]
                if reason is not None and r.revision > sent.get((r.kind, r.record_id), 0):
                    newer.append((r, reason))
            for r, reason in newer:
                self._queue(device_id, [r], reason, at)
        return len(newer)
