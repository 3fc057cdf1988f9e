"""The office database's SQL for device resyncs (``resync_store``).

Part of ``SqlOfficeQueries`` (one copy of the SQL for SQLite and PostgreSQL), kept in
its own module for size. ``IN_FORCE`` is the one definition of a bundle in force; the
ledger queries in ``queries`` use it too.
"""

from __future__ import annotations

import json

from msp_desktop.office.db.caseload_queries import SqlBase
from msp_desktop.office.db.resync_store import DeviceResync
from msp_desktop.office.db.store import LedgerEntry

__all__ = ["IN_FORCE", "LEDGER", "ResyncQueries"]

IN_FORCE = (
    "NOT EXISTS (SELECT 1 FROM device_resyncs r WHERE r.device_id = bundles.device_id "
    "AND r.epoch > bundles.epoch AND r.from_sequence <= bundles.sequence)"
)
"""A bundle no later resync of its device set aside (``resync_store``)."""

LEDGER = (
    "SELECT sha256, bundle_id, device_id, sequence, previous_sha256, manifest_sha256, "
    "key_id, worker, created, imported_at, records, audit_entries, gap_before, note, epoch "
    "FROM bundles "
)

_RESYNCS = (
    "SELECT device_id, epoch, from_sequence, held, reason, resynced_by, resynced_at "
    "FROM device_resyncs "
)


def _resync(row: tuple[object, ...]) -> DeviceResync:
    device_id, epoch, from_sequence, held, reason, by, at = row
    pairs = tuple((int(s), str(h)) for s, h in json.loads(str(held)))
    return DeviceResync(
        str(device_id), int(str(epoch)), int(str(from_sequence)), pairs, str(reason), str(by),
        str(at),
    )  # fmt: skip


class ResyncQueries(SqlBase):
    """The device resyncs' queries and write."""

    def resyncs(self, device_id: str | None = None) -> list[DeviceResync]:
        """Every resync (of one device, or all), by device and epoch."""
        if device_id is None:
            rows = self._rows(_RESYNCS + "ORDER BY device_id, epoch")
        else:
            rows = self._rows(_RESYNCS + "WHERE device_id = ? ORDER BY epoch", device_id)
        return [_resync(row) for row in rows]

    def device_epoch(self, device_id: str) -> int:
        """The device's latest resync number, 0 if it was never resynced."""
        row = self._one("SELECT max(epoch) FROM device_resyncs WHERE device_id = ?", device_id)
        return int(row[0]) if row and row[0] is not None else 0

    def held_at(self, device_id: str, sequence: int) -> list[LedgerEntry]:
        """Every bundle of the device with this sequence, oldest epoch first."""
        rows = self._rows(
            LEDGER + "WHERE device_id = ? AND sequence = ? ORDER BY epoch", device_id, sequence
        )
        return [LedgerEntry(*row) for row in rows]

    def in_force(self, device_id: str) -> list[tuple[int, str]]:
        """``(sequence, sha256)`` of the device's bundles in force, by sequence."""
        rows = self._rows(
            "SELECT sequence, sha256 FROM bundles WHERE device_id = ? AND "  # noqa: S608 - a constant
            + IN_FORCE
            + " ORDER BY sequence",
            device_id,
        )
        return [(int(str(sequence)), str(sha256)) for sequence, sha256 in rows]

    def record_resync(
        self, device_id: str, from_sequence: int, *, reason: str, by: str, at: str
    ) -> DeviceResync | None:
        """Record a resync in one write transaction; None if ``from_sequence`` is then
        beyond the device's last bundle in force + 1 (nothing written)."""
        with self._write():
            # Read inside the transaction: writers take turns, so an import or another
            # resync committed just before is seen, and the row says what was set aside.
            held = self.in_force(device_id)
            last = held[-1][0] if held else 0
            if from_sequence > last + 1:
                return None
            epoch = self.device_epoch(device_id) + 1
            resync = DeviceResync(
                device_id, epoch, from_sequence,
                tuple(pair for pair in held if pair[0] >= from_sequence), reason, by, at,
            )  # fmt: skip
            self._run(
                "INSERT INTO device_resyncs (device_id, epoch, from_sequence, held, reason, "
                "resynced_by, resynced_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                device_id, epoch, from_sequence, json.dumps([list(p) for p in resync.held]),
                reason, by, at,
            )  # fmt: skip
        return resync
