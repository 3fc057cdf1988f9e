"""The office database on PostgreSQL: ``OfficeStore`` on psycopg 3.

The same tables and constraints as the SQLite backend (``postgres_schema``), the
same rules (``database``'s docstring), and these choices for a server that many
``msp-office`` processes may use at once:

- **Reads are single statements in autocommit**, as on SQLite: ``Importer.check``
  plans from reads and takes no lock, so a slow plan never holds up other imports.
- **Writers take turns on one row.** Every write transaction first locks the one
  row of ``office_lock`` (``SELECT ... FOR UPDATE``), the counterpart of SQLite's
  ``BEGIN IMMEDIATE``, and adds one to its ``change_count`` before committing. The
  count is the change token: ``apply(plan, token)`` compares it, under the lock,
  with the token the plan was made at, so a plan made before another writer
  committed is rolled back untouched and the importer plans again. Under READ
  COMMITTED the locking ``SELECT`` returns the newest committed row once the lock is
  granted, and every later statement of the transaction sees every commit made
  before it: no SERIALIZABLE retries are needed, because writers never overlap.
- **The constraints are the last word.** ``bundles`` is keyed by the bundle hash and
  (device, sequence) is unique, so even a writer that ignored the lock could not
  import a bundle twice: a unique violation rolls the transaction back and is
  treated as a lost race (``apply`` returns False; the importer plans again and
  finds the bundle already imported, or refuses the replay).
- **Read-only opening** (verify, lists, status) sets
  ``default_transaction_read_only``, so the server itself refuses any write.
- Opening never writes: a missing or foreign schema is reported, not created.
- Text is sorted ``COLLATE "C"`` (by code point), as SQLite sorts it, whatever the
  server's locale.

PostgreSQL text cannot hold the NUL character, which a JSON string may spell
``\\u0000``; a bundle whose audit entries carry one is refused before anything is
written rather than failing inside the transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg.conninfo import conninfo_to_dict

from msp_desktop.bundles import ContentRejected
from msp_desktop.errors import InvalidInput
from msp_desktop.office.database import (
    ConflictRow,
    CurrentRecord,
    DeviceKey,
    ImportPlan,
    LedgerEntry,
    OfficeCounts,
    StoredRevision,
)
from msp_desktop.office.errors import OfficeBusy, OfficeDamaged, OfficeExists, OfficeMissing
from msp_desktop.office.postgres_schema import (
    APPLICATION_ID,
    OFFICE_TABLES,
    SCHEMA_STATEMENTS,
    SCHEMA_VERSION,
)

__all__ = ["PostgresOfficeStore", "describe_url"]

LOCK_TIMEOUT = "30s"
"""How long a writer waits for another to finish before ``OfficeBusy`` (SQLite: 30 s)."""
CONNECT_TIMEOUT_SECONDS = 10

Connection = psycopg.Connection[tuple[Any, ...]]


class _StalePlan(Exception):
    """Another connection committed after the plan was made."""


def _params(url: str) -> dict[str, Any]:
    try:
        return conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        raise InvalidInput(
            "The database URL is not a valid postgresql:// URL "
            "(postgresql://USER@HOST:PORT/DATABASE)."
        ) from None


def describe_url(url: str) -> str:
    """``database office on db.example:5432``: the URL without user or password."""
    params = _params(url)
    host = str(params.get("host") or "localhost")
    port = params.get("port")
    where = f"{host}:{port}" if port and not host.startswith("/") else host
    return f"PostgreSQL database {params.get('dbname') or '(default)'} on {where}"


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0].rstrip(".") if lines else type(exc).__name__


def _connect(url: str) -> Connection:
    params = _params(url)
    extra: dict[str, Any] = {}
    if "connect_timeout" not in params:
        extra["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
    if "application_name" not in params:
        extra["application_name"] = "msp-office"
    try:
        conn: Connection = psycopg.connect(url, autocommit=True, **extra)
    except psycopg.OperationalError as exc:
        raise OfficeMissing(
            f"Cannot connect to the office's {describe_url(url)}: {_first_line(exc)}."
        ) from None
    # Whatever the server's default: the office lock relies on READ COMMITTED (above).
    conn.isolation_level = psycopg.IsolationLevel.READ_COMMITTED
    return conn


def _office_tables(conn: Connection) -> set[str]:
    rows = conn.execute(
        "SELECT c.relname FROM pg_catalog.pg_class c "
        "WHERE c.relkind IN ('r', 'p') AND c.relname = ANY(%s) "
        "AND pg_catalog.pg_table_is_visible(c.oid)",
        (list(OFFICE_TABLES),),
    ).fetchall()
    return {str(name) for (name,) in rows}


def _refuse_existing(conn: Connection, url: str) -> None:
    found = _office_tables(conn)
    if "schema_version" in found:
        raise OfficeExists(
            f"The {describe_url(url)} already holds an office database; "
            "use an empty database for a new office."
        )
    if found:
        raise OfficeExists(
            f"The {describe_url(url)} already has tables named like the office's "
            f"({', '.join(sorted(found))}); use an empty database for a new office."
        )


class PostgresOfficeStore:
    """``OfficeStore`` on a PostgreSQL database (one connection, autocommit reads)."""

    def __init__(self, conn: Connection, url: str) -> None:
        self._conn = conn
        self.url = url

    describe = staticmethod(describe_url)

    @classmethod
    def check_creatable(cls, url: str) -> None:
        """Refuse before anything is made if the database cannot take a new office."""
        conn = _connect(url)
        try:
            _refuse_existing(conn, url)
        finally:
            conn.close()

    @classmethod
    def create(cls, url: str) -> None:
        """Make the office tables in an existing, empty database, in one transaction."""
        conn = _connect(url)
        try:
            _refuse_existing(conn, url)
            with conn.transaction():
                for statement in SCHEMA_STATEMENTS:
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_version (application_id, version) VALUES (%s, %s)",
                    (APPLICATION_ID, SCHEMA_VERSION),
                )
                conn.execute("INSERT INTO office_lock (change_count) VALUES (0)")
        except (pg_errors.DuplicateTable, pg_errors.DuplicateObject, pg_errors.UniqueViolation):
            # Another init got there between the check and the transaction.
            raise OfficeExists(
                f"The {describe_url(url)} already holds an office database."
            ) from None
        finally:
            conn.close()

    @classmethod
    def open(cls, url: str, *, read_only: bool = False) -> PostgresOfficeStore:
        """Connect and check the schema; reads only, so opening changes nothing."""
        conn = _connect(url)
        try:
            # Session settings only: nothing is stored in the database.
            conn.execute("SELECT pg_catalog.set_config('lock_timeout', %s, false)", (LOCK_TIMEOUT,))
            if read_only:
                conn.execute("SET default_transaction_read_only = on")
            if "schema_version" not in _office_tables(conn):
                raise OfficeMissing(
                    f"There is no office database in the {describe_url(url)}; create an "
                    "office with: msp-office init --db URL"
                )
            row = conn.execute("SELECT application_id, version FROM schema_version").fetchone()
        except BaseException:
            conn.close()
            raise
        if row is None or int(row[0]) != APPLICATION_ID:
            conn.close()
            raise OfficeDamaged(f"The {describe_url(url)} is not an office database.")
        version = int(row[1])
        if version != SCHEMA_VERSION:
            conn.close()
            raise OfficeDamaged(
                f"The {describe_url(url)} has database version {version}; this msp-office "
                f"reads version {SCHEMA_VERSION}. Use the msp-office that made it."
            )
        return cls(conn, url)

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    def __enter__(self) -> PostgresOfficeStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[int]:
        """One write transaction holding the office lock; yields the change count."""
        try:
            with self._conn.transaction():
                row = self._conn.execute(
                    "SELECT change_count FROM office_lock FOR UPDATE"
                ).fetchone()
                if row is None:
                    raise OfficeDamaged(f"The {describe_url(self.url)} has no office lock row.")
                yield int(row[0])
                self._conn.execute("UPDATE office_lock SET change_count = change_count + 1")
        except pg_errors.LockNotAvailable:
            raise OfficeBusy(
                "Another msp-office is writing to the office database; try again shortly."
            ) from None

    def _one(self, sql: str, *params: object) -> tuple[Any, ...] | None:
        return self._conn.execute(sql, params).fetchone()

    def change_token(self) -> int:
        """``office_lock.change_count``: one more with every committed write."""
        row = self._one("SELECT change_count FROM office_lock")
        if row is None:
            raise OfficeDamaged(f"The {describe_url(self.url)} has no office lock row.")
        return int(row[0])

    def device_keys(self) -> list[DeviceKey]:
        """Every key ever enrolled, oldest first."""
        rows = self._conn.execute(
            "SELECT key_id, device_id, worker, public_key, enrolled_at, revoked_at, "
            'revoked_reason FROM device_keys ORDER BY enrolled_at COLLATE "C", enrolled_order'
        ).fetchall()
        return [DeviceKey(*row) for row in rows]

    def add_device_key(self, key: DeviceKey, enrolment: bytes, *, revoke: str | None) -> None:
        """Enrol ``key``; with ``revoke``, revoke that key id in the same transaction."""
        with self._write():
            if revoke is not None:
                self._conn.execute(
                    "UPDATE device_keys SET revoked_at = %s, revoked_reason = %s "
                    "WHERE key_id = %s AND revoked_at IS NULL",
                    (key.enrolled_at, f"replaced by key {key.key_id}", revoke),
                )
            self._conn.execute(
                "INSERT INTO device_keys (key_id, device_id, worker, public_key, enrolment, "
                "enrolled_at) VALUES (%s, %s, %s, %s, %s, %s)",
                (
                    key.key_id,
                    key.device_id,
                    key.worker,
                    key.public_key,
                    enrolment.decode("utf-8"),
                    key.enrolled_at,
                ),
            )

    def revoke_key(self, key_id: str, *, at: str, reason: str) -> None:
        """Mark ``key_id`` revoked at ``at`` for ``reason``."""
        with self._write():
            self._conn.execute(
                "UPDATE device_keys SET revoked_at = %s, revoked_reason = %s "
                "WHERE key_id = %s AND revoked_at IS NULL",
                (at, reason, key_id),
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
        return self._ledger("WHERE sha256 = %s", sha256)

    def ledger_entry(self, device_id: str, sequence: int) -> LedgerEntry | None:
        """The imported bundle with this device and sequence."""
        return self._ledger("WHERE device_id = %s AND sequence = %s", device_id, sequence)

    def nearest_before(self, device_id: str, sequence: int) -> LedgerEntry | None:
        """The highest imported sequence below ``sequence`` for the device."""
        return self._ledger(
            "WHERE device_id = %s AND sequence < %s ORDER BY sequence DESC LIMIT 1",
            device_id,
            sequence,
        )

    def last_sequence(self, device_id: str) -> int:
        """The device's highest imported sequence, 0 if none."""
        row = self._one("SELECT max(sequence) FROM bundles WHERE device_id = %s", device_id)
        return int(row[0]) if row and row[0] is not None else 0

    def ledger(self) -> list[LedgerEntry]:
        """Every imported bundle."""
        rows = self._conn.execute(
            self._LEDGER + 'ORDER BY device_id COLLATE "C", sequence'
        ).fetchall()
        return [LedgerEntry(*row) for row in rows]

    def revision(self, kind: str, record_id: str, revision: int) -> StoredRevision | None:
        """One stored record revision."""
        row = self._one(
            "SELECT kind, record_id, revision, record_sha256 FROM record_revisions "
            "WHERE kind = %s AND record_id = %s AND revision = %s",
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
            "WHERE c.kind = %s AND c.record_id = %s",
            kind,
            record_id,
        )
        return CurrentRecord(*row) if row else None

    def audit_hashes(self, device_id: str, first: int, last: int) -> dict[int, tuple[str, str]]:
        """``seq -> (prev_hash, hash)`` of stored entries in ``first..last``."""
        rows = self._conn.execute(
            "SELECT seq, prev_hash, hash FROM audit_entries "
            "WHERE device_id = %s AND seq BETWEEN %s AND %s",
            (device_id, first, last),
        ).fetchall()
        return {int(seq): (prev, hash_) for seq, prev, hash_ in rows}

    def apply(self, plan: ImportPlan, token: int) -> bool:
        """Import ``plan`` in one transaction, unless another import committed since ``token``.

        False, with nothing written, when the plan is stale: another writer committed
        after ``token`` was read, or (the constraints' backstop) the ledger or a
        revision it adds is already there, or the server reports another writer in
        the way (a serialization failure or deadlock, which the lock should prevent).
        """
        _refuse_nul(plan)
        try:
            with self._write() as count:
                if count != token:
                    raise _StalePlan  # nothing written yet: the rollback changes nothing
                self._insert(plan)
        except (_StalePlan, pg_errors.UniqueViolation, pg_errors.SerializationFailure,
                pg_errors.DeadlockDetected):  # fmt: skip
            return False
        return True

    def _insert(self, plan: ImportPlan) -> None:
        b = plan.ledger
        conn = self._conn
        conn.execute(
            "INSERT INTO bundles (sha256, bundle_id, device_id, sequence, previous_sha256, "
            "manifest_sha256, key_id, worker, created, imported_at, records, audit_entries, "
            "gap_before, note) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (
                b.sha256, b.bundle_id, b.device_id, b.sequence, b.previous_sha256,
                b.manifest_sha256, b.key_id, b.worker, b.created, b.imported_at, b.records,
                b.audit_entries, b.gap_before, b.note,
            ),
        )  # fmt: skip
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO record_revisions (kind, record_id, revision, record_sha256, "
                "envelope, device_id, bundle_sha256, imported_at) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    (r.kind, r.record_id, r.revision, r.record_sha256, r.envelope, b.device_id,
                     b.sha256, b.imported_at)
                    for r in plan.revisions
                ],
            )  # fmt: skip
            # In plan order, so the last revision made current wins, as on SQLite.
            for r in plan.revisions:
                if r.make_current:
                    cur.execute(
                        "INSERT INTO current_records (kind, record_id, revision) "
                        "VALUES (%s, %s, %s) ON CONFLICT (kind, record_id) "
                        "DO UPDATE SET revision = excluded.revision",
                        (r.kind, r.record_id, r.revision),
                    )
            cur.executemany(
                "INSERT INTO conflicts (kind, record_id, revision, record_sha256, envelope, "
                "reason, office_revision, office_record_sha256, device_id, bundle_sha256, "
                "found_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    (c.kind, c.record_id, c.revision, c.record_sha256, c.envelope, c.reason,
                     c.office_revision, c.office_record_sha256, b.device_id, b.sha256,
                     b.imported_at)
                    for c in plan.conflicts
                ],
            )  # fmt: skip
            cur.executemany(
                "INSERT INTO audit_entries (device_id, seq, at, actor, action, entity, "
                "entity_id, revision, detail, prev_hash, hash, hash_ok, bundle_sha256) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    (b.device_id, a.seq, a.at, a.actor, a.action, a.entity, a.entity_id,
                     a.revision, a.detail, a.prev_hash, a.hash, a.hash_ok, b.sha256)
                    for a in plan.audit
                ],
            )  # fmt: skip

    def conflicts(self) -> list[ConflictRow]:
        """Every conflict, oldest first."""
        rows = self._conn.execute(
            "SELECT id, kind, record_id, revision, record_sha256, reason, office_revision, "
            "device_id, bundle_sha256, found_at FROM conflicts ORDER BY id"
        ).fetchall()
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
        rows = self._conn.execute(
            "SELECT r.envelope FROM current_records c "
            "JOIN record_revisions r USING (kind, record_id, revision) "
            'WHERE c.kind = %s ORDER BY c.record_id COLLATE "C"',
            (kind,),
        ).fetchall()
        return [dict(json.loads(envelope)["record"]) for (envelope,) in rows]


def _refuse_nul(plan: ImportPlan) -> None:
    """PostgreSQL text cannot hold NUL; say so before the transaction, not inside it."""
    for a in plan.audit:
        if any("\x00" in text for text in (a.at, a.actor, a.action, a.entity, a.entity_id,
                                             a.detail, a.prev_hash)):  # fmt: skip
            raise ContentRejected(
                f"Audit entry {a.seq} contains a NUL character, which the office's "
                "PostgreSQL database cannot store."
            )
