"""The PostgreSQL schema of the office database: ``sqlite_schema``'s tables, translated.

The tables, keys and constraints are the SQLite schema's (see ``sqlite_schema`` for what
each table holds), so the same constraints stop the same mistakes on both backends:
``bundles`` is keyed by the bundle's SHA-256 and (device, epoch, sequence) is unique, record
revisions are keyed (kind, id, revision), audit entries (device, seq). Translations:

- every integer is ``BIGINT`` (SQLite integers are 64-bit; sequences reach 2^53);
- ``audit_entries.hash_ok`` is a ``BOOLEAN``;
- ``conflicts.id`` and ``pack_queue.id`` are identity columns, and
  ``device_keys.enrolled_order`` one too, standing in for SQLite's ``rowid`` so keys
  enrolled in the same second keep their order.

Two small tables have no SQLite counterpart:

- ``schema_version``: one row, ``application_id`` (the same "MSPO" number SQLite keeps
  in ``PRAGMA application_id``) and ``version`` (``PRAGMA user_version``).
- ``office_lock``: one row, ``change_count``. Every write transaction locks this row
  (``SELECT ... FOR UPDATE``) first and adds one to the count before it commits, so
  writers take turns as under SQLite's ``BEGIN IMMEDIATE``, and the count is the
  change token that ``PRAGMA data_version`` is on SQLite.

``tests/unit/office/test_schema_agreement.py`` makes both schemas and compares what
each database reports (columns, types, NOT NULL, defaults, keys, constraints, indexes,
version), allowing only the differences above: change one, and change the other.
"""

from __future__ import annotations

import re

from msp_desktop.office.db.sqlite_schema import (
    APPLICATION_ID,
    CASELOAD,
    CASELOAD_V6,
    CHANGES,
    DEVICE_RESYNCS,
    LOST_DEVICE_KEYS,
    OWNERSHIP,
    OWNERSHIP_FILL,
    RECORD_KINDS,
    RETURNED_FORMS,
    SCHEMA_VERSION,
    SHARED_CASES,
)

__all__ = ["APPLICATION_ID", "OFFICE_TABLES", "SCHEMA_STATEMENTS", "SCHEMA_VERSION", "UPGRADES"]

# record_owners and record_transfers, with every integer a BIGINT as above.
_OWNERSHIP = tuple(statement.replace(" INTEGER ", " BIGINT ") for statement in OWNERSHIP)


def _translated(statements: tuple[str, ...]) -> tuple[str, ...]:
    """SQLite's statements with every integer a BIGINT and ``pack_queue.id`` an identity
    column, as ``conflicts.id``."""
    return tuple(
        re.sub(
            r"\bINTEGER\b",
            "BIGINT",
            statement.replace(
                "\n    id INTEGER PRIMARY KEY",
                "\n    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
            ),
        )
        for statement in statements
    )


# The caseload tables (today's, and as version 6 made them) and the shared cases.
_CASELOAD = _translated(CASELOAD)
_CASELOAD_V6 = _translated(CASELOAD_V6)
_SHARED_CASES = _translated(SHARED_CASES)
_DEVICE_RESYNCS = _translated((DEVICE_RESYNCS,))

SCHEMA_STATEMENTS: tuple[str, ...] = (
    """
    CREATE TABLE schema_version (
        one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
        application_id BIGINT NOT NULL,
        version BIGINT NOT NULL
    )
    """,
    """
    CREATE TABLE office_lock (
        one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
        change_count BIGINT NOT NULL DEFAULT 0
    )
    """,
    """
    CREATE TABLE device_keys (
        key_id TEXT PRIMARY KEY,
        device_id TEXT NOT NULL,
        worker TEXT NOT NULL,
        public_key TEXT NOT NULL,
        enrolment TEXT NOT NULL,
        enrolled_at TEXT NOT NULL,
        revoked_at TEXT,
        revoked_reason TEXT,
        enrolled_order BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE
    )
    """,
    """
    CREATE UNIQUE INDEX device_keys_one_active ON device_keys (device_id)
        WHERE revoked_at IS NULL
    """,
    """
    CREATE TABLE bundles (
        sha256 TEXT PRIMARY KEY,
        bundle_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        sequence BIGINT NOT NULL CHECK (sequence >= 1),
        previous_sha256 TEXT,
        manifest_sha256 TEXT NOT NULL,
        key_id TEXT NOT NULL REFERENCES device_keys (key_id),
        worker TEXT NOT NULL,
        created TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        records BIGINT NOT NULL,
        audit_entries BIGINT NOT NULL,
        gap_before BIGINT NOT NULL DEFAULT 0,
        note TEXT NOT NULL DEFAULT '',
        epoch BIGINT NOT NULL DEFAULT 0 CHECK (epoch >= 0),
        UNIQUE (device_id, epoch, sequence)
    )
    """,
    """
    CREATE TABLE record_revisions (
        kind TEXT NOT NULL CHECK (kind IN """
    + RECORD_KINDS
    + """),
        record_id TEXT NOT NULL,
        revision BIGINT NOT NULL CHECK (revision >= 1),
        record_sha256 TEXT NOT NULL,
        envelope TEXT NOT NULL,
        device_id TEXT NOT NULL,
        bundle_sha256 TEXT NOT NULL REFERENCES bundles (sha256),
        imported_at TEXT NOT NULL,
        PRIMARY KEY (kind, record_id, revision)
    )
    """,
    """
    CREATE TABLE current_records (
        kind TEXT NOT NULL,
        record_id TEXT NOT NULL,
        revision BIGINT NOT NULL,
        PRIMARY KEY (kind, record_id),
        FOREIGN KEY (kind, record_id, revision)
            REFERENCES record_revisions (kind, record_id, revision)
    )
    """,
    """
    CREATE TABLE conflicts (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        kind TEXT NOT NULL,
        record_id TEXT NOT NULL,
        revision BIGINT NOT NULL,
        record_sha256 TEXT NOT NULL,
        envelope TEXT NOT NULL,
        reason TEXT NOT NULL,
        office_revision BIGINT,
        office_record_sha256 TEXT,
        device_id TEXT NOT NULL,
        bundle_sha256 TEXT NOT NULL REFERENCES bundles (sha256),
        found_at TEXT NOT NULL,
        owner_device_id TEXT
    )
    """,
    """
    CREATE TABLE audit_entries (
        device_id TEXT NOT NULL,
        seq BIGINT NOT NULL,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        entity TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        revision BIGINT,
        detail TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL,
        hash_ok BOOLEAN NOT NULL,
        bundle_sha256 TEXT NOT NULL REFERENCES bundles (sha256),
        PRIMARY KEY (device_id, seq)
    )
    """,
    # The same statement as SQLite's: text columns only, nothing to translate.
    RETURNED_FORMS,
    *_OWNERSHIP,
    LOST_DEVICE_KEYS,
    *_CASELOAD,
    *_SHARED_CASES,
    *_DEVICE_RESYNCS,
)

UPGRADES: dict[int, tuple[str, ...]] = {
    # The column's CHECK has PostgreSQL's default name, <table>_<column>_check.
    2: (
        "ALTER TABLE record_revisions DROP CONSTRAINT record_revisions_kind_check",
        "ALTER TABLE record_revisions ADD CONSTRAINT record_revisions_kind_check "
        f"CHECK (kind IN {RECORD_KINDS})",
    ),
    3: (RETURNED_FORMS,),
    4: (
        "ALTER TABLE conflicts ADD COLUMN owner_device_id TEXT",
        *_OWNERSHIP,
        *OWNERSHIP_FILL,
    ),
    5: (LOST_DEVICE_KEYS,),
    6: _CASELOAD_V6,
    # pack_queue.change's CHECK has the default name too; the rows (and ids) stay put.
    7: (
        "ALTER TABLE pack_queue DROP CONSTRAINT pack_queue_change_check",
        "ALTER TABLE pack_queue ADD CONSTRAINT pack_queue_change_check "
        f"CHECK (change IN {CHANGES})",
        *_SHARED_CASES,
    ),
    # The new column comes last, as in a new database; the unique pair's constraint has
    # the default name <table>_<columns>_key, and every row already held is in epoch 0.
    8: (
        "ALTER TABLE bundles ADD COLUMN epoch BIGINT NOT NULL DEFAULT 0 CHECK (epoch >= 0)",
        "ALTER TABLE bundles DROP CONSTRAINT bundles_device_id_sequence_key",
        "ALTER TABLE bundles ADD CONSTRAINT bundles_device_id_epoch_sequence_key "
        "UNIQUE (device_id, epoch, sequence)",
        *_DEVICE_RESYNCS,
    ),
}
"""The statements that take a database from version n - 1 to version n (``sqlite_schema``
says what each version changed)."""

OFFICE_TABLES: tuple[str, ...] = (
    "schema_version",
    "office_lock",
    "device_keys",
    "bundles",
    "record_revisions",
    "current_records",
    "conflicts",
    "audit_entries",
    "returned_forms",
    "record_owners",
    "record_transfers",
    "lost_device_keys",
    "office_revisions",
    "caseload_people",
    "caseload_concerns",
    "pack_queue",
    "packs",
    "conflict_decisions",
    "shared_cases",
    "shared_records",
    "device_resyncs",
)
"""Every table of the schema, in the order they are created."""
