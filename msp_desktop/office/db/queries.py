"""The office database's SQL: one copy for the SQLite and PostgreSQL stores."""

from __future__ import annotations

import json
from typing import Any

from msp_desktop.office.db.caseload_queries import CaseloadQueries
from msp_desktop.office.db.resync_queries import IN_FORCE, LEDGER, ResyncQueries
from msp_desktop.office.db.share_queries import ShareQueries
from msp_desktop.office.db.store import (
    ConflictRow,
    CurrentRecord,
    DeviceKey,
    ImportPlan,
    LedgerEntry,
    LostDeviceKey,
    OfficeCounts,
    RecordTransfer,
    ReturnedForm,
    StoredRevision,
)

__all__ = ["SqlOfficeQueries"]


class _AlreadyThere(Exception):
    """A returned form's code is recorded already: the write transaction is rolled back."""


class SqlOfficeQueries(CaseloadQueries, ShareQueries, ResyncQueries):
    """The queries and the import's inserts, shared by the SQLite and PostgreSQL stores.

    One copy of the SQL, so the two backends cannot drift apart. Written with ``?``
    placeholders (PostgreSQL's store turns them into ``%s``); a backend provides
    ``_rows``, ``_run`` and ``_run_many`` on its connection, ``_write`` (one write
    transaction) and the two ordering details below.
    """

    # Text sorts in byte order on both: SQLite's default, PostgreSQL's "C" collation.
    _COLLATE = ""
    _ENROLLED_ORDER = ""

    def device_keys(self) -> list[DeviceKey]:
        """Every key ever enrolled, oldest first."""
        order = f"enrolled_at{self._COLLATE}, {self._ENROLLED_ORDER}"
        rows = self._rows(
            "SELECT key_id, device_id, worker, public_key, enrolled_at, revoked_at, "  # noqa: S608 - order is made of class constants
            "revoked_reason, (SELECT l.reason FROM lost_device_keys l "
            "WHERE l.key_id = device_keys.key_id) FROM device_keys ORDER BY " + order
        )
        return [DeviceKey(*row) for row in rows]

    def add_device_key(
        self,
        key: DeviceKey,
        enrolment: bytes,
        *,
        revoke: str | None,
        revoke_reason: str = "",
        lost: LostDeviceKey | None = None,
    ) -> None:
        """Enrol ``key``; with ``revoke``, revoke that key id in the same transaction (for
        ``revoke_reason``); with ``lost``, keep that a lost device's key was replaced."""
        with self._write():
            if revoke is not None:
                self._revoke(
                    revoke, key.enrolled_at, revoke_reason or f"replaced by key {key.key_id}"
                )
            self._run(
                "INSERT INTO device_keys (key_id, device_id, worker, public_key, enrolment, "
                "enrolled_at) VALUES (?, ?, ?, ?, ?, ?)",
                key.key_id,
                key.device_id,
                key.worker,
                key.public_key,
                enrolment.decode("utf-8"),
                key.enrolled_at,
            )
            if lost is not None:
                self._run(
                    "INSERT INTO lost_device_keys (key_id, device_id, previous_key_id, reason, "
                    "replaced_at) VALUES (?, ?, ?, ?, ?)",
                    lost.key_id, lost.device_id, lost.previous_key_id, lost.reason,
                    lost.replaced_at,
                )  # fmt: skip

    def enrolment(self, key_id: str) -> bytes | None:
        """The enrolment file a key was enrolled (or last re-enrolled) with."""
        row = self._one("SELECT enrolment FROM device_keys WHERE key_id = ?", key_id)
        return str(row[0]).encode("utf-8") if row else None

    def update_enrolment(self, key_id: str, enrolment: bytes) -> None:
        """Keep a newer enrolment file of the same key (one that adds its pack key)."""
        with self._write():
            self._run(
                "UPDATE device_keys SET enrolment = ? WHERE key_id = ?",
                enrolment.decode("utf-8"),
                key_id,
            )

    def revoke_key(self, key_id: str, *, at: str, reason: str) -> None:
        """Mark ``key_id`` revoked at ``at`` for ``reason``."""
        with self._write():
            self._revoke(key_id, at, reason)

    def _revoke(self, key_id: str, at: str, reason: str) -> None:
        self._run(
            "UPDATE device_keys SET revoked_at = ?, revoked_reason = ? "
            "WHERE key_id = ? AND revoked_at IS NULL",
            at,
            reason,
            key_id,
        )

    def _ledger(self, where: str, *params: object) -> LedgerEntry | None:
        row = self._one(LEDGER + where, *params)
        return LedgerEntry(*row) if row else None

    def ledger_by_hash(self, sha256: str) -> LedgerEntry | None:
        """The imported bundle with these bytes (in force or not)."""
        return self._ledger("WHERE sha256 = ?", sha256)

    # The next three read the bundles in force only (``resync_store``): after a resync,
    # the device's bundles it set aside are history, not what the device's chain is now.
    def ledger_entry(self, device_id: str, sequence: int) -> LedgerEntry | None:
        """The imported bundle in force with this device and sequence."""
        return self._ledger(
            f"WHERE device_id = ? AND sequence = ? AND {IN_FORCE}", device_id, sequence
        )

    def nearest_before(self, device_id: str, sequence: int) -> LedgerEntry | None:
        """The highest imported sequence in force below ``sequence`` for the device."""
        return self._ledger(
            f"WHERE device_id = ? AND sequence < ? AND {IN_FORCE} ORDER BY sequence DESC LIMIT 1",
            device_id,
            sequence,
        )

    def last_sequence(self, device_id: str) -> int:
        """The device's highest imported sequence in force, 0 if none."""
        row = self._one(
            "SELECT max(sequence) FROM bundles WHERE device_id = ? AND "  # noqa: S608 - a constant
            + IN_FORCE,
            device_id,
        )
        return int(row[0]) if row and row[0] is not None else 0

    def ledger(self) -> list[LedgerEntry]:
        """Every imported bundle, history too, by device, sequence and epoch."""
        rows = self._rows(LEDGER + f"ORDER BY device_id{self._COLLATE}, sequence, epoch")
        return [LedgerEntry(*row) for row in rows]

    def revision(self, kind: str, record_id: str, revision: int) -> StoredRevision | None:
        """One stored record revision."""
        row = self._one(
            "SELECT kind, record_id, revision, record_sha256 FROM record_revisions "
            "WHERE kind = ? AND record_id = ? AND revision = ?",
            kind,
            record_id,
            revision,
        )
        return StoredRevision(*row) if row else None

    def current(self, kind: str, record_id: str) -> CurrentRecord | None:
        """The current revision of a record and the bundle it came in."""
        row = self._one(
            "SELECT c.kind, c.record_id, c.revision, r.record_sha256, b.device_id, b.sequence "
            "FROM current_records c JOIN record_revisions r USING (kind, record_id, revision) "
            "JOIN bundles b ON b.sha256 = r.bundle_sha256 "
            "WHERE c.kind = ? AND c.record_id = ?",
            kind,
            record_id,
        )
        return CurrentRecord(*row) if row else None

    def owner(self, kind: str, record_id: str) -> str | None:
        """The device the record belongs to; None for a record not held here."""
        row = self._one(
            "SELECT device_id FROM record_owners WHERE kind = ? AND record_id = ?", kind, record_id
        )
        return str(row[0]) if row else None

    def owners(self, kind: str) -> dict[str, str]:
        """``record id -> owning device`` of every record of ``kind``."""
        rows = self._rows("SELECT record_id, device_id FROM record_owners WHERE kind = ?", kind)
        return {str(record_id): str(device) for record_id, device in rows}

    def transfers(self) -> list[RecordTransfer]:
        """Every transfer, oldest first."""
        rows = self._rows(
            "SELECT person_id, from_device_id, to_device_id, record_count, reason, transferred_at "
            "FROM record_transfers ORDER BY transferred_at"
        )
        return [RecordTransfer(*row) for row in rows]

    def audit_hashes(self, device_id: str, first: int, last: int) -> dict[int, tuple[str, str]]:
        """``seq -> (prev_hash, hash)`` of stored entries in ``first..last``."""
        rows = self._rows(
            "SELECT seq, prev_hash, hash FROM audit_entries "
            "WHERE device_id = ? AND seq BETWEEN ? AND ?",
            device_id,
            first,
            last,
        )
        return {int(seq): (prev, hash_) for seq, prev, hash_ in rows}

    def _insert(self, plan: ImportPlan) -> None:
        """Write ``plan``, inside the caller's write transaction."""
        b = plan.ledger
        self._run(
            "INSERT INTO bundles (sha256, bundle_id, device_id, sequence, previous_sha256, "
            "manifest_sha256, key_id, worker, created, imported_at, records, audit_entries, "
            "gap_before, note, epoch) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            b.sha256, b.bundle_id, b.device_id, b.sequence, b.previous_sha256,
            b.manifest_sha256, b.key_id, b.worker, b.created, b.imported_at, b.records,
            b.audit_entries, b.gap_before, b.note, b.epoch,
        )  # fmt: skip
        self._run_many(
            "INSERT INTO record_revisions (kind, record_id, revision, record_sha256, "
            "envelope, device_id, bundle_sha256, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (r.kind, r.record_id, r.revision, r.record_sha256, r.envelope, b.device_id,
                 b.sha256, b.imported_at)
                for r in plan.revisions
            ],
        )  # fmt: skip
        self._run_many(
            "INSERT INTO record_owners (kind, record_id, device_id, since) VALUES (?, ?, ?, ?)",
            [(kind, record_id, b.device_id, b.imported_at) for kind, record_id in plan.owners],
        )
        # In plan order, so the last revision made current wins.
        for r in plan.revisions:
            if r.make_current:
                self._run(
                    "INSERT INTO current_records (kind, record_id, revision) VALUES (?, ?, ?) "
                    "ON CONFLICT (kind, record_id) DO UPDATE SET revision = excluded.revision",
                    r.kind,
                    r.record_id,
                    r.revision,
                )
        self._run_many(
            "INSERT INTO conflicts (kind, record_id, revision, record_sha256, envelope, "
            "reason, office_revision, office_record_sha256, device_id, bundle_sha256, "
            "found_at, owner_device_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (c.kind, c.record_id, c.revision, c.record_sha256, c.envelope, c.reason,
                 c.office_revision, c.office_record_sha256, b.device_id, b.sha256,
                 b.imported_at, c.owner_device_id)
                for c in plan.conflicts
            ],
        )  # fmt: skip
        self._run_many(
            "INSERT INTO audit_entries (device_id, seq, at, actor, action, entity, entity_id, "
            "revision, detail, prev_hash, hash, hash_ok, bundle_sha256) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (b.device_id, a.seq, a.at, a.actor, a.action, a.entity, a.entity_id,
                 a.revision, a.detail, a.prev_hash, a.hash, a.hash_ok, b.sha256)
                for a in plan.audit
            ],
        )  # fmt: skip

    def conflicts(self, bundle_sha256: str | None = None) -> list[ConflictRow]:
        """Every conflict (or those the bundle ``bundle_sha256`` brought), oldest first."""
        select = (
            "SELECT id, kind, record_id, revision, record_sha256, reason, office_revision, "
            "device_id, bundle_sha256, found_at, owner_device_id FROM conflicts "
        )
        if bundle_sha256 is None:
            rows = self._rows(select + "ORDER BY id")
        else:
            rows = self._rows(select + "WHERE bundle_sha256 = ? ORDER BY id", bundle_sha256)
        return [ConflictRow(*row) for row in rows]

    def counts(self) -> OfficeCounts:
        """Totals for ``status``, from one snapshot."""
        row = self._one(
            "SELECT "
            "(SELECT count(DISTINCT device_id) FROM device_keys WHERE revoked_at IS NULL), "
            "(SELECT count(*) FROM device_keys WHERE revoked_at IS NOT NULL), "
            "(SELECT count(*) FROM bundles), "
            "(SELECT count(*) FROM current_records), "
            "(SELECT count(*) FROM record_revisions), "
            "(SELECT count(*) FROM conflicts), "
            "(SELECT count(*) FROM audit_entries), "
            "(SELECT count(*) FROM caseload_people), "
            "(SELECT count(*) FROM pack_queue WHERE pack_sequence IS NULL), "
            "(SELECT count(*) FROM packs), "
            "(SELECT count(*) FROM packs WHERE acknowledged_at IS NULL)"
        )
        assert row is not None
        return OfficeCounts(*(int(value) for value in row))

    def current_records(self, kind: str) -> list[dict[str, Any]]:
        """The record (the envelope's ``record``) of each current revision of ``kind``, by id."""
        return [record for _, record in self.current_envelopes(kind)]

    def current_envelopes(self, kind: str) -> list[tuple[int, dict[str, Any]]]:
        """``(format_version, record)`` of each current revision of ``kind``, by id: the
        bundle format a record came in tells a device before a change from one after.

        A revision the office made after the device's current one (a correction, or a
        conflict decided for the words kept aside) is the record: the device takes it
        and does not send it back, so it would otherwise never be current here."""
        rows = self._rows(
            "SELECT COALESCE((SELECT o.envelope FROM office_revisions o "  # noqa: S608 - _COLLATE is a constant
            "WHERE o.kind = c.kind AND o.record_id = c.record_id AND o.revision > c.revision "
            "ORDER BY o.revision DESC LIMIT 1), r.envelope) FROM current_records c "
            "JOIN record_revisions r USING (kind, record_id, revision) "
            "WHERE c.kind = ? ORDER BY c.record_id" + self._COLLATE,
            kind,
        )
        found = []
        for (text,) in rows:
            envelope = json.loads(text)
            found.append((int(envelope["format_version"]), dict(envelope["record"])))
        return found

    def revision_times(self, kind: str) -> dict[str, str]:
        """``record id -> time`` of the latest revision of each record of ``kind``,
        received (``imported_at``) or made at the office (``made_at``).

        Every revision held counts, not only the current one (one kept as older history
        still arrived then): an export since a date would rather send a person again
        than miss one. Revisions kept aside as conflicts are not held revisions.
        """
        rows = self._rows(
            "SELECT record_id, max(at) FROM ("
            "SELECT record_id, imported_at AS at FROM record_revisions WHERE kind = ? "
            "UNION ALL SELECT record_id, made_at AS at FROM office_revisions WHERE kind = ?"
            ") AS revisions GROUP BY record_id",
            kind,
            kind,
        )
        return {str(record_id): str(at) for record_id, at in rows}

    def add_returned_form(self, form: ReturnedForm) -> bool:
        """Record ``form`` unless its code is already recorded (then False, nothing written).

        Writers take turns (``_write``), so the check and the insert see the same table;
        the primary key on the code is the backstop.
        """
        try:
            with self._write():
                if self._one("SELECT code FROM returned_forms WHERE code = ?", form.code):
                    # Rolled back, not committed: PostgreSQL's change count stays as it was.
                    raise _AlreadyThere
                self._insert_form(form)
        except _AlreadyThere:
            return False
        return True

    def _insert_form(self, form: ReturnedForm) -> None:
        self._run(
            "INSERT INTO returned_forms (code, concern_id, lang, answers, recorded_at) "
            "VALUES (?, ?, ?, ?, ?)",
            form.code,
            form.concern_id,
            form.lang,
            json.dumps(form.answers, sort_keys=True),
            form.recorded_at,
        )

    def returned_forms(self) -> list[ReturnedForm]:
        """Every returned feedback form, by code."""
        rows = self._rows(
            "SELECT code, concern_id, lang, answers, recorded_at FROM returned_forms "  # noqa: S608 - _COLLATE is a constant
            "ORDER BY code" + self._COLLATE
        )
        return [
            ReturnedForm(code, concern_id, lang, dict(json.loads(answers)), recorded_at)
            for code, concern_id, lang, answers, recorded_at in rows
        ]
