"""The SQLite schema of the office database, version 1 (``PRAGMA user_version``).

Tables:

- ``device_keys``: every device key ever enrolled; revoked keys stay (with when and
  why) so a key id can never be enrolled twice and old bundles stay attributable. At
  most one active key per device (partial unique index).
- ``bundles``: the replay ledger (S21), keyed by the SHA-256 of the bundle bytes,
  with (device, sequence) unique. ``gap_before`` counts the device's sequences
  missing just before this bundle when it arrived; ``note`` holds what was reported
  (gaps, late arrival, hash chain breaks).
- ``record_revisions``: every record revision received, keyed (kind, id, revision),
  with the envelope exactly as it travelled; ``current_records``: the office's
  current revision of each record.
- ``conflicts``: incoming revisions that were not allowed to overwrite the office's
  data, kept whole for a person to resolve.
- ``audit_entries``: each device's audit chain, ``hash_ok`` being the office's own
  recomputation of the entry's hash.

The PostgreSQL schema (``postgres_schema``) is this one translated; a test compares
the two as their databases report them, so a change here needs one there too.
"""

from __future__ import annotations

__all__ = ["APPLICATION_ID", "SCHEMA", "SCHEMA_VERSION"]

SCHEMA_VERSION = 1
APPLICATION_ID = 0x4D53504F  # "MSPO": marks the file as an MSP office database

SCHEMA = """
CREATE TABLE device_keys (
    key_id TEXT PRIMARY KEY,
    device_id TEXT NOT NULL,
    worker TEXT NOT NULL,
    public_key TEXT NOT NULL,
    enrolment TEXT NOT NULL,
    enrolled_at TEXT NOT NULL,
    revoked_at TEXT,
    revoked_reason TEXT
);
CREATE UNIQUE INDEX device_keys_one_active ON device_keys (device_id)
    WHERE revoked_at IS NULL;

CREATE TABLE bundles (
    sha256 TEXT PRIMARY KEY,
    bundle_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    sequence INTEGER NOT NULL CHECK (sequence >= 1),
    previous_sha256 TEXT,
    manifest_sha256 TEXT NOT NULL,
    key_id TEXT NOT NULL REFERENCES device_keys (key_id),
    worker TEXT NOT NULL,
    created TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    records INTEGER NOT NULL,
    audit_entries INTEGER NOT NULL,
    gap_before INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    UNIQUE (device_id, sequence)
);

CREATE TABLE record_revisions (
    kind TEXT NOT NULL CHECK (kind IN ('person', 'concern', 'visit')),
    record_id TEXT NOT NULL,
    revision INTEGER NOT NULL CHECK (revision >= 1),
    record_sha256 TEXT NOT NULL,
    envelope TEXT NOT NULL,
    device_id TEXT NOT NULL,
    bundle_sha256 TEXT NOT NULL REFERENCES bundles (sha256),
    imported_at TEXT NOT NULL,
    PRIMARY KEY (kind, record_id, revision)
);

CREATE TABLE current_records (
    kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    PRIMARY KEY (kind, record_id),
    FOREIGN KEY (kind, record_id, revision)
        REFERENCES record_revisions (kind, record_id, revision)
);

CREATE TABLE conflicts (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    record_sha256 TEXT NOT NULL,
    envelope TEXT NOT NULL,
    reason TEXT NOT NULL,
    office_revision INTEGER,
    office_record_sha256 TEXT,
    device_id TEXT NOT NULL,
    bundle_sha256 TEXT NOT NULL REFERENCES bundles (sha256),
    found_at TEXT NOT NULL
);

CREATE TABLE audit_entries (
    device_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    revision INTEGER,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    hash_ok INTEGER NOT NULL,
    bundle_sha256 TEXT NOT NULL REFERENCES bundles (sha256),
    PRIMARY KEY (device_id, seq)
);
"""
