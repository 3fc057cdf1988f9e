"""The office database: enrolled devices, the bundle ledger, records and audit entries.

The importer talks to an ``OfficeStore`` (a Protocol), so a PostgreSQL backend can
follow; ``SqliteOfficeStore`` is the one we ship, on the standard library's sqlite3.

Two rules shape this module (S19-S21):

- **A refused bundle leaves the database file byte for byte unchanged.** Opening an
  existing database never writes: no schema creation, no journal-mode switch, no
  persistent PRAGMA (``foreign_keys``, ``synchronous`` and ``busy_timeout`` are per
  connection). The rollback journal (SQLite's default, ``DELETE``) is kept, so reads
  create no ``-wal``/``-shm`` files either. Everything the importer decides is worked
  out from reads; only an accepted bundle opens a write transaction.
- **One bundle, one transaction.** ``apply`` writes the ledger row, the record
  revisions, conflicts and audit entries between ``BEGIN IMMEDIATE`` and ``COMMIT``.
  Because the plan was made outside the write lock, ``apply`` first checks
  ``PRAGMA data_version`` (which changes when another connection commits): if another
  import got in between, it rolls back untouched and the importer plans again.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from msp_desktop.office.db.sqlite_schema import APPLICATION_ID, SCHEMA, SCHEMA_VERSION
from msp_desktop.office.errors import OfficeBusy, OfficeDamaged, OfficeMissing
from msp_desktop.office.files import fsync_directory

__all__ = [
    "AuditRow",
    "ConflictRow",
    "CurrentRecord",
    "DeviceKey",
    "ImportPlan",
    "LedgerEntry",
    "NewConflict",
    "NewRevision",
    "OfficeCounts",
    "OfficeStore",
    "SqliteOfficeStore",
    "StoredRevision",
]

BUSY_TIMEOUT_SECONDS = 30.0


class _StalePlan(Exception):
    """Another connection committed after the plan was made."""


@dataclass(frozen=True)
class DeviceKey:
    """One enrolled device key; a device has at most one active key at a time."""

    key_id: str
    device_id: str
    worker: str
    public_key: str
    enrolled_at: str
    revoked_at: str | None = None
    revoked_reason: str | None = None

    @property
    def active(self) -> bool:
        """Not revoked."""
        return self.revoked_at is None


@dataclass(frozen=True)
class LedgerEntry:
    """One imported bundle (the replay ledger, S21)."""

    sha256: str
    bundle_id: str
    device_id: str
    sequence: int
    previous_sha256: str | None
    manifest_sha256: str
    key_id: str
    worker: str
    created: str
    imported_at: str
    records: int
    audit_entries: int
    gap_before: int
    note: str


@dataclass(frozen=True)
class StoredRevision:
    """A record revision the office holds."""

    kind: str
    record_id: str
    revision: int
    record_sha256: str


@dataclass(frozen=True)
class CurrentRecord:
    """The office's current revision of a record, and the bundle that brought it."""

    kind: str
    record_id: str
    revision: int
    record_sha256: str
    device_id: str
    bundle_sequence: int


@dataclass(frozen=True)
class NewRevision:
    """A record revision to store; ``make_current`` unless it is older history."""

    kind: str
    record_id: str
    revision: int
    record_sha256: str
    envelope: str
    make_current: bool


@dataclass(frozen=True)
class NewConflict:
    """An incoming revision that must not overwrite what the office has."""

    kind: str
    record_id: str
    revision: int
    record_sha256: str
    envelope: str
    reason: str
    office_revision: int | None
    office_record_sha256: str | None


@dataclass(frozen=True)
class AuditRow:
    """One device audit entry as stored; ``hash_ok`` is the office's recomputation."""

    seq: int
    at: str
    actor: str
    action: str
    entity: str
    entity_id: str
    revision: int | None
    detail: str
    prev_hash: str
    hash: str
    hash_ok: bool


@dataclass(frozen=True)
class ImportPlan:
    """Everything one accepted bundle changes, decided before any write."""

    ledger: LedgerEntry
    revisions: Sequence[NewRevision] = field(default_factory=list)
    conflicts: Sequence[NewConflict] = field(default_factory=list)
    audit: Sequence[AuditRow] = field(default_factory=list)


@dataclass(frozen=True)
class ConflictRow:
    """A stored conflict, for ``msp-office conflicts``."""

    id: int
    kind: str
    record_id: str
    revision: int
    record_sha256: str
    reason: str
    office_revision: int | None
    device_id: str
    bundle_sha256: str
    found_at: str


@dataclass(frozen=True)
class OfficeCounts:
    """What ``msp-office status`` counts."""

    devices: int
    revoked_keys: int
    bundles: int
    records: int
    revisions: int
    conflicts: int
    audit_entries: int


class OfficeStore(Protocol):
    """What the importer and the commands need from an office database."""

    def close(self) -> None:
        """Release the database."""

    def change_token(self) -> int:
        """A value that changes whenever another connection commits."""

    def device_keys(self) -> list[DeviceKey]:
        """Every key ever enrolled, revoked ones included, oldest first."""

    def add_device_key(self, key: DeviceKey, enrolment: bytes, *, revoke: str | None) -> None:
        """Enrol ``key`` (revoking the key id ``revoke`` in the same transaction)."""

    def revoke_key(self, key_id: str, *, at: str, reason: str) -> None:
        """Mark a key revoked."""

    def ledger_by_hash(self, sha256: str) -> LedgerEntry | None:
        """The imported bundle with these bytes."""

    def ledger_entry(self, device_id: str, sequence: int) -> LedgerEntry | None:
        """The imported bundle with this device and sequence."""

    def nearest_before(self, device_id: str, sequence: int) -> LedgerEntry | None:
        """The device's imported bundle with the highest sequence below ``sequence``."""

    def last_sequence(self, device_id: str) -> int:
        """The device's highest imported sequence, 0 if none."""

    def ledger(self) -> list[LedgerEntry]:
        """Every imported bundle, by device and sequence."""

    def revision(self, kind: str, record_id: str, revision: int) -> StoredRevision | None:
        """One stored record revision."""

    def current(self, kind: str, record_id: str) -> CurrentRecord | None:
        """The current revision of a record."""

    def audit_hashes(self, device_id: str, first: int, last: int) -> dict[int, tuple[str, str]]:
        """``seq -> (prev_hash, hash)`` of the device's stored entries in ``first..last``."""

    def apply(self, plan: ImportPlan, token: int) -> bool:
        """Import ``plan`` in one transaction; False (nothing written) if ``token`` is stale."""

    def conflicts(self) -> list[ConflictRow]:
        """Every conflict, oldest first."""

    def counts(self) -> OfficeCounts:
        """Totals for ``status``."""

    def current_records(self, kind: str) -> list[dict[str, Any]]:
        """The record of the current revision of every record of ``kind``, ordered by id."""


class SqlOfficeQueries:
    """The queries and the import's inserts, shared by the SQLite and PostgreSQL stores.

    One copy of the SQL, so the two backends cannot drift apart. Written with ``?``
    placeholders (PostgreSQL's store turns them into ``%s``); a backend provides
    ``_rows``, ``_run`` and ``_run_many`` on its connection, ``_write`` (one write
    transaction) and the two ordering details below.
    """

    # Text sorts in byte order on both: SQLite's default, PostgreSQL's "C" collation.
    _COLLATE = ""
    _ENROLLED_ORDER = ""

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

    def device_keys(self) -> list[DeviceKey]:
        """Every key ever enrolled, oldest first."""
        order = f"enrolled_at{self._COLLATE}, {self._ENROLLED_ORDER}"
        rows = self._rows(
            "SELECT key_id, device_id, worker, public_key, enrolled_at, revoked_at, "  # noqa: S608 - order is made of class constants
            "revoked_reason FROM device_keys ORDER BY " + order
        )
        return [DeviceKey(*row) for row in rows]

    def add_device_key(self, key: DeviceKey, enrolment: bytes, *, revoke: str | None) -> None:
        """Enrol ``key``; with ``revoke``, revoke that key id in the same transaction."""
        with self._write():
            if revoke is not None:
                self._revoke(revoke, key.enrolled_at, f"replaced by key {key.key_id}")
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

    _LEDGER = (
        "SELECT sha256, bundle_id, device_id, sequence, previous_sha256, manifest_sha256, "
        "key_id, worker, created, imported_at, records, audit_entries, gap_before, note "
        "FROM bundles "
    )

    def _ledger(self, where: str, *params: object) -> LedgerEntry | None:
        row = self._one(self._LEDGER + where, *params)
        return LedgerEntry(*row) if row else None

    def ledger_by_hash(self, sha256: str) -> LedgerEntry | None:
        """The imported bundle with these bytes."""
        return self._ledger("WHERE sha256 = ?", sha256)

    def ledger_entry(self, device_id: str, sequence: int) -> LedgerEntry | None:
        """The imported bundle with this device and sequence."""
        return self._ledger("WHERE device_id = ? AND sequence = ?", device_id, sequence)

    def nearest_before(self, device_id: str, sequence: int) -> LedgerEntry | None:
        """The highest imported sequence below ``sequence`` for the device."""
        return self._ledger(
            "WHERE device_id = ? AND sequence < ? ORDER BY sequence DESC LIMIT 1",
            device_id,
            sequence,
        )

    def last_sequence(self, device_id: str) -> int:
        """The device's highest imported sequence, 0 if none."""
        row = self._one("SELECT max(sequence) FROM bundles WHERE device_id = ?", device_id)
        return int(row[0]) if row and row[0] is not None else 0

    def ledger(self) -> list[LedgerEntry]:
        """Every imported bundle."""
        rows = self._rows(self._LEDGER + f"ORDER BY device_id{self._COLLATE}, sequence")
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
            "gap_before, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            b.sha256, b.bundle_id, b.device_id, b.sequence, b.previous_sha256,
            b.manifest_sha256, b.key_id, b.worker, b.created, b.imported_at, b.records,
            b.audit_entries, b.gap_before, b.note,
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
            "found_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (c.kind, c.record_id, c.revision, c.record_sha256, c.envelope, c.reason,
                 c.office_revision, c.office_record_sha256, b.device_id, b.sha256,
                 b.imported_at)
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

    def conflicts(self) -> list[ConflictRow]:
        """Every conflict, oldest first."""
        rows = self._rows(
            "SELECT id, kind, record_id, revision, record_sha256, reason, office_revision, "
            "device_id, bundle_sha256, found_at FROM conflicts ORDER BY id"
        )
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
            "(SELECT count(*) FROM audit_entries)"
        )
        assert row is not None
        return OfficeCounts(*(int(value) for value in row))

    def current_records(self, kind: str) -> list[dict[str, Any]]:
        """The record (the envelope's ``record``) of each current revision of ``kind``, by id."""
        rows = self._rows(
            "SELECT r.envelope FROM current_records c "  # noqa: S608 - _COLLATE is a constant
            "JOIN record_revisions r USING (kind, record_id, revision) "
            "WHERE c.kind = ? ORDER BY c.record_id" + self._COLLATE,
            kind,
        )
        return [dict(json.loads(envelope)["record"]) for (envelope,) in rows]


def _connect(path: Path, *, read_only: bool) -> sqlite3.Connection:
    uri = path.resolve().as_uri() + ("?mode=ro" if read_only else "?mode=rw")
    try:
        # isolation_level=None: no implicit BEGIN; every transaction below is explicit.
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_SECONDS)
    except sqlite3.OperationalError:
        raise OfficeMissing(
            f"There is no office database at {path}; create an office with: msp-office init"
        ) from None
    return conn


class SqliteOfficeStore(SqlOfficeQueries):
    """``OfficeStore`` on one SQLite file (rollback journal, synchronous FULL)."""

    _ENROLLED_ORDER = "rowid"  # the order keys were enrolled in, within one second

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path

    @classmethod
    def create(cls, path: Path) -> None:
        """Create a new, empty database at ``path`` (which must not exist).

        Made under a temporary name and renamed into place, so an interrupted ``init``
        never leaves a half-made database where the office expects one.
        """
        tmp = path.with_name(f".{path.name}.creating")
        tmp.unlink(missing_ok=True)
        # Owner-only from the first byte; SQLite gives its journal the same mode.
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            conn.executescript(
                f"BEGIN;\n{SCHEMA}\nPRAGMA application_id = {APPLICATION_ID};\n"
                f"PRAGMA user_version = {SCHEMA_VERSION};\nCOMMIT;"
            )
        finally:
            conn.close()
        tmp.replace(path)
        fsync_directory(path.parent)

    @classmethod
    def open(cls, path: Path, *, read_only: bool = False) -> SqliteOfficeStore:
        """Open an existing database; reads only, so the file is not changed by opening."""
        if not path.is_file():
            raise OfficeMissing(
                f"There is no office database at {path}; create an office with: msp-office init"
            )
        conn = _connect(path, read_only=read_only)
        try:
            # Per-connection settings only: neither is stored in the file.
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = FULL")
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError:
            conn.close()
            raise OfficeDamaged(f"{path} is not an office database.") from None
        if app_id != APPLICATION_ID:
            conn.close()
            raise OfficeDamaged(f"{path} is not an office database.")
        if version != SCHEMA_VERSION:
            conn.close()
            raise OfficeDamaged(
                f"{path} has database version {version}; this msp-office reads version "
                f"{SCHEMA_VERSION}. Use the msp-office that made it."
            )
        return cls(conn, path)

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    def __enter__(self) -> SqliteOfficeStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise OfficeBusy(
                    "Another msp-office is writing to the office database; try again shortly."
                ) from None
            raise
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def _rows(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        return self._conn.execute(sql, params).fetchall()

    def _run(self, sql: str, *params: object) -> None:
        self._conn.execute(sql, params)

    def _run_many(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        self._conn.executemany(sql, rows)

    def change_token(self) -> int:
        """``PRAGMA data_version``: changes when another connection commits."""
        row = self._one("PRAGMA data_version")
        assert row is not None
        return int(row[0])

    def apply(self, plan: ImportPlan, token: int) -> bool:
        """Import ``plan`` in one transaction, unless another import committed since ``token``."""
        try:
            with self._write():
                if self.change_token() != token:
                    raise _StalePlan  # nothing written yet: the rollback changes nothing
                self._insert(plan)
        except _StalePlan:
            return False
        return True
